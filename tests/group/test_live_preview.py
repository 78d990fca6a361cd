"""``archive-tool serve``: an editor saves an article and the open page shows the change; a
save that breaks a rule shows the build's message in the page, over the last good build."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest
from browser import launched_chromium
from conftest import REPO

from archive_tool.group.preview.server import with_reload_script

ARTICLE = "bozhou/zwdt/2024-12-18-zhongyaocai-zhuisu.md"
BUILD_MINUTES = 5  # a guard against a hung build, not a wait: each step waits for an event


class Serving:
    """``archive-tool serve`` as an editor starts it; its terminal lines, as they come."""

    def __init__(self, content, folder):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "archive_tool", "serve", str(content), "--port", "0",
             "--settings", str(REPO / "pelicanconf.py"), "-o", str(folder)],
            cwd=REPO,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("")  # the process ended

    def wait_for(self, pattern: str) -> re.Match:
        """The first terminal line from now on matching ``pattern``."""
        while True:
            line = self.lines.get(timeout=BUILD_MINUTES * 60)
            if line == "" and self.process.poll() is not None:
                pytest.fail(f"archive-tool serve exited with {self.process.returncode}")
            found = re.search(pattern, line)
            if found:
                return found

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def serving(group_copy, tmp_path):
    running = Serving(group_copy, tmp_path / "preview")
    try:
        yield running, group_copy, tmp_path / "preview"
    finally:
        running.stop()


def test_a_saved_edit_shows_in_the_open_page_and_a_broken_rule_shows_its_message(serving):
    running, content, folder = serving
    root = running.wait_for(r"预览地址：(http://\S+/)").group(1)
    built = next(folder.glob("www.bozhou.gov.cn/zwdt/**/2024-12-18-zhongyaocai-zhuisu.html"))
    url = root + built.relative_to(folder).as_posix()
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
