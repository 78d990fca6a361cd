"""互动 channels (第七条（三）（四）, 第十条（四）): every site offers a way to write, each
意见征集 a way to submit an opinion, each 办事指南 that can be handled online its 在线办理
link. The addresses come from the group's and the site's ``互动平台`` (content.channels).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...compliance import Violation, shorten, site_rule
from ...content.channels import (
    ADDRESS,
    CHANNEL_KEY,
    CHANNEL_KEYS,
    INTAKE,
    ITEM_PLACEHOLDER,
    LETTER,
    NAME,
    OPINION,
    PLACEHOLDER,
    PLACEHOLDERS,
    SERVICE,
    site_channels,
)
from ...content.loader import CONSULTATION_FOLDER, SERVICE_FOLDER
from ...content.registry import Group, Site
from ...content.values import unknown_key_message, unknown_keys

LETTER_ARTICLE = "第七条（三）、第十条（四）"
CONSULTATION_ARTICLE = "第七条（三）"
SERVICE_ARTICLE = "第七条（四）"
ONLINE_LEVELS = ("全程网办", "部分网办")  # services.ONLINE_LEVELS but 线下办理
ITEM_CODE = "事项编码"  # a 办事指南's code on the 政务服务网
ITEM_LINK = "在线办理"  # a 办事指南's own 在线办理 address, over the platform's


@site_rule("互动平台设置有效：字段已知，地址为 http(s) 网址，占位符可用", CONSULTATION_ARTICLE)
def channel_settings(site: Site, group: Group) -> Iterator[Violation]:
    data = site.raw(CHANNEL_KEY)
    if data is None:
        return
    if not isinstance(data, dict):
        yield site.violation(
            CHANNEL_KEY,
            "应为映射：名称、写信、咨询、投诉、意见征集、办理查询、在线办理",
            CONSULTATION_ARTICLE,
        )
        return
    for key, guess in unknown_keys(data, CHANNEL_KEYS):
        yield site.violation(
            f"{CHANNEL_KEY}.{key}", unknown_key_message(key, guess), CONSULTATION_ARTICLE
        )
    for key in CHANNEL_KEYS:
        value = data.get(key)
        if value is None or key == NAME:
            continue
        where = f"{CHANNEL_KEY}.{key}"
        text = str(value).strip() if isinstance(value, (str, int)) else ""
        if not ADDRESS.match(text):
            yield site.violation(
                where,
                f"应为 http:// 或 https:// 开头的网址，实为「{shorten(value)}」",
                CONSULTATION_ARTICLE,
            )
            continue
        allowed = PLACEHOLDERS[key]
        for found in PLACEHOLDER.findall(text):
            if found not in allowed:
                shown = "、".join(allowed) or "无"
                yield site.violation(
                    where,
                    f"不认识的占位符「{shorten(found)}」（可用：{shown}）",
                    CONSULTATION_ARTICLE,
                )


@site_rule("每个网站提供我要写信（咨询、投诉）的渠道：网站群或本站的互动平台", LETTER_ARTICLE)
def letter_channel(site: Site, group: Group) -> Iterator[Violation]:
    if not site_channels(site, group.portal).get(LETTER):
        yield site.violation(
            f"{CHANNEL_KEY}.{LETTER}",
            f"没有写信渠道：在主站 site.yaml 的「{CHANNEL_KEY}」中写明网站群的写信地址"
            f"（或「{INTAKE}」：网站群自己的受理服务），本站不同的在本站 site.yaml 中写明",
            LETTER_ARTICLE,
        )


@site_rule("有意见征集的网站提供在线提交意见的渠道", CONSULTATION_ARTICLE)
def opinion_channel(site: Site, group: Group) -> Iterator[Violation]:
    if site.records.get(CONSULTATION_FOLDER) and not site_channels(site, group.portal).get(OPINION):
        yield site.violation(
            f"{CHANNEL_KEY}.{OPINION}",
            f"本站有意见征集，但没有提交意见的地址：在「{CHANNEL_KEY}」中写明「{OPINION}」"
            f"（或「{INTAKE}」）",
            CONSULTATION_ARTICLE,
        )


@site_rule("可网上办理（全程网办、部分网办）的办事指南有在线办理链接", SERVICE_ARTICLE)
def online_service_link(site: Site, group: Group) -> Iterator[Violation]:
    channels = site_channels(site, group.portal)
    for file in site.records.get(SERVICE_FOLDER, []):
        data = file.data if file.error is None and isinstance(file.data, dict) else {}
        if data.get("网上可办理程度") not in ONLINE_LEVELS:
            continue
        own = data.get(ITEM_LINK)
        if own is not None:
            if not ADDRESS.match(str(own).strip()):
                message = f"应为 http:// 或 https:// 开头的网址，实为「{shorten(own)}」"
                yield Violation(site.id, file.shown, ITEM_LINK, message, SERVICE_ARTICLE)
            continue
        code = str(data.get(ITEM_CODE) or "").strip()
        if channels.service(code):
            continue
        platform = channels.get(SERVICE)
        if platform and ITEM_PLACEHOLDER in platform:
            message = (
                f"网上可办理程度为「{data['网上可办理程度']}」：缺少「{ITEM_CODE}」"
                f"（政务服务网的在线办理地址需要它），或写明本事项的「{ITEM_LINK}」地址"
            )
            yield Violation(site.id, file.shown, ITEM_CODE, message, SERVICE_ARTICLE)
        else:
            message = (
                f"网上可办理程度为「{data['网上可办理程度']}」，但没有在线办理链接：写明本事项的"
                f"「{ITEM_LINK}」地址，或在「{CHANNEL_KEY}」中写明「{SERVICE}」（政务服务网事项地址）"
            )
            yield Violation(site.id, file.shown, ITEM_LINK, message, SERVICE_ARTICLE)


def channel_links(site: Site, group: Group, services, consultations) -> dict:
    """What the theme shows of the site's channels (settings ``CHANNELS``): the addresses,
    each 意见征集's submission address and each online 办事指南's 在线办理 link."""
    channels = site_channels(site, group.portal)
    links = {key: channels.get(key) for key in PLACEHOLDERS if key != INTAKE}
    links["name"] = channels.name
    links["opinions"] = {item["slug"]: channels.opinion(item["slug"]) for item in consultations}
    links["services"] = {
        item.slug: item.data.get(ITEM_LINK) or channels.service(str(item.data.get(ITEM_CODE) or ""))
        for item in services
        if item.data.get("网上可办理程度") in ONLINE_LEVELS
    }
    return links
