"""The last gate (第十条（二）（三）): every file about to be published, whatever wrote it.

The input scan (scan.py) reads what editors wrote, for early and precise messages. This
gate reads the staging tree the build is about to swap into place — pages, feeds, the
sitemap, search-index fragments (gzip members opened), downloads, copied attachments and
their metadata, redirect and 404 pages, nginx snippets, and every file and folder name —
so that no reader, template, file name or copied attachment can carry past it what the
input checks missed. It sees text as a reader does: tags stripped, character references
decoded (twice for a feed's escaped HTML), and the detectors normalise width, digits and
invisible characters themselves (normalise.py).

Pages of one site share most of their text (header, footer, navigation, the titles on
every list page), so each distinct block of text is scanned once per process. A site's
worker gates its own folder right after building it; the group run gates what is left:
the group's own files, and anything written or replaced after the workers finished.
A kept site's files are the published files themselves (hard links), gated when they
were published.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..content.loader import LIBRARY_FOLDER
from ..content.registry import Group, display_path
from .extract import SCANNED_SUFFIXES, ExtractionError, Limits, extract_text
from .lexicon import LEXICON_FILES
from .normalise import normalise
from .scan import SECRET_ARTICLE, UNREADABLE, Scanner, Waiver, make_scanner

GATE = "发布前检查"
MB = 1024 * 1024
MAX_TEXT_BYTES = 64 * MB  # a published text file, or a gzip member once inflated
MARKUP_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".svg", ".xml", ".atom", ".rss")
GZIP_MAGIC = b"\x1f\x8b"
# Where a finding sits in a published file, as the message names it.
IN_NAME, IN_TEXT, IN_MARKUP, IN_DATA = "文件名", "页面文字", "网页源码（属性、注释）", "文件内容"
# In binary data: runs of characters that are neither control characters nor undecodable.
_PRINTABLE_RUN = re.compile("[^\x00-\x08\x0e-\x1f\x7f\ufffd]{4,}")
BLOCK = "\x1e"  # between the texts of two block elements: a reader sees separate lines
APART = "\n\x1e\x1e\n"  # joins texts scanned in one pass; nothing matches across it
# Phrase elements continue a line; any other element separates what is on either side.
_INLINE = frozenset(
    "a abbr acronym b bdi bdo big cite code data del dfn em font i ins kbd mark q s samp "
    "small span strike strong sub sup time tt u var wbr".split()
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_INLINE_TAG = re.compile(rf"</?(?:{'|'.join(sorted(_INLINE))})\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][\w:.-]*[^>]*>")
# Attributes whose values a reader sees or follows (a tooltip, a link, page metadata).
# Drawing and styling values (an SVG path, a viewBox, a style) are numbers that
# separators join into phone-like runs, and no editor's text reaches them.
_TEXT_ATTRIBUTES = (
    "alt title content value placeholder label summary abbr download name href src action "
    "cite poster aria-label aria-description aria-placeholder data-[\\w-]+"
).split()
_ATTRIBUTE_VALUE = re.compile(
    rf"""\s(?:{"|".join(_TEXT_ATTRIBUTES)})\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I
)
_BLOCK_TAG = rf"</?(?!(?:{'|'.join(sorted(_INLINE))})\b)[A-Za-z][\w:.-]*[^<>]*>"
_SELF_CONTAINED = re.compile(rf"\s*{_BLOCK_TAG}(?:.*{_BLOCK_TAG})?\s*")
_CONTEXT_CHANGES = re.compile(r"<!--|-->|</?(?:script|style|textarea)", re.I)


# What may continue a number or a marking from one line into the next: digits, the check
# digit X, +86, stars and what Markdown leaves around them.
_JOINS = frozenset("0123456789Xx+★*_")


def _reads_alone(line: str) -> bool:
    """Whether a line's findings are the same wherever it stands, so that once clean it
    need not be read again: it opens or closes nothing that changes how the next lines
    are read, and nothing in it can join a neighbour's text into a number or a marking —
    it starts and ends with a block element's tag, or its text starts and ends with
    characters that continue neither (a marking's 密 and ★ are apart by a line break at
    most, so a text ending in 密 does not read alone)."""
    if _CONTEXT_CHANGES.search(line):
        return False
    if _SELF_CONTAINED.fullmatch(line):
        return True
    text = normalise(_visible(line, [])).text.strip()
    return bool(text) and text[0] not in _JOINS and text[-1] not in _JOINS | {"密"}


@dataclass(frozen=True)
class GatePolicy:
    """What the gate needs, as plain data for a worker process."""

    lexicons: dict[str, list[str]] = field(default_factory=dict)
    # What a 保密审查 accepted: (category, 指纹) of an exact value; for a marking or a
    # term, (category, its text) as well. Accepted on one site, accepted wherever the
    # build carries it (a library copy, a list page).
    accepted: frozenset[tuple[str, str]] = frozenset()
    content_root: str = ""  # where the group's 保密审查 key is (review.review_key)

    @classmethod
    def of(cls, group: Group, waivers: Iterable[Waiver]) -> GatePolicy:
        """The group's lexicons, and the findings its 保密审查 records accepted."""
        accepted = set()
        for waiver in waivers:
            finding = waiver.finding
            if finding.fingerprint:
                accepted.add((finding.category, finding.fingerprint))
            if not finding.personal:
                accepted.add((finding.category, finding.shown))
        return cls(
            {name: list(group.policy.get(name, [])) for name in LEXICON_FILES},
            frozenset(accepted),
            str(group.root),
        )

    def stamp(self) -> str:
        """A digest of the policy: a file gated under another stamp is read again."""
        data = [sorted(self.lexicons.items()), sorted(self.accepted), self.content_root]
        return hashlib.blake2b(json.dumps(data).encode(), digest_size=20).hexdigest()

    def scanner(self) -> Scanner:
        return make_scanner(self.lexicons, Path(self.content_root) if self.content_root else None)


@dataclass(frozen=True)
class Exposure:
    """Something found in a published file: the path under the output folder, and what."""

    path: str
    where: str
    category: str
    shown: str  # masked, as the input scan shows it
    message: str
    article: str


@dataclass
class GateResult:
    exposures: list[Exposure] = field(default_factory=list)
    gated: set[tuple[int, int, int, int]] = field(default_factory=set)  # file identities read


class Gate:
    """Reads published files and reports what must not be published; remembers the text
    it has already found clean."""

    def __init__(self, policy: GatePolicy, limits: Limits = Limits()):
        self.policy = policy
        self.scanner = policy.scanner()
        self.limits = limits
        self._clean: set[int] = set()
        self._clean_lines: set[int] = set()
        self._lines_seen_once: set[int] = set()

    def check_tree(
        self,
        root: Path,
        base: Path,
        skip: Iterable[tuple[int, int, int, int]] = (),
        published: Path | None = None,
        passed: Iterable[str] = (),
    ) -> GateResult:
        """Every file below ``root``; paths are shown relative to ``base``. Files whose
        identity is in ``skip`` were read by another gate: only their names are checked.
        ``published``: where ``root``'s files were published after this same gate with
        this same policy passed them (group.build.staging decides); a file byte for byte
        equal to the published one at the same path is not read again (its name is).
        ``passed``: folders directly below ``root`` published as they are, names and
        files, after this same gate passed them (a kept site, unchanged): not walked."""
        result = GateResult()
        skipped = set(skip)
        root, base = os.fspath(root), os.fspath(base)
        for path in sorted(tree_files(root, frozenset(passed))):
            shown = os.path.relpath(path, base).replace(os.sep, "/")
            result.exposures += self._blocks(shown, IN_NAME, name_parts(shown))
            info = os.lstat(path)
            identity = file_identity(info)
            if identity in skipped or identity in result.gated:
                continue
            result.gated.add(identity)
            if published is not None and _published_as_is(path, info, root, published):
                continue
            result.exposures += self.check_file(path, shown)
        return result

    def check_file(self, path: str | Path, shown: str) -> list[Exposure]:
        """What must not be published in one file's content."""
        suffix = os.path.splitext(path)[1].lower()
        try:
            with open(path, "rb") as file:
                data = file.read(MAX_TEXT_BYTES + 1)
        except OSError:
            return [self._unreadable(shown, "无法读取文件")]
        if data.startswith(GZIP_MAGIC):  # pagefind's fragments and indexes, a .gz download
            try:
                data = _inflate(data)
            except ValueError as error:
                return [self._unreadable(shown, str(error))]
            suffix = ".json" if suffix == ".pf_fragment" else suffix
        elif len(data) > MAX_TEXT_BYTES and not _extracted(suffix):
            return [self._unreadable(shown, "文件过大")]
        if _extracted(suffix):
            return self._attachment(path, shown)
        text = data.decode("utf-8", errors="replace")
        if "\x00" in text or text.count("\ufffd") * 100 > len(text):
            # Binary (a search index, an icon, wasm): the text strings stored in it.
            return self._blocks(shown, IN_DATA, _PRINTABLE_RUN.findall(text))
        if suffix in MARKUP_SUFFIXES or text.lstrip()[:1] == "<":
            return self._markup(shown, text)
        if suffix == ".json":
            return self._json(shown, text)
        return self._blocks(shown, IN_DATA, text.split("\n"))

    def _markup(self, shown: str, text: str) -> list[Exposure]:
        lines = text.split("\n")
        clean = self._clean_lines
        # A line already found clean that reads alone (_reads_alone: the header, the footer,
        # the navigation of every page) stands in as a line break: only the page's own
        # lines are read again.
        tags: list[str] = []
        visible = _visible(
            "\n".join("<br>" if hash(line) in clean else line for line in lines), tags
        )
        found = self._blocks(shown, IN_TEXT, visible.split(BLOCK))
        # Attribute values and comments are published too (the page source, a tooltip).
        found += self._blocks(shown, IN_MARKUP, (html.unescape(tag) for tag in tags))
        if not found:
            once = self._lines_seen_once
            for line in lines:
                key = hash(line)
                if key in clean:
                    continue
                if key not in once:  # most lines are a page's own: not worth a look yet
                    once.add(key)
                elif _reads_alone(line):
                    clean.add(key)
        return found

    def _json(self, shown: str, text: str) -> list[Exposure]:
        try:
            data = json.loads(text)
        except ValueError:
            return self._blocks(shown, IN_DATA, text.split("\n"))
        if _in_pagefind_bundle(shown) and shown.endswith("/pagefind-entry.json"):
            data = _without_bundle_hashes(data)
        return self._blocks(shown, IN_DATA, _json_strings(data))

    def _attachment(self, path: str | Path, shown: str) -> list[Exposure]:
        found: list[Exposure] = []
        try:
            for part in extract_text(Path(path), self.limits):
                found += self._found(shown, part.where, part.text)
        except ExtractionError as error:
            found.append(self._unreadable(shown, str(error)))
        return found

    def _blocks(self, shown: str, where: str, blocks: Iterable[str]) -> list[Exposure]:
        """Findings in the blocks not yet found clean; the new ones are scanned in one pass
        (most are), and one by one only when that pass finds something."""
        fresh: dict[int, str] = {}
        for block in blocks:
            if block and not block.isspace():
                key = hash(block)
                if key not in self._clean:
                    fresh[key] = block
        if not fresh or not self._found(shown, where, APART.join(fresh.values())):
            self._clean.update(fresh)
            return []
        found: list[Exposure] = []
        for key, block in fresh.items():
            hits = self._found(shown, where, block)
            if hits:
                found += hits
            else:
                self._clean.add(key)
        return found

    def _found(self, shown: str, where: str, text: str) -> list[Exposure]:
        accepted = self.policy.accepted
        return [
            Exposure(shown, where, hit.category, hit.shown, hit.message, hit.article)
            for hit in self.scanner.findings(text)
            if (hit.category, hit.fingerprint) not in accepted
            and (hit.category, hit.shown) not in accepted
        ]

    def _unreadable(self, shown: str, reason: str) -> Exposure:
        return Exposure(
            shown, IN_DATA, UNREADABLE, "", f"无法检查将要发布的文件：{reason}", SECRET_ARTICLE
        )


def _published_as_is(path: str, info: os.stat_result, root: str, published: Path) -> bool:
    """Whether the regular file ``path`` (below ``root``) has exactly the bytes of the file
    at the same place below ``published``. Sizes first; any difference reads it again."""
    twin = os.path.join(os.fspath(published), os.path.relpath(path, root))
    try:
        other = os.lstat(twin)
        if not stat.S_ISREG(info.st_mode) or not stat.S_ISREG(other.st_mode):
            return False
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            return True  # the published file itself, hard-linked (an unchanged search shard)
        if other.st_size != info.st_size or info.st_size > MAX_TEXT_BYTES:
            return False
        with open(path, "rb") as mine, open(twin, "rb") as theirs:
            return mine.read() == theirs.read()
    except OSError:
        return False


def identities(root: str | Path, passed: Iterable[str] = ()) -> set[tuple[int, int, int, int]]:
    """The identity of every file below ``root`` (a published output: gated when published),
    but for those in the folders ``passed`` (directly below it)."""
    return {
        file_identity(os.lstat(path)) for path in tree_files(os.fspath(root), frozenset(passed))
    }


def file_identity(info: os.stat_result) -> tuple[int, int, int, int]:
    """A file's identity for the gate: the same inode unchanged (a hard link included)."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def tree_files(root: str, passed: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every file below ``root`` (not following links), the folders ``passed`` directly
    below it aside."""
    for folder, subfolders, files in os.walk(root):
        if passed and folder == root:
            subfolders[:] = [name for name in subfolders if name not in passed]
        subfolders.sort()
        for name in files:
            yield os.path.join(folder, name)
        # A folder's own name is published in every address below it: checked with them.


def _extracted(suffix: str) -> bool:
    """Formats whose text only a reader library can get at (office files, PDF, image
    metadata): safety.extract reads them, within its bounds."""
    return suffix in READ_BY_EXTRACT


READ_BY_EXTRACT = frozenset(SCANNED_SUFFIXES) - {".txt", ".csv", ".html", ".htm", ".json"}


def _inflate(data: bytes) -> bytes:
    """A gzip file's members, bounded: a bomb is refused, not inflated."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as members:
            while chunk := members.read(MB):
                out.write(chunk)
                if out.tell() > MAX_TEXT_BYTES:
                    raise ValueError("压缩内容过大，可能是压缩炸弹")
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError("不是有效的 gzip 文件") from error
    return out.getvalue()


def _visible(markup: str, tags: list[str]) -> str:
    """The text a reader sees: tags removed (a block element ends a line, a phrase element
    does not), comments removed, character references decoded; a feed's escaped HTML is
    decoded and stripped again. Attribute values and comments go to ``tags``."""
    for _ in range(3):  # HTML in XML in …: three levels are more than any feed has
        if "<" not in markup and "&" not in markup:
            break
        if "<" in markup:
            tags += (comment[4:].removesuffix("-->") for comment in _COMMENT.findall(markup))
            markup = _COMMENT.sub("", markup)
            tags += (a or b or c for a, b, c in _ATTRIBUTE_VALUE.findall(markup))
            markup = _ANY_TAG.sub(BLOCK, _INLINE_TAG.sub("", markup))
        markup = html.unescape(markup)
    return markup


# Pagefind names a bundle's files by a hex hash after the language
# ("pagefind.und_18407964410.pf_meta", "fragment/und_8d3a4a5.pf_fragment") and lists the
# meta file's hash in pagefind-entry.json. A hash of eleven decimal digits (about one
# bundle in a few hundred) reads as a mobile number and failed builds at random; inside a
# bundle the hash itself is not read, the rest of the name is.
_BUNDLE_FOLDERS = frozenset({"pagefind", "pagefind-group"})
_BUNDLE_FILE = re.compile(
    r"((?:pagefind\.)?[a-z]{2,3}(?:-[a-z0-9]+)*_)[0-9a-f]{7,16}(\.pf_(?:meta|fragment|index|filter))"
)
_BUNDLE_HASH = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)*_[0-9a-f]{7,16}")


def _in_pagefind_bundle(shown: str) -> bool:
    return not _BUNDLE_FOLDERS.isdisjoint(shown.split("/")[:-1])


def name_parts(shown: str) -> list[str]:
    """The parts of a published path the gate reads (a bundle file's hash left out).

    >>> name_parts("www.bozhou.gov.cn/pagefind/2026/pagefind.und_18407964410.pf_meta")
    ['www.bozhou.gov.cn', 'pagefind', '2026', 'pagefind.und_.pf_meta']
    >>> name_parts("www.bozhou.gov.cn/files/und_18407964410.pf_meta")[-1]
    'und_18407964410.pf_meta'
    """
    parts = shown.split("/")
    if _in_pagefind_bundle(shown) and (bundle_file := _BUNDLE_FILE.fullmatch(parts[-1])):
        parts[-1] = bundle_file.expand(r"\1\2")
    return parts


def _without_bundle_hashes(entry: object) -> object:
    """pagefind-entry.json with each language's ``hash`` (its meta file's) left out."""
    if not isinstance(entry, dict) or not isinstance(entry.get("languages"), dict):
        return entry
    languages = {
        name: {
            k: v
            for k, v in language.items()
            if not (k == "hash" and isinstance(v, str) and _BUNDLE_HASH.fullmatch(v))
        }
        if isinstance(language, dict)
        else language
        for name, language in entry["languages"].items()
    }
    return {**entry, "languages": languages}


def _json_strings(data: object, depth: int = 0) -> Iterator[str]:
    if depth > 100:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _json_strings(value, depth + 1)
    elif isinstance(data, list):
        for value in data:
            yield from _json_strings(value, depth + 1)
    elif isinstance(data, str):
        # Pagefind's fragments hold page text with its markup.
        yield from _visible(data, []).split(BLOCK)
    elif data is not None and not isinstance(data, bool):
        yield str(data)


MAX_LISTED = 50


def locate_sources(exposures: list[Exposure], group: Group, policy: GatePolicy) -> dict:
    """For each exposure, the content files that hold the same finding (by name or text):
    where the webmaster fixes it. Run only when the gate found something."""
    scanner = policy.scanner()
    folders = {str(site.domain): site.id for site in group.sites.values()}
    # A published path starts with its site's domain; the group's own files with no site.
    folder_of = {e: folders.get(e.path.split("/", 1)[0], "") for e in exposures}
    wanted: dict[str, set[tuple[str, str]]] = {}
    for exposure, folder in folder_of.items():
        wanted.setdefault(folder, set()).add((exposure.category, exposure.shown))
    found: dict[tuple[str, str, str], list[str]] = {}
    for folder, values in wanted.items():
        roots = [group.root / folder] if folder else []
        roots += [group.root / LIBRARY_FOLDER]
        for path in (Path(p) for r in roots if r.is_dir() for p in sorted(tree_files(str(r)))):
            shown = display_path(path, group.root)
            for category, value in _source_findings(scanner, path, group.root):
                if (category, value) in values:
                    sources = found.setdefault((folder, category, value), [])
                    if shown not in sources:
                        sources.append(shown)
    return {
        exposure: found.get((folder, exposure.category, exposure.shown), [])
        for exposure, folder in folder_of.items()
    }


def _source_findings(scanner: Scanner, path: Path, root: Path) -> Iterator[tuple[str, str]]:
    texts = [path.relative_to(root).as_posix()]
    try:
        if _extracted(path.suffix.lower()):
            texts += [part.text for part in extract_text(path)]
        else:  # any other file may have carried it: an .rst article, a YAML record, a name
            data = path.read_bytes()[:MAX_TEXT_BYTES].decode("utf-8", errors="replace")
            tags: list[str] = []
            texts += [_visible(data, tags), *tags]
    except (OSError, ExtractionError):
        pass
    for text in texts:
        for hit in scanner.findings(text):
            yield hit.category, hit.shown


def gate_report(exposures: list[Exposure], sources: dict) -> str:
    """The build's refusal: each value found, in which published files, from which source."""
    by_value: dict[tuple[str, str, str], list[Exposure]] = {}
    for exposure in exposures:
        by_value.setdefault((exposure.category, exposure.shown, exposure.message), []).append(
            exposure
        )
    lines = [
        f"{GATE}：将要发布的文件中有 {len(by_value)} 项不得发布的内容（共 {len(exposures)} 处）。"
        "请在来源文件中删除，或经保密审查后再构建："
    ]
    for (_, _, message), found in list(by_value.items())[:MAX_LISTED]:
        places = "、".join(f"{e.path}（{e.where}）" for e in found[:3])
        more = f" 等 {len(found)} 处" if len(found) > 3 else ""
        origin = list(dict.fromkeys(s for e in found for s in sources.get(e, [])))
        source = "、".join(origin[:5]) or "未找到对应的内容文件（由模板、设置或构建生成）"
        lines.append(
            f"  - {message}（{found[0].article}）\n    出现在：{places}{more}\n    来源：{source}"
        )
    if len(by_value) > MAX_LISTED:
        lines.append(f"  …… 另有 {len(by_value) - MAX_LISTED} 项未列出")
    return "\n".join(lines)
