"""What each site's build depends on, so that a rebuild can keep the sites that did not change.

A site's fingerprint covers everything its pages are made from:

- every file under ``content/<site-id>/`` (path, size, modification time in ns, inode) —
  articles, records, attachments, images, notices, WARCs of its archives — except the
  index-number ledger, whose content is in the settings below;
- the group's shared inputs: ``content/_library`` and ``content/_policy``, the theme, the
  toolkit's and the plugin's code, ``pelicanconf.py``, and the versions of Pelican,
  Markdown and pagefind;
- the site's Pelican settings as data (group.build.settings.site_settings): its identity, the
  group's other sites it links to, the notices it shows on the build day, its 办事指南 and
  互动交流 records, library copies, 索引号 and annual report — as computed for the build
  day — but not the day itself: in its place, what the day decides that the settings do
  not show (group.build.buildday), so a new day rebuilds only the sites it changes.

Any change in any of these rebuilds the whole site; a site whose fingerprint equals the
one recorded for the published output is copied from it (hard links) instead. Metadata
rather than content hashes, as make does: an edited file always gets a new mtime, and a
copied or restored file a new inode — a false "changed" only costs a rebuild.

Beside the manifest, in the cache folder (``RECORD``, so that the output stays byte for
byte a clean build's), each build records each published site folder's *tree stamp*
(``site_stamp``: the names and metadata of its files), taken before the swap, and what each site's addresses
answer (group.continuity.addresses.Served) under that stamp. A kept site whose published
folder still has the recorded stamp was gated, checked and served as it is: the group's
last steps reuse that instead of reading it again; one whose folder changed since is
rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST = "build-manifest.json"  # in output/, beside the sites' folders
LEDGER_NAME = "index-numbers.yaml"  # content.loader.LEDGER_FILE: its numbers are in the settings
VERSIONED = ("pelican", "markdown", "pagefind", "bozhou-govsite")
# A fresh staging folder every build; the day, whose outcomes are fingerprinted instead.
SETTINGS_NOT_INPUT = ("OUTPUT_PATH", "BUILD_DAY")


def tree_stamp(root: Path, skip: tuple[str, ...] = ()) -> str:
    """A digest of the names and metadata of every file below ``root`` (not following
    symbolic links; the loader refuses those that leave the content folder)."""
    digest = hashlib.blake2b(digest_size=20)
    root = Path(root)
    if not root.exists():
        return "absent"
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in sorted(files):
            if name in skip:
                continue
            path = os.path.join(folder, name)
            info = os.lstat(path)
            relative = os.path.relpath(path, root)
            digest.update(
                f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n".encode()
            )
    return digest.hexdigest()


def shared_stamp(paths: list[Path]) -> str:
    """The inputs every site shares: folders and files, and the versions of the tools."""
    digest = hashlib.blake2b(digest_size=20)
    for path in paths:
        digest.update(
            f"{path}\0{tree_stamp(path) if Path(path).is_dir() else file_stamp(path)}\n".encode()
        )
    digest.update(versions(VERSIONED).encode())
    return digest.hexdigest()


def versions(names: tuple[str, ...]) -> str:
    """``name==version`` of each installed distribution, one a line ("-" if absent)."""
    found = []
    for name in names:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        found.append(f"{name}=={version}\n")
    return "".join(found)


def file_stamp(path: Path) -> str:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "absent"
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def site_fingerprint(
    site_folder: Path, shared: str, settings: dict[str, Any], day: dict[str, Any]
) -> str:
    """The fingerprint of one site's build (see the module's docstring); ``day``: what the
    build day decides for it (group.build.buildday.day_outcomes)."""
    data = {key: value for key, value in settings.items() if key not in SETTINGS_NOT_INPUT}
    data["day outcomes"] = day
    digest = hashlib.blake2b(digest_size=20)
    digest.update(shared.encode())
    digest.update(tree_stamp(site_folder, skip=(LEDGER_NAME,)).encode())
    digest.update(value_bytes(data))
    return digest.hexdigest()


def value_bytes(data: Any) -> bytes:
    """``data`` pickled by value only: the same values give the same bytes whether or not
    equal objects are one object (a report read back from group.build.checkcache shares
    strings a fresh check does not). Pickle's memo records identity, so it is off; data
    with a cycle, which cannot be pickled without it, falls back to a plain pickle."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo
    try:
        pickler.dump(data)
    except ValueError:  # a cycle
        return pickle.dumps(data, protocol=5)
    return buffer.getvalue()


@dataclass
class Manifest:
    """What the build that swapped in the published output recorded of it (all empty if
    unknown): ``build-manifest.json``'s fingerprints and gate stamp, and, from the record
    kept in the cache folder beside it (``write_record``), each site folder's tree stamp
    and what it answers."""

    sites: dict[str, str] = field(default_factory=dict)  # domain → fingerprint
    gate: str = ""  # what its files were gated under (staging.gate_stamp)
    trees: dict[str, str] = field(default_factory=dict)  # domain → site_stamp when swapped in
    served: dict[str, dict] = field(default_factory=dict)  # domain → Served as data


def load_manifest(output_root: Path, cache: Path | None = None) -> Manifest:
    """The published output's manifest, with ``cache``'s record if it is the one written
    for this very output (its manifest file's identity); empty if absent or unreadable."""
    data = _json_object(Path(output_root) / MANIFEST)
    sites, gate = data.get("sites"), data.get("gate")
    found = Manifest(
        sites={str(k): v for k, v in sites.items() if isinstance(v, str)}
        if isinstance(sites, dict)
        else {},
        gate=gate if isinstance(gate, str) else "",
    )
    record = _json_object(Path(cache) / RECORD) if cache is not None else {}
    if found.sites and record.get("manifest") == file_stamp(Path(output_root) / MANIFEST):
        trees, served = record.get("trees"), record.get("served")
        if isinstance(trees, dict) and isinstance(served, dict):
            found.trees = {str(k): v for k, v in trees.items() if isinstance(v, str)}
            found.served = {str(k): v for k, v in served.items() if isinstance(v, dict)}
    return found


def _json_object(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_manifest(output_root: Path) -> dict[str, str]:
    """{domain: fingerprint} of the published output; empty if unknown or unreadable."""
    return load_manifest(output_root).sites


def read_gate_stamp(output_root: Path) -> str:
    """What the published output's files were gated under (staging.gate_stamp); "" if unknown."""
    return load_manifest(output_root).gate


def write_manifest(output_root: Path, fingerprints: dict[str, str], gate: str = "") -> None:
    data: dict[str, Any] = {"sites": dict(sorted(fingerprints.items()))}
    if gate:
        data["gate"] = gate
    text = json.dumps(data, indent=1)
    (Path(output_root) / MANIFEST).write_text(text + "\n", encoding="utf-8")


# In the cache folder (never published: the output stays byte for byte a clean build's).
RECORD = "published-trees.json"


def write_record(
    cache: Path, staging: Path, trees: dict[str, str], served: dict[str, dict]
) -> None:
    """Record, for the output about to be swapped in from ``staging`` (its manifest already
    written), each site folder's tree stamp and what it answers. Written whole (a rename)
    before the swap: a build stopped between the two leaves a record that names a manifest
    never published, which the next build ignores. One that cannot be written is no error."""
    data = {"manifest": file_stamp(Path(staging) / MANIFEST), "trees": trees, "served": served}
    try:
        Path(cache).mkdir(parents=True, exist_ok=True)
        temporary = Path(cache) / f".{RECORD}.{os.getpid()}"
        temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(temporary, Path(cache) / RECORD)
    except OSError:
        pass


def site_stamp(folder: Path) -> str:
    """A published site folder's tree stamp: every file's name, size, mtime (ns) and inode;
    "absent" if there is no such folder."""
    return _walk_tree(Path(folder), None)


def link_site(source: Path, target: Path) -> str:
    """``link_tree`` of a site folder, in the same walk as ``site_stamp(source)``, returned."""
    return _walk_tree(Path(source), Path(target))


def _walk_tree(source: Path, target: Path | None) -> str:
    if not source.is_dir():
        return "absent"
    digest = hashlib.blake2b(digest_size=20)
    start = len(os.fspath(source)) + 1
    for folder, subfolders, files in os.walk(source):
        subfolders.sort()
        relative = folder[start:]
        destination = os.path.join(target, relative) if target is not None else None
        if destination is not None:
            os.makedirs(destination, exist_ok=True)
        for name in sorted(files):
            origin = os.path.join(folder, name)
            info = os.lstat(origin)
            digest.update(
                f"{relative}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n".encode()
            )
            if destination is not None:
                _link(origin, os.path.join(destination, name))
    return digest.hexdigest()


def _link(origin: str, copy: str) -> None:
    try:
        os.link(origin, copy, follow_symlinks=False)
    except OSError:
        shutil.copy2(origin, copy, follow_symlinks=False)


def link_tree(source: Path, target: Path) -> int:
    """Copy the folder ``source`` to ``target`` as hard links (a copy where links are not
    possible); returns the number of files. The published output is never written in place
    (a build writes a new folder and swaps it), so sharing its files is safe."""
    count = 0
    for folder, subfolders, files in os.walk(source):
        relative = os.path.relpath(folder, source)
        destination = os.path.normpath(os.path.join(target, relative))
        os.makedirs(destination, exist_ok=True)
        for name in files:
            _link(os.path.join(folder, name), os.path.join(destination, name))
            count += 1
    return count
