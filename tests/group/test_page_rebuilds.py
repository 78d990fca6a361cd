"""Page-level rebuilds (issue 24): an edit re-renders the pages it affects, the site's other
pages are the published files (hard links), and the output is a clean build's, byte for
byte, whatever changed: an article's title (its lists, the interpretation that links to
it), a template, the columns' order, a setting; and after a build killed once its render
keys were written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, kill_build_when, run_pelican
from reproducible import differences

# Two tests of 4 and 9 whole-group builds (and in conftest.SPREAD: each goes to whichever
# worker is free).
pytestmark = pytest.mark.slow

DAY = {"BUILD_DATE": "2026-11-26"}
QCQ = "www.qcq.gov.cn"


def settings(**values) -> tuple[str, ...]:
    return ("-e", *(f"{key}={json.dumps(value)}" for key, value in values.items()))


def inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*.html")}


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def swap_lines(path: Path, first: str, second: str) -> None:
    """The two lines holding ``first`` and ``second`` change places (two columns' order)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    one, two = (next(n for n, line in enumerate(lines) if mark in line) for mark in (first, second))
    lines[one], lines[two] = lines[two], lines[one]
    path.write_text("".join(lines), encoding="utf-8")


def test_each_change_rerenders_what_it_affects_and_equals_a_clean_build(group_copy, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "themes" / "gov", theme)
    output = tmp_path / "output"
    common = {**DAY, "THEME": str(theme)}
    assert run_pelican(group_copy, output, *settings(**common)).returncode == 0
    policy = group_copy / "qcq" / "zcwj" / "qcq-laojiu-xiaoqu-gaizao-2025.md"
    title = policy.read_text(encoding="utf-8").splitlines()[0].removeprefix("Title: ")
    site_yaml = group_copy / "qcq" / "site.yaml"
    steps = {
        # Its page, its column's list, and the 解读 that names it (所解读的政策) change.
        "policy title": lambda: replace_in(policy, f"Title: {title}", f"Title: {title}（修订稿）"),
        "template": lambda: replace_in(
            theme / "templates" / "article.html",
            '<div class="article-body">',
            '<div class="article-body" data-revision="2">',
        ),
        "column order": lambda: swap_lines(site_yaml, "{id: zwdt,", "{id: tzgg,"),
        "setting": lambda: common.update(GROUP_PREVIEW=True),
    }
    for number, (name, step) in enumerate(steps.items()):
        before = inodes(output / QCQ)
        step()
        again = run_pelican(group_copy, output, *settings(**common))
        assert again.returncode == 0, again.stderr
        clean = run_pelican(
            group_copy, tmp_path / f"clean-{number}", *settings(**common, INCREMENTAL_BUILD=False)
        )
        assert clean.returncode == 0, clean.stderr
        assert differences(output, tmp_path / f"clean-{number}") == [], name
        after = inodes(output / QCQ)
        linked = {page for page in after if before.get(page) == after[page]}
        if name == "policy title":
            # The other articles' pages are the published files; nothing the title shows is.
            named = {Path(page).name: page for page in after}
            assert named["qcq-laojiu-xiaoqu-gaizao-2025.html"] not in linked
            assert named["qcq-laojiu-xiaoqu-gaizao-2025-jiedu.html"] not in linked
            assert "zcwj/index.html" not in linked
            assert named["qcq-zhongyaocai-jidi-2026-jiedu.html"] in linked
            assert len(linked) >= 15, sorted(linked)
            jiedu = output / QCQ / named["qcq-laojiu-xiaoqu-gaizao-2025-jiedu.html"]
            assert f"{title}（修订稿）" in jiedu.read_text(encoding="utf-8")
        else:  # every article shows the template, the column bar, the setting
            assert not [page for page in linked if page.startswith(("zwdt/", "zcwj/", "zcjd/"))], (
                name
            )
    page = next((output / QCQ / "zwdt").glob("*/*.html")).read_text(encoding="utf-8")
    assert page.index('href="../../tzgg/"') < page.index('href="../../zwdt/"')


def test_a_build_killed_after_its_keys_were_kept_leaves_the_next_build_correct(
    group_copy, tmp_path
):
    """The killed build recorded the key of the edited page it rendered into its staging
    folder; the next build must not take the old published page for it."""
    output = tmp_path / "output"
    day = settings(**DAY)
    assert run_pelican(group_copy, output, *day).returncode == 0
    keys = next((tmp_path / ".output.cache" / QCQ).rglob("render-keys.json"))
    kept = keys.stat().st_mtime_ns
    article = next((group_copy / "qcq" / "zwdt").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    # The event: qcq's run has rendered its pages and kept their keys.
    kill_build_when(
        group_copy, output, lambda: keys.exists() and keys.stat().st_mtime_ns != kept, *day
    )
    published = next((output / QCQ).rglob(article.stem + ".html"))
    assert "补充说明。" not in published.read_text(encoding="utf-8")
    again = run_pelican(group_copy, output, *day)
    assert again.returncode == 0, again.stderr
    assert "补充说明。" in published.read_text(encoding="utf-8")
    clean = run_pelican(group_copy, tmp_path / "clean", *settings(**DAY, INCREMENTAL_BUILD=False))
    assert clean.returncode == 0, clean.stderr
    assert differences(output, tmp_path / "clean") == []
