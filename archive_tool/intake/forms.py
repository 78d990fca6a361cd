"""What a citizen may submit: the body of a form read strictly, and each field checked.

A body must be ``application/x-www-form-urlencoded`` UTF-8 within ``MAX_BODY`` bytes; a
field must be within its length and hold no control characters. Every refusal is a
``Refused`` with the HTTP status and a Chinese message naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl

from stdnum.cn import ric

MAX_BODY = 32 * 1024  # bytes: 4000 characters of Chinese, percent-encoded, fit
MAX_FIELDS = 20
LETTER_TYPES = ("咨询", "投诉", "建议")  # the letter records' 类型 (group.rules.interaction)
TOKEN_FIELD, TRAP_FIELD = "token", "website"  # the trap: a field people never see


@dataclass(frozen=True)
class Field:
    name: str  # the form's name for it
    label: str  # as the page and the messages call it
    limit: int
    required: bool
    multiline: bool = False


TITLE = Field("title", "标题", 100, True)
BODY = Field("body", "留言内容", 4000, True, multiline=True)
OPINION = Field("body", "意见内容", 4000, True, multiline=True)
NAME = Field("name", "姓名", 30, True)
PHONE = Field("phone", "联系电话", 20, True)
ID_NUMBER = Field("id_number", "身份证号码", 18, False)
ADDRESS = Field("address", "联系地址", 100, False)
LETTER_FIELDS = (TITLE, BODY, NAME, PHONE, ID_NUMBER, ADDRESS)
OPINION_FIELDS = (OPINION, Field("name", "姓名", 30, False), Field("phone", "联系电话", 20, False))

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


class Refused(Exception):
    """A request the service turns down: the status to answer and what to tell the citizen."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def parse_body(raw: bytes, content_type: str) -> dict[str, str]:
    """The fields of a form body; ``Refused`` for anything a browser's form would not send."""
    kind, _, params = content_type.partition(";")
    if kind.strip().lower() != "application/x-www-form-urlencoded":
        raise Refused(415, "只接受网页表单提交的内容，请使用本页面的表单")
    charset = re.search(r"charset\s*=\s*\"?([\w-]+)", params, re.IGNORECASE)
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Refused(
            400, f"提交内容的编码为 {charset.group(1)[:20]}，只接受 UTF-8，请使用本页面的表单"
        )
    if len(raw) > MAX_BODY:
        raise Refused(413, f"提交的内容超过 {MAX_BODY // 1024} KB，请精简后再提交")
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise Refused(400, "提交的内容不是有效的 UTF-8 编码，请使用本页面的表单重新提交") from None
    except ValueError:
        raise Refused(400, f"提交的字段超过 {MAX_FIELDS} 个，请使用本页面的表单") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise Refused(400, f"字段「{name[:20]}」重复提交，请使用本页面的表单")
        fields[name] = value
    return fields


def clean(fields: dict[str, str], wanted: tuple[Field, ...]) -> tuple[dict[str, str], list[str]]:
    """The wanted fields normalised (NFC, stripped, newlines as ``\\n``), and a Chinese
    message for each one that is missing, too long or not what it should be."""
    values, problems = {}, []
    for field in wanted:
        value = unicodedata.normalize("NFC", fields.get(field.name, "")).replace("\r\n", "\n")
        value = value.replace("\r", "\n").strip()
        if not field.multiline:
            value = value.replace("\n", " ")
        values[field.name] = value
        if not value:
            if field.required:
                problems.append(f"请填写「{field.label}」")
            continue
        if len(value) > field.limit:
            problems.append(f"「{field.label}」不能超过 {field.limit} 字（现为 {len(value)} 字）")
        elif _CONTROL.search(value):
            problems.append(f"「{field.label}」含有不可见的控制字符，请删除后再提交")
        elif field.name == "phone" and not _PHONE.match(value):
            problems.append("「联系电话」应为手机号码或带区号的固定电话，只含数字和连字符")
        elif field.name == "id_number" and not ric.is_valid(value.upper()):
            problems.append("「身份证号码」不是有效的18位居民身份证号码，请核对（可不填）")
    return values, problems


def letter_type(fields: dict[str, str]) -> tuple[str, list[str]]:
    kind = fields.get("type", "").strip()
    if kind not in LETTER_TYPES:
        return kind, [f"请选择留言类型（{' / '.join(LETTER_TYPES)}）"]
    return kind, []
