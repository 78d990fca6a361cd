"""`archive-tool monitor` on the demo group: clean as of 2026-11-26; a year later, without new
content, every site fails on 首页不更新 and 栏目不更新 and gets numbered 整改 items."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from conftest import archive_tool
from monitor_helpers import DOMAINS, built

from archive_tool.cli import cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return built(tmp_path_factory, "demo")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def monitor(content, output, report, *extra) -> Run:
    """The command in this process (click's runner); the first test runs it as a user does."""
    args = ["monitor", str(content), "-o", str(report), "--build-dir", str(output)]
    result = CliRunner().invoke(cli, [*args, *map(str, extra)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def test_the_demo_group_as_of_2026_11_26_has_no_veto_item(demo, tmp_path):
    content, output = demo
    ledger = tmp_path / "整改清单.yaml"
    args = ("-o", tmp_path / "r", "--build-dir", output, "--date", "2026-11-26", "--ledger", ledger)
    result = archive_tool("monitor", content, *args)
    assert result.returncode == 0, result.stderr
    # A web server running as another user can read them (mkstemp's 0600 gave it a 403).
    for path in [*(tmp_path / "r").iterdir(), ledger]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
    data = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    assert data["summary"]["sites"] == 5 and data["summary"]["failed"] == 0
    assert data["summary"]["veto"] == 0
    assert {site["verdict"] for site in data["sites"]} == {"合格"}
    assert data["ledger"]["issued"] == []
    assert "新下发 0 项" in result.stdout
    assert "未上线或已下线、不在监测范围的站点：mcx" in data["notes"]
    for name in ("report.html", "report.csv"):
        assert (tmp_path / "r" / name).stat().st_size > 0


def test_a_year_later_every_site_fails_and_gets_numbered_items(demo, tmp_path):
    content, output = demo
    ledger = tmp_path / "整改清单.yaml"
    first = monitor(content, output, tmp_path / "r1", "--date", "2027-11-26", "--ledger", ledger)
    assert first.returncode == 1, first.stderr
    data = json.loads((tmp_path / "r1" / "report.json").read_text("utf-8"))
    numbers = {}
    for site in data["sites"]:
        assert site["verdict"] == "不合格"
        vetoes = {
            p["indicator"]: p["number"] for p in site["problems"] if p["category"] == "单项否决"
        }
        assert set(vetoes) == {"首页不更新", "栏目不更新"}, site["id"]
        numbers |= {(site["id"], name): number for name, number in vetoes.items()}
    assert sorted(numbers.values()) == sorted(f"亳政网整〔2027〕第{n}号" for n in range(1, 11))
    assert data["ledger"]["issued"] == [numbers[key] for key in sorted(numbers, key=_site_order)]
    assert "亳政网整〔2027〕第1号（bozhou，首页不更新，2027-12-01 前整改）" in first.stdout

    # A week later, nothing has changed: the same numbers, now overdue; none issued.
    second = monitor(content, output, tmp_path / "r2", "--date", "2027-12-03", "--ledger", ledger)
    assert second.returncode == 1
    again = json.loads((tmp_path / "r2" / "report.json").read_text("utf-8"))
    assert again["ledger"]["issued"] == []
    assert sorted(again["ledger"]["overdue"]) == sorted(numbers.values())
    for site in again["sites"]:
        for problem in site["problems"]:
            if problem["category"] == "单项否决":
                assert problem["number"] == numbers[(site["id"], problem["indicator"])]
        assert {item["status"] for item in site["rectification"]} == {"逾期"}

    # An earlier date cannot rewrite the ledger; nothing is written.
    stale = monitor(content, output, tmp_path / "r3", "--date", "2027-11-30", "--ledger", ledger)
    assert stale.returncode == 1 and "2027-12-03" in stale.stderr
    assert not (tmp_path / "r3").exists()


def _site_order(key):
    return (list(DOMAINS).index(key[0]), key[1] != "首页不更新")


def test_self_check_of_one_site(demo, tmp_path):
    content, output = demo
    result = monitor(content, output, tmp_path / "r", "--site", "fgw", "--date", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("亳州市发展和改革委员会（fgw）：合格")
    assert "整改清单" not in result.stdout
    data = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    assert [site["id"] for site in data["sites"]] == ["fgw"]
    unknown = monitor(content, output, tmp_path / "x", "--site", "nosuch")
    assert unknown.returncode == 1 and "没有站点「nosuch」" in unknown.stderr
    pending = monitor(content, output, tmp_path / "x", "--site", "mcx", "--date", "2026-11-26")
    assert pending.returncode == 1 and "未上线" in pending.stderr


@pytest.mark.parametrize("where", ["output", "site"])
def test_reports_never_go_into_what_the_sites_publish(demo, tmp_path, where):
    content, output = demo
    target = output / DOMAINS["fgw"] / "reports" if where == "output" else content / "fgw" / "r"
    result = monitor(content, output, target, "--no-ledger")
    assert result.returncode == 1
    assert "不能公开发布" in result.stderr
    assert not target.exists()


def test_a_malformed_ledger_stops_before_any_report(demo, tmp_path):
    content, output = demo
    ledger = tmp_path / "整改清单.yaml"
    ledger.write_text("问题:\n  - 编号: 亳政网整〔2026〕第1号\n    状态: 整改中\n", "utf-8")
    result = monitor(content, output, tmp_path / "r", "--ledger", ledger, "--date", "2026-11-26")
    assert result.returncode == 1
    assert "问题[1]：缺少「站点」" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "option, message",
    [
        (["--date", "2026-13-01"], "--date 应为 YYYY-MM-DD"),
        (["--live", "--url-pattern", "ftp://{domain}/"], "--url-pattern"),
        (["--live", "--url-pattern", "http://x/{site}/"], "--url-pattern"),
    ],
)
def test_bad_options_are_refused_in_chinese(demo, tmp_path, option, message):
    content, output = demo
    result = monitor(content, output, tmp_path / "r", "--no-ledger", *option)
    assert result.returncode == 1 and message in result.stderr
    assert not (tmp_path / "r").exists()


def test_the_committed_ledger_and_records_of_the_demo_are_readable():
    from conftest import DEMO_CONTENT

    from archive_tool.monitor.ledger import read_ledger

    ledger = read_ledger(DEMO_CONTENT / "_monitoring" / "整改清单.yaml")
    assert ledger.items == [] and ledger.last_run is None
