"""Domain names of the group (第五条（四）): pinyin initials, portal sub-domains."""

from __future__ import annotations

import re

GOV_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+gov\.cn$")


def pinyin_initials(name: str) -> str:
    """The lowercase pinyin initials of a Chinese name.

    >>> pinyin_initials("谯城区")
    'qcq'
    """
    # Imported here: its phrase dictionary (needed for 涡阳 = guō yáng) costs 57 MB of memory,
    # which only a group with a county portal needs.
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def county_portal_domain(county_name: str) -> str:
    """www.<initials>.gov.cn, the domain a county portal must use.

    >>> county_portal_domain("谯城区")
    'www.qcq.gov.cn'
    """
    return f"www.{pinyin_initials(county_name)}.gov.cn"


def portal_base(portal_domain: str) -> str:
    """The part of a portal's domain that its departments' domains end with.

    >>> portal_base("www.bozhou.gov.cn")
    'bozhou.gov.cn'
    """
    return portal_domain.removeprefix("www.")


def is_direct_subdomain(domain: str, base: str) -> bool:
    """True when domain is exactly one label under base.

    >>> is_direct_subdomain("fgw.bozhou.gov.cn", "bozhou.gov.cn")
    True
    >>> is_direct_subdomain("fgw.example.gov.cn", "bozhou.gov.cn")
    False
    """
    label, _, rest = domain.partition(".")
    return rest == base and bool(label) and label != "www"
