"""The indicators the monitor reports, and the ``Finding`` each check produces.

单项否决 indicators follow 国办秘函〔2019〕19号 (one of them fails a site); 扣分 indicators
are reported as counts (their point values are not confirmed, so no score is computed).
Every threshold is a named constant here or in the module that checks it, and
docs/rules.md lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

VETO = "单项否决"
DEDUCTION = "扣分"
NATIONAL = "国办秘函〔2019〕19号"


@dataclass(frozen=True)
class Indicator:
    name: str
    category: str  # VETO or DEDUCTION
    basis: str  # where the rule comes from
    threshold: str  # the rule in one sentence, as the report shows it
    action: str  # what a unit does about it

    @property
    def veto(self) -> bool:
        return self.category == VETO


UNREACHABLE = Indicator(
    "站点无法访问",
    VETO,
    f"{NATIONAL}单项否决指标“站点无法访问”",
    "监测期内（默认 7 天）访问失败（15 秒内未打开或返回错误）的次数占比 ≥ 5%；"
    "检查构建输出时，站点首页不存在",
    "排查服务器、网络、域名解析和证书，恢复网站稳定访问后申请复核",
)
HOME_STALE = Indicator(
    "首页不更新",
    VETO,
    f"{NATIONAL}单项否决指标“首页不更新”；第七条（一）",
    "首页在监测日前 2 周内没有带日期的更新（未标注日期的视为未更新；"
    "首页仅为导航页的，看其链接的二级页面）",
    "在首页发布新的政务动态等信息，并标注发布日期",
)
COLUMNS_STALE = Indicator(
    "栏目不更新",
    VETO,
    f"{NATIONAL}单项否决指标“栏目不更新”；第七条（一）",
    "动态要闻类栏目 2 周、通知公告/政策文件类栏目 6 个月未更新，累计 ≥ 5 个；"
    "应更新栏目超过更新周期未更新 ≥ 10 个；空白栏目 ≥ 5 个"
    "（本站此类栏目不足 5 个或 10 个的，全部未更新即视为达到）",
    "更新所列栏目；确无内容的栏目应整合或撤销，不得保留空白栏目",
)
SERIOUS_ERROR = Indicator(
    "严重错误",
    VETO,
    f"{NATIONAL}单项否决指标“严重表述错误”等安全问题；第七条（一）、第十条（二）",
    "已发布页面出现网站群词库中的严重表述错误或敏感词，1 处即否决",
    "立即更正或撤下页面，查明原因（包括是否被篡改），整改后申请复核",
)
POOR_RESPONSE = Indicator(
    "互动回应差",
    VETO,
    f"{NATIONAL}单项否决指标“互动回应差”；第七条（三）、第十条（四）",
    "政府门户网站没有可用的网上咨询渠道；近 1 年内有咨询类留言超过 3 个月未答复",
    "恢复网上咨询渠道；尽快答复所列留言并公开办理结果",
)
SERVICE_UNUSABLE = Indicator(
    "服务不实用",
    VETO,
    f"{NATIONAL}单项否决指标“服务不实用”；第七条（四）",
    "应提供办事服务而未提供；办事指南 ≥ 5 项各缺少 8 个核心要素中的 ≥ 4 个"
    "（不足 5 项的，全部缺少 ≥ 4 个）；办事指南的表格、说明或样表无法下载",
    "补齐办事服务入口、办事指南要素和可下载的表格",
)
HOME_DEAD_LINK = Indicator(
    "首页链接不可用",
    DEDUCTION,
    f"{NATIONAL}扣分指标“链接可用性”（首页）",
    "首页上的链接打不开（站内链接始终检查，外部链接在线监测时检查）；每个链接计 1 处",
    "修正或删除失效链接",
)
PAGE_DEAD_LINK = Indicator(
    "其他页面链接不可用",
    DEDUCTION,
    f"{NATIONAL}扣分指标“链接可用性”（其他页面）",
    "首页以外页面上的链接打不开；同一失效链接计 1 处，列出引用它的页面数",
    "修正或删除失效链接",
)
BROKEN_IMAGE = Indicator(
    "图片无法显示",
    DEDUCTION,
    f"{NATIONAL}扣分指标“网站可用性”",
    "页面引用的图片打不开或不是图片；每张图片计 1 处",
    "恢复图片文件或修正图片地址",
)
UNDATED_PAGE = Indicator(
    "未标注发布日期",
    DEDUCTION,
    "全国政府网站普查（2015）“未注明信息发布时间的视为不更新”；第七条（一）",
    "文章页没有 PubDate 元数据或页面上看不到发布日期",
    "在页面上显示发布日期，并在页面元数据中写明 PubDate",
)
COLUMN_LATE = Indicator(
    "栏目更新不及时",
    DEDUCTION,
    f"{NATIONAL}扣分指标“信息更新”；第七条（一）",
    "栏目超过其更新周期（动态 2 周、通知公告/政策文件 6 个月、人事/规划 1 年）未更新，"
    "或栏目为空白，但未达到单项否决的数量",
    "按栏目更新周期发布信息；确无内容的栏目应整合或撤销",
)
LETTER_LATE = Indicator(
    "留言办理超期",
    DEDUCTION,
    "第十条（四）",
    "投诉、建议类留言超过 3 个月未答复（咨询类留言见“互动回应差”）",
    "尽快办理并答复留言，公开办理结果",
)
GUIDE_INCOMPLETE = Indicator(
    "办事指南要素不全",
    DEDUCTION,
    f"{NATIONAL}扣分指标“服务实用”；第七条（四）",
    "办事指南缺少 8 个核心要素中的一个或几个，但未达到单项否决的数量",
    "补齐办事指南要素，以表格形式展示",
)
JIUCUO_LATE = Indicator(
    "找错留言办理超时",
    DEDUCTION,
    "第十条（四）",
    "“我为政府网站找错”留言收到后半个工作日内未提出回复意见，"
    "或 1 个工作日内未答复网民（按工作时间计算）",
    "按时限办理找错留言；查明超时原因",
)

INDICATORS = (
    UNREACHABLE,
    HOME_STALE,
    COLUMNS_STALE,
    SERIOUS_ERROR,
    POOR_RESPONSE,
    SERVICE_UNUSABLE,
    HOME_DEAD_LINK,
    PAGE_DEAD_LINK,
    BROKEN_IMAGE,
    UNDATED_PAGE,
    COLUMN_LATE,
    LETTER_LATE,
    GUIDE_INCOMPLETE,
    JIUCUO_LATE,
)
BY_NAME = {indicator.name: indicator for indicator in INDICATORS}
MAX_EVIDENCE = 800  # characters: evidence may quote a page, never all of it


@dataclass(frozen=True)
class Finding:
    """One problem: the page, the indicator, the evidence and what to do.

    ``subject`` identifies the problem within its site and indicator across runs (the
    整改清单 matches items by ``key``); it defaults to the page.
    """

    site: str
    indicator: Indicator
    page: str
    evidence: str
    subject: str = ""
    action: str = ""

    def __post_init__(self) -> None:
        if len(self.evidence) > MAX_EVIDENCE:
            object.__setattr__(self, "evidence", self.evidence[:MAX_EVIDENCE] + "…")

    @property
    def key(self) -> str:
        return f"{self.site}|{self.indicator.name}|{self.subject or self.page}"

    @property
    def veto(self) -> bool:
        return self.indicator.veto

    @property
    def todo(self) -> str:
        return self.action or self.indicator.action
