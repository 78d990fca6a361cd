"""The intake service as a user runs it: ``archive-tool intake serve`` in a subprocess,
ready once it prints its ``listening`` line; and a citizen's session with its forms."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import requests
from conftest import REPO

LISTENING = re.compile(r"intake listening on (http://\S+)")
LETTER = {
    "type": "投诉",
    "title": "示例路路灯不亮",
    "body": "示例路北段路灯连续一周不亮，请尽快维修。我的电话13812345678，身份证11010519491231002X。",
    "name": "欧阳小明",
    "phone": "13812345678",
    "id_number": "11010519491231002X",
    "address": "安徽省亳州市谯城区示例路8号",
}


class Server:
    def __init__(self, process: subprocess.Popen, url: str, lines: list[str]):
        self.process, self.url, self.lines = process, url, lines

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, as a crash or the OOM killer would."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextlib.contextmanager
def serving(db: Path | str, *options: str, content: Path = REPO / "content", timeout: float = 60):
    """Start the service on a free port; yield it once it says it is listening."""
    command = [
        sys.executable, "-m", "archive_tool", "intake", "serve", "--db", str(db),
        "--content", str(content), "--theme", str(REPO / "themes" / "gov" / "static"),
        "--port", "0", *options,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO
    )
    lines: list[str] = []
    ready = threading.Event()
    found: list[str] = []

    def read():
        for line in process.stdout:
            lines.append(line)
            match = LISTENING.search(line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()  # the process ended

    threading.Thread(target=read, daemon=True).start()
    try:
        ready.wait(timeout)
        if not found:
            raise RuntimeError("intake serve did not start:\n" + "".join(lines))
        yield Server(process, found[0], lines)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def form_token(session: requests.Session, url: str) -> str:
    """Open a form page as a browser does (its cookie kept in the session); its token."""
    page = session.get(url, timeout=10)
    assert page.status_code == 200, page.text
    return re.search(r'name="token" value="([^"]+)"', page.text).group(1)


def submit_letter(session: requests.Session, base: str, site: str = "fgw", **changes):
    url = f"{base}{site}/letter"
    fields = {"token": form_token(session, url), "website": "", **LETTER, **changes}
    return session.post(url, data=fields, timeout=10)


def receipt(page: str) -> tuple[str, str]:
    """The 受理编号 and query code an acknowledgement shows."""
    number = re.search(r'<td id="number">([^<]+)</td>', page).group(1)
    code = re.search(r'<td id="code">([^<]+)</td>', page).group(1)
    return number, code


def look_up(session: requests.Session, base: str, number: str, code: str):
    url = f"{base}status"
    fields = {"token": form_token(session, url), "website": "", "number": number, "code": code}
    return session.post(url, data=fields, timeout=10)
