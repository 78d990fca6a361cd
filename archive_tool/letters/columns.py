"""Which column of a platform's export holds which field of a letter record.

A site names its platform's columns in its site.yaml (``留言导入:``); without that, or
with ``格式: 12345``, the shipped mapping of a typical 12345 网上平台 工单 export is used, and
the site's ``列`` and ``类型对照`` entries replace its entries one by one::

    留言导入:
      格式: 12345
      列: {编号: 工单号, 答复时间: 办结时间}
      类型对照: {求助: 咨询}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..compliance import shorten
from ..errors import ToolkitError

SETTINGS_KEY = "留言导入"
FORMAT_KEY = "格式"
COLUMNS_KEY = "列"
TYPES_KEY = "类型对照"
SETTINGS_KEYS = (FORMAT_KEY, COLUMNS_KEY, TYPES_KEY)

NUMBER = "编号"  # the platform's number: the record's file name, what makes a re-import an update
# Every field an export may give, in the order a record is written (group/rules/interaction.py).
FIELDS = (
    NUMBER,
    "标题",
    "类型",
    "留言时间",
    "留言内容",
    "受理日期",
    "转办日期",
    "答复单位",
    "答复时间",
    "答复内容",
    "留言人",
)
REQUIRED = (NUMBER, "标题", "类型", "留言时间", "留言内容")

# A typical 12345 政务服务便民热线 网上平台 工单 export.
SHIPPED = {
    "12345": {
        COLUMNS_KEY: {
            NUMBER: "工单编号",
            "标题": "诉求标题",
            "类型": "诉求类型",
            "留言时间": "登记时间",
            "留言内容": "诉求内容",
            "受理日期": "受理时间",
            "转办日期": "转办时间",
            "答复单位": "承办单位",
            "答复时间": "答复时间",
            "答复内容": "答复内容",
            "留言人": "诉求人",
        },
        TYPES_KEY: {
            "咨询": "咨询",
            "投诉": "投诉",
            "建议": "建议",
            "求助": "咨询",
            "举报": "投诉",
            "意见": "建议",
        },
    }
}
DEFAULT_FORMAT = "12345"


@dataclass(frozen=True)
class Mapping:
    """Field → column header, and the platform's 类型 → the group's (咨询、投诉、建议)."""

    columns: dict[str, str]
    types: dict[str, str] = field(default_factory=dict)

    def header_of(self, name: str) -> str:
        return self.columns.get(name, name)


def site_mapping(settings: Any, where: str) -> Mapping:
    """The mapping a site's ``留言导入`` settings give; ``where`` names its site.yaml."""
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        raise ToolkitError(f"{where}：字段「{SETTINGS_KEY}」应为映射（{'、'.join(SETTINGS_KEYS)}）")
    for key in settings:
        if key not in SETTINGS_KEYS:
            raise ToolkitError(
                f"{where}：字段「{SETTINGS_KEY}.{shorten(key)}」未知（可用：{'、'.join(SETTINGS_KEYS)}）"
            )
    name = str(settings.get(FORMAT_KEY) or DEFAULT_FORMAT)
    if name not in SHIPPED:
        raise ToolkitError(
            f"{where}：字段「{SETTINGS_KEY}.{FORMAT_KEY}」应为 {'、'.join(SHIPPED)}，实为「{shorten(name)}」"
        )
    columns = dict(SHIPPED[name][COLUMNS_KEY]) | _texts(settings, COLUMNS_KEY, where)
    for name in columns:
        if name not in FIELDS:
            raise ToolkitError(
                f"{where}：字段「{SETTINGS_KEY}.{COLUMNS_KEY}.{shorten(name)}」不是留言记录的字段（可用：{'、'.join(FIELDS)}）"
            )
    types = dict(SHIPPED[settings.get(FORMAT_KEY) or DEFAULT_FORMAT][TYPES_KEY])
    types |= _texts(settings, TYPES_KEY, where)
    return Mapping(columns, types)


def _texts(settings: dict, key: str, where: str) -> dict[str, str]:
    value = settings.get(key) or {}
    if not isinstance(value, dict) or not all(
        isinstance(v, (str, int)) and str(v).strip() for v in value.values()
    ):
        raise ToolkitError(f"{where}：字段「{SETTINGS_KEY}.{key}」应为「名称: 列名」的映射")
    return {str(k): str(v).strip() for k, v in value.items()}
