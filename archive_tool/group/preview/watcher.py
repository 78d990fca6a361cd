"""The live preview's loop: build the group into the preview folder, serve it, rebuild on save.

The build is the normal one, the ``pelican`` command with ``GROUP_PREVIEW`` (links between
sites lead to their folders), into the same preview folder each time, so a rebuild takes
the build's incremental path and its messages are the build's own. A build that breaks a
rule writes nothing: the folder keeps the last good build, and its message goes to the
terminal and to every open page (group.preview.server).

Why ``watchfiles``: it waits on the operating system's file events (Rust ``notify``:
inotify, FSEvents, ReadDirectoryChangesW) instead of polling, and hands back the changes
of one save in one batch (an editor's save writes, renames and deletes temporary files),
so one save is one rebuild; it is kept by the maintainers of pydantic and uvicorn
(``uvicorn --reload`` uses it). Its default filter already ignores editors' swap and
backup files and ``.git``.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import watch

from .server import Preview, make_server

WARNING = "警告："  # the build's warnings: shown in the terminal, not over the page


@dataclass(frozen=True)
class PreviewSetup:
    """What ``archive-tool serve`` previews: the content and settings of the group, the
    folder it builds into, what it watches, and where it listens."""

    content: Path
    settings: Path
    folder: Path
    watched: tuple[Path, ...]
    host: str = "127.0.0.1"
    port: int = 8000


def build_command(setup: PreviewSetup) -> list[str]:
    """The normal group build, into the preview folder, with links between sites local."""
    return [
        sys.executable,
        "-m",
        "pelican",
        str(setup.content),
        "-s",
        str(setup.settings),
        "-o",
        str(setup.folder),
        "-e",
        "GROUP_PREVIEW=true",
    ]


def build_once(setup: PreviewSetup) -> str | None:
    """Run the build; None when it succeeded, else its message (without its warnings)."""
    process = subprocess.run(
        build_command(setup),
        capture_output=True,
        text=True,
        check=False,
        cwd=setup.settings.parent,
    )
    if process.returncode == 0:
        return None
    lines = [line for line in process.stderr.splitlines() if not line.startswith(WARNING)]
    return "\n".join(lines).strip() or process.stderr.strip() or f"构建失败（退出码 {process.returncode}）"


def serve(
    setup: PreviewSetup,
    say: Callable[[str], None],
    stop: threading.Event | None = None,
) -> None:
    """Build, serve and rebuild on every change until ``stop`` is set (or Ctrl+C)."""
    stop = stop or threading.Event()
    setup.folder.mkdir(parents=True, exist_ok=True)
    preview = Preview(setup.folder)
    server = make_server(preview, setup.host, setup.port)
    host, port = server.server_address[:2]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        rebuild(setup, preview, say, "首次构建")
        say(f"预览地址：http://{host}:{port}/ （修改 content/ 或主题后自动重新构建并刷新页面；Ctrl+C 退出）")
        for changes in watch(*setup.watched, stop_event=stop, raise_interrupt=False):
            rebuild(setup, preview, say, changed_names(changes, setup.watched))
    finally:
        preview.close()
        server.shutdown()
        server.server_close()


def rebuild(setup: PreviewSetup, preview: Preview, say: Callable[[str], None], why: str):
    say(f"正在构建（{why}）…")
    start = time.monotonic()
    message = build_once(setup)
    if message is None:
        preview.built()
        say(f"构建完成，用时 {time.monotonic() - start:.1f} 秒，已通知页面刷新")
    else:
        preview.failed(message)
        say(f"构建失败，预览仍是上次成功的构建：\n{message}")


def changed_names(changes: Iterable[tuple[object, str]], roots: Iterable[Path]) -> str:
    """The changed files, below the folders watched, for the terminal.

    >>> changed_names([(1, "/g/content/a/b.md")], [Path("/g/content")])
    'content/a/b.md'
    """
    names = []
    for _, path in sorted(changes, key=lambda change: change[1]):
        for root in roots:
            if Path(path).is_relative_to(root):
                names.append(str(Path(root.name) / Path(path).relative_to(root)))
                break
        else:
            names.append(path)
    return "、".join(dict.fromkeys(names[:5])) + ("等" if len(names) > 5 else "")
