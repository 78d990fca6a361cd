"""``archive-tool notice ...``: record lifecycle events (第五条–第八条) after checking them."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ToolkitError
from .base import cli, user_errors


def parse_day(value: str, option: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ToolkitError(f"{option} 应为日期 YYYY-MM-DD，实为「{value}」") from None


def parse_moment(value: str, option: str):
    from datetime import datetime

    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ToolkitError(f"{option} 应为 YYYY-MM-DD HH:MM，实为「{value}」") from None


def content_option(function):
    return click.option(
        "--content",
        "content_root",
        default="content",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="网站群内容目录。",
    )(function)


@cli.group()
def notice():
    """记录网站开通、临时下线、恢复上线、永久下线/迁移和域名变更，并按《管理办法》检查。

    记录写入 content/<站点ID>/notices/，每次构建都会重新检查并在规定位置、规定时间内显示公告。

    \b
    示例：
      archive-tool notice offline fgw --start "2026-12-01 08:00" --end "2026-12-01 20:00" \\
          --reason 机房电力改造 --reported 2026-11-28
    """


def record_notice(content_root: Path, site_id: str, kind: str, data: dict, day) -> None:
    """Check a new record against the rules as of today; write it only if none is broken."""
    from ..lifecycle.recording import record_notice as record

    path = record(content_root, site_id, kind, data, day)
    click.echo(f"已记录：{path}", err=True)


@notice.command("open")
@click.argument("site")
@click.option("--approved", required=True, help="批准开办日期 YYYY-MM-DD。")
@click.option("--online", required=True, help="上线日期 YYYY-MM-DD（批准后 90 日内）。")
@content_option
@user_errors
def notice_open(site, approved, online, content_root):
    """开通：主站发布开通公告不少于 30 日（第五条（二）（三））。

    \b
    示例：
      archive-tool notice open sjj --approved 2026-09-01 --online 2026-11-20
    """
    online_day = parse_day(online, "--online")
    record_notice(
        content_root,
        site,
        "open",
        {"approved": parse_day(approved, "--approved"), "online": online_day},
        online_day,
    )


@notice.command("offline")
@click.argument("site")
@click.option("--start", required=True, help="下线时间 YYYY-MM-DD HH:MM。")
@click.option("--end", required=True, help="预计恢复时间 YYYY-MM-DD HH:MM。")
@click.option("--reason", required=True, help="下线原因。")
@click.option("--reported", help="书面报备日期（不超过 24 小时，须在下线前）。")
@click.option("--approval", help="省政府办公厅同意的文号（超过 24 小时）。")
@click.option("--force-majeure", is_flag=True, help="不可抗因素（不计入当年下线次数）。")
@content_option
@user_errors
def notice_offline(site, start, end, reason, reported, approval, force_majeure, content_root):
    """临时下线（第八条（二））：每年至多 1 次，不超过 30 天。

    \b
    示例：
      archive-tool notice offline fgw --start "2026-12-01 08:00" --end "2026-12-01 20:00" \\
          --reason 机房电力改造 --reported 2026-11-28
    """
    start_at = parse_moment(start, "--start")
    data = {
        "start": start_at,
        "end": parse_moment(end, "--end"),
        "reason": reason,
        "reported": parse_day(reported, "--reported") if reported else None,
        "approval": approval,
        "force_majeure": force_majeure or None,
    }
    record_notice(content_root, site, "offline", data, start_at.date())


@notice.command("resume")
@click.argument("site")
@click.option("--on", "on", required=True, help="恢复上线日期 YYYY-MM-DD。")
@click.option("--applied", required=True, help="提交上线申请的日期（至少提前 7 天）。")
@content_option
@user_errors
def notice_resume(site, on, applied, content_root):
    """恢复上线（第八条（三））：正式上线前 7 天提交申请。

    \b
    示例：
      archive-tool notice resume fgw --on 2026-12-20 --applied 2026-12-10
    """
    day = parse_day(on, "--on")
    record_notice(
        content_root, site, "resume", {"on": day, "applied": parse_day(applied, "--applied")}, day
    )


@notice.command("retire")
@click.argument("site")
@click.option("--approved", required=True, help="省政府办公厅批复日期 YYYY-MM-DD。")
@click.option("--effective", help="网站下线日期（默认：批复日期）。")
@click.option("--migrate-to", help="迁移后的网址。")
@click.option("--deregistered", help="标识、证书和域名注销完成日期（批复后 90 日内）。")
@content_option
@user_errors
def notice_retire(site, approved, effective, migrate_to, deregistered, content_root):
    """永久下线或迁移（第八条（一））：首页悬挂公告，迁移后主站公告不少于 30 日。

    \b
    示例：
      archive-tool notice retire sjj --approved 2026-11-01 --migrate-to https://www.bozhou.gov.cn/sjzy/
    """
    day = parse_day(approved, "--approved")
    data = {
        "approved": day,
        "effective": parse_day(effective, "--effective") if effective else None,
        "migrate_to": migrate_to,
        "deregistered": parse_day(deregistered, "--deregistered") if deregistered else None,
    }
    record_notice(content_root, site, "retire", data, day)


@notice.command("domain")
@click.argument("site")
@click.option("--new-domain", required=True, help="新域名。")
@click.option("--start", required=True, help="变更日期 YYYY-MM-DD。")
@click.option("--reported", help="注册信息变更报备日期（20 个工作日内）。")
@content_option
@user_errors
def notice_domain(site, new_domain, start, reported, content_root):
    """域名变更（第六条（二））：首页醒目位置公告 3 个月后注销原域名。

    \b
    示例：
      archive-tool notice domain fgw --new-domain fzggw.bozhou.gov.cn --start 2026-12-01
    """
    day = parse_day(start, "--start")
    data = {
        "new_domain": new_domain,
        "start": day,
        "reported": parse_day(reported, "--reported") if reported else None,
    }
    record_notice(content_root, site, "domain", data, day)
