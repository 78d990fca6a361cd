"""Every page carries a self-only Content-Security-Policy, and the theme still works under it.

The policy is a <meta http-equiv> in base.html, so the templates may hold no inline script,
event handler or style: the font-size switch and the search setup live in theme/js/. In
Chromium the portal's home page, its search and its group search run with no violation.
"""

from __future__ import annotations

import functools
import http.server
import threading

import lxml.html
import pytest
from browser import (  # skips the module without chromium
    launched_chromium,
)
from csp import csp_metas, parse_policy, policy_problems
from test_build import ONLINE

from archive_tool.headers import PAGE_POLICY

PORTAL = "www.bozhou.gov.cn"
QUERY = "营商环境"  # in articles of the portal, 发改委 and 谯城区 (content/)
# Sources a self-only policy may name; data: only for images (the ICP badge is a file).
ALLOWED_SOURCES = {"'self'", "'none'", "'wasm-unsafe-eval'", "data:"}
JSON_SCRIPT_TYPES = {"application/json", "application/ld+json"}  # data, never executed


def site_html_pages(output):
    """Every built page of every site, except republished archives and the group preview."""
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output)
        if len(relative.parts) < 2 or "archive" in relative.parts[1:-1]:
            continue
        yield relative.as_posix(), path


def test_every_page_has_one_self_only_policy_and_no_inline_code(demo_build):
    pages = list(site_html_pages(demo_build.output))
    assert {name.split("/")[0] for name, _ in pages} >= {s["domain"] for s in ONLINE.values()}
    problems = []
    for name, path in pages:
        root = lxml.html.parse(str(path)).getroot()
        metas = csp_metas(root)
        if len(metas) != 1:
            problems.append(f"{name}: {len(metas)} CSP metas")
            continue
        meta = metas[0]
        # A meta policy covers only what follows it: it must come before any resource.
        head = root.find("head")
        first = [e for e in head if isinstance(e.tag, str) and e.tag in ("script", "link", "style")]
        if meta.getparent() is not head or (first and head.index(first[0]) < head.index(meta)):
            problems.append(f"{name}: the CSP meta is not in <head> before every resource")
        policy = parse_policy(meta.get("content", ""))
        script_src = policy.get("script-src", policy.get("default-src", []))
        if policy.get("default-src") != ["'self'"] or not script_src:
            problems.append(f"{name}: default-src is not 'self' only: {policy}")
        if {"'unsafe-inline'", "'unsafe-eval'"} & set(script_src):
            problems.append(f"{name}: script-src allows inline code or eval: {script_src}")
        if policy.get("object-src") != ["'none'"] or policy.get("base-uri") != ["'self'"]:
            problems.append(f"{name}: object-src/base-uri missing: {policy}")
        for directive, sources in policy.items():
            foreign = set(sources) - ALLOWED_SOURCES
            if foreign or ("data:" in sources and directive != "img-src"):
                problems.append(f"{name}: {directive} allows more than the site: {sources}")
        for script in root.iter("script"):
            if not script.get("src") and script.get("type", "").lower() not in JSON_SCRIPT_TYPES:
                problems.append(f"{name}: inline <script> {(script.text or '').strip()[:40]!r}")
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            handlers = [a for a in element.attrib if a.lower().startswith("on")]
            if handlers:
                problems.append(f"{name}: <{element.tag} {handlers[0]}=...>")
            if "style" in element.attrib or element.tag == "style":
                problems.append(f"{name}: inline style on <{element.tag}> (style-src is 'self')")
            for attribute in ("href", "src", "action"):
                if element.get(attribute, "").strip().lower().startswith("javascript:"):
                    problems.append(f"{name}: javascript: URL on <{element.tag}>")
    assert problems == [], "\n".join(problems[:20])


def test_every_html_file_of_the_output_carries_a_policy(demo_build):
    output = demo_build.output
    assert (output / "index.html").is_file(), "the group index is walked too"
    assert list(output.glob("*/404.html")), "and every site's 404 page"
    assert policy_problems(output) == []


def test_the_walk_finds_a_page_without_a_policy(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.HTML").write_text("<!DOCTYPE html><title>x</title><p>x", "utf-8")
    (tmp_path / "y.html").write_text(
        "<html><head><script src=a.js></script>"
        "<meta http-equiv=Content-Security-Policy content=\"script-src 'unsafe-inline'\">",
        "utf-8",
    )
    found = policy_problems(tmp_path)
    assert found[0] == "a/x.HTML: 0 CSP metas"
    assert any("comes before" in p for p in found) and any("script-src" in p for p in found)


def test_the_theme_meta_is_the_policy_nginx_sends(demo_build):
    """base.html writes the policy as text; archive_tool.headers gives nginx the same."""
    root = lxml.html.parse(str(demo_build.output / PORTAL / "index.html")).getroot()
    (meta,) = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert meta == PAGE_POLICY


def test_search_pages_hand_the_template_values_to_the_script(demo_build):
    for site in ONLINE.values():
        root = lxml.html.parse(str(demo_build.output / site["domain"] / "search.html")).getroot()
        (box,) = root.xpath("//div[@id='search']")
        portal = site["domain"] == PORTAL
        assert box.get("data-group-allowed") == ("true" if portal else "false"), site
        assert box.get("data-preview") == "false"
        assert box.get("data-group-bundle") == "./pagefind-group/"
        sources = [s.get("src") for s in root.iter("script")]
        assert sources == ["./theme/js/care.js", "./theme/js/search.js"], sources
        assert root.find("head/script").get("src") == "./theme/js/care.js"
        # search.js imports pagefind's module itself (same origin, so script-src 'self').
        assert box.get("data-bundle") == "./pagefind/"


# -- in Chromium ----------------------------------------------------------------------------

VIOLATION = "CSP violation:"
# Runs before any page script: reports each violation as a console error the test collects.
REPORT_VIOLATIONS = (
    "document.addEventListener('securitypolicyviolation', function (e) {"
    f" console.error('{VIOLATION} ' + e.violatedDirective + ' ' + e.blockedURI"
    " + ' ' + e.sourceFile + ':' + e.lineNumber); });"
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(demo_build):
    handler = functools.partial(QuietHandler, directory=str(demo_build.output))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    """A fresh page (own localStorage) whose CSP violations end up in page.violations."""
    context = browser.new_context()
    page = context.new_page()
    page.violations = []
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        text = message.text
        if VIOLATION in text or "Content Security Policy" in text:
            page.violations.append(text)

    page.on("console", on_console)
    yield page
    context.close()


def result_links(page) -> list[str]:
    page.wait_for_selector(".search-result", timeout=15000)
    return page.eval_on_selector_all(".search-result h2 a", "els => els.map(e => e.href)")


def test_home_page_and_the_care_tool_bar_run_under_the_policy(page, server):
    page.goto(f"{server}/{PORTAL}/index.html")
    size = "getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(size) == "16px"
    page.click("text=无障碍工具条")
    page.click("#a11y-tools >> text=大字号")
    assert page.evaluate(size) == "20px"
    assert page.get_attribute("[data-scale='1.25']", "aria-pressed") == "true"
    for name in ("高对比度", "大鼠标", "阅读辅助线"):  # a cursor image and a moved element
        page.click(f"text={name}")
    page.mouse.move(200, 300)
    page.reload()
    assert page.evaluate(size) == "20px", "the choice is remembered"
    assert page.get_attribute("[data-scale='1']", "aria-pressed") == "false"
    page.click("text=恢复默认")
    page.click("text=关怀版")
    assert page.evaluate(size) == "20px"
    assert page.violations == []


def block_worker(page):
    """Make pagefind's web worker fail, so it searches on the page's own thread."""
    page.route("**/pagefind-worker.js", lambda route: route.fulfill(status=404, body=""))


# The worker's script has no policy of its own, so only the main-thread fallback (taken when
# the worker fails) proves that pagefind's WebAssembly runs under the page's policy.
@pytest.mark.parametrize("worker", [True, False], ids=["worker", "main-thread"])
def test_site_search_finds_results_under_the_policy(page, server, worker):
    if not worker:
        block_worker(page)
    page.goto(f"{server}/{PORTAL}/search.html?q={QUERY}")
    links = result_links(page)
    assert links and all(link.startswith(f"{server}/{PORTAL}/") for link in links), links
    assert page.input_value("#search-page-q") == QUERY
    assert QUERY in page.inner_text("#search-status")
    assert page.is_checked(".search-scope [value=site]")
    assert page.violations == []


@pytest.mark.parametrize("worker", [True, False], ids=["worker", "main-thread"])
def test_group_search_links_to_each_site_under_the_policy(page, server, worker):
    if not worker:
        block_worker(page)
    page.goto(f"{server}/{PORTAL}/search.html?q={QUERY}&scope=group")
    links = result_links(page)
    domains = {s["domain"] for s in ONLINE.values()}
    assert all(link.startswith("https://") and link.split("/")[2] in domains for link in links), (
        links
    )
    assert any(link.split("/")[2] != PORTAL for link in links), "other sites' pages are found"
    assert page.is_checked(".search-scope [value=group]")
    assert page.violations == []


def test_changing_the_scope_searches_again_under_the_policy(page, server):
    page.goto(f"{server}/{PORTAL}/search.html?q={QUERY}")
    result_links(page)
    page.check(".search-scope [value=group]")  # a change of scope is submitted, not automatic
    with page.expect_navigation():
        page.click(".search-form button[type=submit]")
    assert "scope=group" in page.url
    links = result_links(page)
    assert any(link.startswith("https://") for link in links), links
    assert page.violations == []


def test_scope_group_is_ignored_off_the_portal(page, server):
    domain = ONLINE["fgw"]["domain"]
    page.goto(f"{server}/{domain}/search.html?q={QUERY}&scope=group")
    links = result_links(page)
    assert all(link.startswith(f"{server}/{domain}/") for link in links), links
    assert page.locator(".search-scope").count() == 0
    assert page.violations == []


def test_the_group_index_style_is_allowed_by_its_hash(page, server):
    """The local-preview index has one inline style, allowed by its hash and nothing else."""
    page.goto(f"{server}/index.html")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "960px"
    assert page.violations == []
