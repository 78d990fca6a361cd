"""The Pelican settings of one site of the group, derived from its site.yaml.

Plain data: this module does not import Pelican. The sitegroup plugin hands the result to
``pelican.Pelican`` for each site.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from ... import urls
from ...content.articles import ARTICLE_PATH
from ...content.loader import STATIC_FOLDERS
from ...content.registry import Group, Site
from ...lifecycle.kinds import kind_of, placements
from ..rules.channels import channel_links
from ..rules.services import catalogue
from ..rules.siterules import CONAC_IMAGE, EMBLEM
from ..search.searchindex import page_dates

# What every site's own Pelican run uses, before its identity is filled in. A group's
# pelicanconf.py can override any of these in SITE_SETTINGS.
SITE_DEFAULTS: dict[str, Any] = {
    "ARTICLE_PATHS": [""],
    "PAGE_PATHS": [],
    "STATIC_PATHS": list(STATIC_FOLDERS),  # every file there is scanned (safety/scan.py)
    # An attachment's 保密审查 record sits beside it and is published nowhere.
    "IGNORE_FILES": ["**/.*", "*.保密审查.yaml"],  # Pelican matches the base name
    "THEME_STATIC_PATHS": ["static"],
    "THEME_STATIC_DIR": "theme",
    "USE_FOLDER_AS_CATEGORY": True,
    "SLUGIFY_SOURCE": "basename",
    # Relative links inside a site: it works as its domain's document root and under
    # output/<domain>/ in a local preview alike.
    "RELATIVE_URLS": True,
    "ARTICLE_URL": ARTICLE_PATH,
    "ARTICLE_SAVE_AS": ARTICLE_PATH,
    "CATEGORY_URL": "{slug}/",
    "CATEGORY_SAVE_AS": "{slug}/index.html",
    "PAGINATION_PATTERNS": [
        (1, "{url}", "{save_as}"),
        (2, "{base_name}/index_{number}.html", "{base_name}/index_{number}.html"),
    ],
    "PAGINATED_TEMPLATES": {"category": None},
    "DEFAULT_PAGINATION": 15,
    # Lists of records (办事指南, 网民留言, 意见征集, 在线访谈, 辟谣): a page of this many.
    "RECORD_PAGINATION": 10,
    "DIRECT_TEMPLATES": ["index", "sitemap", "search", "notices", "sitemap_xml", "robots_txt"],
    "NOTICES_SAVE_AS": "notices.html",
    "SITEMAP_XML_SAVE_AS": "sitemap.xml",
    "ROBOTS_TXT_SAVE_AS": "robots.txt",
    "SITEMAP_SAVE_AS": "sitemap.html",
    "SEARCH_SAVE_AS": "search.html",
    "TAG_SAVE_AS": "",
    "TAGS_SAVE_AS": "",
    "AUTHOR_SAVE_AS": "",
    "AUTHORS_SAVE_AS": "",
    "CATEGORIES_SAVE_AS": "",
    "ARCHIVES_SAVE_AS": "",
    "FEED_ALL_ATOM": "feeds/all.atom.xml",
    "CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml",
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
    "TRANSLATION_FEED_ATOM": None,
    "DEFAULT_DATE_FORMAT": "%Y-%m-%d",
    "DELETE_OUTPUT_DIRECTORY": False,
    "PLUGINS": [],
    # Escape every value a template prints (site.yaml text, titles); Markdown bodies are
    # marked |safe in the theme where they are shown.
    "JINJA_ENVIRONMENT": {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True},
}


# 第十条（二）: Pelican reads articles only in the formats the content loader reads and
# the rules and the safety scan check (content.articles.ARTICLE_SUFFIXES: .md, .markdown).
# Its other readers would publish unchecked files: an .rst article can include any file of
# the build machine (``.. include::``, ``.. raw:: html`` with ``:file:``), an .html one can
# set its own save_as. They are switched off after SITE_SETTINGS, which cannot re-open
# them; any such file under a column folder fails the check (siterules.only_known_files).
READERS: dict[str, None] = {"rst": None, "html": None, "htm": None, "mkd": None, "mdown": None}


DISCLOSURE_COLUMN_NAME = "政府信息公开"
# Its parts, as editors mark articles of that column (Tags: 信息公开指南, …).
DISCLOSURE_PARTS = ("信息公开指南", "信息公开制度", "政府信息公开年报")


def site_context(site: Site, group: Group) -> dict[str, Any]:
    """What the theme shows about a site: identity, filings and the links they need."""
    parent = group.sites.get(site.parent or "")
    return {
        "id": site.id,
        "name": site.name,
        "type": site.type,
        "type_label": site.kind.name,
        "main": site.kind.main,  # the 主站: the group's notices, search and 服务事项目录
        "domain": site.domain,
        "cn_domain": site.get("cn_domain"),
        "url": urls.site_url(site.domain) + "/",
        "sponsor": site.get("主办单位"),
        "operator": site.get("承办单位"),
        "contact": {key: site.get(f"contact.{key}") for key in ("phone", "address", "email")},
        "site_code": str(site.get("site_code")),
        "icp": site.get("ICP备案号"),
        "icp_url": urls.MIIT_URL,
        "psb": site.get("公安机关备案号"),
        "psb_url": urls.mps_url(site.get("公安机关备案号") or ""),
        "conac_id": site.get("党政机关网站标识"),
        "conac_url": urls.conac_url(site.get("党政机关网站标识") or ""),
        # Image files the site supplies (siterules: EMBLEM, CONAC_IMAGE), paths below its root.
        "emblem": site.get(EMBLEM),
        "conac_image": site.get(CONAC_IMAGE),
        "parent": {"name": parent.name, "domain": parent.domain} if parent else None,
        "show_column_owners": site.owners_shown,
    }


def subsites(site: Site, group: Group) -> list[dict[str, Any]]:
    """The published sites under a portal, county portals first, for its home page."""
    children = [
        s for s in group.published_sites() if s.parent == site.id and s.id not in group.offline
    ]
    children.sort(key=lambda s: (not s.kind.portal, s.get("site_code") or "", s.id))
    return [{"name": s.name, "domain": s.domain, "type_label": s.kind.name} for s in children]


def site_settings(
    site: Site,
    group: Group,
    output_path: Path,
    overrides: dict[str, Any] | None = None,
    preview: bool = False,
    archives: list[dict[str, Any]] | None = None,
    today: date | None = None,
    content: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Pelican settings that build ``site`` from content/<id>/ into output_path; ``content``
    is what content_settings() gives for it. Plain data that can be pickled to a worker:
    with_template_functions() adds the theme's functions there."""
    domain = site.domain or ""
    context = site_context(site, group)
    shown = context["show_column_owners"]
    settings = dict(SITE_DEFAULTS)
    settings.update(overrides or {})
    settings.update(
        {
            "READERS": dict(READERS),
            "PATH": str(group.root / site.id),
            "OUTPUT_PATH": str(output_path),
            "SITENAME": site.name,
            "SITEURL": urls.site_url(domain),
            "GROUP_SITE": site.id,
            "SITE": context,
            # 栏目责任人 reach the theme only when the site shows them (show_column_owners).
            "COLUMNS": [
                {"id": c.id, "name": c.name, "kind": c.kind, "owner": c.owner if shown else ""}
                for c in site.columns
            ],
            "COLUMN_NAMES": {c.id: c.name for c in site.columns},
            # 政府信息公开 (条例第十二条): the column whose page is the section's front page.
            "DISCLOSURE_COLUMN": next(
                (c.id for c in site.columns if c.name == DISCLOSURE_COLUMN_NAME), None
            ),
            "SUBSITES": subsites(site, group),
            "GROUP_PREVIEW": preview,
            "ARCHIVES": archives or [],
            "BUILD_DAY": (today or date.today()).isoformat(),
            "DISCLOSURE_PARTS": DISCLOSURE_PARTS,
            **notice_context(site, group, today or date.today()),
            **(content or {}),
        }
    )
    return settings


def with_template_functions(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` (plain data, as site_settings gives it and as it travels to a worker
    process) with the filters and globals the theme calls, made from that data."""
    settings = dict(settings)
    domain = settings["SITE"]["domain"] or ""
    site_code = settings["SITE"]["site_code"]
    preview = settings["GROUP_PREVIEW"]
    settings["JINJA_FILTERS"] = {
        **settings.get("JINJA_FILTERS", {}),
        "page_url": lambda output_file: urls.page_url(domain, output_file),
        "jiucuo_url": lambda url: urls.jiucuo_url(site_code, url),
    }
    records = column_records(settings)
    numbers = settings.get("INDEX_NUMBERS") or {}
    by_file = settings.get("INDEX_NUMBERS_BY_FILE") or {}
    settings["JINJA_GLOBALS"] = {
        **settings.get("JINJA_GLOBALS", {}),
        "site_link": lambda other_domain, siteurl, path="": site_link(
            other_domain, siteurl, preview, path
        ),
        "column_feed": lambda column_name, articles, limit=None: column_feed(
            records.get(column_name, []), articles, limit
        ),
        "column_records": lambda column_name: records.get(column_name, []),
        "column_named": lambda name: column_named(settings["COLUMNS"], name),
        "tagged": tagged,
        "index_no": lambda article: index_number(article, numbers, by_file),
    }
    return settings


def tagged(articles, tag: str, column_id: str | None = None) -> list:
    """The articles marked ``Tags: <tag>`` (in ``column_id`` when given), as listed."""
    return [
        article
        for article in articles
        if (column_id is None or article.category.slug == column_id)
        and tag in [t.name for t in getattr(article, "tags", None) or []]
    ]


def column_named(columns: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The site's column of that name (its id and kind), for the pages that belong to it."""
    for column in columns:
        if column["name"] == name:
            return column
    return {"id": "", "name": name, "kind": "静态", "owner": ""}


def index_number(article, numbers: dict[str, str], by_file: dict[str, str]) -> str:
    """An article's 索引号: as written, or from the ledger by its file (whatever its name:
    Pelican's slug of a Chinese file name is not the ledger's), or by its slug."""
    written = getattr(article, "index_no", None)
    source = str(getattr(article, "relative_source_path", "") or "").replace("\\", "/")
    return written or by_file.get(source) or numbers.get(article.slug) or "—"


def column_records(settings: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The records each column lists beside its articles, newest first: 办事指南 in
    办事服务, letters, consultations and interviews in 互动交流 (第七条（三）（四）)."""
    services = [
        {"title": item.name + "办事指南", "url": item.url, "date": item.updated, "kind": "办事指南"}
        for item in settings.get("SERVICES") or []
    ]
    interaction = settings.get("INTERACTION")
    talks: list[dict[str, Any]] = []
    if interaction:
        talks += [
            {
                "title": letter.data["标题"],
                "url": letter.url,
                "date": letter.answered or letter.received,
                "kind": "网民留言",
            }
            for letter in interaction.published_letters
        ]
        talks += [
            {
                "title": item["标题"],
                "url": item["url"],
                "date": _moment(item["开始日期"]),
                "kind": "意见征集",
            }
            for item in interaction.consultations
        ]
        talks += [
            {
                "title": item["标题"],
                "url": item["url"],
                "date": item["访谈时间"],
                "kind": "在线访谈",
            }
            for item in interaction.interviews
        ]
    by_date = lambda entry: entry["date"] or datetime.min
    return {
        "办事服务": sorted(services, key=by_date, reverse=True),
        "互动交流": sorted(talks, key=by_date, reverse=True),
    }


def column_feed(records: list[dict[str, Any]], articles, limit: int | None = None):
    """A column's articles and records as one list, newest first (each a dict with title,
    url, date — naive 北京时间 — and kind, '' for an article)."""
    entries = [
        {
            "title": article.title,
            "url": article.url,
            "date": article.date.replace(tzinfo=None),
            "kind": getattr(article, "type", "") or "",
        }
        for article in articles
    ]
    entries += [record for record in records if record["date"] is not None]
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries[:limit] if limit else entries


def _moment(day: date | datetime) -> datetime:
    return day if isinstance(day, datetime) else datetime.combine(day, datetime.min.time())


def content_settings(site: Site, report) -> dict[str, Any]:
    """What a site renders besides its articles: service items, 互动交流, library copies and
    索引号, from the group report (check.GroupReport)."""
    group = report.group
    numbers = report.ledgers[site.id].numbers if site.id in report.ledgers else {}
    # In the ledger's order (as saved), not the order this build gave new numbers in: the
    # settings are the site's fingerprint (group.build.manifest), the same on the next build.
    numbers = dict(sorted(numbers.items()))
    copies = [
        {
            "path": str(copy.path),
            "column": copy.column,
            "reposted": copy.reposted,
            "origin_name": group.sites[copy.origin_site].name,
            # The original's address, computed once in the content model (第九条（三）).
            "origin_url": urls.page_url(group.sites[copy.origin_site].domain, copy.origin_page),
        }
        for copy in report.library
        if copy.site == site.id
    ]
    services = report.services.get(site.id, [])
    interaction = report.interaction.get(site.id)
    consultations = interaction.consultations if interaction else []
    return {
        "SERVICES": services,
        # 第七条（三）（四）: where to 写信, submit an opinion, 在线办理 (rules/channels.py).
        "CHANNELS": channel_links(site, group, services, consultations),
        "SERVICE_CATALOGUE": catalogue(group, report.services) if site.kind.main else [],
        "INTERACTION": report.interaction.get(site.id),
        "INDEX_NUMBERS": numbers,
        "INDEX_NUMBERS_BY_FILE": {
            "/".join(article.parts): numbers[article.slug]
            for article in site.articles
            if article.slug in numbers
        },
        "LIBRARY_COPIES": copies,
        "PAGE_DATES": page_dates(report, site),  # for the search index (group.search)
    }


def notice_context(site: Site, group: Group, today: date) -> dict[str, Any]:
    """The notices standing on this site's home page today, and the lists it shows."""
    every = placements(group, today)
    as_dict = lambda p: {
        "title": kind_of(p.notice).title,
        "text": p.text,
        "site": group.sites[p.notice.site].name,
        "facts": p.facts,
        "since": str(p.site_from or p.portal_from or ""),
        "link": p.link,
        "link_domain": p.link_domain,
    }
    on_home = [as_dict(p) for p in every if p.notice.site == site.id and p.on_site(today)]
    if site.kind.main:
        on_home += [as_dict(p) for p in every if p.notice.site != site.id and p.on_portal(today)]
    listed = [p for p in every if site.kind.main or p.notice.site == site.id]
    listed = [p for p in listed if (p.site_from or p.portal_from or date.max) <= today]
    listed.sort(key=lambda p: p.site_from or p.portal_from, reverse=True)
    retired = (
        [
            {"name": group.sites[sid].name, "href": f"archive/{sid}/index.html"}
            for sid in sorted(group.retired)
        ]
        if site.kind.main
        else []
    )
    return {
        "HOME_NOTICES": on_home,
        "NOTICE_LIST": [as_dict(p) for p in listed],
        "RETIRED_SITES": retired,
    }


def site_link(other_domain: str, siteurl: str, preview: bool, path: str = "") -> str:
    """A link to another site of the group (its home or ``path`` on it): on its domain, or
    in its sibling folder in a preview.

    >>> site_link("fgw.bozhou.gov.cn", "..", preview=False)
    'https://fgw.bozhou.gov.cn/'
    >>> site_link("fgw.bozhou.gov.cn", "..", preview=True)
    '../../fgw.bozhou.gov.cn/index.html'
    >>> site_link("fgw.bozhou.gov.cn", "..", preview=True, path="services/a.html")
    '../../fgw.bozhou.gov.cn/services/a.html'
    """
    if preview:
        return f"{siteurl}/../{other_domain}/{path or 'index.html'}"
    return urls.site_url(other_domain) + "/" + path
