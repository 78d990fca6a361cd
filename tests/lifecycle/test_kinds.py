"""The notice kinds (lifecycle.kinds, issue 23) and what their notices say on the day (issue 27).

Each kind is documented and has its command; a notice's words follow the build date (a
临时下线 notice before, during and after its window, a 迁移 before and after its date), and
after a change of domain the site is built on the new one while nginx answers the old one
with 301 (a real nginx on loopback, as docs/lifecycle.md tells the webmaster to deploy it).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import DEMO_CONTENT, REPO, archive_tool, run_pelican
from lxml import html
from test_lifecycle import NGINX, get, start_nginx  # noqa: F401  (skips without nginx)

from archive_tool.cli.notice import notice as notice_command
from archive_tool.content.loader import load_content
from archive_tool.lifecycle import rules  # noqa: F401  (registers the rules of each kind)
from archive_tool.lifecycle.kinds import NOTICE_KINDS, NoticeKind, kind_of, placement
from archive_tool.lifecycle.notices import Notice

DOCS = REPO / "docs" / "lifecycle.md"


def undocumented(kinds: list[NoticeKind], text: str) -> list[str]:
    """The kinds without their row in docs/lifecycle.md: | `<id> SITE …` | <label> | …"""
    rows = dict(re.findall(r"^\| `(\w+) SITE[^|]*` \| ([^|]+?) \|", text, re.M))
    return [kind.id for kind in kinds if rows.get(kind.id) != kind.label]


def test_docs_list_every_notice_kind():
    assert undocumented(list(NOTICE_KINDS.values()), DOCS.read_text(encoding="utf-8")) == []


def test_a_kind_missing_from_the_docs_is_caught():
    new = NoticeKind("merge", "整合", "网站整合公告", {}, NOTICE_KINDS["resume"].place)
    text = DOCS.read_text(encoding="utf-8")
    assert undocumented([*NOTICE_KINDS.values(), new], text) == ["merge"]


def test_every_kind_has_its_command_and_its_rules():
    assert set(notice_command.commands) == set(NOTICE_KINDS)
    for kind in NOTICE_KINDS.values():
        names = [rule.name for rule in kind.rules]
        assert names[0] == "notice_fields" and len(names) > 1, kind.id


# -- the words on the day, from the core ----------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    return load_content(DEMO_CONTENT)


def words(demo, site_id: str, kind: str, data: dict, day: str) -> str:
    record = Notice(site_id, kind, {"type": kind, **data})
    assert kind_of(record).id == kind
    return placement(record, demo.sites[site_id], date.fromisoformat(day)).text


WINDOW = {"start": "2026-12-01 08:00", "end": "2026-12-03 20:00", "reason": "机房电力改造"}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-28", "将于 2026-12-01 08:00 临时下线，预计 2026-12-03 20:00 恢复访问"),
        ("2026-12-01", "于 2026-12-01 08:00 至 2026-12-03 20:00 临时下线维护"),
        ("2026-12-02", "正在临时下线维护，预计于 2026-12-03 20:00 恢复访问"),
        ("2026-12-03", "于 2026-12-01 08:00 至 2026-12-03 20:00 临时下线维护"),
        ("2026-12-04", "已恢复访问"),
    ],
)
def test_an_offline_notice_says_what_holds_that_day(demo, day, expected):
    text = words(demo, "qcq", "offline", WINDOW, day)
    assert expected in text
    if day >= "2026-12-01":
        assert "将于" not in text


def test_the_maintenance_page_says_the_site_is_offline_now(demo):
    record = Notice("qcq", "offline", {"type": "offline", **WINDOW})
    for day in ("2026-11-28", "2026-12-01", "2026-12-04"):
        during = placement(record, demo.sites["qcq"], date.fromisoformat(day)).during
        assert "正在临时下线维护，预计于 2026-12-03 20:00 恢复访问" in during


RETIRE = {"approved": "2026-11-20", "effective": "2026-12-10", "migrate_to": "https://new.example/"}


@pytest.mark.parametrize(
    ("data", "day", "expected", "not_said"),
    [
        (RETIRE, "2026-11-30", "将于 2026-12-10 迁移至 https://new.example/", "已"),
        (RETIRE, "2026-12-10", "已于 2026-12-10 迁移至 https://new.example/", "将于"),
        ({**RETIRE, "migrate_to": None}, "2026-11-30", "将于 2026-12-10 永久下线", "已"),
        ({**RETIRE, "migrate_to": None}, "2026-12-11", "已于 2026-12-10 永久下线", "将于"),
    ],
)
def test_a_retirement_says_moved_only_from_its_date(demo, data, day, expected, not_said):
    text = words(demo, "sjj", "retire", data, day)
    assert expected in text and not_said not in text


# -- the built pages and nginx, at four build dates -------------------------------------------

DAYS = ("2026-11-29", "2026-12-02", "2026-12-05", "2026-12-10")
OLD, NEW = "fgw.bozhou.gov.cn", "fzggw.bozhou.gov.cn"
QCQ, SJJ, PORTAL = "www.qcq.gov.cn", "sjj.bozhou.gov.cn", "www.bozhou.gov.cn"


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    """A copy of the demo with qcq offline 12-01 08:00 to 12-03 20:00, fgw moving to a new
    domain on 12-02 and sjj migrating on 12-10, built on each of DAYS in turn."""
    import shutil

    root = tmp_path_factory.mktemp("timeline")
    content = root / "content"
    shutil.copytree(DEMO_CONTENT, content)
    for args in (
        ["offline", "qcq", "--start", "2026-12-01 08:00", "--end", "2026-12-03 20:00",
         "--reason", "机房电力改造", "--force-majeure", "--reported", "2026-11-20"],
        ["domain", "fgw", "--new-domain", NEW, "--start", "2026-12-02", "--reported", "2026-11-20"],
        ["retire", "sjj", "--approved", "2026-11-20", "--effective", "2026-12-10",
         "--migrate-to", "https://www.bozhou.gov.cn/sjj/"],
    ):  # fmt: skip
        recorded = archive_tool("notice", *args, "--content", content)
        assert recorded.returncode == 0, recorded.stderr
    output, pages = root / "output", {}
    for day in DAYS:
        built = run_pelican(content, output, "-e", f'BUILD_DATE="{day}"')
        assert built.returncode == 0, built.stderr
        pages[day] = {
            str(path.relative_to(output)): path.read_text(encoding="utf-8")
            for path in output.glob("*/*.html")
        } | {
            str(path.relative_to(output)): path.read_text(encoding="utf-8")
            for path in (output / "nginx").glob("*.conf")
        }
    return output, pages


def shown(page: str, xpath: str) -> str:
    return " ".join(html.fromstring(page).xpath(f"string({xpath})").split())


def test_the_offline_notice_and_page_follow_the_date(timeline):
    _, pages = timeline
    portal = {day: shown(pages[day][f"{PORTAL}/index.html"], "//main") for day in DAYS}
    assert "将于 2026-12-01 08:00 临时下线" in portal["2026-11-29"]
    assert "正在临时下线维护，预计于 2026-12-03 20:00 恢复访问" in portal["2026-12-02"]
    assert "将于 2026-12-01 08:00" not in portal["2026-12-02"]
    assert "临时下线" not in portal["2026-12-05"], "after the window: no notice on the home page"
    listed = shown(pages["2026-12-05"][f"{PORTAL}/notices.html"], "//main")
    assert "临时下线维护，已恢复访问" in listed and "将于 2026-12-01" not in listed
    # The maintenance page (nginx serves it only inside the window) says so, at any build.
    for day in ("2026-11-29", "2026-12-02"):
        maintenance = shown(pages[day][f"{QCQ}/maintenance-1.html"], "//main")
        assert "正在临时下线维护，预计于 2026-12-03 20:00 恢复访问" in maintenance
        assert "将于" not in maintenance


def test_the_migration_notice_says_moved_only_from_its_date(timeline):
    _, pages = timeline
    for day in DAYS[:3]:
        home = shown(pages[day][f"{SJJ}/index.html"], "//section[@class='home-notices']")
        assert "将于 2026-12-10 迁移至 https://www.bozhou.gov.cn/sjj/" in home, day
        assert "已迁移" not in home and "已于" not in home, day
    assert f"{SJJ}/index.html" not in pages["2026-12-10"], "retired: no longer built"
    portal = shown(pages["2026-12-10"][f"{PORTAL}/index.html"], "//section[@class='home-notices']")
    assert "已于 2026-12-10 迁移至 https://www.bozhou.gov.cn/sjj/" in portal


def test_the_header_shows_the_new_domain_from_the_change_date(timeline):
    _, pages = timeline
    before = pages["2026-11-29"]
    assert shown(before[f"{OLD}/index.html"], "//header//span[@class='domain']") == OLD
    assert f"{NEW}/index.html" not in before and NEW not in before[f"nginx/{OLD}.conf"]
    for day in DAYS[1:]:
        assert f"{OLD}/index.html" not in pages[day], day
        home = pages[day][f"{NEW}/index.html"]
        assert shown(home, "//header//span[@class='domain']") == NEW, day
        portal = pages[day][f"{PORTAL}/index.html"]
        assert f"https://{NEW}/" in portal and f"https://{OLD}/" not in portal, day
    notice = shown(pages["2026-12-02"][f"{NEW}/index.html"], "//section[@class='home-notices']")
    assert f"域名变更为 {NEW}，原域名 {OLD} 将于 2027-03-02 后注销" in notice


def test_nginx_answers_the_old_domain_with_301_to_the_new_one(timeline, tmp_path):
    output, _ = timeline
    servers = f"""
  server {{ listen 127.0.0.1:PORT; server_name {OLD}; include {output}/nginx/{OLD}.conf; }}
  server {{ listen 127.0.0.1:PORT; server_name {NEW}; root {output / NEW};
           include {output}/nginx/{NEW}.conf; }}"""
    process, port = start_nginx(tmp_path / "nginx", servers, f"include {output}/nginx/maps.conf;")
    try:
        for path in ("/", "/zwdt/", "/zwdt/index.html?page=2", "/no/such/page"):
            response = get(port, OLD, path)
            assert response.status == 301, path
            assert response.getheader("Location") == f"https://{NEW}{path}", path
            assert response.getheader("X-Content-Type-Options") == "nosniff"
        home = get(port, NEW, "/")
        assert home.status == 200 and NEW in home.body
    finally:
        process.terminate()
        process.wait(timeout=10)
