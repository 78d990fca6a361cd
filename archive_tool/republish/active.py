"""What in an archived file could run script, or load from outside the archive.

One policy, shared by the HTML rewriter, the SVG and XML cleaners and ``verify DIR``, so
that what republishing removes and what the check looks for cannot drift apart. URLs are
read as a browser reads them: leading and trailing control characters and spaces are
ignored and tabs and newlines inside are dropped, so ``" java\\tscript:"`` is a script.
"""

from __future__ import annotations

import re

SCRIPT_SCHEMES = frozenset(
    {"javascript", "vbscript", "livescript", "mocha", "jscript", "ecmascript"}
)
WEB_SCHEMES = frozenset({"", "http", "https"})
# A link that leaves the archive by one of these does no harm and keeps its meaning.
HARMLESS_LINK_SCHEMES = frozenset({"mailto", "tel", "sms", "ftp"})
# data: URLs of these types are shown as images, fonts or media, never as documents.
SAFE_DATA_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/jpg",
        "image/gif",
        "image/webp",
        "image/avif",
        "image/bmp",
        "image/x-icon",
        "image/vnd.microsoft.icon",
        "image/svg+xml",  # as an image, SVG runs no script
        "font/woff",
        "font/woff2",
        "font/ttf",
        "font/otf",
        "application/font-woff",
        "application/font-woff2",
        "application/x-font-woff",
        "application/x-font-ttf",
        "application/vnd.ms-fontobject",
    }
)
SAFE_DATA_PREFIXES = ("audio/", "video/")

# Attributes whose value is a URL, by what following it does.
NAVIGATION_ATTRIBUTES = frozenset({"href", "action", "formaction", "cite", "longdesc"})
REQUISITE_ATTRIBUTES = frozenset(
    {"src", "poster", "data", "background", "lowsrc", "dynsrc", "icon"}
)
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
LINK_ELEMENTS = frozenset({"a", "area"})  # where href is a link to follow, not a load
# Removed wherever they appear: they run or fetch something and are not worth keeping.
DROPPED_ATTRIBUTES = frozenset(
    {"srcdoc", "ping", "codebase", "classid", "archive", "manifest", "formtarget"}
)
# Elements whose data: URL is shown as an image (or media), not as a document.
IMAGE_ELEMENTS = frozenset(
    {"img", "source", "input", "video", "audio", "track", "image", "feimage", "picture"}
)
# SVG (SMIL) animations can set an attribute, such as href, to any value.
ANIMATION_ELEMENTS = frozenset(
    {"set", "animate", "animatemotion", "animatetransform", "animatecolor", "discard"}
)
# Elements that are nothing but script, or a plug-in.
SCRIPT_ELEMENTS = frozenset({"script", "applet", "handler", "listener"})

_EDGE = "".join(chr(code) for code in range(0x21))  # C0 controls and space
_INSIDE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_MENTION = re.compile(
    r"(?:java|vb|live|ecma|j)script:|mocha:"
    r"|data:(?:text/html|application/xhtml|image/svg|text/xml|application/xml)",
    re.IGNORECASE,
)
_CONTROLS = re.compile(r"[\x00-\x20]")


def normalize_url(value: str) -> str:
    """A URL attribute as a browser reads it.

    >>> normalize_url("  java\\tscript:alert(1) ")
    'javascript:alert(1)'
    """
    return _INSIDE.sub("", value.strip(_EDGE))


def scheme_of(value: str) -> str:
    """The URL's scheme in lower case, "" for a relative URL.

    >>> scheme_of("\\x01JavaScript:alert(1)"), scheme_of("../a.html"), scheme_of("c:/x")
    ('javascript', '', 'c')
    """
    match = _SCHEME.match(normalize_url(value))
    return match.group(1).lower() if match else ""


def is_script_url(value: str) -> bool:
    return scheme_of(value) in SCRIPT_SCHEMES


def data_type(value: str) -> str:
    """The media type of a data: URL, in lower case.

    >>> data_type("data:Image/PNG;base64,AAAA")
    'image/png'
    """
    body = normalize_url(value)[len("data:") :]
    return body.split(",", 1)[0].split(";", 1)[0].strip().lower()


def is_safe_data_url(value: str) -> bool:
    """A data: URL that is shown as an image, font or media file, never as a document."""
    if scheme_of(value) != "data":
        return False
    kind = data_type(value)
    return kind in SAFE_DATA_TYPES or kind.startswith(SAFE_DATA_PREFIXES)


def mentions_script(value: str) -> bool:
    """Whether a value, wherever it is used, names a script URL or an HTML data: URL.

    >>> mentions_script("0;url=java script:x"), mentions_script("#a;javascript:x")
    (True, True)
    >>> mentions_script("本页介绍脚本")
    False
    """
    return bool(_MENTION.search(_CONTROLS.sub("", value)))


def is_event_attribute(name: str) -> bool:
    """onload, onclick, xlink:onload …: attributes browsers run as script.

    >>> is_event_attribute("ONCLICK"), is_event_attribute("ev:onbegin"), is_event_attribute("open")
    (True, True, False)
    """
    return name.rsplit(":", 1)[-1].rsplit("}", 1)[-1].lower().startswith("on")


def local_name(name: str) -> str:
    """An element or attribute name without its namespace or prefix, in lower case.

    >>> local_name("{http://www.w3.org/1999/xlink}href"), local_name("xlink:href")
    ('href', 'href')
    """
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def url_role(tag: str, attribute: str) -> str | None:
    """What following the URL in this attribute does: "navigation" (a link or a form
    target), "requisite" (loaded with the page), "srcset", or None (not a URL).

    >>> url_role("a", "href"), url_role("use", "xlink:href"), url_role("button", "formaction")
    ('navigation', 'requisite', 'navigation')
    """
    name = local_name(attribute)
    if name == "href":
        return "navigation" if local_name(tag) in LINK_ELEMENTS else "requisite"
    if name in NAVIGATION_ATTRIBUTES:
        return "navigation"
    if name in REQUISITE_ATTRIBUTES:
        return "requisite"
    if name in SRCSET_ATTRIBUTES:
        return "srcset"
    return None
