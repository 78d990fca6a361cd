"""``archive-tool stats`` on generated nginx logs (plain and gzip-rotated, with crawlers,
assets, errors and broken lines), and the 年度工作报表 taking its 访问量 from them."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

from conftest import DEMO_CONTENT, archive_tool

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148"


def line(address, when, path, status=200, agent=BROWSER, method="GET") -> str:
    return f'{address} - - [{when}] "{method} {path} HTTP/1.1" {status} 512 "-" "{agent}"\n'


DAY1 = "01/Nov/2026:09:00:00 +0800"
DAY2 = "02/Nov/2026:10:00:00 +0800"
LATE_UTC = "02/Nov/2026:16:30:00 +0000"  # 00:30 on 3 November in 北京时间


def write_logs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = "www.bozhou.gov.cn.access.log"
    (folder / name).write_text(
        line("1.1.1.1", DAY2, "/")
        + line("1.1.1.1", DAY2, "/zwdt/")
        + line("1.1.1.1", DAY2, "/theme/css/gov.css")  # not a page
        + line("2.2.2.2", DAY2, "/zwdt/202611/a.html?from=home")
        + line("2.2.2.2", DAY2, "/nope.html", status=404)  # not successful
        + line("3.3.3.3", DAY2, "/", agent="Mozilla/5.0 (compatible; Baiduspider/2.0)")  # crawler
        + line("1.1.1.1", LATE_UTC, "/index.html")
        + "this is not a log line\n"
        + "x" * 20_000
        + "\n",
        encoding="utf-8",
    )
    (folder / f"{name}.1").write_text(
        line("1.1.1.1", DAY1, "/") + line("1.1.1.1", DAY1, "/files/a.pdf"), encoding="utf-8"
    )
    with gzip.open(folder / f"{name}.2.gz", "wt", encoding="utf-8") as stream:
        stream.write(line("4.4.4.4", DAY1, "/", agent=PHONE))
        stream.write(line("4.4.4.4", DAY1, "/hdjl/", method="POST"))
        stream.write(line("1.1.1.1", DAY1, "/xxgk/", agent=PHONE))  # another visitor
    (folder / "sjj.bozhou.gov.cn.access.log-20261102.gz").write_bytes(
        gzip.compress(line("5.5.5.5", DAY2, "/").encode())
    )
    return folder


def table(stdout: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(stdout)))


def test_views_and_visitors_per_site_and_day(tmp_path):
    logs = write_logs(tmp_path / "nginx")
    done = archive_tool("stats", logs, "--content", DEMO_CONTENT)
    assert done.returncode == 0, done.stderr
    assert table(done.stdout) == [
        ["站点", "日期", "页面浏览量", "访客数"],
        ["bozhou", "2026-11-01", "3", "3"],
        ["bozhou", "2026-11-02", "3", "2"],
        ["bozhou", "2026-11-03", "1", "1"],
        ["sjj", "2026-11-02", "1", "1"],
    ]
    assert "读取 4 个文件、15 行" in done.stderr
    assert "不是 combined 格式 2 行，爬虫 1 行，非网页或未成功的请求 4 行" in done.stderr

    bounded = archive_tool("stats", logs, "--content", DEMO_CONTENT, "--from", "2026-11-02",
                           "--to", "2026-11-02")  # fmt: skip
    assert [row[:2] for row in table(bounded.stdout)[1:]] == [
        ["bozhou", "2026-11-02"],
        ["sjj", "2026-11-02"],
    ]


def test_logs_not_named_after_a_site_need_one(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(line("1.1.1.1", DAY1, "/"), encoding="utf-8")
    done = archive_tool("stats", log, "--content", DEMO_CONTENT)
    assert done.returncode == 1 and str(log) in done.stderr and "--site" in done.stderr
    done = archive_tool("stats", log, "--content", DEMO_CONTENT, "--site", "qcq")
    assert done.returncode == 0 and table(done.stdout)[1] == ["qcq", "2026-11-01", "1", "1"]


def test_a_damaged_gzip_file_is_named(tmp_path):
    packed = gzip.compress(line("1.1.1.1", DAY1, "/").encode() * 1000)
    bad = tmp_path / "access.log.3.gz"
    bad.write_bytes(packed[: len(packed) // 2])
    done = archive_tool("stats", bad, "--content", DEMO_CONTENT, "--site", "bozhou")
    assert done.returncode == 1
    assert str(bad) in done.stderr and "gzip" in done.stderr and "Traceback" not in done.stderr


def test_the_annual_report_takes_its_visits_from_the_logs(tmp_path):
    logs = write_logs(tmp_path / "nginx")
    common = ["annual-report", "2026", DEMO_CONTENT, "--site", "bozhou", "--date", "2026-11-26"]
    done = archive_tool(*common, "--logs", logs, "-o", tmp_path / "with")
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "with" / "bozhou-2026.json").read_text(encoding="utf-8"))
    fields = {f["key"]: f for f in data["fields"]}
    visits, visitors = fields["网站基本信息.网站总访问量"], fields["网站基本信息.独立用户访问总量"]
    assert (visits["value"], visitors["value"]) == (
        7,
        4,
    )  # 4: (1.1.1.1 × 2 agents), 2.2.2.2, 4.4.4.4
    assert "访问日志（3 个文件，3 天有记录：2026-11-01 至 2026-11-03）" in visits["source_detail"]
    page = (tmp_path / "with" / "bozhou-2026.html").read_text(encoding="utf-8")
    assert "访问日志（3 个文件" in page
    assert "source_detail" not in fields["网站基本信息.主管单位"]

    plain = archive_tool(*common, "-o", tmp_path / "without")
    assert plain.returncode == 0, plain.stderr
    data = json.loads((tmp_path / "without" / "bozhou-2026.json").read_text(encoding="utf-8"))
    fields = {f["key"]: f for f in data["fields"]}
    assert fields["网站基本信息.网站总访问量"]["value"] == 21873305  # the figures file's
    assert "source_detail" not in fields["网站基本信息.网站总访问量"]
