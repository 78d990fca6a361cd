"""The publishing-safety scan: everything a build will publish, before Pelican sees it.

It reads what the loader read (article metadata and bodies, YAML records, library items)
and opens each attachment of a published site once. Each finding is an error naming the
file, the line or key, the category and a masked excerpt, unless the item's 保密审查
(review.py) names it; accepted findings are listed in the build report.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..compliance import WARNING, Violation
from ..content import filememo
from ..content.articles import ArticleFile
from ..content.loader import LETTER_FOLDER, RECORD_FOLDERS, REVIEW_SUFFIX
from ..content.registry import Group, Site
from ..content.yamlfile import YamlFile, reading_problem
from . import filetypes
from . import review as reviews
from .citizens import PRIVATE_KEYS
from .extract import SCANNED_SUFFIXES, ExtractionError, extract_text, read_attachment
from .lexicon import LEXICON_FILES, SENSITIVE, Lexicon
from .markings import find_markings
from .normalise import normalise
from .numbers import find_personal_numbers, mask_personal_numbers
from .review import fingerprint, review_key

PERSONAL_ARTICLE = "第十条（三）"
WITHHELD = "不予公开"  # an article withheld from publication: not scanned, never published
SECRET_ARTICLE = "第十条（二）"
LEXICON_ARTICLE = "第七条（一）"
UNREADABLE = "无法检查的附件"
PAGE = re.compile(r"第 \d+ 页")
UNCHECKED_DOCUMENTS = (".doc", ".xls", ".ppt", ".pptx", ".wps", ".et", ".dps", ".odt", ".ods")
UNCHECKED_DOCUMENTS += (".zip", ".rar", ".7z", ".mp4", ".mp3")


@dataclass(frozen=True)
class Finding:
    """Something that must not be published: where, what, and how the build shows it."""

    site: str
    file: str
    where: str  # a metadata key, a record key, "第 N 行", "工作表「名单」第 5 行"
    category: str
    shown: str  # masked: the full value never leaves the scanner
    message: str
    article: str
    severity: str = "error"
    fingerprint: str = ""  # the keyed 指纹 of the value (review.fingerprint); '' when unkeyed

    @property
    def personal(self) -> bool:
        """A personal number: waived by its fingerprint only."""
        return self.article == PERSONAL_ARTICLE

    def violation(self) -> Violation:
        return Violation(
            self.site, self.file, self.where, self.message, self.article, self.severity
        )


@dataclass(frozen=True)
class Waiver:
    """A finding that a reviewer checked and accepted in the item's 保密审查."""

    finding: Finding
    review: reviews.Review

    def __str__(self) -> str:
        f = self.finding
        shown = f"{f.shown}（指纹 {f.fingerprint}）" if f.personal and f.fingerprint else f.shown
        return (
            f"{f.file}：{f.where}：{f.category}「{shown}」已经保密审查"
            f"（{self.review}）：{self.review.conclusion}"
        )


class Hit(NamedTuple):
    """One finding of the detectors in a text; ``offset``/``end`` index the text as given."""

    offset: int
    category: str
    shown: str  # masked number, marking or term: safe to show
    message: str
    article: str
    fingerprint: str  # keyed hash of the clear value; '' when the scanner has no key
    end: int


class Scanner:
    """The detectors over one text: personal numbers, 密级 markings, the group's lexicons.

    ``key`` is the group's 保密审查 key (review.review_key), or a function that gives it
    when a finding first needs it, so that a clean build never makes one."""

    def __init__(
        self,
        lexicon: Lexicon,
        key: bytes | Callable[[], bytes] | None = None,
        identity: tuple[str, str] | None = None,
    ):
        self.lexicon = lexicon
        self._key = key
        # What the findings depend on besides the text (the lexicons and the key), when
        # known: a text's findings are then kept between checks (content.filememo).
        self.identity = identity

    def fingerprint(self, value: str) -> str:
        """The 指纹 of a clear value under the group's key ('' without a key)."""
        if callable(self._key):
            self._key = self._key()
        return fingerprint(value, self._key) if self._key else ""

    def findings(self, text: str, personal: bool = True) -> Iterator[Hit]:
        """Each finding in ``text``, however the value is written in it (normalise.py)."""
        if self.identity is None:
            return self._findings(text, personal)
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()
        key = ("scan", self.identity, personal, digest)
        # Before the key is made, a finding's 指纹 is under a key the next check may not
        # have (it makes its own): only a text without findings is kept then.
        keep = None if self.identity[0] == "key" else (lambda hits: not hits)
        return iter(filememo.value(key, lambda: list(self._findings(text, personal)), keep))

    def _findings(self, text: str, personal: bool) -> Iterator[Hit]:
        seen = normalise(text)
        if personal:
            for number in find_personal_numbers(seen):
                mark = self.fingerprint(number.value)
                shown = f"{number.masked}（指纹 {mark}）" if mark else number.masked
                how = f"指纹「{mark}」" if mark else "指纹（需先在 content/_policy/ 中生成保密审查密钥）"
                message = (
                    f"含公民个人信息：{number.category} {shown}，请删除后发布"
                    f"（经保密审查确认可以发布的，在保密审查结论中写明{how}）"
                )
                yield Hit(
                    number.start, number.category, number.masked, message, PERSONAL_ARTICLE,
                    mark, number.end,
                )  # fmt: skip
        for marking in find_markings(seen):
            message = (
                f"含{marking.category}「{marking.text}」：涉密、内部信息严禁上网"
                f"（经保密审查确认可以发布的，在保密审查结论中写明「{marking.text}」）"
            )
            yield Hit(
                marking.start, marking.category, marking.text, message, SECRET_ARTICLE,
                self.fingerprint(marking.text), marking.end,
            )  # fmt: skip
        for hit in self.lexicon.find(text, seen.folded() if self.lexicon.size else None):
            what = "敏感词" if hit.category == SENSITIVE else "严重表述错误"
            message = (
                f"{what}：{hit.message}（经保密审查确认无误的，在保密审查结论中写明「{hit.term}」）"
            )
            yield Hit(
                hit.start, hit.category, hit.term, message, LEXICON_ARTICLE,
                self.fingerprint(hit.term), hit.end,
            )  # fmt: skip


def group_scanner(group: Group) -> Scanner:
    """The scanner a group's build uses: its lexicons, and its 保密审查 key when needed."""
    return make_scanner(group.policy, group.root)


def make_scanner(lexicons: dict[str, Iterable[str]], content_root: Path | None) -> Scanner:
    """The detectors over the group's lexicons; the 保密审查 key under ``content_root`` is
    read (or made) only when a finding first needs its 指纹."""
    lists = {name: list(lexicons.get(name, [])) for name in LEXICON_FILES}
    lexicon = Lexicon(lists)
    if content_root is None:
        return Scanner(lexicon)

    def key() -> bytes:
        try:
            return review_key(Path(content_root))
        except OSError:  # a read-only content folder: no fingerprints, so no number waived
            return b""

    return Scanner(lexicon, key, _identity(lists, Path(content_root)))


def _identity(lists: dict[str, list[str]], content_root: Path) -> tuple[str, str]:
    """A digest of the lexicons and the 保密审查 key's file (its path, size, mtime in ns and
    inode, as content.filememo's stamps), ``("key", …)``; ``("no key", …)`` before the key
    is made."""
    digest = hashlib.blake2b(repr(sorted(lists.items())).encode("utf-8", "surrogatepass"))
    path = content_root.resolve() / "_policy" / reviews.KEY_FILE
    stamp = filememo.file_stamp(path)
    if stamp is None:
        return "no key", digest.hexdigest()
    digest.update(f"{path}\0{stamp}".encode("utf-8", "surrogatepass"))
    return "key", digest.hexdigest()


def waived_fingerprints(waivers: Iterable[Waiver]) -> dict[str, set[str]]:
    """Site id -> the fingerprints a 保密审查 accepted there (for the output gate)."""
    waived: dict[str, set[str]] = {}
    for waiver in waivers:
        if waiver.finding.fingerprint:
            waived.setdefault(waiver.finding.site, set()).add(waiver.finding.fingerprint)
    return waived


def scan_group(group: Group) -> tuple[list[Violation], list[Waiver]]:
    """Every finding in what the group will publish: errors for the open ones, and the
    waivers a 保密审查 granted."""
    scanner = group_scanner(group)
    violations: list[Violation] = []
    waivers: list[Waiver] = []
    for site in group.published_sites():
        for article in site.articles:
            if article.meta.get("disclosure") != WITHHELD:
                _settle(_article(scanner, site.id, article), violations, waivers)
        for folder in RECORD_FOLDERS:
            for file in site.records.get(folder, []):
                _settle(_record(scanner, site.id, folder, file), violations, waivers)
        for name in sorted(site.attachments):
            _settle(_attachment(scanner, group, site, name), violations, waivers)
        _settle(_site_file(scanner, site), violations, waivers)
        _settle(_file_names(scanner, group, site), violations, waivers)
    for item in group.library:
        _settle(_article(scanner, "_library", item), violations, waivers)
    _settle(_library_names(scanner, group), violations, waivers)
    return violations, waivers


def scan_article(scanner: Scanner, site_id: str, article: ArticleFile) -> list[Violation]:
    """The open findings in one article, settled as scan_group settles them (the live
    preview checks a saved article alone, group.preview.quick)."""
    violations: list[Violation] = []
    if article.meta.get("disclosure") != WITHHELD:
        _settle(_article(scanner, site_id, article), violations, [])
    return violations


Scanned = tuple[list[Finding], reviews.Review | None, list[Violation]]


def _settle(scanned: Scanned, violations: list[Violation], waivers: list[Waiver]) -> None:
    findings, review, problems = scanned
    violations += problems
    for finding in findings:
        if review is not None and (
            finding.category == UNREADABLE
            or review.accepts(finding.shown, finding.fingerprint, by_value=not finding.personal)
        ):
            waivers.append(Waiver(finding, review))
        else:
            violations.append(finding.violation())


def _article(scanner: Scanner, site: str, article: ArticleFile) -> Scanned:
    """An article's findings, its 保密审查 and the problems with it: a function of its text
    (metadata and line numbers come from it), its site and shown path, and the scanner's
    identity, so kept between checks as each text's findings are (Scanner.findings)."""
    if scanner.identity is None or article.metadata is None:
        return _article_findings(scanner, site, article)
    digest = hashlib.blake2b(article.text.encode("utf-8", "surrogatepass"), digest_size=20)
    key = ("article scan", scanner.identity, site, article.shown, digest.digest())
    keep = None if scanner.identity[0] == "key" else (lambda scanned: not scanned[0])
    return filememo.value(key, lambda: _article_findings(scanner, site, article), keep)


def _article_findings(scanner: Scanner, site: str, article: ArticleFile) -> Scanned:
    findings: list[Finding] = []
    if article.metadata is None:
        return findings, None, []  # not UTF-8: the article rules report it
    for key, value in article.meta.items():
        if key != reviews.REVIEW_KEY:
            for hit in scanner.findings(value):
                findings.append(_finding(site, article.shown, key, hit))
    body = article.body
    starts = _line_starts(body)
    for hit in scanner.findings(body):
        line = article.body_line + bisect.bisect_right(starts, hit.offset) - 1
        findings.append(_finding(site, article.shown, f"第 {line} 行", hit))
    review, problems = None, []
    if findings and reviews.REVIEW_KEY in article.meta:
        review, error = reviews.parse_article_review(article.meta[reviews.REVIEW_KEY])
        if error:
            problems.append(
                Violation(site, article.shown, reviews.REVIEW_KEY, error, SECRET_ARTICLE)
            )
    return findings, review, problems


def _finding(site: str, file: str, where: str, hit: Hit) -> Finding:
    return Finding(
        site, file, where, hit.category, hit.shown, hit.message, hit.article,
        fingerprint=hit.fingerprint,
    )  # fmt: skip


def _record(scanner: Scanner, site: str, folder: str, file: YamlFile) -> Scanned:
    if not isinstance(file.data, dict):
        return [], None, []  # the record's own rules report it
    # Letters are citizens' own words: their numbers are masked on publication, not refused
    # (citizens.py), and their names and contact details are never published.
    letter = folder == LETTER_FOLDER
    findings = [
        _finding(site, file.shown, key, hit)
        for key, text in _strings(
            file.data,
            skip={reviews.RECORD_KEY, *PRIVATE_KEYS} if letter else {reviews.RECORD_KEY},
        )
        for hit in scanner.findings(text, personal=not letter)
    ]
    return findings, *_record_review(site, file.shown, file.data.get(reviews.RECORD_KEY), findings)


def _record_review(site: str, shown: str, value: Any, findings: list[Finding]):
    if not findings or value is None:
        return None, []
    review, error = reviews.parse_record_review(value)
    if error:
        return None, [Violation(site, shown, reviews.RECORD_KEY, error, SECRET_ARTICLE)]
    return review, []


def _attachment(scanner: Scanner, group: Group, site: Site, name: str) -> Scanned:
    path = group.root / site.id / name
    shown = f"{group.root.name}/{site.id}/{name}"
    sidecar = site.reviews.get(name)
    data = {} if sidecar is not None and sidecar.data is None else getattr(sidecar, "data", None)
    suffix = Path(name).suffix.lower()
    findings: list[Finding] = []
    # A type that may not be published is refused unread, whatever its 保密审查 says.
    refused = [
        Violation(site.id, shown, field, message, SECRET_ARTICLE)
        for field, message in filetypes.name_problems(name)
    ]
    if not refused:
        problem, texts, failure = filememo.read(
            "attachment", path, (suffix,), lambda: _attachment_texts(path, suffix)
        )
        if problem:
            refused.append(
                Violation(site.id, shown, filetypes.TYPE_FIELD, problem, SECRET_ARTICLE)
            )
    if refused:
        return findings, None, refused
    if suffix in UNCHECKED_DOCUMENTS:
        message = (
            f"无法自动检查 {suffix} 附件的内容，请人工保密审查后在 {name}.保密审查.yaml 中记录"
        )
        findings.append(
            Finding(site.id, shown, "(附件)", UNREADABLE, "", message, SECRET_ARTICLE, WARNING)
        )
    elif suffix in SCANNED_SUFFIXES:
        parts = 0
        for where, text in texts:
            parts += bool(PAGE.fullmatch(where))  # metadata is not a page's text
            for hit in scanner.findings(text):
                findings.append(_finding(site.id, shown, where, hit))
        if failure is not None:
            message = f"无法检查附件内容：{failure}；请人工保密审查后在 {name}.保密审查.yaml 中记录"
            findings.append(
                Finding(site.id, shown, "(附件)", UNREADABLE, "", message, SECRET_ARTICLE)
            )
        else:
            if suffix == ".pdf" and not parts:  # a scanned 红头文件: pages without text
                message = (
                    f"PDF 中没有可检查的文字（可能是扫描件），请人工保密审查后在 "
                    f"{name}.保密审查.yaml 中记录"
                )
                findings.append(
                    Finding(
                        site.id, shown, "(附件)", UNREADABLE, "", message, SECRET_ARTICLE, WARNING
                    )
                )
    if sidecar is not None and sidecar.error is not None:
        problem = f"无法读取保密审查记录：{reading_problem(sidecar.error)}"
        return (
            findings,
            None,
            [Violation(site.id, sidecar.shown, "(YAML)", problem, SECRET_ARTICLE)],
        )
    return findings, *_record_review(site.id, shown, data, findings)


def _attachment_texts(
    path: Path, suffix: str
) -> tuple[str | None, list[tuple[str, str]], str | None]:
    """What the scan reads of an attachment, read once (and kept while the file is
    unchanged: content.filememo): why its content may not be published, if so; the texts
    extracted (where, text) up to the first that could not be; and why not."""
    content, whole, unreadable = _read(path, suffix)
    if problem := filetypes.content_problem(suffix, content, whole):
        return problem, [], None
    texts: list[tuple[str, str]] = []
    if suffix not in SCANNED_SUFFIXES or suffix in UNCHECKED_DOCUMENTS:
        return None, texts, None
    try:
        if unreadable is not None:
            raise unreadable
        for part in extract_text(path, data=content):
            texts.append((part.where, part.text))
    except ExtractionError as error:
        return None, texts, str(error)
    return None, texts, None


def _read(path: Path, suffix: str) -> tuple[bytes, bool, ExtractionError | None]:
    """An attachment's bytes, read once: (bytes, whether whole, why it could not be read).
    A file too large to read whole still shows its signature."""
    try:
        if suffix in filetypes.HEAD_ONLY:
            return filetypes.read_head(path), False, None
        return read_attachment(path), True, None
    except (ExtractionError, OSError) as error:
        reason = error if isinstance(error, ExtractionError) else ExtractionError("无法读取文件")
        try:
            return filetypes.read_head(path), False, reason
        except OSError:
            return b"", False, reason


def _strings(data: Any, skip: set[str], where: str = "") -> Iterable[tuple[str, str]]:
    """(key path, text) of every string in a YAML value: "办理材料[1].名称"."""
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key) not in skip:
                yield from _strings(value, set(), f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for number, value in enumerate(data, 1):
            yield from _strings(value, set(), f"{where}[{number}]")
    elif isinstance(data, (str, int, float)) and not isinstance(data, bool):
        yield where, str(data)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


# site.yaml: what every page of the site shows (主办单位, 承办单位, contact, filings, column
# names). 栏目责任人 are read only when the site shows them (show_column_owners): then a
# mobile number there is a finding like anywhere else, unless its 保密审查 names it.


def _site_file(scanner: Scanner, site: Site) -> Scanned:
    skip = {reviews.RECORD_KEY, "columns"}
    texts = list(_strings(site.data, skip))
    for number, column in enumerate(site.data.get("columns") or [], 1):
        hidden = set() if site.owners_shown else {"owner"}
        if isinstance(column, dict):
            texts += _strings(column, hidden, f"columns[{number}]")
    findings = [_finding(site.id, site.file, key, hit) for key, text in texts for hit in scanner.findings(text)]
    return findings, *_record_review(
        site.id, site.file, site.data.get(reviews.RECORD_KEY), findings
    )


# File and folder names: a site publishes its articles, records and attachments under their
# names (the address, the home page, lists and feeds). A name needs no 保密审查: it is renamed.
NAME = "文件名"


def _file_names(scanner: Scanner, group: Group, site: Site) -> Scanned:
    withheld = {a.parts for a in site.articles if a.meta.get("disclosure") == WITHHELD}
    published = [
        parts
        for parts in site.files
        if parts not in withheld and not parts[-1].endswith(REVIEW_SUFFIX)
    ]
    return _names(scanner, site.id, f"{group.root.name}/{site.id}", published), None, []


def _library_names(scanner: Scanner, group: Group) -> Scanned:
    items = [item.parts for item in group.library if item.meta.get("disclosure") != WITHHELD]
    return _names(scanner, "_library", f"{group.root.name}/_library", items), None, []


def _names(
    scanner: Scanner, site: str, base: str, files: Iterable[tuple[str, ...]]
) -> list[Finding]:
    """A finding for each file or folder name, each name looked at once."""
    findings, seen = [], set()
    for parts in files:
        for depth in range(1, len(parts) + 1):
            if parts[:depth] in seen:
                continue
            seen.add(parts[:depth])
            name = parts[depth - 1]
            hits = list(scanner.findings(name))
            if not hits:
                continue
            # The path is shown masked: a number in a name never leaves the scanner whole.
            shown = "/".join((base, *(mask_personal_numbers(p) for p in parts[:depth])))
            for category, masked, rule in ((h.category, h.shown, h.article) for h in hits):
                message = (
                    f"文件名或目录名含{category}「{masked}」：文件名会成为网页地址，"
                    f"出现在首页、列表和订阅中，请改名"
                )
                findings.append(Finding(site, shown, NAME, category, masked, message, rule))
    return findings
