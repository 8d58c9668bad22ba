"""The domain vocabulary of ../shared/reference/report-template.md, as data.

Canonical keys here are the names used in records, Chroma metadata and the JSON export.
Everything else in the project imports them from this module; nothing restates them.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- sections
SECTION_KEYS: tuple[str, ...] = ("overview", "proactive", "requests", "appeals", "problems", "other")

SECTION_TITLES: dict[str, str] = {
    "overview": "总体情况",
    "proactive": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "appeals": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}
# The text before section 1 (purpose, statistics period, contact address): not a section, but chunked and cited.
PREFACE = "preface"
PREFACE_TITLE = "报告说明"

# Words that identify a section heading whatever its numbering (一、/1、/（一）/(1)).
SECTION_CUES: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况", "总体工作情况", "基本情况", "概述"),
    # Overview sub-headings reuse these words (“（一）主动公开情况”, “（二）依申请公开情况”): only full phrases count.
    "proactive": ("主动公开政府信息情况", "主动公开政府信息", "行政机关主动公开"),
    "requests": ("收到和处理政府信息公开申请", "收到和处理依申请公开", "政府信息公开申请情况"),
    "appeals": (
        "行政复议、行政诉讼", "行政复议和行政诉讼", "行政复议、提起行政诉讼", "被申请行政复议", "行政复议及行政诉讼",
        "行政复议和提起行政诉讼",
    ),
    "problems": ("存在的主要问题", "存在主要问题", "主要问题及改进", "问题和改进", "存在的问题", "主要问题和改进"),
    "other": ("其他需要报告的事项", "其它需要报告的事项", "其他需要报告事项"),
}

# ---------------------------------------------------------------- table 3: requests
REQUEST_COLUMNS: tuple[str, ...] = (
    "natural_person", "commercial", "research", "social", "legal_service", "other_org", "total",
)
# The wide variant inserts 法人或其他组织小计 after the five organisation columns.
REQUEST_COLUMNS_WIDE: tuple[str, ...] = (
    "natural_person", "commercial", "research", "social", "legal_service", "other_org", "org_subtotal", "total",
)
APPLICANT_COLUMNS: tuple[str, ...] = REQUEST_COLUMNS[:-1]

REQUEST_COLUMN_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "org_subtotal": "法人或其他组织小计",
    "total": "总计",
}

_HANDLING_2021: tuple[str, ...] = (
    "granted", "partial",
    "denied_state_secret", "denied_law_forbidden", "denied_safety_stability", "denied_third_party",
    "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_query_matter",
    "unable_not_held", "unable_need_creation", "unable_unclear",
    "rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_mass_repeat", "rejected_confirm",
    "other_overdue_correction", "other_unpaid_fee", "other_misc",
)
_HANDLING_2019: tuple[str, ...] = _HANDLING_2021[:18] + ("other_handling",)

REQUEST_ROWS_2021: tuple[str, ...] = (
    "new_received", "carried_over", *_HANDLING_2021, "handled_total", "carried_forward",
)
REQUEST_ROWS_2019: tuple[str, ...] = (
    "new_received", "carried_over", *_HANDLING_2019, "handled_total", "carried_forward",
)
# Wide variant: subtotal rows close the （三）（四）（五）（六） groups.
REQUEST_ROWS_WIDE: tuple[str, ...] = (
    "new_received", "carried_over", "granted", "partial",
    *_HANDLING_2021[2:10], "denied_total",
    *_HANDLING_2021[10:13], "unable_total",
    *_HANDLING_2021[13:18], "rejected_total",
    *_HANDLING_2021[18:21], "other_total",
    "handled_total", "carried_forward",
)

# Rows whose sum is handled_total (leaf handling rows, per template).
HANDLING_ROWS: dict[str, tuple[str, ...]] = {"2021": _HANDLING_2021, "2019": _HANDLING_2019, "wide": _HANDLING_2021}
SUBTOTAL_GROUPS: dict[str, tuple[str, ...]] = {
    "denied_total": _HANDLING_2021[2:10],
    "unable_total": _HANDLING_2021[10:13],
    "rejected_total": _HANDLING_2021[13:18],
    "other_total": _HANDLING_2021[18:21],
}

REQUEST_ROW_LABELS: dict[str, str] = {
    "new_received": "本年新收政府信息公开申请数量",
    "carried_over": "上年结转政府信息公开申请数量",
    "granted": "予以公开",
    "partial": "部分公开",
    "denied_state_secret": "不予公开·属于国家秘密",
    "denied_law_forbidden": "不予公开·其他法律行政法规禁止公开",
    "denied_safety_stability": "不予公开·危及“三安全一稳定”",
    "denied_third_party": "不予公开·保护第三方合法权益",
    "denied_internal_affairs": "不予公开·属于三类内部事务信息",
    "denied_process_info": "不予公开·属于四类过程性信息",
    "denied_enforcement_file": "不予公开·属于行政执法案卷",
    "denied_query_matter": "不予公开·属于行政查询事项",
    "denied_total": "不予公开·小计",
    "unable_not_held": "无法提供·本机关不掌握相关政府信息",
    "unable_need_creation": "无法提供·没有现成信息需要另行制作",
    "unable_unclear": "无法提供·补正后申请内容仍不明确",
    "unable_total": "无法提供·小计",
    "rejected_petition": "不予处理·信访举报投诉类申请",
    "rejected_duplicate": "不予处理·重复申请",
    "rejected_publication": "不予处理·要求提供公开出版物",
    "rejected_mass_repeat": "不予处理·无正当理由大量反复申请",
    "rejected_confirm": "不予处理·要求行政机关确认或重新出具已获取信息",
    "rejected_total": "不予处理·小计",
    "other_overdue_correction": "其他处理·申请人无正当理由逾期不补正",
    "other_unpaid_fee": "其他处理·申请人逾期未按收费通知要求缴纳费用",
    "other_misc": "其他处理·其他",
    "other_handling": "其他处理",
    "other_total": "其他处理·小计",
    "handled_total": "办理结果总计",
    "carried_forward": "结转下年度继续办理",
}

# ---------------------------------------------------------------- table 2: proactive disclosure
@dataclass(frozen=True)
class ProactiveRow:
    key: str
    label: str
    item: str  # 第二十条第（x）项
    columns: tuple[str, ...]


PROACTIVE_ROWS_2021: tuple[ProactiveRow, ...] = (
    ProactiveRow("rules", "规章", "（一）", ("issued", "repealed", "in_force")),
    ProactiveRow("normative_docs", "行政规范性文件", "（一）", ("issued", "repealed", "in_force")),
    ProactiveRow("licensing", "行政许可", "（五）", ("decisions",)),
    ProactiveRow("penalty", "行政处罚", "（六）", ("decisions",)),
    ProactiveRow("enforcement", "行政强制", "（六）", ("decisions",)),
    ProactiveRow("fees", "行政事业性收费", "（八）", ("amount_wan",)),
)
PROACTIVE_ROWS_2019: tuple[ProactiveRow, ...] = (
    ProactiveRow("rules", "规章", "（一）", ("new_made", "new_published", "total_published")),
    ProactiveRow("normative_docs", "规范性文件", "（一）", ("new_made", "new_published", "total_published")),
    ProactiveRow("licensing", "行政许可", "（五）", ("prev_items", "change", "decisions")),
    ProactiveRow("other_services", "其他对外管理服务事项", "（五）", ("prev_items", "change", "decisions")),
    ProactiveRow("penalty", "行政处罚", "（六）", ("prev_items", "change", "decisions")),
    ProactiveRow("enforcement", "行政强制", "（六）", ("prev_items", "change", "decisions")),
    ProactiveRow("fees", "行政事业性收费", "（八）", ("prev_items", "change")),
    ProactiveRow("procurement", "政府集中采购", "（九）", ("items", "amount")),
)

PROACTIVE_COLUMN_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_wan": "本年收费金额（万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_items": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
    "amount": "采购总金额",
}
PROACTIVE_ROW_LABELS: dict[str, str] = {r.key: r.label for r in PROACTIVE_ROWS_2019 + PROACTIVE_ROWS_2021}

# ---------------------------------------------------------------- table 4: appeals
APPEAL_BLOCKS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
APPEAL_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
APPEAL_BLOCK_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
APPEAL_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

TABLE_KEYS: tuple[str, ...] = ("proactive", "requests", "appeals")
TABLE_TITLES: dict[str, str] = {
    "proactive": "表二 主动公开政府信息情况",
    "requests": "表三 收到和处理政府信息公开申请情况",
    "appeals": "表四 政府信息公开行政复议、行政诉讼情况",
}

# ---------------------------------------------------------------- templates
TEMPLATES: tuple[str, ...] = ("2021", "2019", "wide")


def request_rows(template: str) -> tuple[str, ...]:
    return {"2021": REQUEST_ROWS_2021, "2019": REQUEST_ROWS_2019, "wide": REQUEST_ROWS_WIDE}[template]


def request_columns(template: str) -> tuple[str, ...]:
    return REQUEST_COLUMNS_WIDE if template == "wide" else REQUEST_COLUMNS


def proactive_rows(template: str) -> tuple[ProactiveRow, ...]:
    return PROACTIVE_ROWS_2019 if template == "2019" else PROACTIVE_ROWS_2021


# ---------------------------------------------------------------- prose facts
# Facts stated in prose; each is kept with the sentence it came from.
FACT_LABELS: dict[str, str] = {
    "proactive_total": "主动公开政府信息总数",
    "channel_website": "通过政府网站发布",
    "channel_column": "通过政府信息公开专栏发布",
    "channel_wechat": "通过微信公众号发布",
    "channel_weibo": "通过政务微博发布",
    "channel_weibo_wechat": "通过政务微博、微信发布",
    "channel_media": "通过新闻媒体发布",
    "channel_douyin": "通过抖音号发布",
    "channel_new_media": "通过政务新媒体发布",
    "channel_board": "通过政务公开栏（公示栏）发布",
    "channel_app": "通过政务客户端（APP）发布",
    "press_conferences": "举办新闻发布会（场次）",
    "policy_interpretations": "发布政策解读",
    "requests_received": "收到政府信息公开申请（正文所述）",
    "requests_handled": "办结（答复）政府信息公开申请（正文所述）",
    "reviews": "政府信息公开行政复议（正文所述）",
    "lawsuits": "政府信息公开行政诉讼（正文所述）",
    "no_requests": "正文称未收到政府信息公开申请",
    "no_fees": "正文称未收取信息处理费",
    "no_appeals": "正文称未发生行政复议、行政诉讼",
    "no_proposals": "正文称未收到/未承办人大代表建议和政协委员提案",
}
FACT_KEYS: tuple[str, ...] = tuple(FACT_LABELS)
# Other things a report counts in prose (“政策文件3条，业务动态30条”) are kept as facts keyed ITEM_PREFIX + the noun
# as written (folded), so users can ask about them by name.
ITEM_PREFIX = "item:"


def fact_label(key: str) -> str:
    """The Chinese label of a prose fact: the schema's, or for an enumerated item the noun as the report wrote it."""
    if key.startswith(ITEM_PREFIX):
        return f"{key[len(ITEM_PREFIX):]}（正文所列）"
    return FACT_LABELS.get(key, key)

# ---------------------------------------------------------------- body levels
LEVELS: tuple[str, ...] = ("乡镇", "街道", "县级", "市级", "省级", "部门")
