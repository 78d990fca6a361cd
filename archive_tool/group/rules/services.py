"""办事服务 (第七条（四）): service items as structured records, and the 服务事项目录.

Each item is ``content/<site-id>/services/<slug>.yaml``. A 办事指南 must show the key
elements as a table; an item missing one fails the build, naming the file and the key.
A material that comes with a 规范表格 must also come with its 填写说明 and 示范文本, and
every file named must exist under the site folder (it is published as a download).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from ...compliance import Violation, record_rule, run_rules
from ...content.loader import SERVICE_FOLDER
from ...content.records import Record, records_in
from ...content.registry import Group, Site
from ...content.values import parse_moment
from ...safety.review import RECORD_KEY as REVIEW_KEY

ARTICLE = "第七条（四）"

# The 8 key elements of a 办事指南 in the national indicator (19号, inspection codes 17/18);
# the monitor checks published guides for these.
NATIONAL_KEY_ELEMENTS = (
    "事项名称",
    "设定依据",
    "申请条件",
    "办理材料",
    "办理地点",
    "办理时间",
    "联系电话",
    "办理流程",
)
# The key elements every service item must give, in the order the table shows them.
KEY_ELEMENTS = (*NATIONAL_KEY_ELEMENTS, "收费标准", "承诺时限", "网上可办理程度")
ONLINE_LEVELS = ("全程网办", "部分网办", "线下办理")
MATERIAL_KEYS = ("名称", "份数", "形式", "必要性")
MATERIAL_FORMS = ("原件", "复印件", "原件和复印件", "电子件")
NECESSITY = ("必要", "非必要")
DOWNLOADS = ("规范表格", "填写说明", "示范文本")
UPDATED = "更新日期"  # when the guide was last revised: its page's publish date (PubDate)
# 事项编码 (the item's code on the 政务服务网) and 在线办理 (its own address) give the
# 在线办理 link of an item handled online (rules/channels.py).
KEYS = (*KEY_ELEMENTS, "事项类型", "实施机构", "注意事项", "事项编码", "在线办理", UPDATED, REVIEW_KEY)


@dataclass
class ServiceItem:
    """A checked service item, as the theme renders it."""

    site: str
    slug: str
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data["事项名称"])

    @property
    def url(self) -> str:
        return f"{SERVICE_FOLDER}/{self.slug}.html"

    @property
    def updated(self) -> datetime | None:
        """The 更新日期 written in the record, shown as the guide's publish date."""
        return parse_moment(self.data.get(UPDATED))


def service_items(
    site: Site, today: date | None = None
) -> tuple[list[ServiceItem], list[Violation]]:
    """The site's service items as loaded, and every problem with them (as of ``today``)."""
    records, problems = records_in(site, SERVICE_FOLDER, ARTICLE)
    items = []
    for record in records:
        found = list(check_service(record, site.attachments, today))
        problems += found
        if not found:
            items.append(ServiceItem(site.id, record.slug, normalised(record)))
    items.sort(key=lambda item: item.name)
    return items, problems


def check_service(
    record: Record, attachments: frozenset[str], today: date | None = None
) -> list[Violation]:
    """Every problem of one service item (the ``record`` rules for its folder)."""
    return run_rules("record", record, attachments, today, applies_to=SERVICE_FOLDER)


@record_rule(SERVICE_FOLDER, "办事指南要素齐全、取值有效", ARTICLE)
def service_key_elements(record: Record, attachments, today) -> Iterator[Violation]:
    yield from record.check_keys(KEYS)
    yield from record.missing(KEY_ELEMENTS)
    yield from record.check_choice("网上可办理程度", ONLINE_LEVELS)
    yield from record.check_moment(UPDATED)
    steps = record.data.get("办理流程")
    if steps is not None and not isinstance(steps, (list, str)):
        yield record.violation("办理流程", "应为步骤列表")


@record_rule(
    SERVICE_FOLDER,
    "办理材料含名称、份数、形式、必要性；规范表格配填写说明和示范文本，文件存在",
    ARTICLE,
)
def service_materials(record: Record, attachments, today) -> Iterator[Violation]:
    materials = record.data.get("办理材料")
    if materials is None:
        return
    if not isinstance(materials, list):
        yield record.violation("办理材料", "应为材料列表，每项含 名称、份数、形式、必要性")
        return
    for number, material in enumerate(materials, 1):
        where = f"办理材料[{number}]"
        if not isinstance(material, dict):
            yield record.violation(where, "应为含 名称、份数、形式、必要性 的映射")
            continue
        for key in MATERIAL_KEYS:
            if material.get(key) in (None, ""):
                yield record.violation(f"{where}.{key}", f"缺少「{key}」")
        for key, choices in (("形式", MATERIAL_FORMS), ("必要性", NECESSITY)):
            value = str(material.get(key) or "")
            if value and value not in choices:
                yield record.violation(
                    f"{where}.{key}", f"应为 {' / '.join(choices)} 之一，实为「{value}」"
                )
        named = [key for key in DOWNLOADS if material.get(key)]
        if named:
            for key in DOWNLOADS:
                if key not in named:
                    yield record.violation(
                        f"{where}.{key}",
                        f"提供规范表格的材料还须提供{key}（规范表格、填写说明、示范文本应齐全）",
                    )
        for key in named:
            yield from _check_download(record, f"{where}.{key}", material[key], attachments)


def _check_download(
    record: Record, where: str, value: Any, attachments: frozenset[str]
) -> list[Violation]:
    path = PurePosixPath(str(value))
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != "files":
        return [record.violation(where, f"应为站点目录下 files/ 中的文件路径，实为「{value}」")]
    if str(path) not in attachments:
        return [record.violation(where, f"文件不存在：{record.site}/{path}")]
    return []


def normalised(record: Record) -> dict[str, Any]:
    """The item's data with the step list always a list, ready for the template."""
    data = dict(record.data)
    steps = data.get("办理流程")
    if isinstance(steps, str):
        data["办理流程"] = [line.strip() for line in steps.splitlines() if line.strip()]
    return data


def catalogue(group: Group, services: dict[str, list[ServiceItem]]) -> list[dict[str, Any]]:
    """The 服务事项目录 of the whole group: every published site's items, portal first."""
    rows = []
    for site in group.published_sites():
        for item in services.get(site.id, []):
            rows.append(
                {
                    "site": site.id,
                    "site_name": site.name,
                    "domain": site.domain,
                    "name": item.name,
                    "url": item.url,
                    "agency": item.data.get("实施机构") or site.get("主办单位") or site.name,
                    "online": item.data["网上可办理程度"],
                    "is_portal": site.kind.main,
                }
            )
    rows.sort(key=lambda row: (not row["is_portal"], row["site"], row["name"]))
    return rows
