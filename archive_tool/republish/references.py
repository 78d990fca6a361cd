"""Where a reference in a captured page, style sheet or SVG file points once archived.

One lookup for all three: the reference is joined to the document's URL, looked up in the
archive (``resolve`` gives a ``rewrite.Target``), and its fragment kept. A requisite (an
image, a style sheet, a font, an SVG reference) is loaded only from the archive, from
within the document, or from a data: URL of an image.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urldefrag, urljoin

from .active import WEB_SCHEMES, is_safe_data_url, normalize_url, scheme_of

Resolver = Callable[[str], object]  # absolute URL → rewrite.Target (href, kind)


def locate(base_url: str, value: str, resolve: Resolver) -> tuple[str, str, object] | None:
    """The reference made absolute (without its fragment), its fragment, and its target;
    None when it cannot be joined to the base (e.g. an unbalanced "[" in the host)."""
    try:
        absolute, fragment = urldefrag(urljoin(base_url, value))
    except ValueError:
        return None
    return absolute, fragment, resolve(absolute)


def archived_href(base_url: str, value: str, resolve: Resolver) -> str | None:
    """The archived copy's relative URL with the reference's fragment; None if not archived."""
    located = locate(base_url, value, resolve)
    if located is None or located[2].kind != "archived":
        return None
    _, fragment, target = located
    return target.href + (f"#{fragment}" if fragment else "")


def requisite_url(
    raw: str, archived: Callable[[str], str | None], data_image: bool
) -> str | None:
    """Where a requisite is loaded from: nowhere else than the document itself (empty or
    a fragment), the archive (``archived`` of the normalised URL), a safe data: URL where
    ``data_image``; None when from nowhere.

    >>> requisite_url(" #g", None, False), requisite_url("javascript:x", None, True)
    ('#g', None)
    """
    value = normalize_url(raw)
    if not value or value.startswith("#"):
        return value
    scheme = scheme_of(value)
    if scheme == "data":
        return value if data_image and is_safe_data_url(value) else None
    if scheme not in WEB_SCHEMES:
        return None
    return archived(value)
