"""``archive-tool intake ...``: the 互动交流 service (serve) and its handler's commands."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ToolkitError
from .base import FOLDER, cli, content_option, user_errors

DB_HELP = "数据库：SQLite 文件路径，或 PostgreSQL 地址 postgresql://…（也可用环境变量 INTAKE_DB）。"


def db_option(function):
    return click.option(
        "--db", default="intake.sqlite3", show_default=True, envvar="INTAKE_DB", help=DB_HELP
    )(function)


def open_store(db: str):
    from ..intake.store import Store

    return Store(db)


def when_option(function):
    return click.option(
        "--time", "when", default=None, help="办理时间 YYYY-MM-DD HH:MM（默认现在，北京时间）。"
    )(function)


def moment(value: str | None):
    from datetime import datetime

    from ..intake.app import now

    if value is None:
        return now()
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ToolkitError(f"--time 应为 YYYY-MM-DD HH:MM，实为「{value[:40]}」") from None


@cli.group()
def intake():
    """互动交流受理服务：市民在线写信、提交意见、查询办理进度；办理人员受理、转办、答复。

    适用于没有统一互动交流平台的网站群。个人信息只保存在数据库中，导出和列表中均已遮盖。

    \b
    示例：
      archive-tool intake serve --db /var/lib/intake/intake.sqlite3 --port 8081
      archive-tool intake list --status 已收到
    """


@intake.command()
@db_option
@content_option("网站群内容目录（读取站点信息和意见征集）。")
@click.option(
    "--theme",
    default="themes/gov/static",
    show_default=True,
    type=FOLDER,
    help="主题的静态文件目录（页面沿用主题的样式）。",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option(
    "--port", default=8081, show_default=True, type=int, help="监听端口（0 为任选空闲端口）。"
)
@click.option(
    "--trusted-proxy",
    default="127.0.0.1",
    show_default=True,
    help="可信的反向代理地址（逗号分隔），其 X-Forwarded-For 用作市民地址。",
)
@click.option(
    "--min-fill-seconds",
    default=3.0,
    show_default=True,
    type=float,
    help="表单从打开到提交的最短时间（秒），更快的视为自动程序。",
)
@click.option(
    "--per-address",
    default=10,
    show_default=True,
    type=int,
    help="同一地址在时间窗口内最多提交次数（0 为不限，仅用于测试）。",
)
@click.option("--window", default=600.0, show_default=True, type=float, help="限流时间窗口（秒）。")
@user_errors
def serve(
    db, content_root, theme, host, port, trusted_proxy, min_fill_seconds, per_address, window
):
    """运行互动交流受理服务（写信、意见征集、办理查询）。

    请放在 nginx 之后运行（docs/intake.md）。启动后输出「intake listening on …」。

    \b
    示例：
      archive-tool intake serve --db /var/lib/intake/intake.sqlite3 --content content --port 8081
    """
    from ..intake.app import Settings
    from ..intake.serve import serve as run
    from ..intake.sites import group_sites

    settings = Settings(
        open_store(db), group_sites(content_root), theme, min_fill_seconds, per_address, window
    )
    run(settings, host, port, trusted_proxy)


@intake.command(name="list")
@db_option
@click.option("--status", default=None, help="只列出此状态：已收到 / 已受理 / 已转办 / 已答复。")
@click.option("--site", default=None, help="只列出写给此站点的。")
@user_errors
def list_(db, status, site):
    """列出收到的留言和意见（姓名已遮盖，不显示联系方式）。

    \b
    示例：
      archive-tool intake list --status 已收到 --site fgw
    """
    from ..safety.numbers import mask_name, mask_personal_numbers

    rows = open_store(db).listing(status, site)
    for row in rows:
        title = mask_personal_numbers(row["title"])
        who = mask_name(row["name"]) or "—"
        unit = row["department"] or row["reply_unit"] or ""
        click.echo(
            "\t".join(
                (
                    row["number"],
                    row["status"],
                    row["site"],
                    row["type"],
                    row["received"][:16],
                    who,
                    title,
                    unit,
                )
            )
        )
    click.echo(f"共 {len(rows)} 条", err=True)


@intake.command()
@db_option
@click.argument("number")
@when_option
@user_errors
def accept(db, number, when):
    """受理一条留言或意见。

    \b
    示例：
      archive-tool intake accept 20261205-00001
    """
    open_store(db).accept(number, moment(when))
    click.echo(f"已受理：{number}", err=True)


@intake.command()
@db_option
@click.argument("number")
@click.option("--to", "department", required=True, help="承办单位。")
@when_option
@user_errors
def forward(db, number, department, when):
    """将已受理的留言转办给承办单位。

    \b
    示例：
      archive-tool intake forward 20261205-00001 --to 亳州市发展和改革委员会
    """
    open_store(db).forward(number, department, moment(when))
    click.echo(f"已转办：{number} → {department}", err=True)


@intake.command()
@db_option
@click.argument("number")
@click.option("--unit", default=None, help="答复单位（默认为转办的承办单位）。")
@click.option("--text", default=None, help="答复内容。")
@click.option(
    "--file",
    "text_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="从 UTF-8 文本文件读取答复内容。",
)
@when_option
@user_errors
def reply(db, number, unit, text, text_file, when):
    """答复一条已受理的留言（答复内容将随留言公开）。

    \b
    示例：
      archive-tool intake reply 20261205-00001 --file 答复.txt
    """
    if (text is None) == (text_file is None):
        raise ToolkitError("请用 --text 或 --file 给出答复内容（二选一）")
    if text_file is not None:
        try:
            text = text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ToolkitError(f"无法读取答复文件 {text_file}：{error}") from None
    store = open_store(db)
    store.reply(number, unit or store.get(number)["department"], text, moment(when))
    click.echo(f"已答复：{number}", err=True)


@intake.command()
@db_option
@click.option("--site", required=True, help="站点 ID：导出写给该站点、已受理的留言。")
@content_option()
@user_errors
def export(db, site, content_root):
    """把已受理的留言导出为站点的留言记录（content/<站点>/letters/），个人信息已遮盖。

    下次构建即按留言记录公开（含受理、答复日期）。重复导出会更新，不会重复。

    \b
    示例：
      archive-tool intake export --site fgw --content content
    """
    from ..intake.export import export_letters

    written = export_letters(open_store(db), content_root, site, moment(None))
    for path in written:
        click.echo(str(path))
    click.echo(f"已导出 {len(written)} 条留言到 {content_root / site / 'letters'}", err=True)
