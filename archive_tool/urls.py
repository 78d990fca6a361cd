"""The URLs a government page must carry: its own, and the national registries' (footer)."""

from __future__ import annotations

import re
from urllib.parse import quote

MIIT_URL = "https://beian.miit.gov.cn/"
MPS_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
CONAC_URL = "https://bszs.conac.cn/sitename?method=show&id={id}"
JIUCUO_URL = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={site_code}&url={url}"


def site_url(domain: str) -> str:
    """The site's origin.

    >>> site_url("www.bozhou.gov.cn")
    'https://www.bozhou.gov.cn'
    """
    return f"https://{domain}"


def page_url(domain: str, output_file: str) -> str:
    """The public URL of a written file; ``index.html`` is served as its folder.

    >>> page_url("fgw.bozhou.gov.cn", "zwdt/index.html")
    'https://fgw.bozhou.gov.cn/zwdt/'
    >>> page_url("fgw.bozhou.gov.cn", "zwdt/202611/a.html")
    'https://fgw.bozhou.gov.cn/zwdt/202611/a.html'
    """
    path = output_file.replace("\\", "/").lstrip("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return f"{site_url(domain)}/{path}"


def jiucuo_url(site_code: str, url: str) -> str:
    """The 「我为政府网站找错」 link for one page.

    >>> jiucuo_url("3416000001", "https://www.bozhou.gov.cn/zwdt/")
    'https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3416000001&url=https%3A%2F%2Fwww.bozhou.gov.cn%2Fzwdt%2F'
    """
    return JIUCUO_URL.format(site_code=site_code, url=quote(url, safe=""))


def psb_code(record_number: str) -> str:
    """The 14 digits of a 公安机关备案号.

    >>> psb_code("皖公网安备 34160002000001号")
    '34160002000001'
    """
    match = re.search(r"\d{14}", record_number)
    return match.group(0) if match else ""


def mps_url(record_number: str) -> str:
    return MPS_URL.format(code=psb_code(record_number))


def conac_url(conac_id: str) -> str:
    return CONAC_URL.format(id=conac_id)
