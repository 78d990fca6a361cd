"""Domain names of the group (第五条（四）): pinyin initials, portal sub-domains."""

from __future__ import annotations

import re

GOV_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+gov\.cn$")


# Place names whose reading differs from the characters' common one (涡 is wō in 旋涡 but
# guō in 涡阳 and 涡河): pypinyin's phrase dictionary reads 涡阳 as wō yáng, which would
# make 涡阳县's portal www.wyx.gov.cn instead of www.gyx.gov.cn. Given to pypinyin's own
# override (load_phrases_dict) rather than patched after the fact.
PLACE_READINGS = {
    "涡阳": [["guō"], ["yáng"]],
    "涡河": [["guō"], ["hé"]],
    "亳州": [["bó"], ["zhōu"]],
}


def pinyin_initials(name: str) -> str:
    """The lowercase pinyin initials of a Chinese name, place names read as places.

    >>> pinyin_initials("谯城区")
    'qcq'
    >>> pinyin_initials("涡阳县")
    'gyx'
    """
    # Imported here: its phrase dictionary costs 57 MB of memory, which only a group with
    # a county portal needs.
    from pypinyin import Style, lazy_pinyin, load_phrases_dict

    load_phrases_dict(PLACE_READINGS)
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
