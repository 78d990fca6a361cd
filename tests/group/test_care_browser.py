"""关怀版, the accessibility tool bar and the column menu in Chromium (issue 27), on every page
type of every site at a phone's width (375 px) and a desktop's (1280 px).

- No page scrolls sideways, in the standard page and in the 关怀版.
- At 1280 px the column bar is one row; at 375 px it is a button that opens and closes the
  menu by keyboard (Enter, Space, Escape) and says so in aria-expanded.
- The 关怀版, switched on by keyboard, holds on the next page; there every page type passes
  axe (WCAG 2.1 AA) and the text of the page's main part is at least 7:1 against its background.
- The tool bar's buttons work (text size, high contrast, line spacing, large pointer, reading
  guide, the page read aloud through the browser's speechSynthesis) and are kept.
- Without JavaScript the menu shows in full and nothing that needs a script does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import (  # skips the module without chromium
    launched_chromium,
)
from servers import serve_directory
from test_build import ONLINE

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (375, 1280)
SEARCHED = "#search[aria-busy=false] #search-status:not(:empty)"
CARE = {"care": True, "scale": 1.25, "spacing": True, "cursor": True}

# The lowest contrast of the text in <main> against the background it is drawn on, and where.
LOWEST_CONTRAST = """() => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
      : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = e => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  let lowest = [99, ''];
  for (const e of document.querySelectorAll('main *')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = e.getBoundingClientRect();
    if (!own || !e.checkVisibility() || box.width < 2 || box.height < 2) continue;
    const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < lowest[0]) lowest = [ratio, e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 20)];
  }
  return lowest;
}"""


@pytest.fixture(scope="module")
def server(demo_build):
    with serve_directory(demo_build.output) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


def page_types(root: Path) -> list[str]:
    """One page of each type the site has: home, column, article, policy, 解读, site map,
    notices, search with results, 政府信息公开, services, letters, consultations, interviews,
    辟谣 and the 404 page."""
    pages = ["index.html", "zwdt/", "sitemap.html", "notices.html", "404.html", "xxgk/"]
    pages.append("search.html?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83")  # 营商环境
    for pattern in (
        "zwdt/*/*.html",
        "zcwj/*/*.html",
        "zcjd/*/*.html",
        "xxgk/fdzdgknr.html",
        "xxgk/ysqgk.html",
        "xxgk/*/xxgk-zhinan.html",
        "services/index.html",
        "services/[!i]*.html",
        "letters/index.html",
        "letters/[!i]*.html",
        "consultations/index.html",
        "consultations/[!i]*.html",
        "interviews/index.html",
        "interviews/[!i]*.html",
        "piyao/index.html",
    ):
        pages += [p.relative_to(root).as_posix() for p in sorted(root.glob(pattern))[:1]]
    return pages


def open_page(page, url: str) -> None:
    response = page.goto(url)
    assert response.status in (200, 304) or url.endswith("404.html"), url
    if "search.html" in url:
        page.wait_for_selector(SEARCHED, timeout=20000)


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element is the named button (as a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name} is not reached by Tab")


def nav_rows(page) -> int:
    return page.evaluate(
        """new Set([...document.querySelectorAll('#column-menu a')]
             .map(a => Math.round(a.getBoundingClientRect().top))).size"""
    )


def menu_problems(page) -> list[str]:
    """At a phone's width: the menu opens and closes by keyboard, aria-expanded in step."""
    problems = []
    menu, button = page.locator("#column-menu"), page.locator(".menu-toggle")
    if not button.is_visible() or menu.is_visible():
        return ["the menu is not a closed menu behind a button"]
    page.evaluate("document.activeElement && document.activeElement.blur()")
    tab_to(page, "栏目导航")
    page.keyboard.press("Enter")
    if not menu.is_visible() or button.get_attribute("aria-expanded") != "true":
        problems.append("Enter does not open the menu")
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.textContent.trim()") != "首页":
        problems.append("Tab does not go from the button into the menu")
    page.keyboard.press("Escape")
    if menu.is_visible() or button.get_attribute("aria-expanded") != "false":
        problems.append("Escape does not close the menu")
    if page.evaluate("document.activeElement.textContent.trim()") != "栏目导航":
        problems.append("Escape does not return focus to the button")
    page.keyboard.press("Space")
    opened = menu.is_visible()
    page.keyboard.press("Space")
    if not opened or menu.is_visible():
        problems.append("Space does not open and close the menu")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_every_page_type_fits_and_has_a_one_row_bar_or_a_menu(browser, demo_build, site_id):
    assert problems_at_every_width(browser, demo_build, site_id, layout_problems) == {}


def problems_at_every_width(browser, demo_build, site_id: str, problems) -> dict:
    """problems(browser, server, root, width) over WIDTHS, the site served as nginx serves
    it (the site is the document root)."""
    root = demo_build.output / ONLINE[site_id]["domain"]
    found = {}
    with serve_directory(root) as server:
        for width in WIDTHS:
            found |= problems(browser, server, root, width)
    return found


def layout_problems(browser, server: str, root: Path, width: int) -> dict[str, list[str]]:
    found = {}
    for care in (False, True):
        context = browser.new_context(viewport={"width": width, "height": 900})
        if care:
            context.add_init_script(f"localStorage.setItem('gov-care', '{json.dumps(CARE)}')")
        page = context.new_page()
        for path in page_types(root):
            open_page(page, server + path)
            problems = []
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"scrolls sideways ({scroll}px)")
            if page.locator("#column-menu").count():
                if width == 375:
                    problems += menu_problems(page)
                elif not care and nav_rows(page) != 1:
                    problems.append(f"the column bar takes {nav_rows(page)} rows")
                elif care and nav_rows(page) > 2:
                    problems.append(f"the 关怀版 column bar takes {nav_rows(page)} rows")
            if problems:
                found[f"{width}px{' 关怀版' if care else ''} {path}"] = problems
        context.close()
    return found


@pytest.mark.slow
@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_care_mode_holds_across_pages_and_passes_axe_at_7_to_1(browser, demo_build, site_id):
    assert problems_at_every_width(browser, demo_build, site_id, care_problems) == {}


def care_problems(browser, server: str, root: Path, width: int) -> dict[str, list[str]]:
    found = {}
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(server + "index.html")
    size = "getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(size) == "16px"
    tab_to(page, "关怀版")
    page.keyboard.press("Enter")
    assert page.evaluate(size) == "20px"
    for path in page_types(root):
        open_page(page, server + path)
        problems = []
        switch = page.locator("[data-care]")
        if switch.get_attribute("aria-pressed") != "true" or page.evaluate(size) != "20px":
            problems.append("the 关怀版 does not hold")
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        problems += [f"axe {v['id']} ({len(v['nodes'])})" for v in result.response["violations"]]
        ratio, where = page.evaluate(LOWEST_CONTRAST)
        if ratio < 7:
            problems.append(f"contrast {ratio:.2f}:1 at {where}")
        if problems:
            found[f"{width}px {path}"] = problems
    context.close()
    return found


@pytest.fixture
def portal(browser, server):
    """The portal's home in a fresh context whose speechSynthesis only records what it is
    given (headless Chromium has no voice to speak with)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(
        "window.spoken = [];speechSynthesis.speak = u => { window.spoken.push([u.text, u.lang]); };"
    )
    page = context.new_page()
    page.goto(f"{server}{ONLINE['bozhou']['domain']}/index.html")
    yield page
    context.close()


def test_the_tool_bar_by_keyboard_and_kept_on_the_next_page(portal):
    page = portal
    tools = page.locator("#a11y-tools")
    assert not tools.is_visible()
    tab_to(page, "无障碍工具条")
    page.keyboard.press("Enter")
    assert tools.is_visible()
    assert page.get_attribute("[data-a11y-toggle]", "aria-expanded") == "true"
    for name in ("特大字号", "高对比度", "加大行距", "大鼠标", "阅读辅助线"):
        tab_to(page, name)
        page.keyboard.press("Enter")
        assert (
            page.locator(f"#a11y-tools button:text-is('{name}')").get_attribute("aria-pressed")
            == "true"
        ), name
    style = "prop => getComputedStyle(document.querySelector(prop[0]))[prop[1]]"
    assert page.evaluate(style, ["html", "fontSize"]) == "24px"
    assert page.evaluate(style, ["body", "backgroundColor"]) == "rgb(0, 0, 0)"
    assert page.evaluate(style, ["main", "color"]) == "rgb(255, 255, 255)"
    assert float(page.evaluate(style, ["main", "lineHeight"])[:-2]) >= 2 * 24
    assert "cursor.svg" in page.evaluate(style, ["main", "cursor"])
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]
    guide = page.locator(".reading-guide")
    page.mouse.move(300, 400)
    box = guide.bounding_box()
    assert box["width"] == 1280 and box["y"] < 400 < box["y"] + box["height"]
    page.keyboard.press("Escape")
    assert not tools.is_visible(), "Escape closes the tool bar"
    assert page.evaluate("document.activeElement.textContent.trim()") == "无障碍工具条"

    with page.expect_navigation():
        page.click("#column-menu a:text-is('政务动态')")
    assert page.evaluate(style, ["html", "fontSize"]) == "24px", "kept on the next page"
    assert page.evaluate(style, ["body", "backgroundColor"]) == "rgb(0, 0, 0)"
    page.click("[data-a11y-toggle]")
    page.click("text=恢复默认")
    assert page.evaluate(style, ["html", "fontSize"]) == "16px"
    assert page.evaluate("document.documentElement.className") == "js a11y-open"
    assert not guide.is_visible()


def test_read_aloud_speaks_the_main_text_in_chinese(portal):
    page = portal
    page.click("[data-a11y-toggle]")
    page.click("text=朗读全文")
    spoken = page.evaluate("window.spoken")
    assert spoken and {lang for _, lang in spoken} == {"zh-CN"}
    main = page.evaluate("document.getElementById('main').innerText.replace(/\\s+/g, ' ').trim()")
    assert "".join(text for text, _ in spoken) == main
    assert page.get_attribute("[data-read]", "aria-pressed") == "true"


def test_a_link_opens_and_leaves_the_care_mode(browser, server):
    context = browser.new_context()
    page = context.new_page()
    home = f"{server}{ONLINE['bozhou']['domain']}/index.html"
    care = "document.documentElement.classList.contains('care')"
    page.goto(home + "?care=1")
    assert page.evaluate(care)
    assert page.get_attribute("[data-care]", "aria-pressed") == "true"
    page.goto(home)
    assert page.evaluate(care), "kept"
    page.goto(home + "?care=0")
    assert not page.evaluate(care)
    context.close()


def test_without_javascript_the_menu_shows_and_the_script_parts_do_not(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}{ONLINE['bozhou']['domain']}/index.html")
    assert page.locator("#column-menu a:text-is('政府信息公开')").is_visible()
    assert not page.locator(".menu-toggle").is_visible()
    assert not page.locator(".care-bar").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_the_portal_home_on_a_phone_is_short(browser, server):
    """The home was 5,700 px tall at 375 px with the menu in four rows; at most 4,000 now."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{server}{ONLINE['bozhou']['domain']}/index.html")
    assert page.evaluate("document.documentElement.scrollHeight") <= 4000
    page.close()
