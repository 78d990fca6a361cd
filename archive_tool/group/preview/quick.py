"""The preview's quick path: a saved article's page shown before the full build finishes.

On a save that only changes articles of one site (``plan``: existing Markdown files below a
site's folder; a new or deleted file, ``site.yaml``, records, the library, the policy or the
theme never qualify), the preview first runs the rules that read that file alone — the
``article`` rules and the publishing-safety scan of the article (``SavedArticles``), as the
build's check runs them — and refuses with the build's own message if they fail; then asks
the warm site runs (``WarmRuns``: the plugin's ``sitegroup.warm``, a long-lived process
started by the front end) to render the article's own page with the site's Pelican run.
The full build follows either way (group.preview.watcher), and its pages replace the
quick ones.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ...compliance import Violation, run_rules
from ...content.articles import read_article
from ...content.loader import load_content
from ...content.registry import display_path
from ...safety.scan import group_scanner, scan_article
from ..rules.articlerules import SiteArticles
from ..rules.check import masked_violation

# Set for the preview's builds: each site's build keeps there what its run was made from
# (the plugin's sitejob.keep_for_preview), which the warm site runs load.
STATE_ENV = "ARCHIVE_TOOL_PREVIEW_STATE"


@dataclass(frozen=True)
class QuickEdit:
    """One save the quick path can show: articles of one site, by path below its folder."""

    site: str
    files: tuple[str, ...]


class SavedArticles:
    """The group as the build's check reads it, kept between saves: a saved article is read
    again alone and checked by the rules that need only it."""

    def __init__(self, content_root: Path, today: date):
        self.content_root, self.today = content_root, today
        self.group = load_content(content_root)
        self.scanner = group_scanner(self.group)

    def plan(self, changes: Iterable[tuple[object, str]]) -> QuickEdit | None:
        """The quick edit in ``changes`` (watchfiles' (change, path) pairs), or None when
        something else changed: only the full build can show that."""
        known = {
            article.path.resolve(): (site.id, article)
            for site in self.group.sites.values()
            for article in site.articles
        }
        sites, files = set(), []
        for _, name in changes:
            path = Path(name).resolve()
            if path in known:
                if not path.is_file():
                    return None  # deleted: the full build
                site_id, article = known[path]
                sites.add(site_id)
                files.append("/".join(article.parts))
            elif path.exists():
                return None  # a new file, a folder, a record, site.yaml, the theme
            # else it came and went within the save (an editor's temporary file)
        if len(sites) != 1:
            return None
        return QuickEdit(sites.pop(), tuple(dict.fromkeys(files)))

    def check(self, edit: QuickEdit) -> list[Violation]:
        """Read the edit's files again and run the rules that need only them."""
        site = self.group.sites[edit.site]
        folder = self.content_root / site.id
        changed = set()
        for name in edit.files:
            path = folder / name
            fresh = read_article(path, folder, display_path(path, self.content_root))
            site.articles = [fresh if a.path == fresh.path else a for a in site.articles]
            changed.add(fresh.path)
        found: list[Violation] = []
        seen = SiteArticles(site, self.today)  # the build's order: each after those before it
        for article in site.articles:
            if article.path in changed:
                found += run_rules("article", seen.entry(article))
                found += scan_article(self.scanner, site.id, article)
            seen.add(article)
        return [masked_violation(violation) for violation in found]


class WarmRuns:
    """The warm site runs' process (``command``, from the front end): one JSON request per
    line on its stdin, one answer per line on its stdout (see the plugin's ``warm.py``)."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]):
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lock = threading.Lock()

    def ask(self, request: dict) -> dict:
        with self.lock:
            if self.process.poll() is not None:
                return {"skip": f"预览进程已退出（{self.process.returncode}）"}
            self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        return json.loads(line) if line else {"skip": "预览进程已退出"}

    def load(self) -> dict:
        """After a full build: load every site's run as that build made it."""
        return self.ask({"load": True})

    def render(self, edit: QuickEdit) -> dict:
        """``{"folder": …, "pages": [paths below it]}``, or ``{"skip": why}``."""
        return self.ask({"site": edit.site, "files": list(edit.files)})

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
