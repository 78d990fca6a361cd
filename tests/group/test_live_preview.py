"""``archive-tool serve``: an editor saves an article and the open page shows the change; a
save that breaks a rule shows the build's message in the page, over the last good build."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import date

import pytest
from browser import launched_chromium
from previewing import ARTICLE, Serving, article_page

from archive_tool.group.preview.quick import QuickEdit, SavedArticles
from archive_tool.group.preview.server import with_reload_script


@pytest.fixture
def serving(group_copy, tmp_path):
    running = Serving(group_copy, tmp_path / "preview")
    try:
        yield running, group_copy, tmp_path / "preview"
    finally:
        running.stop()


def test_a_saved_edit_shows_in_the_open_page_and_a_broken_rule_shows_its_message(serving):
    running, content, folder = serving
    root, built, url = article_page(running, folder)
    source = content / ARTICLE
    text = source.read_text(encoding="utf-8")
    with launched_chromium() as browser:
        page = browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url)
        page.get_by_text("副市长宋嘉禾出席会议并讲话").first.wait_for()
        page.wait_for_function("() => typeof EventSource !== 'undefined'")

        source.write_text(text.replace("副市长宋嘉禾", "副市长预览测试"), encoding="utf-8")
        running.wait_for("构建完成")
        page.get_by_text("副市长预览测试出席会议并讲话").first.wait_for(timeout=60_000)

        broken = text.replace("副市长宋嘉禾", "副市长预览测试").replace(
            "disclosure: 主动公开", "disclosure: 随便"
        )
        source.write_text(broken, encoding="utf-8")
        running.wait_for("构建失败")
        overlay = page.locator("#preview-build-error")
        overlay.wait_for(timeout=60_000)
        message = overlay.inner_text()
        assert "公开属性应为 主动公开 / 依申请公开 / 不予公开 之一，实为「随便」" in message
        assert "2024-12-18-zhongyaocai-zhuisu.md" in message
        # The page under the message is still the last good build, and so is the folder.
        assert page.get_by_text("副市长预览测试出席会议并讲话").count() >= 1
        assert "副市长预览测试" in built.read_text(encoding="utf-8")
        # A page opened now shows the message too.
        other = browser.new_page()
        other.goto(root + "www.bozhou.gov.cn/index.html")
        other.locator("#preview-build-error").wait_for(timeout=60_000)
        # The pages' CSP allowed the script and its event stream: no console errors.
        assert not [e for e in errors if "Content Security Policy" in e], errors

        source.write_text(text, encoding="utf-8")  # fixed: the message goes, the page reloads
        running.wait_for("构建完成")
        page.get_by_text("副市长宋嘉禾出席会议并讲话").first.wait_for(timeout=60_000)
        assert page.locator("#preview-build-error").count() == 0

    # The script is added to preview responses only, never to the built files.
    assert not [p for p in folder.rglob("*.html") if b"__preview__" in p.read_bytes()]
    with urllib.request.urlopen(url) as response:
        assert b"/__preview__/reload.js?g=" in response.read()
    # A missing page: 404 and the way back, as under pelican --listen.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(root + "www.bozhou.gov.cn/no-such-page.html")
    assert missing.value.code == 404
    body = missing.value.read().decode("utf-8")
    assert "archive-tool serve" in body and '<a href="/www.bozhou.gov.cn/index.html">' in body


def test_the_reload_script_goes_before_the_end_of_the_body_once():
    page = b"<html><body><p>x</p></body></html>"
    assert with_reload_script(page, 2).count(b"reload.js?g=2") == 1
    assert with_reload_script(b"<p>fragment</p>", 0).endswith(b'?g=0"></script>')


# The quick path (group.preview.quick): the page of a saved article is served before the full
# build, with the bytes that build then writes; what it cannot show waits for the build.
QUICK = "已预览修改的页面"
REACTIONS = rf"^({QUICK}|未能快速预览|正在构建|构建失败，)"  # the preview's own lines
BUILT, FAILED = "^构建完成", "^构建失败，"
RELOAD_SCRIPT = re.compile(rb'<script src="/__preview__/reload\.js\?g=\d+"></script>')


def served(url: str) -> bytes:
    """The page as the preview serves it, without the reload script it adds."""
    with urllib.request.urlopen(url) as response:
        return RELOAD_SCRIPT.sub(b"", response.read())


def build_state(root: str) -> dict:
    """The build state the pages' script reads first from the event stream."""
    with urllib.request.urlopen(root + "__preview__/events", timeout=60) as stream:
        for line in stream:
            if line.startswith(b"data: "):
                return json.loads(line[len(b"data: ") :])
    raise AssertionError("no state on the event stream")


def test_the_quick_page_is_the_page_the_build_writes_and_a_broken_rule_is_refused_first(serving):
    running, content, folder = serving
    root, built, url = article_page(running, folder)
    source = content / ARTICLE
    text = source.read_text(encoding="utf-8")

    body_edit = text.replace("副市长宋嘉禾", "副市长快速预览")
    title_edit = body_edit.replace("Title: 全市中药材", "Title: 快速预览全市中药材")
    for edited, marker in ((body_edit, "副市长快速预览"), (title_edit, "快速预览全市中药材")):
        source.write_text(edited, encoding="utf-8")
        assert running.wait_for(REACTIONS).group(1) == QUICK, "shown before the full build"
        quick = served(url)
        assert marker.encode() in quick and marker not in built.read_text(encoding="utf-8")
        running.wait_for(BUILT)
        assert built.read_bytes() == quick, "the quick page is the page the build wrote"
        assert served(url) == quick

    # A rule on the saved file alone: refused before any page shows it, with the build's
    # message; the page stays the last good build.
    broken = title_edit.replace("副市长快速预览", "副市长不该出现").replace(
        "disclosure: 主动公开", "disclosure: 随便"
    )
    source.write_text(broken, encoding="utf-8")
    assert running.wait_for(REACTIONS).group(1) == "构建失败，", "refused before the full build"
    error = build_state(root)["error"]
    assert "公开属性应为 主动公开 / 依申请公开 / 不予公开 之一，实为「随便」" in error
    assert "2024-12-18-zhongyaocai-zhuisu.md" in error
    assert "不该出现" not in served(url).decode("utf-8")
    running.wait_for(FAILED)  # the full build, with the same message
    assert "实为「随便」" in build_state(root)["error"]
    assert "不该出现" not in served(url).decode("utf-8")

    # A rule across files (a 政策解读 naming no policy of its site): the saved file passes
    # its own rules; the full build refuses it and its message shows.
    reading = next(content.glob("sjj/zcjd/sjj-12345-gongdan-guifan-2026-jiedu.md"))
    reading.write_text(
        reading.read_text(encoding="utf-8").replace(
            "interprets: sjj-12345-gongdan-guifan-2026", "interprets: no-such-policy"
        ),
        encoding="utf-8",
    )
    assert running.wait_for(REACTIONS).group(1) == "未能快速预览"  # its metadata changed
    running.wait_for(FAILED)
    assert "no-such-policy" in build_state(root)["error"]


def test_what_the_quick_path_cannot_show_goes_straight_to_the_full_build(serving):
    running, content, _ = serving
    running.wait_for(r"预览地址：(http://\S+/)")
    article = content / ARTICLE
    added = article.parent / "2024-12-19-xin.md"

    def edit_site_yaml():  # a comment changes its bytes, not what it says
        with (content / "bozhou" / "site.yaml").open("a", encoding="utf-8") as stream:
            stream.write("\n# 预览\n")

    def add_article():
        text = article.read_text(encoding="utf-8")
        added.write_text(text.replace("zhongyaocai-zhuisu", "xin"), encoding="utf-8")

    for save in (edit_site_yaml, add_article, added.unlink):
        save()
        assert running.wait_for(REACTIONS).group(1) == "正在构建", save
        running.wait_for(BUILT)


def test_only_saved_articles_of_one_site_take_the_quick_path(group_copy, tmp_path):
    saved = SavedArticles(group_copy, date(2026, 11, 26))
    article = group_copy / ARTICLE
    other = next((group_copy / "fgw").rglob("*.md"))
    theme = tmp_path / "theme" / "templates" / "article.html"
    theme.parent.mkdir(parents=True)
    theme.write_text("x", encoding="utf-8")
    new = article.with_name("2024-12-19-xin.md")
    new.write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    gone = article.with_name("4913")  # vim's probe: made and removed within the save
    assert saved.plan([(2, str(article)), (1, str(gone)), (3, str(gone))]) == QuickEdit(
        "bozhou", ("zwdt/2024-12-18-zhongyaocai-zhuisu.md",)
    )
    for changes in (
        [(2, str(theme))],
        [(2, str(group_copy / "bozhou" / "site.yaml"))],
        [(1, str(new))],
        [(2, str(article)), (2, str(other))],  # two sites
        [(2, str(group_copy / "_library" / "x.md"))],
    ):
        assert saved.plan(changes) is None, changes
    other.unlink()
    assert saved.plan([(3, str(other))]) is None, "a deletion"
