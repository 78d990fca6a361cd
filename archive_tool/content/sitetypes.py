"""The kinds of site a group holds (site.yaml ``type:``) and what each kind requires.

One entry per kind: the rules (group.rules.siterules), the theme's settings, the monitor and the
annual report read these attributes, never the type's id, so that adding a kind is one
entry here plus its line in docs/content.md (网站类型).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# 第七条: the columns every site needs; 政府门户网站 add 办事服务, 互动交流 and 数据开放.
COMMON_COLUMNS = (
    "概况信息",
    "机构职能",
    "负责人信息",
    "政策文件",
    "政务动态",
    "通知公告",
    "政策解读",
    "政府信息公开",
)
PORTAL_COLUMNS = (*COMMON_COLUMNS, "办事服务", "互动交流", "数据开放")
SERVICE_COLUMN = "办事服务"

# Who a kind's 主办单位 is (第五条（二）、第五条（四）).
SPONSOR_OFFICE = "office"  # the government's 办公室: 主办单位 = 网站名称 + 办公室
SPONSOR_ITSELF = "itself"  # the body that runs the site: 网站名称 = 主办单位全称

# The form of a kind's English domain (第五条（四）).
DOMAIN_MAIN = "main"  # the city portal's own (regions.PORTAL_DOMAIN)
DOMAIN_INITIALS = "initials"  # www.<县区名拼音首字母>.gov.cn
DOMAIN_SUBDOMAIN = "subdomain"  # <简称拼音>.<the parent portal's domain without www.>

# Whose 行政区划代码 a kind's 网站标识码 begins with (第五条（三）).
LEVEL_CITY = "city"
LEVEL_COUNTY = "county"  # the county named in the site's name (regions.county_of)


@dataclass(frozen=True)
class SiteType:
    """One kind of site: its id in site.yaml, its name, and what it requires."""

    id: str
    name: str  # as the group index and the home page's 子站 list show it
    national_name: str  # 网站类型 on the national 年度工作报表 form
    unit: str  # who runs such a site, as messages name it (<部门简称拼音>)
    columns: tuple[str, ...]  # 第七条: the columns it must have
    sponsor: str  # SPONSOR_OFFICE or SPONSOR_ITSELF
    domain: str  # DOMAIN_MAIN, DOMAIN_INITIALS or DOMAIN_SUBDOMAIN
    level: str  # LEVEL_CITY or LEVEL_COUNTY
    main: bool = False  # the group's 主站 (exactly one; every other site's parent)
    needs_parent: bool = False  # names its parent, the 主站 (第二条)
    portal: bool = False  # a 政府门户网站 (第二条): listed first under the 主站
    department: bool = False  # a government department's (第五条（一）: none under a county)
    needs_emblem: bool = False  # 第七条（五）: the 国徽 in its header
    interaction: bool = False  # its own 网上咨询 channel (第七条（三）); else the portal's
    services: bool = False  # must offer 办事服务 (第七条（四）)
    external_service: bool = False  # … when site.yaml says ``external_service: true``

    @property
    def site_word(self) -> str:
        """What follows the sponsor's name when naming the site: 门户网站 or 网站."""
        return "门户网站" if self.portal else "网站"


PORTAL = SiteType(
    "portal",
    "政府门户网站（主站）",
    national_name="政府门户网站",
    unit="市政府",
    columns=PORTAL_COLUMNS,
    sponsor=SPONSOR_OFFICE,
    domain=DOMAIN_MAIN,
    level=LEVEL_CITY,
    main=True,
    portal=True,
    needs_emblem=True,
    interaction=True,
    services=True,
)
# A county's portal requires what the city's does, under its own domain and 区划代码.
COUNTY = replace(
    PORTAL,
    id="county",
    name="县区政府门户网站",
    unit="县区政府",
    domain=DOMAIN_INITIALS,
    level=LEVEL_COUNTY,
    main=False,
    needs_parent=True,
)
DEPARTMENT = SiteType(
    "department",
    "部门网站",
    national_name="部门网站",
    unit="部门",
    columns=COMMON_COLUMNS,
    sponsor=SPONSOR_ITSELF,
    domain=DOMAIN_SUBDOMAIN,
    level=LEVEL_CITY,
    needs_parent=True,
    department=True,
    external_service=True,
)
# A 开发区 or 园区 site: department-style, its 管理委员会 its sponsor (网站名称 = 主办单位).
ZONE = replace(DEPARTMENT, id="zone", name="开发区（园区）网站", unit="开发区", department=False)

# In the order the group index lists them.
SITE_TYPE_LIST = (PORTAL, COUNTY, DEPARTMENT, ZONE)
SITE_TYPES = {kind.id: kind.name for kind in SITE_TYPE_LIST}
MAIN_TYPE = next(kind for kind in SITE_TYPE_LIST if kind.main)

# A site whose type is missing or unknown (a rule reports it): requires nothing.
UNKNOWN = SiteType("", "", "", "", (), "", "", "")


def site_type(type_id: str | None) -> SiteType:
    """The kind with this id, or UNKNOWN.

    >>> site_type("county").needs_emblem
    True
    >>> site_type("乡镇") is UNKNOWN
    True
    """
    return next((kind for kind in SITE_TYPE_LIST if kind.id == type_id), UNKNOWN)
