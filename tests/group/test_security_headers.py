"""Security headers from the generated nginx configuration (issue 22, 第十条（二）).

The demo group is built and served by a real nginx on loopback with the configuration the
build wrote, as docs/lifecycle.md tells the webmaster to deploy it. A HEAD request (what
``curl -I`` sends) on a page, a feed, an attachment, a 404 and a 301 shows every header once.
Then files that a browser would run (an SVG with a script, .xhtml, .shtml, .HTML, .html) are
put into the built site's files/ folder, as if one got past the build's checks, and opened
in headless Chromium: each is a download, and no script of theirs runs on the site's origin.
The same files served by a plain static server do run, which shows the check can fail.
"""

from __future__ import annotations

import http.client
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
from browser import launched_chromium  # skips the module without chromium
from servers import serve_directory, serve_handler
from test_lifecycle_pages import NGINX, start_nginx

from archive_tool.republish.rewrite import CSP  # the archived pages' meta policy

PORTAL = "www.bozhou.gov.cn"
ATTACHMENT = "/files/services/qiye-kaiban/示范文本.txt"  # a 办事指南 form of the portal
PLANTED = "files/planted"  # where the test puts files the build would refuse
SANDBOX = "default-src 'none'; sandbox; frame-ancestors 'self'"
SAME_ORIGIN_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
DENIED_FEATURES = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")
# Each file's script, if it ran, would retitle the page, leave a mark in the origin's
# localStorage and call the test's loopback listener.
SCRIPT = (
    "document.title='RAN';"
    "try{localStorage.setItem('ran','NAME')}catch(e){}"
    "fetch('LISTENER/NAME',{mode:'no-cors'}).catch(function(){});"
)
RISKY = {
    "image.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    "<script>SCRIPT</script></svg>",
    "page.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>'
    "<body><script>SCRIPT</script></body></html>",
    "page.shtml": "<!DOCTYPE html><title>x</title><script>SCRIPT</script>",
    "PAGE.HTML": "<!DOCTYPE html><title>x</title><script>SCRIPT</script>",
    "page.html": "<!DOCTYPE html><title>x</title><script>SCRIPT</script>",
}


class Listener(http.server.BaseHTTPRequestHandler):
    """Records every request a planted script makes; ``arrived`` is set on the first."""

    seen: list[str] = []
    arrived = threading.Event()

    def do_GET(self):
        Listener.seen.append(self.path)
        Listener.arrived.set()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    with serve_handler(Listener) as url:
        yield url.rstrip("/")


@pytest.fixture(scope="module")
def served(demo_build, listener, tmp_path_factory):
    """A copy of the demo build with the risky files planted, behind the generated nginx
    configuration; (port, output)."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed")
    output = tmp_path_factory.mktemp("headers") / "output"
    shutil.copytree(demo_build.output, output)
    plant(output / PORTAL / PLANTED, listener)
    (output / PORTAL / "ndbb").mkdir(exist_ok=True)
    (output / PORTAL / "ndbb" / "2025.json").write_text('{"year": 2025}', encoding="utf-8")
    copy = output / PORTAL / "archive" / "20250101000000"
    copy.mkdir(parents=True)
    (copy / "index.html").write_text("<!DOCTYPE html><title>归档</title>", encoding="utf-8")
    domains = sorted(path.stem for path in (output / "nginx").glob("*.conf") if path.stem != "maps")
    assert PORTAL in domains
    # The portal answers requests for 127.0.0.1 (Chromium's), the others their Host.
    servers = "".join(
        f"""
  server {{ listen 127.0.0.1:PORT{" default_server" if domain == PORTAL else ""};
           server_name {domain}; root {output / domain};
           include {output}/nginx/{domain}.conf; }}"""
        for domain in domains
    )
    process, port = start_nginx(
        tmp_path_factory.mktemp("nginx"), servers, f"include {output}/nginx/maps.conf;"
    )
    yield port, output
    process.terminate()
    process.wait(timeout=10)


def plant(folder: Path, listener: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in RISKY.items():
        script = SCRIPT.replace("LISTENER", listener).replace("NAME", name)
        (folder / name).write_text(text.replace("SCRIPT", script), encoding="utf-8")


def head(port: int, path: str, host: str = PORTAL) -> http.client.HTTPResponse:
    """What ``curl -I`` shows: a HEAD request's status and headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("HEAD", quote(path), headers={"Host": host})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def only(response, name: str) -> str | None:
    """The one value of a header (None when absent); twice would be a misconfiguration."""
    values = [value for key, value in response.getheaders() if key.lower() == name.lower()]
    assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
    return values[0] if values else None


def page_policy(output: Path, page: str) -> str:
    """The Content-Security-Policy a built page carries in its meta tag."""
    root = lxml.html.parse(str(output / PORTAL / page)).getroot()
    (policy,) = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    return policy


def assert_common_headers(response, what: str) -> None:
    for name, value in SAME_ORIGIN_HEADERS.items():
        assert only(response, name) == value, (what, name)
    permissions = only(response, "Permissions-Policy") or ""
    assert all(feature in permissions.split(", ") for feature in DENIED_FEATURES), what


def test_a_page_has_its_meta_policy_as_a_header_with_frame_ancestors(served):
    port, output = served
    policy = page_policy(output, "index.html")
    for path in ("/", "/index.html", "/search.html", "/feeds/all.atom.xml", "/theme/css/gov.css"):
        response = head(port, path)
        assert response.status == 200, path
        assert only(response, "Content-Security-Policy") == f"{policy}; frame-ancestors 'self'"
        assert_common_headers(response, path)
        assert only(response, "Content-Disposition") is None, path


def test_an_attachment_is_a_sandboxed_download(served):
    port, _ = served
    response = head(port, ATTACHMENT)
    assert response.status == 200
    assert only(response, "Content-Type").startswith("text/plain")
    assert only(response, "Content-Disposition") == "attachment"
    assert only(response, "Content-Security-Policy") == SANDBOX
    assert_common_headers(response, ATTACHMENT)
    # The toolkit's own downloads (年度工作报表 JSON/CSV/XLSX) are downloads too.
    response = head(port, "/ndbb/2025.json")
    assert only(response, "Content-Disposition") == "attachment"
    assert only(response, "Content-Security-Policy") == SANDBOX


@pytest.mark.parametrize("name", sorted(RISKY))
def test_a_file_that_could_run_script_is_served_as_bytes(served, name):
    port, _ = served
    response = head(port, f"/{PLANTED}/{name}")
    assert response.status == 200
    assert only(response, "Content-Type") == "application/octet-stream"
    assert only(response, "Content-Disposition") == "attachment"
    assert only(response, "Content-Security-Policy") == SANDBOX
    assert only(response, "X-Content-Type-Options") == "nosniff"


def test_errors_and_redirects_carry_the_headers_too(served):
    port, output = served
    policy = f"{page_policy(output, '404.html')}; frame-ancestors 'self'"
    for path, status in (("/no/such/page.html", 404), ("/files/no-such.pdf", 404), ("/zwdt", 301)):
        response = head(port, path)
        assert response.status == status, path
        assert only(response, "Content-Security-Policy") == policy, path
        assert only(response, "Content-Disposition") is None, path
        assert_common_headers(response, path)


def test_a_republished_archive_has_its_own_policy(served):
    port, output = served
    response = head(port, "/archive/20250101000000/index.html")
    assert response.status == 200
    assert only(response, "Content-Security-Policy") == f"{CSP}; frame-ancestors 'self'"
    assert "script-src 'none'" in CSP
    assert_common_headers(response, "archive")


def test_every_site_of_the_group_sends_the_headers(served):
    port, output = served
    for conf in (output / "nginx").glob("*.conf"):
        if conf.stem == "maps":
            continue
        response = head(port, "/index.html", host=conf.stem)
        assert response.status == 200, conf.stem
        assert (only(response, "Content-Security-Policy") or "").startswith("default-src 'self'")
        assert_common_headers(response, conf.stem)


# -- in Chromium ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: page.problems.append(message.text)
        if message.type in ("error", "warning")
        else None,
    )
    yield page
    context.close()


def open_as_download(page, url: str):
    """Open ``url`` as a visitor would and return the download it starts."""
    with page.expect_download(timeout=15000) as started:
        try:
            page.goto(url)
        except Exception as error:  # Chromium aborts the navigation of a download
            if "Download is starting" not in str(error) and "ERR_ABORTED" not in str(error):
                raise
    return started.value


@pytest.mark.parametrize("name", sorted(RISKY))
def test_chromium_downloads_a_risky_attachment_and_runs_none_of_it(served, page, name):
    port, _ = served
    Listener.seen.clear()
    page.goto(f"http://127.0.0.1:{port}/index.html")
    title = page.title()
    download = open_as_download(page, f"http://127.0.0.1:{port}/{PLANTED}/{quote(name)}")
    assert download.suggested_filename == name
    assert page.url == f"http://127.0.0.1:{port}/index.html", "the page stays where it was"
    assert page.title() == title
    assert page.evaluate("localStorage.getItem('ran')") is None
    assert not [path for path in Listener.seen if name in path]


def test_a_framed_attachment_runs_no_script_either(served, page):
    """Put in a frame of a page on the same origin, each is still only a download."""
    port, _ = served
    Listener.seen.clear()
    page.goto(f"http://127.0.0.1:{port}/index.html")
    for name in sorted(RISKY):
        with page.expect_download(timeout=15000) as started:
            page.evaluate(
                """src => { const frame = document.createElement('iframe');
                            frame.src = src; document.body.append(frame); }""",
                f"/{PLANTED}/{quote(name)}",
            )
        assert started.value.suggested_filename == name
    assert page.evaluate("localStorage.getItem('ran')") is None
    assert page.title() != "RAN"
    assert Listener.seen == []


def test_the_site_and_its_search_work_under_the_header_policy(served, page):
    port, _ = served
    page.goto(f"http://127.0.0.1:{port}/search.html?q=营商环境")
    page.wait_for_selector(".search-result", timeout=15000)
    page.click("text=无障碍工具条")  # the care tool bar (care.js) runs under the header CSP
    page.click("#a11y-tools >> text=大字号")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
    assert page.problems == [], page.problems


def test_without_the_configuration_the_same_files_run(served, page, listener):
    """The control: a plain static server sends none of the headers, and every planted
    file's script runs, so the tests above could fail."""
    _, output = served
    with serve_directory(output / PORTAL) as base:
        for name in sorted(RISKY):
            Listener.arrived.clear()
            Listener.seen.clear()
            page.goto(f"{base}{PLANTED}/{quote(name)}")
            assert Listener.arrived.wait(15), f"{name}: its script did not run"
            assert page.title() == "RAN", name
