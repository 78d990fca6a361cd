"""Offline and retired sites served by a real nginx on loopback (第八条（一）（二）（四）)."""

from __future__ import annotations

import http.client
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import FGW_OFFLINE, archive_tool, run_pelican
from servers import start_nginx

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
if not Path(NGINX).exists():
    pytest.skip("nginx is not installed", allow_module_level=True)


def get(port: int, host: str, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    response.body = response.read().decode("utf-8", "replace")
    return response


@pytest.fixture
def lifecycle_group(group_copy, tmp_path):
    output = tmp_path / "site" / "output"
    assert run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-25"').returncode == 0
    return group_copy, output


def test_retired_site_is_archived_under_the_portal_and_old_urls_redirect(lifecycle_group, tmp_path):
    group, output = lifecycle_group
    old_pages = sorted(
        p.relative_to(output / "sjj.bozhou.gov.cn").as_posix()
        for p in (output / "sjj.bozhou.gov.cn").rglob("*.html")
    )
    recorded = archive_tool(
        "notice",
        "retire",
        "sjj",
        "--approved",
        "2026-11-20",
        "--effective",
        "2026-11-26",
        "--deregistered",
        "2026-11-25",
        "--content",
        group,
    )
    assert recorded.returncode == 0, recorded.stderr
    built = run_pelican(group, output, "-e", 'BUILD_DATE="2026-11-26"')
    assert built.returncode == 0, built.stderr
    assert not (output / "sjj.bozhou.gov.cn").exists()
    portal = output / "www.bozhou.gov.cn"
    assert (portal / "archive" / "sjj" / "index.html").exists()
    assert archive_tool("verify", portal / "archive" / "sjj").returncode == 0
    home = (portal / "index.html").read_text(encoding="utf-8")
    assert "下线公告" in home and "亳州市数据资源管理局" in home
    assert "https://sjj.bozhou.gov.cn/" not in home.split("网站群")[1].split("</section>")[0]

    servers = f"""
  server {{ listen 127.0.0.1:PORT; server_name sjj.bozhou.gov.cn;
           include {output}/nginx/sjj.bozhou.gov.cn.conf; }}
  server {{ listen 127.0.0.1:PORT; server_name www.bozhou.gov.cn; root {portal}; }}"""
    process, port = start_nginx(
        tmp_path / "nginx-retire", servers, f"include {output}/nginx/maps.conf;"
    )
    try:
        for page in old_pages:
            old_path = "/" + (page.removesuffix("index.html"))
            moved = get(port, "sjj.bozhou.gov.cn", old_path)
            assert moved.status == 301, old_path
            location = urlsplit(moved.getheader("Location"))
            assert location.netloc == "www.bozhou.gov.cn" and location.path.startswith(
                "/archive/sjj/"
            )
            archived = get(port, "www.bozhou.gov.cn", location.path)
            assert archived.status == 200, location.path
            assert "已归档" in archived.body and "归档时间：" in archived.body
        # Not only pages: feeds, the sitemap and robots.txt go to their archived copies.
        for other, inside in (
            ("/feeds/all.atom.xml", "<feed"),
            ("/sitemap.xml", "<urlset"),
            ("/robots.txt", "Sitemap:"),
        ):
            moved = get(port, "sjj.bozhou.gov.cn", other)
            assert moved.status == 301, other
            location = urlsplit(moved.getheader("Location"))
            assert location.path.startswith("/archive/sjj/"), (other, location.path)
            assert not location.path.endswith("/index.html"), (other, location.path)
            copy = get(port, "www.bozhou.gov.cn", location.path)
            assert copy.status == 200 and inside in copy.body, other
        unknown = get(port, "sjj.bozhou.gov.cn", "/no/such/page.html")
        assert unknown.status == 301
        assert unknown.getheader("Location") == "https://www.bozhou.gov.cn/archive/sjj/index.html"
    finally:
        process.terminate()
        process.wait(timeout=10)

    for day, shown in (("2026-12-25", True), ("2026-12-26", False)):
        assert run_pelican(group, output, "-e", f'BUILD_DATE="{day}"').returncode == 0
        assert ("下线公告" in (portal / "index.html").read_text(encoding="utf-8")) is shown, day


def test_offline_site_answers_503_with_retry_after(lifecycle_group, tmp_path):
    group, output = lifecycle_group
    recorded = archive_tool("notice", *FGW_OFFLINE, "--content", group)
    assert recorded.returncode == 0, recorded.stderr
    assert run_pelican(group, output, "-e", 'BUILD_DATE="2026-12-01"').returncode == 0
    site = output / "fgw.bozhou.gov.cn"
    assert (site / "maintenance-1.html").exists()
    portal_home = (output / "www.bozhou.gov.cn" / "index.html").read_text(encoding="utf-8")
    subsites = portal_home.split('id="subsites-title"')[1].split("</section>")[0]
    assert "fgw.bozhou.gov.cn" not in subsites, "the portal lists only sites that are online"
    assert "www.qcq.gov.cn" in subsites
    servers = f"""
  server {{ listen 127.0.0.1:PORT; server_name fgw.bozhou.gov.cn; root {site};
           include {output}/nginx/fgw.bozhou.gov.cn.conf; }}"""
    process, port = start_nginx(
        tmp_path / "nginx-offline",
        servers,
        f"include {output}/nginx/maps.conf; include {output}/nginx/offline-maps.conf;",
    )
    # The window opens and closes by the request's clock (tests/group/test_lifecycle_pages.py
    # puts one around the present): 2026-12-01 08:00–20:00 北京时间.
    start = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
    within = start <= datetime.now(timezone.utc) < start + timedelta(hours=12)
    try:
        for path in ("/", "/zwdt/", "/sitemap.html", "/no/such/page"):
            response = get(port, "fgw.bozhou.gov.cn", path)
            if within:
                assert response.status == 503, path
                assert response.getheader("Retry-After") == "Tue, 01 Dec 2026 12:00:00 GMT"
                assert "临时下线" in response.body and "机房电力改造" in response.body
            else:
                assert response.status in (200, 404), path
                assert response.getheader("Retry-After") is None
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert run_pelican(group, output, "-e", 'BUILD_DATE="2026-12-02"').returncode == 0
    # The window is over: the site's server lines keep only what every site has (continuity).
    assert "503" not in (output / "nginx" / "fgw.bozhou.gov.cn.conf").read_text(encoding="utf-8")
