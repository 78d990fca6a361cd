"""The 互动 platform a site names (第七条（三）（四）): where to 写信、咨询、投诉, where to submit
an opinion on an 意见征集, where to look a letter up, where to 在线办理 a service.

The group names its platform once, in its 主站's site.yaml (``互动平台:``); a site whose
platform differs names its own, key by key over the group's. ``受理服务`` names the group's
own intake service (``archive-tool intake``, docs/intake.md): its addresses fill the keys the
same layer does not write. Addresses may hold placeholders: ``{site}`` (the site's ID),
``{consultation}`` (the 意见征集's file name) and ``{事项编码}`` (a 办事指南's item code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CHANNEL_KEY = "互动平台"
NAME = "名称"
INTAKE = "受理服务"  # the group's own intake service: its base address
LETTER = "写信"
CONSULT = "咨询"
COMPLAIN = "投诉"
OPINION = "意见征集"
STATUS = "办理查询"
SERVICE = "在线办理"
ADDRESS_KEYS = (LETTER, CONSULT, COMPLAIN, OPINION, STATUS, SERVICE)
CHANNEL_KEYS = (NAME, INTAKE, *ADDRESS_KEYS)

SITE_PLACEHOLDER = "{site}"
CONSULTATION_PLACEHOLDER = "{consultation}"
ITEM_PLACEHOLDER = "{事项编码}"
PLACEHOLDERS = {
    LETTER: (SITE_PLACEHOLDER,),
    CONSULT: (SITE_PLACEHOLDER,),
    COMPLAIN: (SITE_PLACEHOLDER,),
    OPINION: (SITE_PLACEHOLDER, CONSULTATION_PLACEHOLDER),
    STATUS: (SITE_PLACEHOLDER,),
    SERVICE: (SITE_PLACEHOLDER, ITEM_PLACEHOLDER),
    INTAKE: (),
}
# The intake service's pages (archive_tool/intake/app.py), below its base address.
INTAKE_PATHS = {
    LETTER: "/{site}/letter",
    CONSULT: "/{site}/letter?type=咨询",
    COMPLAIN: "/{site}/letter?type=投诉",
    OPINION: "/{site}/opinion/{consultation}",
    STATUS: "/status?site={site}",
}
ADDRESS = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class Channels:
    """A site's channels: each address with ``{site}`` filled in, and where each was set."""

    site: str
    name: str = ""
    addresses: dict[str, str] = field(default_factory=dict)
    set_in: dict[str, str] = field(default_factory=dict)  # key → the site.yaml that set it

    def get(self, key: str) -> str | None:
        return self.addresses.get(key)

    def opinion(self, consultation: str) -> str | None:
        """Where to submit an opinion on this 意见征集 (its file name)."""
        address = self.get(OPINION)
        return address.replace(CONSULTATION_PLACEHOLDER, consultation) if address else None

    def service(self, item_code: str | None) -> str | None:
        """Where to 在线办理 an item; None when the address needs a 事项编码 not given."""
        address = self.get(SERVICE)
        if not address or (ITEM_PLACEHOLDER in address and not item_code):
            return None
        return address.replace(ITEM_PLACEHOLDER, item_code or "")


def layer(data: Any) -> dict[str, str]:
    """One site.yaml's ``互动平台`` as text values, the intake's addresses filled in."""
    if not isinstance(data, dict):
        return {}
    values = {
        key: str(value).strip()
        for key, value in data.items()
        if key in CHANNEL_KEYS and isinstance(value, (str, int)) and str(value).strip()
    }
    base = values.get(INTAKE, "").rstrip("/")
    if base:
        for key, path in INTAKE_PATHS.items():
            values.setdefault(key, base + path)
    return values


def site_channels(site, portal) -> Channels:
    """The site's channels: its portal's (the group's) under its own; ``portal`` may be None
    or the site itself."""
    merged: dict[str, str] = {}
    set_in: dict[str, str] = {}
    for source in (portal, site):
        if source is None:
            continue
        own = layer(source.raw(CHANNEL_KEY))
        merged |= own
        set_in |= {key: source.file for key in own}
    name = merged.pop(NAME, "")
    merged.pop(INTAKE, None)
    addresses = {key: value.replace(SITE_PLACEHOLDER, site.id) for key, value in merged.items()}
    return Channels(site.id, name, addresses, set_in)
