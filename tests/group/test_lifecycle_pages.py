"""Lifecycle pages in the theme (issue 15): a temporary offline opens and closes on time by the
request's clock, with no rebuild, and answers 503 with the site's own header and footer and
a Retry-After in the future; the 开通公告 leads to the new site.

Served by a real nginx on loopback, as docs/lifecycle.md tells the webmaster to deploy it.
"""

from __future__ import annotations

import http.client
import random
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from conftest import archive_tool, run_pelican
from lxml import html
from servers import NGINX, start_nginx

from archive_tool.lifecycle.serving import epoch_patterns
from archive_tool.regions import SHANGHAI


def get(port: int, host: str, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    response.body = response.read().decode("utf-8", "replace")
    return response


def matches(patterns: list[str], second: int) -> bool:
    """What nginx's map does with ``$msec`` (seconds, a dot, milliseconds)."""
    return re.match(f"^(?:{'|'.join(patterns)})[.]", f"{second}.123") is not None


@pytest.mark.parametrize("seed", range(5))
def test_a_window_regex_matches_exactly_its_seconds(seed):
    chance = random.Random(seed)
    for _ in range(200):
        low = chance.randrange(1_700_000_000, 1_900_000_000)
        high = low + chance.choice([0, 1, 59, 3600, 43_200, 86_400 * 30, chance.randrange(10**6)])
        patterns = epoch_patterns(low, high)
        assert "\\" not in "".join(patterns), "no backslash: nginx quoting"
        for second in (low - 1, low, low + 1, (low + high) // 2, high - 1, high, high + 1):
            assert matches(patterns, second) == (low <= second <= high), (low, high, second)


def beijing_now() -> datetime:
    return datetime.now(SHANGHAI).replace(tzinfo=None)


def record_offline(content: Path, site: str, start: datetime, end: datetime) -> None:
    shown = "%Y-%m-%d %H:%M"
    result = archive_tool(
        "notice", "offline", site, "--start", start.strftime(shown), "--end", end.strftime(shown),
        "--reason", "机房电力改造", "--reported", (start - timedelta(days=2)).strftime("%Y-%m-%d"),
        "--content", content,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.fixture
def scheduled(group_copy, tmp_path):
    """The demo group built today with three offline windows: fgw's open now, qcq's later
    today or tomorrow, sjj's over a minute ago; and a 开通 record of sjj."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed")
    now = beijing_now().replace(second=0, microsecond=0)
    record_offline(group_copy, "fgw", now - timedelta(hours=1), now + timedelta(hours=2))
    record_offline(group_copy, "qcq", now + timedelta(hours=2), now + timedelta(hours=5))
    record_offline(group_copy, "sjj", now - timedelta(hours=3), now - timedelta(minutes=1))
    opened = archive_tool(
        "notice", "open", "sjj", "--approved", (now - timedelta(days=20)).strftime("%Y-%m-%d"),
        "--online", (now - timedelta(days=2)).strftime("%Y-%m-%d"), "--content", group_copy,
    )  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    output = tmp_path / "site" / "output"
    result = run_pelican(group_copy, output, "-e", f'BUILD_DATE="{now:%Y-%m-%d}"')
    assert result.returncode == 0, result.stderr
    return output, now


def test_offline_windows_open_and_close_by_the_clock(scheduled, tmp_path):
    output, now = scheduled
    domains = {"fgw": "fgw.bozhou.gov.cn", "qcq": "www.qcq.gov.cn", "sjj": "sjj.bozhou.gov.cn"}
    servers = "".join(
        f"""
  server {{ listen 127.0.0.1:PORT; server_name {domain}; root {output / domain};
           include {output}/nginx/{domain}.conf; }}"""
        for domain in domains.values()
        if (output / "nginx" / f"{domain}.conf").exists()
    )
    assert (output / "nginx" / "fgw.bozhou.gov.cn.conf").exists()
    assert (output / "nginx" / "www.qcq.gov.cn.conf").exists(), "a window ahead is served too"
    process, port = start_nginx(
        tmp_path / "nginx",
        servers,
        f"include {output}/nginx/maps.conf; include {output}/nginx/offline-maps.conf;",
    )
    try:
        for path in ("/", "/zwdt/", "/no/such/page", "/search.html"):
            response = get(port, domains["fgw"], path)
            assert response.status == 503, path
            retry = parsedate_to_datetime(response.getheader("Retry-After"))
            assert retry == (now + timedelta(hours=2)).replace(tzinfo=SHANGHAI)
            assert retry > datetime.now(SHANGHAI), "Retry-After is in the future"
            assert response.getheader("Cache-Control") == "no-store"
            # The window's own add_header lines replace the server's: the security headers
            # are repeated there, and sent once.
            policies = [v for k, v in response.getheaders() if k == "Content-Security-Policy"]
            assert len(policies) == 1 and policies[0].endswith("; frame-ancestors 'self'")
            assert response.getheader("X-Content-Type-Options") == "nosniff"
            page = html.fromstring(response.body)
            assert page.xpath("string(//header//a[@class='site-name'])") == "亳州市发展和改革委员会"
            assert "网站标识码：3416000002" in page.xpath("string(//footer)")
            assert "机房电力改造" in page.xpath("string(//main)")
        # What the maintenance page loads is still served, so it has its layout and marks.
        page = html.fromstring(get(port, domains["fgw"], "/").body)
        for asset in page.xpath("//link[@rel='stylesheet']/@href | //img/@src | //script/@src"):
            assert asset.startswith("/"), asset
            assert get(port, domains["fgw"], asset).status == 200, asset
        # Before its window and after it, a site is served as usual.
        for site in ("qcq", "sjj"):
            response = get(port, domains[site], "/")
            assert response.status == 200, site
            assert response.getheader("Retry-After") is None
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (output / domains["qcq"] / "maintenance-1.html").exists()


def test_the_opening_notice_links_to_the_new_site(scheduled):
    output, _ = scheduled
    for page in ("index.html", "notices.html"):
        document = html.fromstring((output / "www.bozhou.gov.cn" / page).read_bytes())
        links = document.xpath("//a[starts-with(., '访问')]/@href")
        assert "https://sjj.bozhou.gov.cn/" in links, page
    own = html.fromstring((output / "sjj.bozhou.gov.cn" / "index.html").read_bytes())
    assert "https://sjj.bozhou.gov.cn/" in own.xpath("//section[@class='home-notices']//a/@href")
