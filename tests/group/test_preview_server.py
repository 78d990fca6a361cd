"""`pelican --listen`, the local preview the README describes, answers a missing page with
404 and a page saying so (Pelican's own server closes the connection without a reply)."""

from __future__ import annotations

import http.client
import subprocess
import time

import pytest
from conftest import PELICAN, REPO
from lxml import html
from servers import free_port


@pytest.fixture(scope="module")
def preview(demo_build):
    """`pelican --listen` on the built demo group, from the repository as a user runs it."""
    port = free_port()
    process = subprocess.Popen(
        [*PELICAN, "--listen", "-b", "127.0.0.1", "-p", str(port), "-o", str(demo_build.output)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"pelican --listen exited with {process.returncode}")
                time.sleep(0.1)
        else:
            pytest.fail("pelican --listen did not start listening")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(port: int, path: str) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode("utf-8")
    connection.close()
    return response.status, response.getheader("Content-Type") or "", body


def test_a_missing_page_gets_404_and_a_page_in_chinese(preview):
    status, kind, body = get(preview, "/nonexistent.html")
    assert status == 404
    assert kind == "text/html; charset=utf-8"
    page = html.fromstring(body)
    assert page.xpath("string(//h1)") == "404 页面不存在"
    assert "/nonexistent.html" in page.xpath("string(//main)")
    assert page.xpath("//a/@href") == ["/index.html"], "to the group's index"


def test_a_missing_page_of_a_site_leads_back_to_that_site(preview):
    status, _, body = get(preview, "/fgw.bozhou.gov.cn/zwdt/%E4%B8%8D%E5%AD%98%E5%9C%A8.html")
    assert status == 404
    page = html.fromstring(body)
    assert "/fgw.bozhou.gov.cn/zwdt/不存在.html" in page.xpath("string(//main)")
    site_home = "/fgw.bozhou.gov.cn/index.html"
    assert page.xpath("//a/@href") == [site_home, "/index.html"]
    assert get(preview, site_home)[0] == 200, "the link leads to a page"


def test_pages_that_exist_are_served_as_before(preview):
    for path in ("/", "/index.html", "/fgw.bozhou.gov.cn/", "/fgw.bozhou.gov.cn/sitemap"):
        status, kind, body = get(preview, path)
        assert status == 200, path
        assert kind.startswith("text/html") and "</html>" in body, path
    status, _, body = get(preview, "/<script>x</script>")
    assert status == 404 and "<script>" not in body, "the path is shown as text"
