"""Which URLs a crawl may fetch: scope (host, domain or prefix), exclusions, normal form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

SCOPES = ("host", "domain", "prefix")
DEFAULT_PORTS = {"http": 80, "https": 443}
URL_SAFE = "/%:@!$&'()*+,;=-._~"  # reserved and unreserved characters stay; the rest is escaped


def normalize(url: str) -> str:
    """One spelling per URL: lowercase scheme and host, no default port, no fragment.

    >>> normalize("HTTP://WWW.Bozhou.gov.cn:80/a?b=1#top")
    'http://www.bozhou.gov.cn/a?b=1'
    >>> normalize("https://x.gov.cn")
    'https://x.gov.cn/'
    >>> normalize("https://x.gov.cn/政务 公开/")
    'https://x.gov.cn/%E6%94%BF%E5%8A%A1%20%E5%85%AC%E5%BC%80/'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    path = quote(parts.path or "/", safe=URL_SAFE)
    query = quote(parts.query, safe=URL_SAFE + "?")
    host = (parts.hostname or "").lower()
    netloc = host if parts.port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{parts.port}"
    return urlunsplit((scheme, netloc, path, query, ""))


def registered_domain(host: str) -> str:
    """The site group's domain a host belongs to: the host without a leading www.

    >>> registered_domain("www.bozhou.gov.cn")
    'bozhou.gov.cn'
    """
    return host.removeprefix("www.")


@dataclass
class Scope:
    seeds: list[str]
    kind: str = "host"
    excludes: list[re.Pattern] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.hosts = {urlsplit(seed).netloc for seed in self.seeds}
        self.domains = {registered_domain(urlsplit(seed).hostname or "") for seed in self.seeds}
        self.prefixes = [seed.rsplit("/", 1)[0] + "/" for seed in self.seeds]

    def allows(self, url: str) -> bool:
        """True when url is inside the scope and matches no --exclude pattern.

        >>> Scope(["http://a.gov.cn/x/"], "prefix").allows("http://a.gov.cn/x/y.html")
        True
        >>> Scope(["http://www.a.gov.cn/"], "domain").allows("http://fgw.a.gov.cn/")
        True
        >>> Scope(["http://www.a.gov.cn/"], "host").allows("http://fgw.a.gov.cn/")
        False
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if any(pattern.search(url) for pattern in self.excludes):
            return False
        if self.kind == "host":
            return parts.netloc in self.hosts
        if self.kind == "domain":
            host = parts.hostname or ""
            return any(host == d or host.endswith("." + d) for d in self.domains)
        return any(url.startswith(prefix) for prefix in self.prefixes)
