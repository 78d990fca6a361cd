"""Page-level rebuilds: a page whose inputs did not change is taken from the published output.

A site's Pelican run (plugins/sitegroup/pagereuse.py) asks, before rendering a page, for
its *render key*: a digest of everything the page's template can read —

- ``base``: the site's content-cache folder name (group.build.contentcache.cache_folder),
  which digests the theme, the toolkit's and the plugin's code, the tool versions and
  every setting except the content data (``NOT_READ``);
- the template's name and the page's output path (its relative links and its address);
- the page's own objects (the article: its metadata, HTML body, address, and of each
  article it links to — policy, interpretations, translations — the same, one level);
- every name the template tree (extends, includes, imports: ``jinja2.meta``) loads that
  is in the run's context, by value: the columns, the site's identity,
  notices if it shows them, the build day only if it reads it;
- the theme's functions it calls that read content data (``index_no``: its result).

A page that reads something that is not plain data (the list of all articles, a record
object) or calls an unknown function gets no key and is always rendered. A page whose
key equals the one recorded for the published file, and whose published file is the one
recorded (device, inode, size, mtime: the output a finished build swapped in, never a
staging folder a failed or killed build left), is hard-linked from the published output
instead of rendered. The keys are kept in ``render-keys.json`` in the cache folder, written
whole with a rename once the run has rendered every page.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from jinja2 import meta, nodes

KEYS_FILE = "render-keys.json"
VERSION = 1

# Jinja's own globals and the theme's functions (group.build.settings.with_template_functions)
# that read nothing or only settings the base covers; "index_no" reads the 索引号 ledgers,
# content data: its result for the page's article is keyed instead (CALLED_ON_ARTICLE).
PURE_FUNCTIONS = frozenset(
    {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "site_link", "column_named"}
    | {"tagged"}  # its arguments are names the template reads, keyed as such
)
CALLED_ON_ARTICLE = frozenset({"index_no"})
# Pelican's per-page names: derived from the output path, which is keyed.
PER_PAGE = frozenset({"output_file", "localsiteurl", "SITEURL"})
NOT_DESCRIBED = frozenset({"settings"})  # every content object's copy of the run's settings


PLAIN = -2  # describe(value, PLAIN): plain data only, no content object


class Unkeyable(Exception):
    """The page reads something its key cannot describe: it is rendered."""


def describe(value: Any, depth: int = 1) -> Any:
    """``value`` as plain data for a key; Unkeyable for what is not plain data, but for
    content objects (anything with ``url``, ``save_as``, ``metadata`` and a body) and
    Pelican's categories, tags and authors when ``depth`` is 0 or more: a content
    object at ``depth`` 1 or more is described whole (its body as the page shows it, its
    attributes, those plugins set included, one level less deep), at 0 by its address,
    raw body and attributes, and the objects those link to by their address alone."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return [type(value).__name__, value]
    if isinstance(value, datetime):
        return ["datetime", value.isoformat(), str(value.tzinfo)]
    if isinstance(value, (date, time)):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, tzinfo):
        return ["tzinfo", str(value)]
    if isinstance(value, (list, tuple)):
        if depth >= 1 and any(_is_content(item) for item in value):
            raise Unkeyable("a list of articles")  # a list page: rendered, not keyed
        return ["list", [describe(item, depth) for item in value]]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(json.dumps(describe(item, depth)) for item in value)]
    if isinstance(value, Mapping):
        return ["dict", sorted((str(k), describe(v, depth)) for k, v in value.items())]
    if depth > PLAIN and _is_wrapper(value):
        return [type(value).__name__, value.name, value.slug, value.url, value.save_as]
    if depth > PLAIN and _is_content(value):
        return _content(value, depth)
    raise Unkeyable(type(value).__name__)


def _is_content(value: Any) -> bool:
    return all(hasattr(value, name) for name in ("url", "save_as", "metadata", "_content"))


def _is_wrapper(value: Any) -> bool:  # Pelican's Category, Tag, Author
    return all(hasattr(type(value), name) for name in ("name", "slug", "url", "save_as"))


def _content(value: Any, depth: int) -> list:
    shown = [type(value).__name__, value.url, value.save_as]
    if depth < 0:  # linked from a linked article: its address
        return shown
    attributes = {
        name: item
        for name, item in vars(value).items()
        if not name.startswith("_") and name not in NOT_DESCRIBED
    }
    # The body as this page shows it (its relative links), or, of a linked article, as
    # written. Its summary is not computed here: Pelican's is the metadata's "summary"
    # (described with the metadata) or the body shortened by the settings (in the base).
    body = [value.content] if depth > 0 else [value._content]
    return shown + [body, describe(attributes, depth - 1)]


class TemplateNames:
    """The names each template tree loads (cached per template): a superset of what it
    looks up in the render context, its own variables included."""

    def __init__(self) -> None:
        self._found: dict[str, frozenset[str] | None] = {}

    def of(self, template: Any) -> frozenset[str] | None:
        """The names a Jinja template and everything it extends, includes or imports read;
        None if it names a template only known when rendering."""
        name = template.name
        if name not in self._found:
            self._found[name] = self._walk(template.environment, name)
        return self._found[name]

    @staticmethod
    def _walk(environment: Any, first: str) -> frozenset[str] | None:
        names: set[str] = set()
        seen, pending = set(), [first]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            source = environment.loader.get_source(environment, name)[0]
            tree = environment.parse(source)
            # Every name loaded anywhere, not only those jinja2.meta calls undeclared: that
            # leaves out the environment's globals, the theme's functions among them.
            names |= {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load"}
            for other in meta.find_referenced_templates(tree):
                if other is None:
                    return None
                pending.append(other)
        return frozenset(names)


def page_key(
    base: str,
    template: str,
    output: str,
    names: frozenset[str] | None,
    page: Mapping[str, Any],
    context: Mapping[str, Any],
    functions: Mapping[str, Any],
    article_call: Callable[[str], Any],
    described: dict[tuple[str, int], tuple[Any, Any]] | None = None,
) -> str:
    """The render key of one output file (see the module's docstring); Unkeyable if the
    page reads what a key cannot describe. ``page``: the write's own values (article,
    category, …); ``context``: the run's; ``functions``: the template globals;
    ``article_call``: the result of a CALLED_ON_ARTICLE function for the page's article;
    ``described``: the context values described so far in this run, by name and object
    (the run's settings do not change while it writes)."""
    described = {} if described is None else described
    if names is None:
        raise Unkeyable("dynamic template name")
    read: list[Any] = [describe(dict(page))]  # what the write passes, read or not
    for name in sorted(names):
        if name in PER_PAGE or name in page:
            continue
        if name in context:
            value = context[name]
            known = described.get((name, id(value)))
            if known is None or known[0] is not value:
                try:
                    known = described[name, id(value)] = (value, describe(value, PLAIN))
                except Unkeyable as error:
                    raise Unkeyable(f"{name}: {error}") from error
            read.append([name, known[1]])
        elif name in CALLED_ON_ARTICLE and name in functions:
            read.append([name, describe(article_call(name))])
        elif name in functions and name not in PURE_FUNCTIONS:
            raise Unkeyable(name)
    text = json.dumps([VERSION, base, template, output, read], ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _identity(path: str | Path) -> list[int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


class RenderKeys:
    """One site run's render keys: those of the published build, read from ``folder``,
    and this run's, written back there by ``save``."""

    def __init__(self, folder: Path, published: Path, base: str) -> None:
        self.folder, self.published, self.base = Path(folder), Path(published), base
        self.names = TemplateNames()
        self.described: dict[tuple[str, int], tuple[Any, Any]] = {}
        self.before = _read_keys(self.folder / KEYS_FILE, base)
        self.now: dict[str, str] = {}
        self.reused = 0

    def reuse(self, output: str, key: str, target: str) -> bool:
        """Link the published file for ``output`` to ``target`` if it was made from the
        same key; record the key either way (the caller renders when this is False)."""
        self.now[output] = key
        recorded = self.before.get(output)
        if recorded is None or recorded[0] != key:
            return False
        source = self.published / output
        if _identity(source) != recorded[1]:
            return False
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
        self.reused += 1
        return True

    def save(self, output_folder: Path) -> None:
        """Write this run's keys with the identity of each file it left in
        ``output_folder``, whole (a temporary file renamed over the old one)."""
        pages = {}
        for output, key in sorted(self.now.items()):
            identity = _identity(Path(output_folder) / output)
            if identity is not None:
                pages[output] = [key, identity]
        data = {"version": VERSION, "base": self.base, "pages": pages}
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{KEYS_FILE}.{os.getpid()}"
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.folder / KEYS_FILE)


def _read_keys(path: Path, base: str) -> dict[str, tuple[str, list[int]]]:
    """{output: (key, identity)} recorded under ``base``; empty if absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION or data.get("base") != base:
            return {}
        return {
            str(output): (str(key), list(identity))
            for output, (key, identity) in data["pages"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
