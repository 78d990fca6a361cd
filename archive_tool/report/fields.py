"""The 政府网站工作年度报表 as data: its sections and fields, and where each figure comes from.

The national template (国办函〔2018〕12号) is filled in through the 全国政府网站信息报送系统;
its section names are confirmed, but most field names are recalled, not checked against
the system (../shared/reference/cn-gov-standards.md §4). A field is ``confirmed`` only when
a second source names it. Renaming or adding a field is an edit to this table: the figures
file, the page, JSON, CSV and .xlsx all follow it.

A field's ``key`` is its path: ``互动交流.留言办理.收到留言数量`` is the key
``收到留言数量`` under ``留言办理`` under ``互动交流`` in the figures file
(``content/<site-id>/annual/<YEAR>.yaml``), and the same path in JSON and CSV.

Sources:

- ``COMPUTED``: counted from the content model by ``counters.COUNTERS[field.counter]``,
  with the list of items behind the figure;
- ``REGISTRY``: read from the site's ``site.yaml`` (``REGISTRY_VALUES``);
- ``SUPPLIED``: what content cannot know, written by the webmaster in the figures file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

COMPUTED = "computed"
REGISTRY = "registry"
SUPPLIED = "supplied"
SOURCE_LABELS = {COMPUTED: "内容统计", REGISTRY: "网站登记信息", SUPPLIED: "填报"}

# Value types. COUNT: a whole number ≥ 0; AMOUNT: a number ≥ 0; DAYS: an average (one
# decimal); YESNO: 是 / 否; TEXT: a short text; DATE: YYYY-MM-DD.
COUNT, AMOUNT, DAYS, YESNO, TEXT, DATE = "count", "amount", "days", "yesno", "text", "date"
NUMERIC = (COUNT, AMOUNT, DAYS)

# 第十条（五）: 网站发布、平台建设、传播发展和机制保障. Each national section is shown under
# the part of the 管理办法 it reports on; "" is the form's header and signature block.
PARTS = ("网站发布", "平台建设", "传播发展", "机制保障")


@dataclass(frozen=True)
class Field:
    key: str  # the path, "section.name" or "section.group.name"
    source: str
    type: str = COUNT
    unit: str = ""
    counter: str = ""  # COMPUTED: the name in counters.COUNTERS (also the page's anchor)
    registry: str = ""  # REGISTRY: the name in REGISTRY_VALUES
    confirmed: bool = False

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))

    @property
    def section(self) -> str:
        return self.path[0]

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def label(self) -> str:
        """The field as the form names it within its section, e.g. 留言办理：收到留言数量."""
        return "：".join(self.path[1:])


@dataclass(frozen=True)
class Section:
    name: str
    part: str  # one of PARTS, or "" for the header and the signatures
    confirmed: bool
    fields: tuple[Field, ...]


def computed(key, counter, unit="", type=COUNT, confirmed=False) -> Field:
    return Field(key, COMPUTED, type, unit, counter=counter, confirmed=confirmed)


def supplied(key, type=COUNT, unit="", confirmed=False) -> Field:
    return Field(key, SUPPLIED, type, unit, confirmed=confirmed)


def registry(key, name, confirmed=False) -> Field:
    return Field(key, REGISTRY, TEXT, registry=name, confirmed=confirmed)


def _section(name, part, confirmed, *fields) -> Section:
    assert all(f.section == name for f in fields), name
    return Section(name, part, confirmed, fields)


# fmt: off
SECTIONS: tuple[Section, ...] = (
    _section(
        "网站基本信息", "", False,
        registry("网站基本信息.填报单位", "sponsor"),
        registry("网站基本信息.网站名称", "name"),
        registry("网站基本信息.首页网址", "url"),
        registry("网站基本信息.主办单位", "sponsor"),
        supplied("网站基本信息.主管单位", TEXT),
        registry("网站基本信息.网站类型", "type"),
        registry("网站基本信息.政府网站标识码", "site_code"),
        registry("网站基本信息.ICP备案号", "icp"),
        registry("网站基本信息.公安机关备案号", "psb"),
        supplied("网站基本信息.独立用户访问总量", COUNT, "个"),
        supplied("网站基本信息.网站总访问量", COUNT, "次"),
    ),
    _section(
        "信息发布", "网站发布", True,
        computed("信息发布.总数", "articles", "条"),
        computed("信息发布.概况类信息更新量", "articles-overview", "条", confirmed=True),
        computed("信息发布.政务动态信息更新量", "articles-news", "条", confirmed=True),
        computed("信息发布.信息公开目录信息更新量", "articles-disclosure", "条", confirmed=True),
    ),
    _section(
        "专栏专题", "网站发布", True,
        supplied("专栏专题.维护数量", COUNT, "个"),
        supplied("专栏专题.新开设数量", COUNT, "个"),
    ),
    _section(
        "解读回应", "网站发布", True,
        computed("解读回应.解读信息发布.总数", "interpretations", "条", confirmed=True),
        computed("解读回应.解读信息发布.解读材料数量", "interpretations-material", "条"),
        computed("解读回应.解读信息发布.解读产品数量", "interpretations-product", "条"),
        computed("解读回应.解读信息发布.媒体评论文章数量", "interpretations-media", "条"),
        computed("解读回应.回应公众关注热点或重大舆情数量", "responses", "次", confirmed=True),
    ),
    _section(
        "办事服务", "平台建设", True,
        computed("办事服务.是否发布服务事项目录", "service-catalogue", type=YESNO),
        supplied("办事服务.注册用户数", COUNT, "个"),
        computed("办事服务.政务服务事项数量", "services", "项"),
        computed("办事服务.可全程在线办理事项数量", "services-online", "项"),
        supplied("办事服务.办件量.总数", COUNT, "件"),
        supplied("办事服务.办件量.自然人", COUNT, "件"),
        supplied("办事服务.办件量.法人", COUNT, "件"),
    ),
    _section(
        "互动交流", "平台建设", True,
        supplied("互动交流.是否使用统一平台", YESNO),
        computed("互动交流.留言办理.收到留言数量", "letters-received", "件"),
        computed("互动交流.留言办理.办结留言数量", "letters-answered", "件"),
        computed("互动交流.留言办理.平均办理时间", "letters-days", "个工作日", DAYS),
        computed("互动交流.留言办理.公开答复数量", "letters-public", "件", confirmed=True),
        computed("互动交流.征集调查.期数", "consultations", "期"),
        computed("互动交流.征集调查.收到意见数量", "consultation-opinions", "条"),
        computed("互动交流.征集调查.公布调查结果期数", "consultation-results", "期"),
        computed("互动交流.在线访谈.期数", "interviews", "期", confirmed=True),
        supplied("互动交流.在线访谈.网民留言数量", COUNT, "条"),
        supplied("互动交流.在线访谈.答复网民提问数量", COUNT, "条"),
        supplied("互动交流.是否提供智能问答", YESNO),
    ),
    _section(
        "安全防护", "机制保障", True,
        supplied("安全防护.安全检测评估次数", COUNT, "次"),
        supplied("安全防护.发现问题数量", COUNT, "个"),
        supplied("安全防护.问题整改数量", COUNT, "个"),
        supplied("安全防护.是否建立安全监测预警机制", YESNO),
        supplied("安全防护.是否开展应急演练", YESNO),
        supplied("安全防护.是否明确网站安全责任人", YESNO),
    ),
    _section(
        "移动新媒体", "传播发展", True,
        supplied("移动新媒体.是否有", YESNO),
        supplied("移动新媒体.微博.名称", TEXT),
        supplied("移动新媒体.微博.信息发布量", COUNT, "条"),
        supplied("移动新媒体.微博.关注量", COUNT, "个"),
        supplied("移动新媒体.微信.名称", TEXT),
        supplied("移动新媒体.微信.信息发布量", COUNT, "条"),
        supplied("移动新媒体.微信.订阅数", COUNT, "个"),
        supplied("移动新媒体.其他", TEXT),
    ),
    _section(
        "创新发展", "传播发展", True,
        supplied("创新发展.搜索即服务", TEXT),
        supplied("创新发展.多语言版本", TEXT),
        supplied("创新发展.无障碍浏览", TEXT),
        supplied("创新发展.千人千网", TEXT),
        supplied("创新发展.其他", TEXT),
    ),
    # Not in the national template as recalled: 第十条（一） of the 管理办法 asks for 专人负责.
    _section(
        "机制保障", "机制保障", False,
        supplied("机制保障.专职工作人员数", COUNT, "人"),
        supplied("机制保障.运维经费", AMOUNT, "万元"),
    ),
    _section(
        "填报信息", "", False,
        supplied("填报信息.单位负责人", TEXT),
        supplied("填报信息.审核人", TEXT),
        supplied("填报信息.填报人", TEXT),
        supplied("填报信息.联系电话", TEXT),
        supplied("填报信息.填报日期", DATE),
    ),
)
# fmt: on

# REGISTRY fields: the site.yaml key each one reads (``url`` and ``type`` are derived).
REGISTRY_KEYS = {
    "sponsor": "主办单位",
    "name": "name",
    "url": "domain",
    "type": "type",
    "site_code": "site_code",
    "icp": "ICP备案号",
    "psb": "公安机关备案号",
}


def all_fields() -> Iterator[Field]:
    for section in SECTIONS:
        yield from section.fields


def field(key: str) -> Field:
    """The field with ``key``.

    >>> field("信息发布.总数").counter
    'articles'
    """
    for candidate in all_fields():
        if candidate.key == key:
            return candidate
    raise KeyError(key)
