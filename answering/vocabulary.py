"""The words officials use for each figure → where that figure lives in a Report (table cells, else prose facts).

Keys of rows, columns and facts come from indexing.schema; this module only says which words point at them.
A measure prefers table cells and falls back to prose facts; whatever was used is what gets cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answering import lexicon as lx
from indexing.schema import (
    APPEAL_BLOCK_LABELS,
    APPEAL_COLUMN_LABELS,
    PROACTIVE_COLUMN_LABELS,
    PROACTIVE_ROW_LABELS,
    REQUEST_COLUMN_LABELS,
    REQUEST_ROW_LABELS,
    SUBTOTAL_GROUPS,
    TABLE_TITLES,
)
from indexing.schema import (
    fact_label as schema_fact_label,
)

Cell = tuple[str, str, str]  # (table, row, column)


@dataclass(frozen=True)
class Measure:
    key: str  # stable id, e.g. "requests.new_received.total", "fact.channel_wechat"
    label: str  # Chinese, as it reads in an answer
    unit: str
    cues: tuple[str, ...]  # question words (simplified); the first measure in MEASURES whose cue occurs wins
    cell_options: tuple[tuple[Cell, ...], ...] = ()  # alternatives, each a set of cells summed; first fully known wins
    facts: tuple[str, ...] = ()  # numeric prose facts to fall back on
    zero_facts: tuple[str, ...] = ()  # prose facts whose True means a stated zero (“未收到…申请”)
    related: tuple[str, ...] = ()  # facts worth mentioning when this one is not stated (微博、微信 together)
    zero_words: tuple[str, ...] = ()  # a zero fact applies only when its sentence holds one of these (empty: any)

    @property
    def tables(self) -> set[str]:
        return {c[0] for option in self.cell_options for c in option}


def _req(row: str, column: str = "total") -> tuple[Cell, ...]:
    return ((("requests", row, column),),)


def _req_group(group: str, column: str = "total") -> tuple[tuple[Cell, ...], ...]:
    # A wide table prints the subtotal; other templates only the leaf rows (summed, every one must be known).
    return (
        (("requests", group, column),),
        tuple(("requests", row, column) for row in SUBTOTAL_GROUPS[group]),
    )


def _pro(row: str, *columns: str) -> tuple[tuple[Cell, ...], ...]:
    return tuple(((("proactive", row, c),)) for c in columns)


# Each handling row of table 3 by its own words; these come first (“信访举报投诉类申请” is not every 申请).
_ROW_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("denied_state_secret", ("国家秘密",)),
    ("denied_law_forbidden", ("法律行政法规禁止", "法律法规禁止")),
    ("denied_safety_stability", ("三安全一稳定",)),
    ("denied_third_party", ("第三方合法权益", "保护第三方")),
    ("denied_internal_affairs", ("内部事务",)),
    ("denied_process_info", ("过程性信息",)),
    ("denied_enforcement_file", ("执法案卷",)),
    ("denied_query_matter", ("查询事项",)),
    ("unable_not_held", ("不掌握",)),
    ("unable_need_creation", ("另行制作", "没有现成信息")),
    ("unable_unclear", ("仍不明确", "补正后申请内容")),
    ("rejected_petition", ("信访举报投诉", "信访")),
    ("rejected_duplicate", ("重复申请",)),
    ("rejected_publication", ("公开出版物", "出版物")),
    ("rejected_mass_repeat", ("大量反复申请", "反复申请")),
    ("rejected_confirm", ("重新出具", "确认或重新")),
    ("other_overdue_correction", ("逾期不补正", "不补正")),
    ("other_unpaid_fee", ("缴纳费用", "收费通知")),
)
def _request_label(row: str) -> str:
    label = REQUEST_ROW_LABELS[row]
    return label if label.endswith("申请") else f"{label}的申请"


HANDLING_ROW_MEASURES: tuple[Measure, ...] = tuple(
    Measure(f"requests.{row}.total", _request_label(row), "件", cues, _req(row))
    for row, cues in _ROW_CUES
) + (
    # 其他处理: one row in the 2019 template, a subtotal in the wide one, three rows summed in 2021's.
    Measure("requests.other.total", "其他处理的申请", "件", ("其他处理",),
            ((("requests", "other_handling", "total"),), (("requests", "other_total", "total"),),
             tuple(("requests", r, "total") for r in SUBTOTAL_GROUPS["other_total"]))),
    Measure("appeals.litigation_after_review.total", "复议后起诉的行政诉讼案件", "件", ("复议后起诉", "复议后"),
            ((("appeals", "litigation_after_review", "total"),),), zero_facts=("no_appeals",)),
    Measure("appeals.litigation_direct.total", "未经复议直接起诉的行政诉讼案件", "件", ("直接起诉", "未经复议"),
            ((("appeals", "litigation_direct", "total"),),), zero_facts=("no_appeals",)),
)

# Order matters: specific words first (微信公众号 before 公开, 行政处罚 before 申请, 信息处理费 before 收费).
MEASURES: tuple[Measure, ...] = (
    Measure("fact.channel_weibo_wechat", "通过政务微博、微信发布的信息", "条", ("微博、微信", "微博和微信", "微博微信",
            "微博及微信"), facts=("channel_weibo_wechat",)),
    Measure("fact.channel_wechat", "通过微信公众号发布的信息", "条", ("微信公众号", "公众号", "微信"),
            facts=("channel_wechat",), related=("channel_weibo_wechat",)),
    Measure("fact.channel_weibo", "通过政务微博发布的信息", "条", ("政务微博", "微博"), facts=("channel_weibo",),
            related=("channel_weibo_wechat",)),
    Measure("fact.channel_douyin", "通过抖音号发布的信息", "条", ("抖音",), facts=("channel_douyin",)),
    Measure("fact.channel_column", "通过政府信息公开专栏发布的信息", "条", ("公开专栏", "专栏"),
            facts=("channel_column",)),
    Measure("fact.channel_media", "通过新闻媒体发布的信息", "条", ("新闻媒体", "媒体", "新媒体"),
            facts=("channel_media",)),
    Measure("fact.channel_website", "通过政府网站发布的信息", "条", ("政府网站", "门户网站", "政务网站", "网站"),
            facts=("channel_website",)),
    Measure("info_fee", "收取信息处理费", "万元", ("信息处理费", "处理费"), zero_facts=("no_fees",)),
    # A stated zero counts only for what its sentence names: “未承办过人大代表建议” says nothing about 政协提案.
    Measure("proposals", "人大代表建议和政协委员提案", "件",
            ("建议和政协", "建议与政协", "建议、政协", "建议提案", "建议和提案", "建议、提案", "提案建议"),
            zero_facts=("no_proposals",), zero_words=("提案",)),  # a sentence on 人大建议 alone does not do
    Measure("proposals.npc", "人大代表建议", "件", ("人大代表建议", "人大建议", "代表建议"),
            zero_facts=("no_proposals",), zero_words=("人大", "代表建议", "提案建议", "建议提案")),
    Measure("proposals.cppcc", "政协委员提案", "件", ("政协提案", "政协委员提案", "委员提案", "提案"),
            zero_facts=("no_proposals",), zero_words=("政协", "提案")),
    Measure("proactive.licensing.decisions", "行政许可处理决定数量", "件", ("行政许可", "许可"),
            _pro("licensing", "decisions")),
    Measure("proactive.penalty.decisions", "行政处罚处理决定数量", "件", ("行政处罚", "处罚"),
            _pro("penalty", "decisions")),
    Measure("proactive.enforcement.decisions", "行政强制处理决定数量", "件", ("行政强制", "强制"),
            _pro("enforcement", "decisions")),
    Measure("proactive.other_services.decisions", "其他对外管理服务事项处理决定数量", "件",
            ("其他对外管理服务事项", "对外管理服务"), _pro("other_services", "decisions")),
    Measure("proactive.fees.amount_wan", "行政事业性收费金额", "万元", ("行政事业性收费", "收费金额", "收费"),
            _pro("fees", "amount_wan")),
    Measure("proactive.procurement.amount", "政府集中采购总金额", "", ("采购总金额", "采购金额"),
            _pro("procurement", "amount")),
    Measure("proactive.procurement.items", "政府集中采购项目数量", "项", ("政府集中采购", "集中采购", "采购"),
            _pro("procurement", "items")),
    Measure("proactive.normative_docs.issued", "本年制发的行政规范性文件", "件", ("规范性文件",),
            _pro("normative_docs", "issued", "new_made")),
    Measure("proactive.rules.issued", "本年制发的规章", "件", ("规章",), _pro("rules", "issued", "new_made")),
    Measure("requests.partial.total", "部分公开的申请", "件", ("部分公开",), _req("partial")),
    Measure("requests.denied.total", "不予公开的申请", "件", ("不予公开",), _req_group("denied_total")),
    Measure("requests.unable.total", "无法提供的申请", "件", ("无法提供",), _req_group("unable_total")),
    Measure("requests.rejected.total", "不予处理的申请", "件", ("不予处理",), _req_group("rejected_total")),
    Measure("requests.granted.total", "予以公开的申请", "件", ("予以公开", "同意公开", "全部公开"), _req("granted")),
    Measure("requests.carried_over.total", "上年结转的申请", "件", ("上年结转", "上年度结转", "结转到本年"),
            _req("carried_over")),
    Measure("requests.carried_forward.total", "结转下年度继续办理的申请", "件",
            ("结转下年", "结转到下", "继续办理", "结转"),
            _req("carried_forward")),
    Measure("requests.handled_total.total", "办理完毕的申请（办理结果总计）", "件", ("办理结果", "办结", "办理完"),
            _req("handled_total")),
    Measure("appeals.review.total", "政府信息公开行政复议案件", "件", ("行政复议", "复议"),
            ((("appeals", "review", "total"),),), zero_facts=("no_appeals",)),
    Measure("appeals.litigation.total", "政府信息公开行政诉讼案件", "件",
            ("行政诉讼", "诉讼", "起诉", "打官司", "官司"),
            ((("appeals", "litigation_direct", "total"), ("appeals", "litigation_after_review", "total")),),
            zero_facts=("no_appeals",)),
    Measure("requests.new_received.total", "本年新收政府信息公开申请", "件",
            ("政府信息公开申请", "依申请公开", "公开申请", "新收", "申请", "受理", "索取", "要过", "来要"),
            _req("new_received"), facts=("requests_received",), zero_facts=("no_requests",)),
    Measure("fact.proactive_total", "主动公开的政府信息", "条",
            ("主动公开", "主动发布", "公开政府信息", "公开的政府信息", "发布的政府信息", "公开政务信息",
             "发布的信息", "公开信息", "公开的信息", "发布信息", "公开了多少", "发布了多少",
             "各类渠道", "各渠道", "一共公开", "共公开",
             "全部公开信息", "全部公开的信息", "全部公开的政府信息",  # all the information, not 全部公开 requests
             "公布", "发布"),
            facts=("proactive_total",)),
)
MEASURES = HANDLING_ROW_MEASURES + MEASURES
MEASURE_BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}

# Applicant columns of table 3 (“自然人提出的申请”) refine a requests.* measure.
REQUEST_COLUMN_CUES: tuple[tuple[str, str], ...] = (
    ("自然人", "natural_person"), ("商业企业", "commercial"), ("企业", "commercial"), ("科研机构", "research"),
    ("社会公益组织", "social"), ("公益组织", "social"), ("法律服务机构", "legal_service"),
)


# “公开了几条信息” reads as “公开信息” for matching cues; the count words stay in the question for the operation.
_COUNT_WORDS = re.compile(r"(公开|发布|公布)了?(?:几|多少)[条篇]?")


def find_measure(folded: str) -> Measure | None:
    plain = _COUNT_WORDS.sub(r"\1", folded)
    for m in MEASURES:
        if any(c in folded or c in plain for c in m.cues):
            return refine(m, folded)
    return None


_JOINER = re.compile(r"和|与|及|、|跟|同|以及|还有|加上|占|比|较")
_CATCH_ALL = frozenset({"requests.new_received.total", "fact.proactive_total"})


def _family(key: str) -> str:
    return key.split(".")[0]


def _joined_after(folded: str, taken: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    before = max((b for _, b in taken if b <= span[0]), default=None)
    return before is not None and bool(_JOINER.search(folded[before:span[0]]))


def find_measures(folded: str, *, ratio: bool = False) -> list[Measure]:
    """Every figure a question names (“网站和公众号一共…”, “予以公开和部分公开…”), in question order.

    Measures join only within one family (prose facts, table 3, table 4, table 2) and only on cue words no earlier
    measure already took. The generic proactive total joins only a ratio (“…占主动公开总数的比例”): elsewhere its
    words (“发布了多少”) are the question's verb, not a figure of their own."""
    first = find_measure(folded)
    if first is None:
        return []
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Measure]] = []
    for m in MEASURES:
        if _family(m.key) != _family(first.key) or (m.key == "fact.proactive_total" and not ratio):
            continue
        spans = [
            (i.start(), i.end()) for cue in m.cues for i in re.finditer(re.escape(cue), folded)
            if not (m.key in _CATCH_ALL and m.key != first.key and len(cue) < 4)  # 申请: the noun of every row
        ]
        free = [sp for sp in spans if all(sp[1] <= a or sp[0] >= b for a, b in taken)]
        if free:
            # Prefer the words that follow a joiner (“…占主动公开总数”), then the longest, then the first.
            span = min(free, key=lambda sp: (not _joined_after(folded, taken, sp), sp[0] - sp[1], sp[0]))
            taken.append(span)
            found.append((span, refine(m, folded)))
    found.sort(key=lambda x: x[0])
    joined = found[:1]
    for span, m in found[1:]:  # figures are named side by side: “予以公开和部分公开”, not “国家秘密不予公开”
        if _JOINER.search(folded[joined[-1][0][1]:span[0]]):
            joined.append((span, m))
    return [m for _, m in joined]


APPEAL_COLUMN_CUES: tuple[tuple[str, str], ...] = (
    ("维持", "upheld"), ("纠正", "corrected"), ("尚未审结", "pending"), ("未审结", "pending"), ("其他结果", "other"),
)


# Table 2 columns by their words (2021 keys first, the 2019 template's after): “废止的规范性文件”.
PROACTIVE_COLUMN_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("废止", ("repealed",)), ("现行有效", ("in_force", "total_published")), ("对外公开总数", ("total_published",)),
    ("新公开", ("new_published",)), ("上一年项目", ("prev_items",)), ("上年项目", ("prev_items",)),
    ("增减", ("change",)), ("增/减", ("change",)),
)


def refine(m: Measure, folded: str) -> Measure:
    """A measure narrowed to the column the question names: an applicant (table 3), a result (table 4), a
    table-2 column (废止, 现行有效 …)."""
    if m.key.startswith("proactive."):
        row = m.key.split(".")[1]
        for cue, columns in PROACTIVE_COLUMN_CUES:
            if cue in folded:
                options = tuple((("proactive", row, c),) for c in columns)
                label = f"{PROACTIVE_ROW_LABELS.get(row, row)}·{PROACTIVE_COLUMN_LABELS[columns[0]]}"
                return Measure(f"proactive.{row}.{columns[0]}", label, m.unit, m.cues, options)
        return m
    if m.key.startswith("requests."):
        cues, labels, joiner = REQUEST_COLUMN_CUES, REQUEST_COLUMN_LABELS, "提出的"
    elif m.key.startswith("appeals."):
        cues, labels, joiner = APPEAL_COLUMN_CUES, APPEAL_COLUMN_LABELS, "·"
    else:
        return m
    for cue, column in cues:
        if cue in folded:
            options = tuple(tuple((t, r, column) for t, r, _ in opt) for opt in m.cell_options)
            label = f"{labels[column]}{joiner}{m.label}" if joiner == "提出的" else f"{m.label}{joiner}{labels[column]}"
            return Measure(m.key.rsplit(".", 1)[0] + "." + column, label, m.unit, m.cues, options)
    return m


def measure_by_key(key: str | None) -> Measure | None:
    if key is None:
        return None
    if key in MEASURE_BY_KEY:
        return MEASURE_BY_KEY[key]
    base, _, column = key.rpartition(".")
    for m in MEASURES:  # a refined measure: rebuild it from its base and the column's own words
        if m.key.rpartition(".")[0] != base:
            continue
        if m.key.startswith("requests.") and column in REQUEST_COLUMN_LABELS:
            return refine(m, REQUEST_COLUMN_LABELS[column])
        cue = next((c for c, col in APPEAL_COLUMN_CUES if col == column), None)
        if m.key.startswith("appeals.") and cue:
            return refine(m, cue)
        cue = next((c for c, cols in PROACTIVE_COLUMN_CUES if cols[0] == column), None)
        if m.key.startswith("proactive.") and cue:
            return refine(m, cue)
    return None


# ---------------------------------------------------------------- rendering a cell for a citation
_ROW_LABELS = {"requests": REQUEST_ROW_LABELS, "proactive": PROACTIVE_ROW_LABELS, "appeals": APPEAL_BLOCK_LABELS}
_COLUMN_LABELS = {"requests": REQUEST_COLUMN_LABELS, "proactive": PROACTIVE_COLUMN_LABELS,
                  "appeals": APPEAL_COLUMN_LABELS}


def row_label(table: str, row: str) -> str:
    return _ROW_LABELS.get(table, {}).get(row, row)


def column_label(table: str, column: str) -> str:
    return _COLUMN_LABELS.get(table, {}).get(column, column)


def cell_text(table: str, row: str, column: str, value: float | int) -> str:
    from answering.models import fmt_number

    return f"{TABLE_TITLES[table]}：{row_label(table, row)} × {column_label(table, column)} = {fmt_number(value)}"


def fact_label(key: str) -> str:
    return schema_fact_label(key)


# ---------------------------------------------------------------- open (prose) topics
# topic → (question cues, sections to search — empty: all, words that mark a good answering sentence)
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "problems": (("存在的问题", "存在哪些问题", "问题", "不足", "短板", "差距", "薄弱环节", "做得不够", "毛病", "困难"),
                 ("problems",),
                 ("问题", "不足", "不够", "薄弱", "有待", "欠缺", "单一", "较小")),
    "improvements": (("改进措施", "改进", "整改", "下一步", "哪些措施", "打算", "计划", "将重点", "今后", "如何加强",
                      "怎么加强"),
                     ("problems",),
                     ("加强", "进一步", "完善", "强化", "提高", "提升", "改进", "将重点", "下一步", "今后")),
    "platform": (("平台建设", "平台", "渠道", "载体", "阵地", "新媒体账号", "发在哪"), ("overview",),
                 ("平台", "网站", "公众号", "渠道", "新媒体", "公开栏")),
    "innovation": (("创新做法", "创新", "特色", "亮点"), ("other", "overview"), ("创新", "开放日", "专区", "活动")),
    "contact": (("联系方式", "联系电话", "电话", "地址", "邮编", "邮箱", "联系"), (),
                ("电话", "地址", "邮编", "邮箱", "联系")),
    "management": (("信息管理", "保密审查", "管理情况"), ("overview",), ("审查", "管理", "制度")),
    "supervision": (("监督保障", "考核", "监督"), ("overview",), ("监督", "考核", "督导", "保障")),
    "access": (("在哪里可以下载", "在哪里可以查阅", "哪里下载", "哪里查阅", "下载", "查阅", "网址", "电子版",
                "怎么申请", "如何申请"), (),
               ("网站", "http", "查阅", "下载", "电子版", "门户")),
    "categories": (("哪些类别", "哪几类", "哪些类", "类别", "分类", "哪些方面的信息"), ("overview", "proactive"),
                   ("类信息", "类", "包括")),
    "fees_text": (("收费情况", "处理费的情况", "处理费是怎么说"), ("other",), ("收费", "信息处理费")),
    "proposals_text": (("建议提案办理", "提案办理"), ("other",), ("建议", "提案")),
}


# The clause holding an asking word says what is asked (“针对这些问题，怎么改进的” asks 改进).
ASKING_WORDS = re.compile(lx.ASKING_WORDS)
GENERIC_TERMS = ("政务公开", "信息公开", "政府信息", "公开工作")  # every report's words: they pick out no item
# Topics a report writes about its neighbour years: next year's plans (“2022年将重点…”), last year's 整改.
CROSS_YEAR_TOPICS = ("improvements",)


def find_topic(folded: str) -> str | None:
    """The prose topic asked, looked for first in the clause that holds the asking word: the cue right after that
    word (“对问题是怎么整改的” asks 整改, “存在的问题拟采取哪些整改措施” asks 整改), else the one nearest before it
    (“问题有哪些”); of cues as near, the longest."""
    clauses = [c for c in re.split(r"[，,；;]", folded) if c]
    asked = [c for c in clauses if ASKING_WORDS.search(c)]
    for text in ([asked[-1]] if asked and len(clauses) > 1 else []) + [folded]:
        asking = [m.start() for m in ASKING_WORDS.finditer(text)]
        best: tuple[int, int, str] | None = None
        for topic, (cues, _, _) in TOPICS.items():
            for c in cues:
                # “规划计划类信息” names a category of information: its 计划 asks no plans
                hits = (m.start() for m in re.finditer(re.escape(c), text) if not text.startswith("类", m.end()))
                at = next(hits, -1)
                if at < 0:
                    continue
                # the thing asked follows its asking word (哪些问题, 怎么整改); else the nearest before it (问题有哪些)
                after = [at - a for a in asking if at >= a]
                near = -min(after) if after else -min((a - at for a in asking), default=0) - len(text)
                if best is None or (near, len(c)) > best[:2]:
                    best = (near, len(c), topic)
        if best is not None:
            return best[2]
    return None
