"""The live preview's loop: build the group into the preview folder, serve it, rebuild on save.

The build is the normal one, the ``pelican`` command with ``GROUP_PREVIEW`` (links between
sites lead to their folders), into the same preview folder each time, so a rebuild takes
the build's incremental path and its messages are the build's own. A build that breaks a
rule writes nothing: the folder keeps the last good build, and its message goes to the
terminal and to every open page (group.preview.server). Before that build, a save of
articles alone takes the quick path (``Quick``, group.preview.quick): their own rules, then
their pages from the warm site runs, shown at once; the full build still follows.

Why ``watchfiles``: it waits on the operating system's file events (Rust ``notify``:
inotify, FSEvents, ReadDirectoryChangesW) instead of polling, and hands back the changes
of one save in one batch (an editor's save writes, renames and deletes temporary files),
so one save is one rebuild; it is kept by the maintainers of pydantic and uvicorn
(``uvicorn --reload`` uses it). Its default filter already ignores editors' swap and
backup files and ``.git``.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from watchfiles import watch

from ...compliance import errors, format_report
from .quick import STATE_ENV, QuickEdit, SavedArticles, WarmRuns
from .server import Preview, make_server

WARNING = "警告："  # the build's warnings: shown in the terminal, not over the page


@dataclass(frozen=True)
class PreviewSetup:
    """What ``archive-tool serve`` previews: the content and settings of the group, the
    folder it builds into, what it watches, and where it listens; for the quick path, the
    build day and the command of the warm site runs (group.preview.quick; none: no quick
    path), to which the preview adds its state folder, the preview folder and a folder
    for the quick pages."""

    content: Path
    settings: Path
    folder: Path
    watched: tuple[Path, ...]
    host: str = "127.0.0.1"
    port: int = 8000
    today: date | None = None
    warm: tuple[str, ...] = ()
    warm_env: tuple[tuple[str, str], ...] = ()


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


def build_once(setup: PreviewSetup, state: Path | None = None) -> str | None:
    """Run the build; None when it succeeded, else its message (without its warnings).
    With ``state``, each site's build keeps there what the warm site runs load."""
    env = {**os.environ, STATE_ENV: str(state)} if state else None
    process = subprocess.run(
        build_command(setup),
        capture_output=True,
        text=True,
        check=False,
        cwd=setup.settings.parent,
        env=env,
    )
    if process.returncode == 0:
        return None
    lines = [line for line in process.stderr.splitlines() if not line.startswith(WARNING)]
    return (
        "\n".join(lines).strip()
        or process.stderr.strip()
        or f"构建失败（退出码 {process.returncode}）"
    )


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
    # The watcher starts before the first build: a save made as soon as the address is
    # printed (or during that build) is seen, and saves made during a build are one batch.
    batches = Watching(setup.watched, stop)
    with tempfile.TemporaryDirectory(prefix="preview-state-") as work:
        quick = Quick.start(setup, Path(work)) if setup.warm else None
        try:
            rebuild(setup, preview, say, "首次构建", quick)
            batches.ready.wait()
            say(
                f"预览地址：http://{host}:{port}/ （修改 content/ 或主题后自动重新构建并刷新页面；Ctrl+C 退出）"
            )
            while (changes := batches.next()) is not None:
                edit = quick.show(changes, preview, say) if quick else None
                rebuild(setup, preview, say, changed_names(changes, setup.watched), quick, edit)
        finally:
            stop.set()
            preview.close()
            server.shutdown()
            server.server_close()
            if quick:
                quick.runs.close()


class Watching:
    """``watchfiles.watch`` over ``paths`` in a thread of its own, from now on: ``ready`` once
    the operating system's watches are in place; ``next()`` every change since the last call
    (waiting for one), or None once ``stop`` is set."""

    TICK = 500  # ms: how often the thread looks at ``stop`` and says it is watching

    def __init__(self, paths: Iterable[Path], stop: threading.Event):
        self.ready = threading.Event()
        self.batches: queue.Queue[set | None] = queue.Queue()
        self.thread = threading.Thread(target=self.run, args=(tuple(paths), stop), daemon=True)
        self.thread.start()

    def run(self, paths: tuple[Path, ...], stop: threading.Event) -> None:
        try:
            for changes in watch(
                *paths,
                stop_event=stop,
                raise_interrupt=False,
                rust_timeout=self.TICK,
                yield_on_timeout=True,  # the first (empty) batch: the watches are in place
            ):
                self.ready.set()
                if changes:
                    self.batches.put(changes)
        finally:
            self.ready.set()
            self.batches.put(None)

    def next(self) -> set | None:
        changes = self.batches.get()
        while changes is not None and not self.batches.empty():
            more = self.batches.get()
            changes = None if more is None else changes | more
        return changes


@dataclass
class Quick:
    """The quick path's two halves (group.preview.quick): the rules on the saved file, in
    this process, and the warm site runs, in their own; ``state``: what each site's build
    keeps for them; ``pages``: where they render."""

    runs: WarmRuns
    state: Path
    pages: Path
    today: date | None
    content: Path
    saved: SavedArticles | None = None

    @classmethod
    def start(cls, setup: PreviewSetup, work: Path) -> Quick:
        state, pages = work / "state", work / "pages"
        command = [*setup.warm, str(state), str(setup.folder), str(pages)]
        env = {**os.environ, **dict(setup.warm_env)}
        runs = WarmRuns(command, setup.settings.parent, env)
        return cls(runs, state, pages, setup.today, setup.content)

    def before_build(self, edit: QuickEdit | None) -> None:
        """The rules' copy of the content is read again, before the build reads it, unless
        the build only follows a quick edit: a file made after this is unknown to it, so its
        first save goes to the full build."""
        if self.saved is None or edit is None:
            self.saved = SavedArticles(self.content, self.today or date.today())

    def after_build(self, ok: bool) -> None:
        """A full build ended: the runs load what it built."""
        if ok:
            self.runs.load()

    def show(self, changes, preview: Preview, say: Callable[[str], None]) -> QuickEdit | None:
        """Check and render a quick edit in ``changes`` before the full build; the edit, or
        None when the changes are not one."""
        edit = self.saved.plan(changes) if self.saved else None
        if edit is None:
            return None
        start = time.monotonic()
        found = errors(self.saved.check(edit))
        if found:
            message = format_report(found)
            preview.failed(message)
            say(f"构建失败，预览仍是上次成功的构建：\n{message}")
            return edit
        answer = self.runs.render(edit)
        if "pages" in answer:
            preview.shown_quickly(Path(answer["folder"]), answer["pages"])
            took = time.monotonic() - start
            say(
                f"已预览修改的页面，用时 {took:.2f} 秒：{'、'.join(answer['pages'])}；正在完整构建…"
            )
        else:
            say(f"未能快速预览（{answer.get('skip')}），等待完整构建")
        return edit


def rebuild(
    setup: PreviewSetup,
    preview: Preview,
    say: Callable[[str], None],
    why: str,
    quick: Quick | None = None,
    edit: QuickEdit | None = None,
):
    say(f"正在构建（{why}）…")
    start = time.monotonic()
    if quick:
        quick.before_build(edit)
    message = build_once(setup, quick.state if quick else None)
    if message is None:
        preview.built()
        say(f"构建完成，用时 {time.monotonic() - start:.1f} 秒，已通知页面刷新")
    else:
        preview.failed(message)
        say(f"构建失败，预览仍是上次成功的构建：\n{message}")
    if quick:
        quick.after_build(message is None)


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
