"""Two builds compared file by file, as the incremental-build guarantee needs: the same
files with the same bytes, except where pagefind itself is not reproducible."""

from __future__ import annotations

import filecmp
import gzip
import os
from pathlib import Path


def differences(left: Path, right: Path) -> list[str]:
    """Every file that is not in both trees with the same bytes (paths below them).

    Except where pagefind itself is not reproducible: since 1.3 its fragments and word
    indexes are stable, but it writes each filter's values in a random order
    (Pagefind/pagefind#638), which renames the filter files and changes the metadata and
    entry files that name them; two clean builds differ there too. Those are compared by
    what they hold: per bundle, the same filter files' bytes in some order."""
    found = []
    for folder, _, files in os.walk(left):
        for name in files:
            relative = Path(folder, name).relative_to(left)
            other = right / relative
            if _named_by_pagefind_filters(relative):
                continue
            if not other.is_file() or not filecmp.cmp(Path(folder, name), other, shallow=False):
                found.append(str(relative))
    for folder, _, files in os.walk(right):
        for name in files:
            relative = Path(folder, name).relative_to(right)
            if not _named_by_pagefind_filters(relative) and not (left / relative).exists():
                found.append(str(relative))
    bundles = {
        entry.parent.relative_to(root) for root in (left, right) for entry in root.rglob("pagefind-entry.json")
    }
    for bundle in sorted(bundles):
        if _filter_contents(left / bundle) != _filter_contents(right / bundle):
            found.append(f"{bundle}/filter (contents)")
    return sorted(found)


def _named_by_pagefind_filters(relative: Path) -> bool:
    parts = relative.parts
    return any(part.startswith("pagefind") for part in parts[:-1]) and (
        parts[-2] == "filter" or relative.suffix == ".pf_meta" or relative.name == "pagefind-entry.json"
    )


def _filter_contents(bundle: Path) -> list[bytes] | None:
    """A bundle's filter files, each as its inflated bytes sorted (the order of values is
    pagefind's random choice), with its metadata and entry files required beside them."""
    if not (bundle / "pagefind-entry.json").is_file() or not list(bundle.glob("*.pf_meta")):
        return None
    return sorted(bytes(sorted(gzip.decompress(p.read_bytes()))) for p in bundle.glob("filter/*"))
