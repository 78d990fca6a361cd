"""Web continuity (第八条（四））: every old address of a site still answers after a redesign.

The model is the UK Government Web Archive's: an address the live site no longer has is
answered from the site's archive, and only an address that was never archived answers
404, with the site's own 404 page (search and the 归档目录). For each old address a
visitor gets, in this order (the order nginx applies, lifecycle.serving):

1. **moved** — an article names it among its ``aliases`` (group.rules.aliases): 301 to the
   article; the build also leaves a redirect page there, which is how it is found here;
2. **same** — the new build has a file there: 200;
3. **archived** — an archive of the site has it: 301 to ``/archive/<id>/…``, the newest
   archive first;
4. **missing** — 404 with ``/404.html``.

Old addresses come from a site's archives (``archive.json``), a WARC, a ``sitemap.xml``,
or the version of the site published before this build. Addresses are paths as nginx
sees them in ``$uri``: percent-decoded, without the query.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import lxml.etree
import lxml.html

from ...compliance import shorten
from ...content.registry import Site
from ...errors import ToolkitError
from ...lifecycle.serving import continuity_maps, continuity_snippet, maps_header, nginx_path_ok
from ..rules.aliases import REFRESH
from .redesign import ARCHIVE_FOLDER

SAME, MOVED, ARCHIVED, MISSING = "same", "moved", "archived", "missing"
SHOWN = {SAME: "相同页面", MOVED: "已迁移", ARCHIVED: "归档副本", MISSING: "404"}
NOT_FOUND_PAGE = "404.html"  # in every site's root: the theme's 404 page
MANIFEST = "archive.json"  # republish.static writes it beside each archive
# What a build regenerates under new names each time: not addresses a reader follows.
NOT_ADDRESSES = (ARCHIVE_FOLDER, "pagefind", "pagefind-group")
MAX_REDIRECT_PAGE = 4096  # a redirect page is small; larger files are not read to look
MAX_SITEMAP = 50 * 1024 * 1024  # the sitemaps protocol's limit for one file
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$",
    re.IGNORECASE,
)


def is_hostname(text: str) -> bool:
    """
    >>> is_hostname("www.qcq.gov.cn"), is_hostname("evil/ ;"), is_hostname("output")
    (True, False, True)
    """
    return bool(HOSTNAME.match(text))


@dataclass(frozen=True)
class Answer:
    """What a visitor gets at one old address."""

    address: str  # the path, as nginx's $uri (decoded)
    kind: str  # SAME, MOVED, ARCHIVED or MISSING
    target: str = ""  # where a 301 leads (a root-relative, percent-encoded path)

    def __str__(self) -> str:
        arrow = f" → {self.target}" if self.target else ""
        return f"{SHOWN[self.kind]}\t{self.address}{arrow}"


def decoded_path(url: str) -> str | None:
    """The path of ``url`` as nginx's ``$uri`` holds it, or None when nginx could not match
    it (not UTF-8 once decoded, a control character, a quote or a backslash).

    >>> decoded_path("https://www.qcq.gov.cn/%E6%96%B0%E9%97%BB/a.html?x=1")
    '/新闻/a.html'
    >>> decoded_path("https://www.qcq.gov.cn/a%0Ab") is None
    True
    """
    path = urlsplit(url).path or "/"
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    return decoded if nginx_path_ok(decoded) else None


def href_path(path: str) -> str:
    """A decoded path as a Location header carries it.

    >>> href_path("/新闻/a b.html")
    '/%E6%96%B0%E9%97%BB/a%20b.html'
    """
    return quote(path, safe="/-._~")


@dataclass
class NewBuild:
    """A site's new build (``output/<domain>/``) as a server answers old addresses from it."""

    root: Path
    moved: dict[str, str] = field(default_factory=dict)  # old path → new path
    archived: dict[str, str] = field(default_factory=dict)  # old path → archived copy
    archived_paths: list[str] = field(default_factory=list)  # each archived address once

    @classmethod
    def read(cls, root: Path, hosts: Iterable[str]) -> NewBuild:
        build = cls(Path(root))
        build.moved = find_moved(build.root)
        build.archived, build.archived_paths = archived_addresses(
            build.root / ARCHIVE_FOLDER, hosts
        )
        return build

    def has(self, path: str) -> bool:
        """Whether the build has a file for ``path`` (a folder: its index.html)."""
        parts = [part for part in path.split("/") if part]
        if any(part in (".", "..") for part in parts):
            return False
        target = self.root.joinpath(*parts)
        if path.endswith("/"):
            return (target / "index.html").is_file()
        return target.is_file() or (target / "index.html").is_file()

    def answer(self, path: str) -> Answer:
        if path in self.moved:
            return Answer(path, MOVED, href_path(self.moved[path]))
        if self.has(path):
            return Answer(path, SAME)
        if path in self.archived:
            return Answer(path, ARCHIVED, self.archived[path])
        return Answer(path, MISSING)

    def fall_through(self) -> dict[str, str]:
        """Where nginx sends an address it has no file for (after ``try_files``): a folder
        of the build without its slash to the folder, an archived address to its copy."""
        elsewhere = {
            path: target
            for path, target in self.archived.items()
            if path not in self.moved and not self.has(path)
        }
        for folder, _, files in os.walk(self.root):
            relative = Path(folder).relative_to(self.root).as_posix()
            if relative != "." and "index.html" in files and nginx_path_ok("/" + relative):
                elsewhere.setdefault("/" + relative, href_path(f"/{relative}/"))
        return elsewhere


def site_forms(path: str) -> list[str]:
    """The addresses one file or folder answers at, as nginx's $uri.

    >>> site_forms("/zwdt/"), site_forms("/zwdt/index.html"), site_forms("/a.html")
    (['/zwdt/', '/zwdt/index.html', '/zwdt'], ['/zwdt/index.html', '/zwdt/', '/zwdt'], ['/a.html'])
    """
    if path.endswith("/"):
        forms = [path, path + "index.html"]
    elif path.endswith("/index.html"):
        forms = [path, path.removesuffix("index.html")]
    else:
        return [path]
    folder = forms[0].removesuffix("index.html").rstrip("/")
    return forms + ([folder] if folder else [])


def find_moved(root: Path) -> dict[str, str]:
    """Every redirect page of the build (an alias, group.rules.aliases): old path → new path."""
    moved = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in NOT_ADDRESSES]
        for name in files:
            path = Path(folder) / name
            if not name.endswith(".html") or path.stat().st_size > MAX_REDIRECT_PAGE:
                continue
            data = path.read_bytes()
            if REFRESH.encode() not in data:
                continue
            old = "/" + path.relative_to(root).as_posix()
            target = refresh_target(data, old)
            if target and nginx_path_ok(old):
                for form in site_forms(old):
                    moved.setdefault(form, target)
    return moved


def refresh_target(data: bytes, old: str) -> str | None:
    """The decoded path a zero-second refresh page at ``old`` sends a browser to.

    >>> page = b'<meta http-equiv="refresh" content="0; url=../new/a.html">'
    >>> refresh_target(page, "/old/b.html")
    '/new/a.html'
    """
    try:
        document = lxml.html.fromstring(data)
    except (lxml.etree.ParserError, ValueError):
        return None
    for content in document.xpath("//meta[@http-equiv='refresh']/@content"):
        delay, _, rest = content.partition(";")
        key, _, url = rest.strip().partition("=")
        if delay.strip() == "0" and key.strip().lower() == "url" and url.strip():
            target = urljoin("https://site" + quote(old), url.strip())
            if urlsplit(target).netloc == "site":
                return decoded_path(target)
    return None


def archived_addresses(
    archive_root: Path, hosts: Iterable[str], base: str = f"/{ARCHIVE_FOLDER}/"
) -> tuple[dict[str, str], list[str]]:
    """Every address the site's archives hold (``archive.json`` "files"), newest archive
    first: old path (in each form it answers at) → ``<base><id>/<copy>``; and the paths."""
    hosts = {host.lower() for host in hosts}
    archived: dict[str, str] = {}
    paths: dict[str, None] = {}
    for manifest in sorted(Path(archive_root).glob(f"*/{MANIFEST}"), reverse=True):
        for url, copy in manifest_files(manifest):
            path = decoded_path(url)
            if path is None or (urlsplit(url).hostname or "") not in hosts:
                continue
            paths.setdefault(path)
            for form in site_forms(path):
                archived.setdefault(form, f"{base}{manifest.parent.name}/{href_path(copy)}")
    return archived, list(paths)


def manifest_files(manifest: Path) -> list[tuple[str, str]]:
    """(original URL, copy below the archive) of every file an archive holds."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        entries = data.get("files", data.get("pages", []))
        return [(str(e["url"]), str(e["path"])) for e in entries]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ToolkitError(f"归档清单 {manifest} 无法读取：{shorten(error, 120)}") from None


# Old address lists ---------------------------------------------------------------------


def addresses_of_archives(folder: Path) -> Iterator[str]:
    """The URLs an archive folder holds (one archive, or a folder of archives)."""
    manifests = [folder / MANIFEST] if (folder / MANIFEST).is_file() else []
    manifests = manifests or sorted(folder.glob(f"*/{MANIFEST}"))
    if not manifests:
        raise ToolkitError(f"{folder} 不是归档目录：其中没有 {MANIFEST}")
    for manifest in manifests:
        for url, _ in manifest_files(manifest):
            yield url


def addresses_of_warc(path: Path) -> Iterator[str]:
    """The target URLs of a WARC's responses and revisits (what a visitor could open): not
    those that answered 4xx or 5xx then (a robots.txt the old site never had is not lost).
    A file verify would fail is refused at its first defect, as every command refuses it."""
    from ...warc.verify import Defect, walk_records  # here: a build reads no WARC addresses

    try:
        for record in walk_records(path, arc=False):
            defects = [record] if isinstance(record, Defect) else record.defects()
            if defects:
                raise ToolkitError(
                    f"WARC 文件 {path} 无法读取：{defects[0]}（可先用 archive-tool verify 检查）"
                )
            status = (record.http.get_statuscode() or "") if record.http else ""
            if (
                record.kind in ("response", "revisit")
                and record.uri
                and not status.startswith(("4", "5"))
            ):
                yield record.uri
    except OSError as error:
        raise ToolkitError(f"WARC 文件 {path} 无法读取：{error.strerror or error}") from None


def addresses_of_sitemap(path: Path) -> list[str]:
    """The ``<loc>`` of every URL in a sitemap.xml (a sitemap index is refused)."""
    try:
        if path.stat().st_size > MAX_SITEMAP:
            raise ToolkitError(f"站点地图 {path} 超过 50 MB，请按 sitemaps 协议拆分后分别核对")
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = lxml.etree.parse(str(path), parser).getroot()
    except (OSError, lxml.etree.XMLSyntaxError) as error:
        raise ToolkitError(f"站点地图 {path} 无法读取：{shorten(error, 120)}") from None
    if lxml.etree.QName(root).localname == "sitemapindex":
        raise ToolkitError(f"{path} 是站点地图索引：请分别核对其中列出的各个 sitemap.xml")
    if lxml.etree.QName(root).localname != "urlset":
        raise ToolkitError(f"{path} 不是 sitemap.xml（根元素应为 urlset）")
    return [(loc.text or "").strip() for loc in root.iter("{*}loc") if (loc.text or "").strip()]


def old_addresses(source: Path) -> list[str]:
    """The URLs of an old address list: an archive folder, a WARC or a sitemap.xml."""
    source = Path(source)
    if source.is_dir():
        return list(addresses_of_archives(source))
    if not source.exists():
        raise ToolkitError(f"旧网址来源 {source} 不存在")
    if not source.is_file():
        raise ToolkitError(f"旧网址来源 {source} 不是普通文件或目录，无法读取")
    if source.name.endswith((".warc", ".warc.gz")):
        return list(addresses_of_warc(source))
    if source.suffix == ".xml":
        return addresses_of_sitemap(source)
    raise ToolkitError(
        f"无法识别旧网址来源 {source}：应为归档目录、WARC 文件（.warc/.warc.gz）或 sitemap.xml"
    )


def addresses_of_output(site_dir: Path) -> list[str]:
    """The addresses of a published build (the version this build replaces)."""
    found = []
    if not (Path(site_dir) / "index.html").is_file():
        return found
    for folder, dirs, files in os.walk(site_dir):
        if Path(folder) == Path(site_dir):
            dirs[:] = [d for d in dirs if d not in NOT_ADDRESSES]
        for name in files:
            if name.startswith("maintenance-") or name == NOT_FOUND_PAGE:
                continue  # served by nginx for other paths, not addresses of their own
            relative = (Path(folder) / name).relative_to(site_dir).as_posix()
            if name == "index.html":
                relative = relative.removesuffix("index.html")
            found.append("/" + relative)
    return sorted(found)


def site_paths(urls: Iterable[str], hosts: Iterable[str]) -> tuple[list[str], int]:
    """The distinct decoded paths of the URLs on ``hosts``, and how many URLs were elsewhere
    (another host, not http) or could not be a path nginx matches."""
    hosts = {host.lower() for host in hosts}
    paths: dict[str, None] = {}
    other = 0
    for url in urls:
        parts = urlsplit(url)
        path = decoded_path(url) if parts.scheme in ("http", "https", "") else None
        if path is None or (parts.netloc and (parts.hostname or "") not in hosts):
            other += 1
            continue
        paths.setdefault(path)
    return list(paths), other


def check_continuity(build: NewBuild, paths: Iterable[str]) -> list[Answer]:
    """What a visitor gets at each old address, in the order given."""
    return [build.answer(path) for path in paths]


# The group build ------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteContinuity:
    """One site after the build: which of its old addresses answer 404."""

    site: str  # its name
    domain: str
    missing: list[str]


def hosts_of(site: Site) -> list[str]:
    """The hosts the site's old addresses were on: its domain, its former domain after a
    change (第六条（二）), and where a redesign crawled its old version (``archive.source``)."""
    source = urlsplit(str(site.get("archive.source") or "")).hostname
    former = site.registered_domain if site.registered_domain != site.domain else None
    return [str(site.domain).lower()] + [host for host in (former, source) if host]


@dataclass(frozen=True)
class Served:
    """What a site's folder answers, kept between builds (group.build.manifest): its nginx
    maps and their keys, and the old addresses that answer 404 while the version it
    replaces is this same folder (the site kept as it is)."""

    maps: str
    keys: list[str]
    missing: list[str]

    def data(self) -> dict:
        return {"maps": self.maps, "keys": self.keys, "missing": self.missing}

    @classmethod
    def of(cls, data: object) -> Served | None:
        """From ``data()``'s form; None if it is not that (a manifest of another version)."""
        if not isinstance(data, dict):
            return None
        maps, keys, missing = data.get("maps"), data.get("keys"), data.get("missing")
        if not isinstance(maps, str) or not isinstance(keys, list) or not isinstance(missing, list):
            return None
        if not all(isinstance(item, str) for item in keys + missing):
            return None
        return cls(maps, keys, missing)


def serve_site(site: Site, site_dir: Path, previous_dir: Path) -> tuple[SiteContinuity, Served]:
    """Check a built site against its old addresses (the version it replaces and its
    archives); its nginx maps and their keys, as ``Served``."""
    build = NewBuild.read(site_dir, hosts_of(site))

    def missing(previous: Path) -> list[str]:
        old = dict.fromkeys(addresses_of_output(previous) + build.archived_paths)
        return [a.address for a in check_continuity(build, old) if a.kind == MISSING]

    archived = build.fall_through()
    maps = continuity_maps(str(site.domain), build.moved, archived)
    served = Served(maps, [*build.moved, *archived], missing(site_dir))
    missing_now = missing(previous_dir) if previous_dir != site_dir else served.missing
    return SiteContinuity(site.name, str(site.domain), missing_now), served


def write_continuity(
    staging: Path,
    previous_root: Path,
    sites: list[Site],
    other_maps: list[tuple[str, list]],
    known: dict[str, Served] | None = None,
) -> tuple[list[SiteContinuity], dict[str, Served]]:
    """After every site is built into ``staging``: each site's server lines (appended to
    ``nginx/<domain>.conf``) and ``nginx/maps.conf`` with every map of the group.
    ``known``: by domain, what a kept site's folder answers (recorded when it was
    published; its folder is unchanged since), taken as it is. Returns each site's check
    and what its folder answers, by domain."""
    nginx = Path(staging) / "nginx"
    nginx.mkdir(exist_ok=True)
    known = known or {}
    results, maps, served = [], list(other_maps), {}
    for site in sorted(sites, key=lambda s: str(s.domain)):  # same bytes, whatever was kept
        domain = str(site.domain)
        if domain in known:
            found = known[domain]
            checked = SiteContinuity(site.name, domain, found.missing)
        else:
            previous = Path(previous_root) / domain
            if not previous.is_dir() and site.registered_domain:  # the first build on a new domain
                previous = Path(previous_root) / site.registered_domain
            checked, found = serve_site(site, staging / domain, previous)
        results.append(checked)
        served[domain] = found
        maps.append((found.maps, found.keys))
        with (nginx / f"{domain}.conf").open("a", encoding="utf-8") as server:
            server.write(continuity_snippet(domain))
    keys = [key for _, entries in maps for key in entries]
    text = maps_header(keys) + "\n".join(text for text, _ in maps)
    (nginx / "maps.conf").write_text(text, encoding="utf-8")
    return results, served
