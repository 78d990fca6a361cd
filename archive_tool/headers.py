"""The security policies of everything the toolkit publishes, in one place.

A page carries its Content-Security-Policy twice: as a ``<meta http-equiv>`` in its head,
for any host (a static host, a CDN, a server without the generated configuration), and as
an HTTP header from the nginx configuration the build writes (lifecycle.serving), which
can also carry what a meta policy cannot: ``frame-ancestors``. Attachments (a site's
``files/``, the toolkit's JSON/CSV/XLSX downloads) are served as downloads in a sandbox, so
a file that a browser could run (an SVG or an HTML page uploaded as an attachment) never
runs script on the site's own origin. docs/security-headers.md lists the same headers for
other servers.
"""

from __future__ import annotations

import base64
import hashlib
import html

# The theme's pages (themes/gov/templates/base.html carries the same text in its meta):
# only the site's own files, no inline code; pagefind's WebAssembly needs wasm-unsafe-eval.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)
# A republished archive's pages (republish.rewrite): never any script; the archived
# site's own inline styles and data: images and fonts still show.
ARCHIVE_POLICY = (
    "default-src 'self' data:; script-src 'none'; object-src 'none'; "
    "style-src 'self' 'unsafe-inline' data:; img-src 'self' data:; font-src 'self' data:; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'"
)
# A download: whatever it is, opened on its own it runs nothing and loads nothing.
ATTACHMENT_POLICY = "default-src 'none'; sandbox"
# Only the site's own pages may frame a page (clickjacking); a meta policy cannot say it.
FRAME_ANCESTORS = "frame-ancestors 'self'"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# Powerful features no page of a government site uses (the theme uses none of them).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
CONTENT_TYPE_OPTIONS = "nosniff"
FRAME_OPTIONS = "SAMEORIGIN"  # frame-ancestors for browsers that predate it
ATTACHMENT_DISPOSITION = "attachment"


def header_policy(policy: str) -> str:
    """The policy as a Content-Security-Policy header sends it: with ``frame-ancestors``.

    >>> header_policy("default-src 'none'; sandbox")
    "default-src 'none'; sandbox; frame-ancestors 'self'"
    """
    return f"{policy}; {FRAME_ANCESTORS}"


def policy_meta(policy: str = PAGE_POLICY) -> str:
    """The ``<meta http-equiv>`` that carries ``policy``: put it first in ``<head>``.

    >>> policy_meta("default-src 'self'")
    '<meta http-equiv="Content-Security-Policy" content="default-src \\'self\\'">'
    """
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, False)}">'


def style_source(css: str) -> str:
    """A CSP source allowing exactly one inline ``<style>`` element holding ``css``.

    >>> style_source("body{margin:0}")
    "'sha256-IAdwN3biDCQ3brrgp1m8kBEsPQYyqfREKOEfeoREopc='"
    """
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
