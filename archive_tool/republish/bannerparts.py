"""The 已归档 banner of each page as a <style> text and an element.

``banner_parts`` reads them out of a rendered banner template. Rendering and parsing the
template for every page is a good part of republishing a page, so ``page_banner_parts``
renders the shipped template once per archive with placeholder values, and gives each
page a copy with its own values put in. It does so only where that is the same as
rendering: the shipped template (which shows each value as it is, escaped) and values
the HTML parser gives back unchanged; anything else is rendered as before.
"""

from __future__ import annotations

import copy
import re

import lxml.html
from lxml import etree

from .nodes import xml_safe
from .templating import BANNER_VALUES, SHIPPED, Banner, Templates, banner_values

# Characters that rendering and parsing may change (line breaks, which one_line joins;
# controls; what XML cannot hold): a value holding one is rendered the slow way.
CHANGED_BY_PARSING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
PLACEHOLDER = "\ue000archive-{}\ue000"  # private-use: no page value can be mistaken for it
MAX_SHAPES = 64

_shapes: dict[tuple[str, bool], tuple[str, etree._Element, re.Pattern]] = {}


def banner_parts(rendered: str) -> tuple[str, etree._Element]:
    """The rendered banner template as its style text and its element (``check`` has made
    sure, before anything was written, that these are all it holds)."""
    style, element = "", None
    for part in lxml.html.fragments_fromstring(xml_safe(rendered)):
        if isinstance(part, str):
            continue
        if part.tag == "style":
            style += part.text or ""
        elif part.get("data-archive-banner") is not None:
            element = part
    if element is None:
        raise ValueError("横幅模板没有带 data-archive-banner 属性的元素")
    element.tail = None
    return style, element


def page_banner_parts(banner: Banner, templates: Templates = SHIPPED):
    """``banner_parts`` of the banner of this page."""
    values = banner_values(banner)
    if templates is not SHIPPED or any(
        value is not None and CHANGED_BY_PARSING.search(value) for value in values.values()
    ):
        return banner_parts(templates.banner(banner))
    style, shape, placeholders = _shape(banner.nonce, values["live_url"] is not None)
    shown = {PLACEHOLDER.format(name): value for name, value in values.items()}
    element = copy.deepcopy(shape)
    for node in element.iter():
        if node.text and "\ue000" in node.text:
            node.text = placeholders.sub(lambda m: shown[m.group()], node.text)
        if node.tail and "\ue000" in node.tail:
            node.tail = placeholders.sub(lambda m: shown[m.group()], node.tail)
        for name, value in node.attrib.items():
            if "\ue000" in value:
                node.set(name, placeholders.sub(lambda m: shown[m.group()], value))
    return style, element


def _shape(nonce: str, live: bool):
    """The shipped banner rendered once with placeholders (per archive, with or without
    a live link), and the pattern that finds them."""
    key = (nonce, live)
    if key not in _shapes:
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        values = {name: PLACEHOLDER.format(name) for name in BANNER_VALUES}
        if not live:
            values["live_url"] = None
        style, element = banner_parts(SHIPPED.render_banner(nonce, **values))
        pattern = re.compile("|".join(re.escape(value) for value in values.values() if value))
        _shapes[key] = (style, element, pattern)
    return _shapes[key]
