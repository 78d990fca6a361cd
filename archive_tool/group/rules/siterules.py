"""Rules on the site registry (site.yaml), each citing the article it enforces."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ... import regions
from ...compliance import WARNING, Violation, group_rule, shorten, site_rule
from ...content.channels import CHANNEL_KEY
from ...content.registry import COLUMN_KINDS, FILINGS, OWNERS_SHOWN, STATUSES, Group, Site
from ...content.sitetypes import (
    DOMAIN_INITIALS,
    DOMAIN_SUBDOMAIN,
    LEVEL_CITY,
    LEVEL_COUNTY,
    MAIN_TYPE,
    SITE_TYPES,
    SPONSOR_ITSELF,
    SPONSOR_OFFICE,
)
from ...content import filememo
from ...content.values import parse_day, unknown_key_message, unknown_keys
from ...domains import GOV_DOMAIN, county_portal_domain, is_direct_subdomain, portal_base
from ...safety.review import RECORD_KEY
from .indexnumbers import UNIT_CODE

SITE_CODE = re.compile(r"^\d{10}$")
ICP = re.compile(r"^皖ICP备\d+号(?:-\d+)?$")
PSB = re.compile(r"^皖公网安备 (\d{14})号$")
CONAC_ID = re.compile(r"^[0-9A-Za-z]{8,64}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")
COLUMN_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# 第七条: the columns every site needs are its kind's (content.sitetypes); 办事服务 also
# for departments that serve the public (第七条（四）), ``external_service: true``.
COLUMN_ARTICLES = {
    "办事服务": "第七条（四）",
    "互动交流": "第七条（三）",
    "政策解读": "第七条（二）",
    # 公开指南、公开制度、法定主动公开内容、年度报告、依申请公开 (条例第十二条、第二十条、第五十条)
    "政府信息公开": "《中华人民共和国政府信息公开条例》第十二条",
}

REQUIRED_FIELDS = {
    "name": ("网站名称", "第五条（四）"),
    "type": (f"网站类型（{' / '.join(SITE_TYPES)}）", "第五条"),
    "domain": ("英文域名", "第五条（四）"),
    "cn_domain": ("中文域名（以 .政务 结尾）", "第五条（四）"),
    "主办单位": ("主办单位", "第五条（二）"),
    "承办单位": ("承办单位", "第五条（二）"),
    "contact.phone": (
        "联系电话",
        "国办发〔2017〕47号《政府网站发展指引》（底部功能区：主办单位及联系方式）",
    ),
    "contact.address": (
        "联系地址",
        "国办发〔2017〕47号《政府网站发展指引》（底部功能区：主办单位及联系方式）",
    ),
    "contact.email": (
        "联系邮箱",
        "国办发〔2017〕47号《政府网站发展指引》（底部功能区：主办单位及联系方式）",
    ),
    "status": ("网站状态（pending / online）", "第五条（三）"),
}


@site_rule("必填字段齐全", "第五条")
def required_fields(site: Site, group: Group) -> Iterator[Violation]:
    for key, (label, article) in REQUIRED_FIELDS.items():
        if site.get(key) is None and not isinstance(site.raw(key), (dict, list)):
            yield site.violation(key, f"缺少{label}", article)
    if site.kind.needs_parent and not site.parent:
        yield site.violation("parent", "子站须填写上级门户网站的站点ID（如 bozhou）", "第二条")


@site_rule("网站类型与状态取值有效", "第五条")
def known_type_and_status(site: Site, group: Group) -> Iterator[Violation]:
    if site.type is not None and site.type not in SITE_TYPES:
        yield site.violation(
            "type", f"应为 {' / '.join(SITE_TYPES)} 之一，实为「{site.type}」", "第五条"
        )
    if site.status is not None and site.status not in STATUSES:
        yield site.violation(
            "status", f"应为 {' / '.join(STATUSES)} 之一，实为「{site.status}」", "第五条（三）"
        )


@site_rule("备案完成方可上线", "第五条（三）")
def filings_complete(site: Site, group: Group) -> Iterator[Violation]:
    missing = [FILINGS[key] for key in site.missing_filings]
    if not missing:
        return
    if site.published:
        for key in site.missing_filings:
            yield site.violation(
                key, f"缺少{FILINGS[key]}：未完成管理备案的网站不得上线运行", "第五条（三）"
            )
    else:
        yield site.violation(
            "status",
            f"备案未完成（缺少{'、'.join(missing)}），站点待上线，本次不发布",
            "第五条（三）",
            severity=WARNING,
        )


@site_rule("备案号与标识格式正确", "第五条（三）")
def filing_formats(site: Site, group: Group) -> Iterator[Violation]:
    code = _text(site.get("site_code"))
    if code is not None and not SITE_CODE.match(code):
        yield site.violation(
            "site_code",
            f"网站标识码应为10位数字（前6位为行政区划代码），实为「{code}」",
            "第五条（三）",
        )
    icp = site.get("ICP备案号")
    if icp is not None and not ICP.match(str(icp)):
        yield site.violation(
            "ICP备案号",
            f"格式应为「皖ICP备<数字>号」或「皖ICP备<数字>号-<序号>」，实为「{icp}」",
            "第五条（三）",
        )
    psb = site.get("公安机关备案号")
    if psb is not None and not PSB.match(str(psb)):
        yield site.violation(
            "公安机关备案号", f"格式应为「皖公网安备 <14位数字>号」，实为「{psb}」", "第五条（三）"
        )
    conac = _text(site.get("党政机关网站标识"))
    if conac is not None and not CONAC_ID.match(conac):
        yield site.violation(
            "党政机关网站标识",
            f"应为党政机关网站标识的 id（字母和数字），实为「{conac}」",
            "第五条（三）",
        )
    cn_domain = site.get("cn_domain")
    if cn_domain is not None and not str(cn_domain).endswith(".政务"):
        yield site.violation(
            "cn_domain", f"中文域名应以「.政务」结尾，实为「{cn_domain}」", "第五条（四）"
        )
    email = site.get("contact.email")
    if email is not None and not EMAIL.match(str(email)):
        yield site.violation(
            "contact.email",
            f"应为有效的电子邮箱，实为「{email}」",
            "国办发〔2017〕47号《政府网站发展指引》",
        )
    phone = _text(site.get("contact.phone"))
    if phone is not None and not PHONE.match(phone):
        yield site.violation(
            "contact.phone",
            f"应为电话号码（如 0558-5000000），实为「{phone}」",
            "国办发〔2017〕47号《政府网站发展指引》",
        )


@site_rule("网站标识码前6位为本地区行政区划代码", "第五条（三）")
def site_code_region(site: Site, group: Group) -> Iterator[Violation]:
    code = _text(site.get("site_code"))
    if code is None or not SITE_CODE.match(code):
        return
    expected = expected_region_code(site)
    if expected is not None and code[:6] != expected:
        yield site.violation(
            "site_code",
            f"前6位应为本地区行政区划代码 {expected}，实为「{code}」（前6位 {code[:6]}）",
            "第五条（三）",
        )


@site_rule("网站名称与主办单位机构名称一致", "第五条（四）")
def name_matches_sponsor(site: Site, group: Group) -> Iterator[Violation]:
    name, sponsor = site.get("name"), site.get("主办单位")
    if name is None or sponsor is None:
        return
    kind = site.kind
    if kind.sponsor == SPONSOR_ITSELF and name != sponsor:
        yield site.violation(
            "name",
            f"{kind.name}名称应与主办单位全称一致：应为「{sponsor}」，实为「{name}」",
            "第五条（四）",
        )
    # 第五条（二）: a government portal is sponsored by that government's 办公室.
    if kind.sponsor == SPONSOR_OFFICE and sponsor != f"{name}办公室":
        yield site.violation(
            "主办单位",
            f"政府门户网站的主办单位应为「{name}办公室」（网站名称须为本级政府全称），实为「{sponsor}」",
            "第五条（二）、第五条（四）",
        )


@site_rule("中文域名为单位名称加 .政务", "第五条（四）")
def cn_domain_name(site: Site, group: Group) -> Iterator[Violation]:
    """The 中文域名 names the unit: its full name (网站名称 or 主办单位), or for a government
    portal its place (亳州市谯城区人民政府 → 亳州市谯城区.政务 or 谯城区.政务)."""
    cn_domain, name = _text(site.get("cn_domain")), _text(site.get("name"))
    if cn_domain is None or name is None or not cn_domain.endswith(".政务"):
        return  # filing_formats and required_fields report these
    names = [name, _text(site.get("主办单位"))]
    if site.kind.sponsor == SPONSOR_OFFICE:
        names += [name.removesuffix("人民政府"), regions.county_of(name)]
    names = [n for n in dict.fromkeys(names) if n]
    if cn_domain.removesuffix(".政务") not in names:
        expected = "」或「".join(f"{n}.政务" for n in names)
        yield site.violation(
            "cn_domain",
            f"中文域名应为单位名称加「.政务」：「{expected}」，实为「{cn_domain}」",
            "第五条（四）",
        )


@site_rule("主站域名与名称", "第五条（四）")
def portal_identity(site: Site, group: Group) -> Iterator[Violation]:
    if not site.kind.main:
        return
    checks = [
        ("name", regions.PORTAL_NAME),
        ("domain", regions.PORTAL_DOMAIN),
        ("cn_domain", regions.PORTAL_CN_DOMAIN),
    ]
    for key, expected in checks:
        value = site.get(key)
        if value is not None and value != expected:
            yield site.violation(key, f"主站应为「{expected}」，实为「{value}」", "第五条（四）")


@site_rule("县区门户域名为 www.<县区名拼音首字母>.gov.cn", "第五条（四）")
def county_domain(site: Site, group: Group) -> Iterator[Violation]:
    if site.kind.domain != DOMAIN_INITIALS or site.get("name") is None:
        return
    county = regions.county_of(site.name)
    if county not in regions.COUNTY_REGION_CODES:
        known = "、".join(regions.COUNTY_REGION_CODES)
        yield site.violation(
            "name",
            f"县区政府门户网站名称应含本市县区名称（{known}），实为「{site.name}」",
            "第五条（四）",
        )
        return
    # pypinyin's dictionaries take longer to load than the rest of this rule: the domain of
    # a name is kept between checks (content.filememo; the memo goes with pypinyin's version).
    expected = filememo.value(("county domain", county), lambda: county_portal_domain(county))
    if site.domain is not None and site.domain != expected:
        yield site.violation(
            "domain",
            f"县区政府门户网站英文域名应为「{expected}」（{county}拼音首字母），实为「{site.domain}」",
            "第五条（四）",
        )


@site_rule("部门和开发区（园区）网站使用本级门户网站的下级域名", "第五条（四）")
def department_domain(site: Site, group: Group) -> Iterator[Violation]:
    kind, parent = site.kind, group.sites.get(site.parent or "")
    if kind.domain != DOMAIN_SUBDOMAIN or site.domain is None:
        return
    if parent is None or parent.domain is None:
        return
    base = portal_base(parent.domain)
    if not is_direct_subdomain(site.domain, base):
        yield site.violation(
            "domain",
            f"{kind.name}应使用上级门户网站的下级域名「<{kind.unit}简称拼音>.{base}」，"
            f"实为「{site.domain}」",
            "第五条（四）",
        )


@site_rule("英文域名为合法的 .gov.cn 域名", "第五条（四）")
def domain_syntax(site: Site, group: Group) -> Iterator[Violation]:
    if site.domain is not None and not GOV_DOMAIN.match(str(site.domain)):
        yield site.violation(
            "domain",
            f"应为小写的 .gov.cn 域名（如 fgw.bozhou.gov.cn），实为「{site.domain}」",
            "第五条（四）",
        )


@site_rule("上级网站存在且为市政府门户网站", "第五条（一）")
def parent_is_city_portal(site: Site, group: Group) -> Iterator[Violation]:
    if not site.kind.needs_parent or not site.parent:
        return
    parent = group.sites.get(site.parent)
    if parent is None:
        yield site.violation(
            "parent", f"上级站点「{site.parent}」不存在（应为 content/ 下的站点目录名）", "第二条"
        )
    elif parent.kind.level == LEVEL_COUNTY and parent.kind.portal and site.kind.department:
        yield site.violation(
            "parent",
            f"县区政府部门原则上不得单独开设网站，应通过「{parent.name}」门户网站开展政务公开",
            "第五条（一）",
        )
    elif not parent.kind.main:
        yield site.violation(
            "parent", f"上级网站应为市政府门户网站，实为「{parent.name}」", "第二条"
        )


@site_rule("按第七条设置必需栏目并明确栏目责任人", "第七条、第十条（一）")
def required_columns(site: Site, group: Group) -> Iterator[Violation]:
    seen_ids = set()
    for number, column in enumerate(site.columns, 1):
        where = f"columns[{number}]"
        if not COLUMN_ID.match(column.id):
            yield site.violation(
                f"{where}.id",
                f"栏目 id 应由小写字母、数字和连字符组成（用作目录名），实为「{column.id}」",
                "site.yaml 格式",
            )
        elif column.id in seen_ids:
            yield site.violation(f"{where}.id", f"栏目 id「{column.id}」重复", "site.yaml 格式")
        seen_ids.add(column.id)
        if not column.name:
            yield site.violation(f"{where}.name", "缺少栏目名称", "第七条")
        if column.kind not in COLUMN_KINDS:
            yield site.violation(
                f"{where}.kind",
                f"栏目类型应为 {' / '.join(COLUMN_KINDS)} 之一，实为「{column.kind}」",
                "国办秘函〔2019〕19号（栏目更新要求）",
            )
        if not column.owner:
            yield site.violation(
                f"{where}.owner",
                f"栏目「{column.name or column.id}」缺少栏目责任人",
                "第十条（一）",
            )
    required = site.required_columns
    names = {column.name for column in site.columns}
    for name in required:
        if name not in names:
            yield site.violation(
                "columns", f"缺少必需栏目「{name}」", COLUMN_ARTICLES.get(name, "第七条（一）")
            )


@site_rule("信息公开单位代码（索引号前段）有效", "第七条（一）")
def unit_code(site: Site, group: Group) -> Iterator[Violation]:
    # 索引号 = <unit_code>/<YYYY>-<NNNNN> on every published article (indexnumbers.py).
    code = site.get("unit_code")
    if code is None:
        if site.published:
            yield site.violation(
                "unit_code",
                "缺少信息公开单位代码（18 位统一社会信用代码或 9 位组织机构代码），用于生成索引号",
                "第七条（一）",
            )
    elif not UNIT_CODE.match(str(code)):
        yield site.violation(
            "unit_code",
            f"应为 18 位统一社会信用代码或 9 位组织机构代码（大写字母和数字），实为「{code}」",
            "第七条（一）",
        )


@site_rule("改版归档设置有效", "第八条（四）")
def archive_settings(site: Site, group: Group) -> Iterator[Violation]:
    settings = site.data.get("archive")
    if settings is None:
        return
    if not isinstance(settings, dict):
        yield site.violation(
            "archive", "应为映射，如 archive: {redesign: 2026-11-25}", "第八条（四）"
        )
        return
    redesign = settings.get("redesign")
    if redesign is not None and parse_day(redesign) is None:
        yield site.violation(
            "archive.redesign",
            f"改版日期应为 YYYY-MM-DD，实为「{shorten(redesign)}」",
            "第八条（四）",
        )
    source = settings.get("source")
    if source is not None and not str(source).startswith(("http://", "https://")):
        yield site.violation(
            "archive.source", f"应为 http(s) 网址，实为「{shorten(source)}」", "第八条（四）"
        )
    for number, column in enumerate(site.columns, 1):
        if column.id == "archive":
            yield site.violation(
                f"columns[{number}].id",
                "栏目 id「archive」保留给网站归档，请换一个",
                "第八条（四）",
            )


# The images the header and footer show, as files the site supplies under files/ (the
# official artwork: never drawn or approximated by the theme).
EMBLEM = "国徽"  # 第七条（五）: the standard 国徽 (GB 15093), on government portals
CONAC_IMAGE = "党政机关网站标识图片"  # the 党政机关网站标识 as issued for the site
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


@site_rule("政府门户网站头部展示国徽标准图案", "第七条（五）")
def emblem_image(site: Site, group: Group) -> Iterator[Violation]:
    if site.kind.needs_emblem and site.raw(EMBLEM) is None:
        yield site.violation(
            EMBLEM,
            "政府门户网站须在头部标识区展示国徽：请把主办单位提供的国徽标准图案（GB 15093）"
            "放在站点 files/ 目录下，并在 site.yaml 中写明，如 国徽: files/identity/国徽.png",
            "第七条（五）",
        )
    yield from _image_file(site, EMBLEM, "第七条（五）")


@site_rule("党政机关网站标识以图片展示", "第五条（三）")
def conac_image(site: Site, group: Group) -> Iterator[Violation]:
    if site.published and site.get("党政机关网站标识") and site.raw(CONAC_IMAGE) is None:
        yield site.violation(
            CONAC_IMAGE,
            "缺少党政机关网站标识图片：请把为本网站颁发的标识图片放在站点 files/ 目录下，"
            f"并在 site.yaml 中写明，如 {CONAC_IMAGE}: files/identity/conac.png",
            "第五条（三）",
        )
    yield from _image_file(site, CONAC_IMAGE, "第五条（三）")


def _image_file(site: Site, key: str, article: str) -> Iterator[Violation]:
    value = site.get(key)
    if value is None:
        return
    path = str(value)
    if not path.startswith("files/") or ".." in path.split("/"):
        yield site.violation(
            key, f"应为站点 files/ 目录下的图片文件，实为「{shorten(path)}」", article
        )
    elif not path.lower().endswith(IMAGE_SUFFIXES):
        shown = " / ".join(IMAGE_SUFFIXES)
        yield site.violation(key, f"应为图片文件（{shown}），实为「{shorten(path)}」", article)
    elif path not in site.attachments:
        yield site.violation(key, f"文件不存在：{site.id}/{path}", article)


# Every key a site.yaml may hold; anything else is a misspelling until proven otherwise.
SITE_KEYS = {
    *(key.split(".")[0] for key in REQUIRED_FIELDS),
    *FILINGS,
    "parent",
    "unit_code",
    "columns",
    "external_service",
    "archive",
    EMBLEM,
    CONAC_IMAGE,
    OWNERS_SHOWN,
    "答复时限",  # the group's reply limits for letters (deadlines.py)
    "留言导入",  # the columns of the platform's export (letters.columns)
    CHANNEL_KEY,  # the 互动 platform (content.channels; its rules in channels.py)
    RECORD_KEY,  # 保密审查 of a finding the safety scan made in site.yaml
}
NESTED_KEYS = {"contact": ("phone", "address", "email"), "archive": ("redesign", "source")}
TEXT_FIELDS = (*REQUIRED_FIELDS, *FILINGS, "parent", "unit_code", EMBLEM, CONAC_IMAGE)


@site_rule("没有未知字段，字段类型正确", "第五条")
def known_keys(site: Site, group: Group) -> Iterator[Violation]:
    for key, guess in unknown_keys(site.data, SITE_KEYS):
        yield site.violation(key, unknown_key_message(key, guess), "site.yaml 格式")
    for parent, children in NESTED_KEYS.items():
        nested = site.data.get(parent)
        if isinstance(nested, dict):
            for key, guess in unknown_keys(nested, children):
                message = unknown_key_message(key, guess)
                yield site.violation(f"{parent}.{key}", message, "site.yaml 格式")
    for key in TEXT_FIELDS:
        if isinstance(site.raw(key), (dict, list)):
            yield site.violation(key, "应为文字，而不是列表或映射", "site.yaml 格式")
    shown = site.raw(OWNERS_SHOWN)
    if shown is not None and not isinstance(shown, bool):
        message = f"应为 true 或 false，实为「{shorten(shown)}」"
        yield site.violation(OWNERS_SHOWN, message, "site.yaml 格式")


@group_rule("网站群有且只有一个主站", "第二条")
def one_portal(group: Group) -> Iterator[Violation]:
    portals = [s for s in group.sites.values() if s.kind.main]
    if len(portals) != 1 and group.sites:
        where = portals[1] if len(portals) > 1 else next(iter(group.sites.values()))
        found = "、".join(s.id for s in portals) or "无"
        yield where.violation(
            "type", f"网站群应有且只有一个主站（type: {MAIN_TYPE.id}），实为：{found}", "第二条"
        )


@group_rule("一家单位最多开设一个网站", "第五条（一）")
def one_site_per_sponsor(group: Group) -> Iterator[Violation]:
    by_sponsor: dict[str, list[Site]] = defaultdict(list)
    for site in group.sites.values():
        if site.get("主办单位"):
            by_sponsor[site.get("主办单位")].append(site)
    for sponsor, sites in by_sponsor.items():
        for extra in sites[1:]:
            yield extra.violation(
                "主办单位",
                f"「{sponsor}」已开设网站「{sites[0].id}」，一家单位最多开设一个网站",
                "第五条（一）",
            )


@group_rule("域名与网站标识码不重复", "第五条（四）")
def unique_identifiers(group: Group) -> Iterator[Violation]:
    for key in ("domain", "cn_domain", "site_code"):
        owners: dict[str, str] = {}
        for site in group.sites.values():
            value = _text(site.get(key))
            if value is None:
                continue
            if value in owners:
                yield site.violation(
                    key, f"「{value}」已被站点「{owners[value]}」使用", "第五条（四）"
                )
            owners.setdefault(value, site.id)


def expected_region_code(site: Site) -> str | None:
    """The 行政区划代码 a site's 网站标识码 must start with, or None when unknown."""
    if site.kind.level == LEVEL_COUNTY:
        return regions.COUNTY_REGION_CODES.get(regions.county_of(site.name))
    if site.kind.level == LEVEL_CITY:
        return regions.CITY_REGION_CODE
    return None


def _text(value) -> str | None:
    """A scalar as text: YAML reads an unquoted 3416000001 as an int."""
    return None if value is None else str(value)
