"""Invented annual reports in the shapes real ones arrive in, with the ground truth beside them (issue 9).

`nianbao synth --n N --seed S --out DIR` runs `generate(n, seed, out)`: N files in DIR, `DIR/truth.jsonl` (one line per
file: the contract with `eval.parse_bench`) and `DIR/manifest.csv` (file, agency, region, year, url; region is the
chain 省/市/县 joined by “/”) with rows for about 30% of the files. Everything is invented: bodies are built from
invented syllables, numbers are drawn at random, sentences are written here; only the national template's own labels
(the row and column names of 表二/表三/表四) are the real wording.

Deterministic: file i draws from its own `random.Random("nianbao-synth:{seed}:{i}")`, so the same (n, seed) gives the
same bytes, and file i is the same whatever N is. The shape mix follows the study of real reports (`MIX`).

What the truth states (the parser's target):
- identity: each field the file reveals — its text, an HTML <title>, a .docx core title, its file name or its manifest
  row — and null where none does. `agency` is the fullest name written (simplified characters; a title saying only
  “青禾镇…” beside a signature “云川县青禾镇人民政府” gives the latter); `region` the region chain written before the
  body inside that name, outermost first (null when the name carries none); `short_name` the name users say: the
  镇/乡/街道 name, a government's place name (云川县), for a department the county or city it belongs to + the
  department (云川县教育局; a development zone's committee is named by its zone: 青禾经济开发区管理委员会);
  `level` one of schema.LEVELS (null with the agency). `year` is the report year when the text writes it (“2022年”),
  never inferred from a signing or publishing date.
- cells: "table.row.column" → the number a stated cell holds (a stated zero is 0). A merged cell spanning a whole row
  of table 3 states that row's `total` only. `unknown_cells`: template cells printed blank, “/” or “—”, left open by
  such a merge, or cut off by truncation.
- facts: schema.FACT_LABELS keys and "item:<noun>", where a sentence states them: a number for counts, true for a
  stated absence (“未收到申请” is no_requests, not requests_received = 0). “收到申请N件，已全部办结” also states
  requests_handled = N. Where a report has both, prose figures equal its tables. Filler prose holds no other number.
"""

from __future__ import annotations

import csv
import html
import io
import json
import random
import re
import zipfile
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any

from indexing.schema import (
    APPEAL_BLOCKS,
    APPEAL_COLUMNS,
    APPLICANT_COLUMNS,
    FACT_LABELS,
    HANDLING_ROWS,
    ITEM_PREFIX,
    PROACTIVE_COLUMN_LABELS,
    REQUEST_COLUMN_LABELS,
    SUBTOTAL_GROUPS,
    proactive_rows,
    request_columns,
    request_rows,
)

Number = int | float
FactValue = Number | bool

TRUTH_FILE = "truth.jsonl"
MANIFEST_FILE = "manifest.csv"
MANIFEST_COLUMNS = ("file", "agency", "region", "year", "url")


# ---------------------------------------------------------------- the mix
@dataclass(frozen=True)
class Mix:
    """How often each shape occurs, following the study of 540 real reports from 31 provinces (/tmp/study,
    shapes_tally.out): levels 部门 199 · 乡镇 140 · 县级 70 · 街道 46 · 市级 37 · 省级 25 · 开发区 23; years ≤2018 78 ·
    2019–2020 150 · 2021+ 309; title absent 241 of 532, printed twice 38 of 291, split over lines 40 of 291; name
    without region 232 · with its county 168 · full chain 78; no chrome 294 of 532; traditional characters 55 of 532;
    tables reached: cell per line with blank lines 28 · pipe rows 26 · pipe cells 16 · newlines inside cells 3 (the
    five project samples are tab-indented cell per line); half-width brackets 41 and empty pipes for merged cells 38
    of the 74 tables seen. Shapes the study could not count (excerpts stop early: truncation, GB18030) are set by
    judgement. Non-reports are 3% here (a crawl of report pages), not the 19% of raw search results."""

    non_report: float = 0.03
    formats: tuple[tuple[str, int], ...] = (("txt", 50), ("md", 10), ("html", 17), ("docx", 15), ("pdf", 8))
    levels: tuple[tuple[str, int], ...] = (
        ("乡镇", 26), ("街道", 9), ("县级", 13), ("市级", 7), ("省级", 5), ("部门", 40),
    )  # fmt: skip
    zone_share: float = 0.11  # of 部门: development zones' committees
    years: tuple[tuple[str, int], ...] = (("pre2019", 15), ("2019", 28), ("2021", 57))
    region_shapes: tuple[tuple[str, int], ...] = (("full", 15), ("city_county", 8), ("county", 33), ("body_only", 44))
    titles: tuple[tuple[str, int], ...] = (("present", 46), ("split", 7), ("absent", 45), ("metadata_only", 2))
    title_twice: float = 0.13
    txt_table_shapes: tuple[tuple[str, int], ...] = (
        ("cell_per_line_blank", 33), ("pipe_rows", 28), ("pipe_cells", 18), ("cell_per_line", 12),
        ("pipe_rows_wrapped", 4), ("tab_rows", 5),
    )  # fmt: skip
    chrome: float = 0.6  # of .txt/.md/.html files (.docx/.pdf have none): about 40% of all reports
    traditional: float = 0.10
    gb18030: float = 0.12  # of .txt and .html files in simplified characters
    truncated: float = 0.10  # of .txt files
    one_line: float = 0.03  # of .txt files: the whole report on one line
    tables_lost: float = 0.15  # of reports on 2019 and later: headings kept, tables gone
    old_outline: float = 0.2  # of those: the pre-2019 outline still used
    old_template: float = 0.04  # of reports on 2021 and later printing the 2019 tables
    wide: float = 0.10  # of reports on 2021 and later
    manifest: float = 0.30
    named_file: float = 0.15  # file named after the report instead of an opaque id


MIX = Mix()


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights)[0]


# ---------------------------------------------------------------- invented bodies
_FIRST = "青松云石柳白兰双桂梅枫竹杏岚鹤麦芦荷栗槐桐杉樟橙茶秋春晓星月泉涧溪沙凤鹿燕雀朱瑞裕临湘黛翠碧鸿雪霞晴岩坪"
_SECOND = "禾岭川门溪沙亭桥塘岗林坛鸣田湾园荫湖埠浦晖岚口洲栖台坊角丰源泽峰屏前坝垭圩滩冈畈"
PROVINCES = ("岚江省", "云岭省", "溪北省", "澜南省", "东陵省", "翠川省")
COUNTY_DEPTS = (
    "教育局", "财政局", "自然资源局", "农业农村局", "市场监督管理局", "民政局", "交通运输局", "司法局", "应急管理局",
    "人力资源和社会保障局", "住房和城乡建设局", "水利局", "医疗保障局", "卫生健康局", "文化和旅游局", "发展和改革局",
    "人民政府办公室",
)  # fmt: skip
CITY_DEPTS = (
    "教育局", "财政局", "生态环境局", "卫生健康委员会", "发展和改革委员会", "住房和城乡建设局", "市场监督管理局",
    "人民政府办公室",
)  # fmt: skip
PROVINCE_DEPTS = ("教育厅", "财政厅", "自然资源厅", "交通运输厅", "卫生健康委员会", "人民政府办公厅")
ZONE_SUFFIX = "经济开发区管理委员会"


@dataclass(frozen=True)
class Body:
    own: str  # the body's own name: 青禾镇人民政府 · 松岭街道办事处 · 云川县人民政府 · 教育局
    place: str  # the place name users say: 青禾镇 · 松岭街道 · 云川县 ("" for departments)
    parents: tuple[str, ...]  # the region chain above the body, outermost first; a department's ends with its owner
    level: str
    self_ref: str  # how the text calls itself: 我镇 · 我街道 · 我局 …
    min_chain: int = 0  # a department is always named with the government it belongs to

    def full(self, chain: int) -> str:
        return "".join(self.region(chain)) + self.own

    def region(self, chain: int) -> list[str]:
        return list(self.parents[len(self.parents) - chain :]) if chain else []

    @property
    def short_name(self) -> str:
        if self.level != "部门":
            return self.place
        return self.own if self.own.endswith(ZONE_SUFFIX) else self.parents[-1] + self.own


def _name2(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(_FIRST) + rng.choice(_SECOND)
        if name not in taken and name[0] != name[1]:
            taken.add(name)
            return name


def pick_body(rng: random.Random) -> Body:
    taken: set[str] = set()
    province = rng.choice(PROVINCES)
    city = _name2(rng, taken) + "市"
    county = _name2(rng, taken) + rng.choice("县县区")
    level = _pick(rng, MIX.levels)
    if level == "乡镇":
        town = _name2(rng, taken) + rng.choice("镇镇镇乡")
        return Body(town + "人民政府", town, (province, city, county), level, "我" + town[-1])
    if level == "街道":
        street = _name2(rng, taken) + "街道"
        return Body(street + "办事处", street, (province, city, county), level, rng.choice(("我街道", "本街道")))
    if level == "县级":
        return Body(county + "人民政府", county, (province, city), level, "我" + county[-1])
    if level == "市级":
        return Body(city + "人民政府", city, (province,), level, "我市")
    if level == "省级":
        return Body(province + "人民政府", province, (), level, "我省")
    if rng.random() < MIX.zone_share:
        zone = _name2(rng, taken) + ZONE_SUFFIX
        return Body(zone, "", (province, city), "部门", "我委")
    owner = rng.choices(("county", "city", "province"), (65, 30, 5))[0]
    if owner == "county":
        dept, parents = rng.choice(COUNTY_DEPTS), (province, city, county)
    elif owner == "city":
        dept, parents = rng.choice(CITY_DEPTS), (province, city)
    else:
        dept, parents = rng.choice(PROVINCE_DEPTS), (province,)
    return Body(dept, "", parents, "部门", _dept_self_ref(dept), min_chain=1)


def _dept_self_ref(dept: str) -> str:
    for suffix, ref in (("委员会", "我委"), ("办公室", "我办"), ("办公厅", "我厅"), ("厅", "我厅")):
        if dept.endswith(suffix):
            return ref
    return "我局"


def pick_chain(rng: random.Random, body: Body) -> int:
    if body.level in ("市级", "省级") or (body.level == "县级" and rng.random() < 0.6):
        return 0  # the study saw city and province governments named alone, most county governments too
    wanted = {"full": len(body.parents), "city_county": 2, "county": 1, "body_only": 0}[_pick(rng, MIX.region_shapes)]
    return max(body.min_chain, min(wanted, len(body.parents)))


def region_shape(body: Body, chain: int) -> str:
    if chain == 0:
        return "body_only"
    if chain == len(body.parents):
        return "full"
    return "county" if chain == 1 else "city_county"


# ---------------------------------------------------------------- table data
@dataclass
class TableData:
    template: str  # 2021 | 2019 | wide
    proactive: dict[str, dict[str, Number]]
    requests: dict[str, dict[str, int]]
    appeals: dict[str, dict[str, int]]

    def value(self, key: str) -> Number:
        table, row, col = key.split(".")
        return getattr(self, table)[row][col]


def _activity(rng: random.Random, level: str) -> str:
    weights = (60, 30, 10) if level in ("乡镇", "街道") else (35, 40, 25)
    return rng.choices(("quiet", "light", "busy"), weights)[0]


def _proactive_value(rng: random.Random, row: str, col: str, level: str, activity: str) -> Number:
    if col in ("amount_wan", "amount"):
        return 0 if activity == "quiet" or rng.random() < 0.5 else round(rng.uniform(0.5, 900), 2)
    if col == "change":
        return 0 if activity == "quiet" else rng.randint(-3, 5)
    if row == "rules":
        return rng.randint(0, 4) if level == "省级" and col != "repealed" else 0
    scale = {"quiet": 0, "light": 12, "busy": 400}[activity]
    if row in ("licensing", "penalty", "other_services"):
        scale *= 3
    if row in ("normative_docs", "procurement"):
        scale = min(scale, 40)
    return rng.randint(0, scale) if scale else 0


def proactive_data(rng: random.Random, template: str, level: str, activity: str) -> dict[str, dict[str, Number]]:
    rows = proactive_rows(template)
    data = {r.key: {c: _proactive_value(rng, r.key, c, level, activity) for c in r.columns} for r in rows}
    for row in data.values():  # documents in force include this year's; all published include this year's
        for part, whole in (("issued", "in_force"), ("new_published", "total_published")):
            if part in row and row[part] > row[whole]:
                row[whole] += row[part]
    return data


def requests_data(rng: random.Random, template: str, activity: str) -> dict[str, dict[str, int]]:
    """Table 3 that keeps the rules printed on it: per column new + carried over = handled + carried forward, the
    total column sums the applicant columns, handled_total sums the handling rows (and the wide variant's subtotals)."""
    handling = HANDLING_ROWS[template]
    rows = {r: dict.fromkeys(APPLICANT_COLUMNS, 0) for r in request_rows(template)}
    weights = [30, 10, *[1] * 8, 12, 3, 2, 4, 2, 1, 1, 1, *[1] * (len(handling) - 18)]
    for col in APPLICANT_COLUMNS:
        people = col == "natural_person"
        top = {"quiet": 0, "light": 5 if people else 1, "busy": 60 if people else 8}[activity]
        new = rng.randint(0, top) if top else 0
        over = rng.randint(0, 2) if activity == "busy" and rng.random() < 0.3 else 0
        forward = rng.randint(0, min(2, new + over)) if rng.random() < 0.2 else 0
        rows["new_received"][col], rows["carried_over"][col], rows["carried_forward"][col] = new, over, forward
        for outcome in rng.choices(handling, weights, k=new + over - forward):
            rows[outcome][col] += 1
    for col in APPLICANT_COLUMNS:
        rows["handled_total"][col] = sum(rows[r][col] for r in handling)
        for subtotal, members in SUBTOTAL_GROUPS.items():
            if subtotal in rows:
                rows[subtotal][col] = sum(rows[m][col] for m in members)
    for row in rows.values():
        if template == "wide":
            row["org_subtotal"] = sum(row[c] for c in APPLICANT_COLUMNS[1:])
        row["total"] = sum(row[c] for c in APPLICANT_COLUMNS)
    return rows


def appeals_data(rng: random.Random, activity: str) -> dict[str, dict[str, int]]:
    out = {}
    for block in APPEAL_BLOCKS:
        counts = [0 if activity != "busy" or rng.random() < 0.6 else rng.randint(0, 3) for _ in APPEAL_COLUMNS[:4]]
        out[block] = dict(zip(APPEAL_COLUMNS, [*counts, sum(counts)], strict=True))
    return out


def make_tables(rng: random.Random, template: str, level: str) -> TableData:
    activity = _activity(rng, level)
    return TableData(
        template,
        proactive_data(rng, template, level, activity),
        requests_data(rng, template, activity),
        appeals_data(rng, activity),
    )


# ---------------------------------------------------------------- grids: a table as printed
@dataclass
class GCell:
    text: str
    key: str | None = None  # the figure this cell holds, "requests.granted.total"
    value: Number | None = None  # None with a key: printed blank / “/” / “—”, unknown
    colspan: int = 1
    rowspan: int = 1
    covers: tuple[str, ...] = ()  # keys a merged value cell leaves unknown
    label: bool = False  # header or row label text (may wrap over lines, carry OCR slips)


@dataclass
class Grid:
    table: str
    ncols: int
    rows: list[list[GCell]]
    parts: list[int] = field(default_factory=lambda: [0])  # first row of each sub-table (表二's 第二十条 items)


@dataclass
class CellStyle:
    """How one report prints its cells."""

    rng: random.Random
    blanks: frozenset[str]  # keys printed as unknown
    mark: str  # "" | "/" | "—"
    half_width: bool = False
    full_width_digits: bool = False
    pinyin: bool = False
    stray_spaces: bool = False
    signed: bool = False  # 本年增/减 written “+3”
    units: bool = False  # amounts written with their unit in the cell: “36.50万元”
    header_damage: str = ""  # "" | "cut" (本年新 | 本年新) | "space" (本年新 制作数量)
    squashed_appeals: bool = False  # table 4's headers squashed into one line: “行政复议行政诉讼”

    def label(self, text: str) -> str:
        if self.half_width:
            text = text.replace("（", "(").replace("）", ")")
        if self.pinyin and self.rng.random() < 0.15:
            text = add_reading_note(self.rng, text)
        return text

    def number(self, value: Number) -> str:
        text = f"{value:.2f}" if isinstance(value, float) else str(value)
        if self.full_width_digits:
            text = text.translate(_FULL_WIDTH)
        if self.stray_spaces and self.rng.random() < 0.1:
            text = self.rng.choice((" ", "")) + text + self.rng.choice((" ", ""))
        return text

    def value(self, key: str, value: Number, colspan: int = 1) -> GCell:
        if key in self.blanks:
            return GCell(self.mark, key=key, value=None, colspan=colspan)
        text = self.number(value)
        column = key.rsplit(".", 1)[-1]
        if column == "change" and self.signed and value > 0:
            text = "+" + text
        if column in ("amount", "amount_wan") and self.units and value:
            text += "万元"
        return GCell(text, key=key, value=value, colspan=colspan)

    def column_header(self, text: str) -> str:
        """A 表二 column header as converters damage it (the study saw both, in 2019-template tables mostly)."""
        if self.header_damage == "cut":
            text = _HEADER_CUTS.get(text, text)
        elif self.header_damage == "space" and len(text) >= 5:
            text = text[:3] + " " + text[3:]
        return self.label(text)


_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
_HEADER_CUTS = {
    "本年新制作数量": "本年新", "本年新公开数量": "本年新", "本年增/减": "本年增/", "对外公开总数量": "对外公开数量",
    "本年制发件数": "本年发件", "现行有效件数": "现行有效件",
}  # fmt: skip


def _header(style: CellStyle, text: str, **span: int) -> GCell:
    return GCell(style.label(text), label=True, **span)


_ITEM_COLUMN_LABELS = {"amount_wan": "本年收费金额（单位：万元）", "amount": "采购总金额（万元）"}


def proactive_grid(data: TableData, style: CellStyle) -> Grid:
    rows: list[list[GCell]] = []
    parts: list[int] = []
    for item, group in groupby(proactive_rows(data.template), key=lambda r: r.item):
        members = list(group)
        columns = members[0].columns
        widths = {1: (3,), 2: (1, 2), 3: (1, 1, 1)}[len(columns)]
        parts.append(len(rows))
        rows.append([_header(style, f"第二十条第{item}项", colspan=4)])
        header = [_header(style, "信息内容")]
        for col, width in zip(columns, widths, strict=True):
            text = _ITEM_COLUMN_LABELS.get(col, PROACTIVE_COLUMN_LABELS[col])
            header.append(GCell(style.column_header(text), label=True, colspan=width))
        rows.append(header)
        for member in members:
            row = [_header(style, member.label)]
            for col, width in zip(columns, widths, strict=True):
                key = f"proactive.{member.key}.{col}"
                row.append(style.value(key, data.value(key), colspan=width))
            rows.append(row)
    return Grid("proactive", 4, rows, parts)


_MID_LABELS = {
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "rejected": "（五）不予处理",
    "other": "（六）其他处理",
    "other_handling": "（六）其他处理",
    "handled_total": "（七）总计",
}
_SUB_LABELS = {
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_forbidden": "2.其他法律行政法规禁止公开",
    "denied_safety_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_query_matter": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_need_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_mass_repeat": "4.无正当理由大量反复申请",
    "rejected_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other_overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他",
    "denied_total": "小计",
    "unable_total": "小计",
    "rejected_total": "小计",
    "other_total": "小计",
}
_TOP_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "carried_forward": "四、结转下年度继续办理",
}
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def requests_grid(data: TableData, style: CellStyle, *, merge_zero_row: bool = False) -> Grid:
    columns = request_columns(data.template)
    keys = request_rows(data.template)
    width = len(columns)
    orgs = width - 2
    rows: list[list[GCell]] = [
        [_header(style, BALANCE_NOTE, colspan=3, rowspan=3), _header(style, "申请人情况", colspan=width)],
        [
            _header(style, "自然人", rowspan=2),
            _header(style, "法人或其他组织", colspan=orgs),
            _header(style, "总计", rowspan=2),
        ],
        [_header(style, "小计" if c == "org_subtotal" else REQUEST_COLUMN_LABELS[c]) for c in columns[1:-1]],
    ]
    handled = keys[keys.index("granted") : keys.index("handled_total") + 1]
    groups = {k: k.split("_")[0] for k in _SUB_LABELS if k in keys}
    for key in keys:
        row: list[GCell] = []
        if key in _TOP_LABELS:
            row.append(_header(style, _TOP_LABELS[key], colspan=3))
        else:
            if key == handled[0]:
                row.append(_header(style, "三、本年度办理结果", rowspan=len(handled)))
            if key in groups:
                members = [k for k in keys if groups.get(k) == groups[key]]
                if key == members[0]:
                    row.append(_header(style, _MID_LABELS[groups[key]], rowspan=len(members)))
                row.append(_header(style, _SUB_LABELS[key]))
            else:
                row.append(_header(style, _MID_LABELS[key], colspan=2))
        cells = [f"requests.{key}.{c}" for c in columns]
        merge = merge_zero_row and key == "carried_over" and not any(data.value(k) for k in cells)
        if merge and not set(cells) & style.blanks:
            row.append(GCell(style.number(0), key=cells[-1], value=0, colspan=width, covers=tuple(cells[:-1])))
        else:
            row.extend(style.value(k, data.value(k)) for k in cells)
        rows.append(row)
    return Grid("requests", 3 + width, rows)


def appeals_grid(data: TableData, style: CellStyle) -> Grid:
    labels = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    values = [style.value(f"appeals.{b}.{c}", data.appeals[b][c]) for b in APPEAL_BLOCKS for c in APPEAL_COLUMNS]
    if style.squashed_appeals:  # the header text run together on one line, then the fifteen numbers
        return Grid("appeals", 15, [[_header(style, "行政复议行政诉讼", colspan=15)], values])
    rows = [
        [_header(style, "行政复议", colspan=5), _header(style, "行政诉讼", colspan=10)],
        [_header(style, t, rowspan=2) for t in labels]
        + [_header(style, "未经复议直接起诉", colspan=5), _header(style, "复议后起诉", colspan=5)],
        [_header(style, t) for t in labels * 2],
        values,
    ]
    return Grid("appeals", 15, rows)


def pick_blanks(rng: random.Random, data: TableData) -> frozenset[str]:
    """Cells a report prints as unknown: whole rows of table 2 (“/” for what the body does not do), a scattering in
    tables 3 and 4."""
    if rng.random() > 0.3:
        return frozenset()
    keys: set[str] = set()
    for row, cols in data.proactive.items():
        if rng.random() < 0.25:
            keys.update(f"proactive.{row}.{c}" for c in cols)
    for table in ("requests", "appeals"):
        for row, cols in getattr(data, table).items():
            keys.update(f"{table}.{row}.{c}" for c in cols if rng.random() < 0.03)
    return frozenset(keys)


# ---------------------------------------------------------------- grid layout
def layout(grid: Grid) -> list[list[tuple[GCell, int, int]]]:
    """Every grid position of every row: (the cell covering it, rows down from its origin, columns right of it)."""
    taken: dict[tuple[int, int], tuple[GCell, int, int]] = {}
    for r, row in enumerate(grid.rows):
        col = 0
        for cell in row:
            while (r, col) in taken:
                col += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, col + dc)] = (cell, dr, dc)
            col += cell.colspan
    blank = GCell("")
    return [[taken.get((r, c), (blank, 0, 0)) for c in range(grid.ncols)] for r in range(len(grid.rows))]


# ---------------------------------------------------------------- lines: what a text states, line by line
@dataclass
class Line:
    text: str
    cells: dict[str, Number] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    facts: dict[str, FactValue] = field(default_factory=dict)


def cell_line(text: str, cells: list[GCell]) -> Line:
    stated = {c.key: c.value for c in cells if c.key and c.value is not None}
    unknown = tuple(k for c in cells for k in ((c.key,) if c.key and c.value is None else ()) + c.covers)
    return Line(text, stated, unknown)


def _visible(text: str, allow_empty: bool) -> str:
    return text if text.strip() or allow_empty else "/"


def lines_cell_per_line(grid: Grid, rng: random.Random, *, indent: str, blank_cells: bool, blank_rows: bool,
                        split_labels: bool) -> list[Line]:  # fmt: skip
    """One cell per line (a .docx copied as text), each spanned cell once; labels may wrap (“商业\\n企业”)."""
    out: list[Line] = []
    for row in grid.rows:
        for cell in row:
            cut = wrap_point(cell.text, rng) if cell.label and split_labels else None
            if cut:
                out += [Line(indent + cell.text[:cut]), Line(indent + cell.text[cut:])]
            else:
                out.append(cell_line(indent + _visible(cell.text, bool(indent) and not blank_cells), [cell]))
            if blank_cells:
                out.append(Line(""))
        if blank_rows and not blank_cells:
            out.append(Line(""))
    return out


_NARROW_HEADERS = {
    "商业企业": 2, "科研机构": 2, "社会公益组织": 4, "法律服务机构": 4, "法人或其他组织": 5, "信息内容": 2,
}  # fmt: skip


def wrap_point(label: str, rng: random.Random) -> int | None:
    """Where a label wraps in a narrow cell: the applicant headers (“商业\n企业”), or a long label near its middle."""
    if label in _NARROW_HEADERS:
        return _NARROW_HEADERS[label] if rng.random() < 0.7 else None
    if len(label) >= 14 and rng.random() < 0.3:
        return rng.randint(len(label) // 2 - 2, len(label) // 2 + 2)
    return None


@dataclass(frozen=True)
class PipeStyle:
    """How a page converter wrote pipe rows (all seen in the study)."""

    fill_spans: bool = False  # a label spanning columns leaves empty pipes (“| 第二十条第(五)项 | |||”)
    tight: bool = False  # “|规章|0|0|0|”
    lead: bool = True  # a leading pipe; without it “规章 | 0 | 0 | 0 |”
    squeeze: bool = False  # runs of empty cells squeezed (“| ||||”)
    trailing: bool = False  # an extra empty column at the end (“… | 9 | |”)
    wrap: bool = False  # a long label wrapped inside its cell: the row continues on the next line


def lines_pipe_rows(grid: Grid, pipes: PipeStyle, rng: random.Random | None = None) -> list[Line]:
    """One table row per line: “| 规章 | 0 | 0 | 0 |”. A value merged over columns leaves empty pipes after it; a
    label spanning columns shows once (or with empty pipes); a cell covered from above is an empty cell."""
    out = []
    for slots in layout(grid):
        texts, cells = [], []
        for cell, dr, dc in slots:
            if dr == 0 and dc == 0:
                texts.append(cell.text)
                cells.append(cell)
            elif (dr == 0 and (pipes.fill_spans or cell.key)) or (dr > 0 and (dc == 0 or pipes.fill_spans)):
                texts.append("")
        if pipes.trailing:
            texts.append("")
        sep = "|" if pipes.tight else " | "
        line = sep.join(texts) + sep.rstrip()
        if pipes.lead:
            line = sep.lstrip() + line
        if pipes.squeeze:
            line = re.sub(r"\|[ ]+(?=\|)", "|", line)
        cut = _wrap_in_row(line, cells, rng) if pipes.wrap and rng else None
        if cut:
            out += [Line(line[:cut]), cell_line(line[cut:], cells)]
        else:
            out.append(cell_line(line, cells))
    return out


def _wrap_in_row(line: str, cells: list[GCell], rng: random.Random) -> int | None:
    """Where the row's first long label wraps inside its cell (a position in `line`), if it does."""
    for cell in cells:
        if cell.label and len(cell.text) >= 14 and rng.random() < 0.6:
            return line.index(cell.text) + len(cell.text) // 2
    return None


def lines_pipe_cells(grid: Grid, *, row_starts: bool) -> list[Line]:
    """Each cell on its own line followed by a pipe (“规章 |”), as some page converters write tables: a blank cell is
    a lone “|”, a cell merged over k columns is followed by a line of k-1 pipes (“|||”), and with `row_starts` each
    row begins with a lone “|” line (a blank cell then shows “/”: a lone pipe would be any of the three)."""
    out: list[Line] = []
    for row in grid.rows:
        if row_starts:
            out.append(Line("|"))
        for cell in row:
            text = _visible(cell.text, not row_starts) if cell.key else cell.text
            out.append(cell_line(f"{text} |".lstrip(), [cell]))
            if cell.colspan > 1:
                out.append(Line("|" * (cell.colspan - 1)))
    return out


def lines_tab_rows(grid: Grid) -> list[Line]:
    """One row per line, cells separated by tabs; a cell covered from above is an empty field (a leading tab)."""
    out = []
    for slots in layout(grid):
        texts, cells = [], []
        for cell, dr, dc in slots:
            if dr == 0 and dc == 0:
                texts.append(_visible(cell.text, False) if cell.key else cell.text)
                cells.append(cell)
            elif dr > 0 and dc == 0:
                texts.append("")
        out.append(cell_line("\t".join(texts), cells))
    return out


def lines_markdown(grid: Grid, style: CellStyle) -> list[Line]:
    """One Markdown table per sub-table, as PDF-to-Markdown converters write it; labels carry OCR slips."""
    out: list[Line] = []
    slots = layout(grid)
    bounds = [*grid.parts, len(grid.rows)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        first = start
        if grid.table == "proactive":  # the 第二十条 item line is a caption above its own table
            out += [Line(""), Line(ocr_slip(style.rng, grid.rows[start][0].text)), Line("")]
            first = start + 1
        for r in range(first, end):
            texts, cells = [], []
            for cell, dr, dc in slots[r]:
                origin = dr == 0 and dc == 0
                texts.append((ocr_slip(style.rng, cell.text) if cell.label else cell.text) if origin else "")
                if origin:
                    cells.append(cell)
            out.append(cell_line("| " + " | ".join(texts) + " |", cells))
            if r == first:
                out.append(Line("|" + "---|" * grid.ncols))
        out.append(Line(""))
    return out


def ocr_slip(rng: random.Random, label: str) -> str:
    """A converter's misreading inside a label, never in a value: a stray space, “1.” read as “l.”, “0” as “O”."""
    if len(label) < 4 or rng.random() > 0.06:
        return label
    slip = rng.choice(("space", "digit"))
    if slip == "digit" and re.search(r"[01]", label):
        return re.sub(r"0", "O", re.sub(r"^1\.", "l.", label), count=1)
    cut = rng.randint(1, len(label) - 1)
    return label[:cut] + " " + label[cut:]


# ---------------------------------------------------------------- prose
_CN = "一二三四五六七八九十"
_READING_NOTES = {
    "当": "dāng", "数": "shù", "镇": "zhèn", "报": "bào", "告": "gào", "公": "gōng", "开": "kāi", "政": "zhèng",
    "府": "fǔ", "信": "xìn", "息": "xī", "申": "shēn", "请": "qǐng", "量": "liàng", "处": "chǔ", "理": "lǐ",
}  # fmt: skip


def add_reading_note(rng: random.Random, text: str, protect: tuple[str, ...] = ()) -> str:
    """“当(dāng)前”: a mirror site's pinyin note after one character (never inside a protected name or a number)."""
    guarded = {i for p in protect if p for m in re.finditer(re.escape(p), text) for i in range(m.start(), m.end())}
    spots = [i for i, ch in enumerate(text) if ch in _READING_NOTES and i not in guarded]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[: i + 1] + f"({_READING_NOTES[text[i]]})" + text[i + 1 :]


@dataclass
class Voice:
    """What the prose of one report may say about itself."""

    rng: random.Random
    self_ref: str  # 我镇
    year: int
    year_written: bool  # False: the text never writes the report year
    cn_numerals: bool

    @property
    def y(self) -> str:
        return f"{self.year}年" if self.year_written else "本年度"

    def num(self, n: int) -> str:
        if self.cn_numerals and 0 < n < 10000 and self.rng.random() < 0.3:
            return _an2cn(n)
        return str(n)


def _an2cn(n: int) -> str:
    import cn2an

    return cn2an.an2cn(n)


@dataclass
class Figures:
    """The figures a report states in prose."""

    proactive_total: int | None = None
    channels: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    press_conferences: int | None = None
    policy_interpretations: int | None = None
    requests: int | None = None  # 0 is written “未收到…申请”
    handled: int | None = None
    reviews: int | None = None
    lawsuits: int | None = None  # reviews == lawsuits == 0 is written “未发生…行政复议、行政诉讼”
    total_in_wan: bool = False  # the total written with 万 (“1.2万条”)
    no_fees: bool = False
    no_proposals: bool = False


CHANNELS = (
    "channel_website", "channel_column", "channel_wechat", "channel_weibo", "channel_weibo_wechat", "channel_media",
    "channel_douyin", "channel_new_media", "channel_board", "channel_app",
)  # fmt: skip
ITEM_NOUNS = (
    "工作动态", "政策文件", "人事信息", "通知公告", "财政预决算", "重点领域信息", "机构职能", "规划计划",
    "招标采购信息", "民生实事", "应急管理信息", "乡村振兴",
)  # fmt: skip


def pick_figures(rng: random.Random, mode: str, level: str, data: TableData | None) -> Figures:
    """Prose figures for mode prose/both (both: requests and appeals equal the tables); none for tables/neither."""
    fig = Figures()
    if mode not in ("prose", "both"):
        return fig
    small = level in ("乡镇", "街道")
    if rng.random() < 0.8:
        fig.proactive_total = rng.randint(20, 400) if small else rng.randint(60, 3000)
    cap = fig.proactive_total or 500
    if fig.proactive_total and not small and rng.random() < 0.05:
        fig.proactive_total = rng.randint(11, 60) * 1000  # written “1.2万条”
        fig.total_in_wan = True
    if rng.random() < 0.6:
        for key in rng.sample(CHANNELS, rng.randint(1, 4)):
            fig.channels[key] = rng.randint(1, 24 if key == "channel_board" else cap)
    if rng.random() < 0.5:
        nouns = rng.sample(ITEM_NOUNS, rng.randint(2, 4))
        fig.items = {noun: rng.randint(1, max(1, cap // len(nouns))) for noun in nouns}
    if rng.random() < 0.08:
        fig.press_conferences = rng.randint(1, 12)
    if rng.random() < 0.2:
        fig.policy_interpretations = rng.randint(1, 80)
    if data is not None:
        received = data.requests["new_received"]["total"]
        handled = data.requests["handled_total"]["total"]
        reviews = data.appeals["review"]["total"]
        lawsuits = data.appeals["litigation_direct"]["total"] + data.appeals["litigation_after_review"]["total"]
    else:
        received = 0 if rng.random() < 0.5 else rng.randint(1, 40)
        handled = received if rng.random() < 0.7 else rng.randint(0, received)
        reviews = 0 if rng.random() < 0.8 else rng.randint(1, 3)
        lawsuits = 0 if rng.random() < 0.85 else rng.randint(1, 2)
    if rng.random() < 0.85:
        fig.requests = received
        if received and rng.random() < 0.5:
            fig.handled = handled
    if rng.random() < 0.35:
        fig.reviews, fig.lawsuits = reviews, lawsuits
    fig.no_fees = rng.random() < 0.12
    fig.no_proposals = rng.random() < 0.08
    return fig


_TOTAL = (
    "全年主动公开政府信息{n}条", "共发布各类信息{n}条", "主动公开信息总数{n}条", "通过各类渠道主动公开政府信息{n}条",
    "累计主动公开政府信息{n}条", "主动公开各类政务信息共计{n}条",
)  # fmt: skip
_CHANNEL = {
    "channel_wechat": (
        "通过“{acct}”微信公众号发布{n}条", "在“{acct}”微信公众号推送信息{n}条", "利用微信公众号发布政务信息{n}篇",
    ),  # fmt: skip
    "channel_website": ("在{site}门户网站发布{n}篇", "通过政府网站公开信息{n}条", "在{site}网站发布政务信息{n}条"),
    "channel_column": ("在政府信息公开专栏发布{n}条", "通过信息公开专栏公开文件{n}件"),
    "channel_weibo": ("政务微博发布{n}条", "通过官方微博发布信息{n}条"),
    "channel_weibo_wechat": ("通过政务微博、微信发布{n}条",),
    "channel_media": ("在新闻媒体刊发稿件{n}篇", "通过报纸、电视等新闻媒体发布信息{n}篇"),
    "channel_douyin": ("抖音号发布短视频{n}条", "通过“{acct}”抖音号发布{n}条"),
    "channel_new_media": ("政务新媒体发布{n}条", "通过政务新媒体平台发布信息{n}条"),
    "channel_board": ("公开栏张贴{n}期", "通过政务公开栏公示信息{n}期"),
    "channel_app": ("通过政务APP发布{n}条", "在政务客户端推送信息{n}条"),
}
_PRESS = ("召开新闻发布会{n}场", "举办新闻发布会{n}场", "组织召开新闻发布会{n}次")
_INTERPRETATIONS = ("发布政策解读{n}篇", "开展政策解读{n}次", "制作图文解读等政策解读材料{n}篇")
_REQUESTS = (
    "收到政府信息公开申请{n}件", "全年共受理依申请公开{n}件", "本年度新收政府信息公开申请{n}件",
    "共接收政府信息公开申请{n}件", "收到政府信息公开申请{n}条",
)  # fmt: skip
_HANDLED = ("按时答复{n}件", "办结{n}件", "已办结{n}件")
_HANDLED_ALL = ("已全部办结", "均已按期答复")
_NO_REQUESTS = (
    "全年未收到政府信息公开申请", "本年度没有收到政府信息公开申请", "未收到公民、法人或其他组织提出的政府信息公开申请",
)  # fmt: skip
_REVIEWS = ("发生政府信息公开行政复议{n}起", "因政府信息公开被申请行政复议{n}件")
_LAWSUITS = ("被提起政府信息公开行政诉讼{n}件", "发生政府信息公开行政诉讼{n}起")
_NO_APPEALS = ("未发生政府信息公开行政复议、行政诉讼", "全年无因政府信息公开引起的行政复议和行政诉讼案件",
               "没有发生因政府信息公开申请引起的行政复议、行政诉讼")  # fmt: skip
_NO_FEES = ("未收取信息处理费", "本年度没有收取信息处理费", "未向申请人收取任何信息处理费")
_NO_PROPOSALS = ("本年度未收到人大代表建议和政协委员提案", "未承办人大代表建议、政协委员提案")


def _say(voice: Voice, wordings: tuple[str, ...], n: int | None = None, **names: str) -> str:
    text = voice.rng.choice(wordings)
    return text.format(n=voice.num(n) if n is not None else "", y=voice.y, **names)


def proactive_lines(voice: Voice, fig: Figures, account: str, site: str) -> list[Line]:
    rng = voice.rng
    out: list[Line] = []
    clauses: list[str] = []
    facts: dict[str, FactValue] = {}
    if fig.proactive_total is not None:
        total = _say(voice, _TOTAL, fig.proactive_total)
        if fig.total_in_wan:
            total = total.replace(str(fig.proactive_total), f"{fig.proactive_total / 10000:g}万")
        clauses.append(total)
        facts["proactive_total"] = fig.proactive_total
    for i, (key, n) in enumerate(fig.channels.items()):
        clause = _say(voice, _CHANNEL[key], n, acct=account, site=site)
        clauses.append(("其中" if i == 0 and clauses and rng.random() < 0.6 else "") + clause)
        facts[key] = n
    if clauses:
        out.append(Line(f"{voice.y}，{voice.self_ref}" + "，".join(clauses) + "。", facts=facts))
    if fig.items:
        joiner = rng.choice(("，", "、"))
        head = rng.choice(("其中", "按内容分类，", "从内容看，"))
        text = head + joiner.join(f"{noun}{voice.num(n)}条" for noun, n in fig.items.items()) + "。"
        out.append(Line(text, facts={ITEM_PREFIX + noun: n for noun, n in fig.items.items()}))
    extra, facts = [], {}
    if fig.press_conferences is not None:
        extra.append(_say(voice, _PRESS, fig.press_conferences))
        facts["press_conferences"] = fig.press_conferences
    if fig.policy_interpretations is not None:
        extra.append(_say(voice, _INTERPRETATIONS, fig.policy_interpretations))
        facts["policy_interpretations"] = fig.policy_interpretations
    if extra:
        out.append(Line("全年" + "，".join(extra) + "。", facts=facts))
    return out


def requests_line(voice: Voice, fig: Figures) -> Line | None:
    if fig.requests is None:
        return None
    if fig.requests == 0:
        return Line(f"{voice.y}，{voice.self_ref}{_say(voice, _NO_REQUESTS)}。", facts={"no_requests": True})
    facts: dict[str, FactValue] = {"requests_received": fig.requests}
    text = f"{voice.y}，{voice.self_ref}{_say(voice, _REQUESTS, fig.requests)}"
    if fig.handled is not None:
        if fig.handled == fig.requests and voice.rng.random() < 0.5:
            text += "，" + _say(voice, _HANDLED_ALL)
        else:
            text += "，" + _say(voice, _HANDLED, fig.handled)
        facts["requests_handled"] = fig.handled
    return Line(text + "。", facts=facts)


def appeals_line(voice: Voice, fig: Figures) -> Line | None:
    if fig.reviews is None or fig.lawsuits is None:
        return None
    if fig.reviews == 0 and fig.lawsuits == 0:
        return Line(f"{voice.y}，{voice.self_ref}{_say(voice, _NO_APPEALS)}。", facts={"no_appeals": True})
    clauses, facts = [], {}
    if fig.reviews:
        clauses.append(_say(voice, _REVIEWS, fig.reviews))
        facts["reviews"] = fig.reviews
    if fig.lawsuits:
        clauses.append(_say(voice, _LAWSUITS, fig.lawsuits))
        facts["lawsuits"] = fig.lawsuits
    return Line(f"{voice.y}，{voice.self_ref}" + "，".join(clauses) + "，均已依法办理。", facts=facts)


def other_lines(voice: Voice, fig: Figures) -> list[Line]:
    out = []
    if fig.no_fees:
        out.append(Line(f"{voice.y}，{voice.self_ref}{_say(voice, _NO_FEES)}。", facts={"no_fees": True}))
    if fig.no_proposals:
        out.append(Line(_say(voice, _NO_PROPOSALS) + "。", facts={"no_proposals": True}))
    return out


# Filler: invented sentences with no figures in them.
FILLER: dict[str, tuple[str, ...]] = {
    "overview": (
        "{y}，{s}坚持以公开为常态、不公开为例外，健全信息发布审核机制，推动政务公开工作规范有序开展。",
        "{s}把政务公开工作列入重要议事日程，明确分管负责人和具体经办人员，形成上下联动的工作格局。",
        "围绕群众关心关注的热点事项，{s}及时发布工作信息，主动回应社会关切。",
    ),
    "proactive": (
        "{s}及时公开机构职能、政策文件、财政资金等信息，确保应公开尽公开。",
        "{s}重点做好惠民惠农政策、民生项目建设等领域的信息公开，方便群众查询。",
    ),
    "requests": (
        "{s}畅通依申请公开受理渠道，规范受理、登记、办理、答复等环节。",
        "对申请人提出的申请，{s}严格按照法定时限和程序办理。",
    ),
    "management": (
        "{s}严格执行信息发布保密审查制度，做到先审查、后公开。",
        "对已公开的政策文件开展定期清理，及时更新失效信息。",
    ),
    "platform": (
        "{s}加强门户网站信息公开栏目维护，及时更新栏目内容。",
        "持续规范政务新媒体运营管理，提升信息发布质量。",
    ),
    "supervision": (
        "{s}将政务公开工作纳入年度目标考核，定期开展自查整改。",
        "组织工作人员参加政务公开业务培训，提升业务能力。",
    ),
    "problems": (
        "{s}政务公开工作仍存在一些不足：一是公开内容不够全面，二是信息更新不够及时，三是业务能力有待提升。",
        "下一步，{s}将进一步完善工作机制，加强人员培训，提高公开质量和时效。",
    ),
    "other": ("无其他需要报告的事项。", "{s}无其他需要报告的事项。"),
}


def filler(voice: Voice, kind: str, k: int = 1) -> list[Line]:
    chosen = voice.rng.sample(FILLER[kind], min(k, len(FILLER[kind])))
    return [Line(s.format(y=voice.y, s=voice.self_ref)) for s in chosen]


# ---------------------------------------------------------------- the document
@dataclass
class Block:
    """One piece of a report: text lines (a paragraph, heading, title…) or a table."""

    kind: str  # chrome | title | text | heading | subheading | signature | table
    lines: list[Line] = field(default_factory=list)
    grid: Grid | None = None


@dataclass
class Shape:
    """The shape of one file, as written to truth.jsonl."""

    table_shape: str = "none"
    title: str = "present"
    title_pattern: str = ""
    chrome: bool = False
    chrome_kinds: list[str] = field(default_factory=list)
    traditional: bool = False
    encoding: str = "utf-8"
    truncated: bool = False
    template: str = "2021"
    tables: str = "full"  # full | lost | none (pre-2019 free form)
    figures: str = "both"  # tables | prose | both | neither
    region_shape: str = "county"
    level: str = ""
    numbering: str = "cn"
    outline: str = "template"  # template | pre2019 (the old seven-part outline)
    opening: str = ""
    signature: str = ""
    identity_source: str = ""  # where the truth's agency was found: text | page_title | file_name | manifest | none
    quirks: list[str] = field(default_factory=list)


TITLE_PATTERNS: dict[str, tuple[str, bool]] = {  # pattern → (wording, names the body)
    "body_y": ("{name}{y}年政府信息公开工作年度报告", True),
    "body_y_nd": ("{name}{y}年度政府信息公开工作年度报告", True),
    "y_body_plain": ("{y}年{name}政府信息公开工作年度报告", True),
    "body_y_annual": ("{name}{y}年政府信息公开年度报告", True),
    "body_y_work": ("{name}{y}年度政府信息公开工作报告", True),
    "body_y_info": ("{name}{y}年信息公开工作年度报告", True),
    "body_work_y": ("{name}政府信息公开工作{y}年度报告", True),
    "body_paren_y": ("{name}政府信息公开工作年度报告（{y}年度）", True),
    "y_body": ("{y}年度{name}政府信息公开工作年度报告", True),
    "body_y_zwgk": ("{name}{y}年政务公开工作年度报告", True),
    "body_guanyu": ("{name}关于{y}年度政府信息公开情况的报告", True),
    "guanyu": ("关于{y}年度政府信息公开情况的报告", False),
    "y_info": ("{y}年度信息公开工作年度报告", False),
    "y_only": ("{y}年政府信息公开工作年度报告", False),
    "body_no_year": ("{name}政府信息公开工作年度报告", True),
}
# Weights: the study's counts of 288 titles (182 · 28 · 18 · 11 · 5 · 4 · 3 · 1 …), with a floor for wordings the
# issue names.
_TITLE_WEIGHTS = (
    ("body_y", 182), ("body_y_nd", 28), ("y_body_plain", 18), ("body_y_annual", 11), ("body_y_work", 5),
    ("body_y_info", 4), ("body_work_y", 3), ("body_paren_y", 2), ("y_body", 4), ("body_y_zwgk", 4),
    ("body_guanyu", 2), ("guanyu", 4), ("y_info", 4), ("y_only", 6), ("body_no_year", 3),
)  # fmt: skip

SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况",),
    "proactive": ("主动公开政府信息情况", "主动公开政府信息的情况"),
    "requests": ("收到和处理政府信息公开申请情况", "收到和处理依申请公开情况"),
    "appeals": ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
    "problems": ("存在的主要问题及改进情况", "存在的主要问题和改进措施"),
    "other": ("其他需要报告的事项",),
}
PRE2019_SECTIONS = (
    ("overview", "概述"), ("proactive", "主动公开政府信息情况"), ("requests", "依申请公开政府信息情况"),
    ("fees", "政府信息公开的收费及减免情况"), ("appeals", "因政府信息公开申请行政复议、提起行政诉讼的情况"),
    ("problems", "政府信息公开工作存在的主要问题及改进措施"), ("other", "其他需要报告的事项"),
)  # fmt: skip
OVERVIEW_PARTS = (
    ("proactive", "主动公开"), ("requests", "依申请公开"), ("management", "政府信息管理"),
    ("platform", "政府信息公开平台建设"), ("supervision", "监督保障"),
)  # fmt: skip


def heading_number(style: str, i: int, rng: random.Random) -> str:
    if style == "mixed":
        style = rng.choice(("cn", "arabic", "arabic_dun"))
    if style == "missing":
        style = "cn" if rng.random() < 0.8 else "none"
    return {
        "cn": f"{_CN[i]}、", "arabic": f"{i + 1}.", "arabic_dun": f"{i + 1}、", "part": f"第{_CN[i]}部分 ", "none": "",
    }[style]  # fmt: skip


def sub_number(style: str, j: int) -> str:
    return {"full": f"（{_CN[j]}）", "half": f"({_CN[j]})", "arabic": f"{j + 1}."}[style]


@dataclass
class Plan:
    """Every choice about one report, drawn before any text is written."""

    body: Body
    chain: int
    year: int
    shape: Shape
    data: TableData | None
    figures: Figures
    cells: CellStyle
    voice: Voice
    title_name: str  # full | own | place | none: how the title names the body
    account: str  # the body's WeChat / Douyin account (invented)
    site: str  # generic owner of the portal (县政府 …), never a name


def plan_report(rng: random.Random, fmt: str) -> Plan:
    body = pick_body(rng)
    chain = pick_chain(rng, body)
    band = _pick(rng, MIX.years)
    year = {"pre2019": rng.randint(2009, 2018), "2019": rng.randint(2019, 2020), "2021": rng.randint(2021, 2025)}[band]
    shape = Shape(level=body.level, region_shape=region_shape(body, chain))
    if year < 2019:
        shape.template, shape.tables, shape.outline = "pre2019", "none", "pre2019"
        shape.figures = "prose" if rng.random() < 0.8 else "neither"
    else:
        shape.template = "2019" if year < 2021 else ("wide" if rng.random() < MIX.wide else "2021")
        if year >= 2021 and rng.random() < MIX.old_template:
            shape.template = "2019"  # some bodies kept printing the old tables
        if rng.random() < MIX.tables_lost:
            shape.tables = "lost"
            shape.figures = "prose" if rng.random() < 0.85 else "neither"
            if rng.random() < MIX.old_outline:
                shape.outline = "pre2019"
        else:
            shape.figures = "both" if rng.random() < 0.65 else "tables"
    data = make_tables(rng, shape.template, body.level) if shape.tables == "full" else None
    figures = pick_figures(rng, shape.figures, body.level, data)
    cells = CellStyle(
        rng,
        pick_blanks(rng, data) if data else frozenset(),
        rng.choice(("", "/", "—")),
        half_width=rng.random() < 0.5,
        full_width_digits=rng.random() < 0.04,
        pinyin=False,
        stray_spaces=rng.random() < 0.15,
        signed=rng.random() < 0.3,
        units=rng.random() < 0.15,
        header_damage=rng.choices(("", "cut", "space"), (88, 6, 6))[0],
        squashed_appeals=rng.random() < 0.15,
    )
    shape.traditional = rng.random() < MIX.traditional
    cells.pinyin = shape.traditional and rng.random() < 0.5  # reading notes come from the same mirror sites
    shape.title = _pick(rng, MIX.titles)
    shape.title_pattern = _pick(rng, _TITLE_WEIGHTS)
    if shape.title == "split" and not TITLE_PATTERNS[shape.title_pattern][0].startswith("{name}"):
        shape.title_pattern = "body_y"
    names_body = TITLE_PATTERNS[shape.title_pattern][1]
    title_name = "none"
    if names_body:
        title_name = "full" if body.level == "部门" else rng.choices(("full", "own", "place"), (70, 12, 18))[0]
    year_written = not (shape.title == "absent" and rng.random() < 0.08)
    voice = Voice(rng, body.self_ref, year, year_written, cn_numerals=rng.random() < 0.05)
    account = rng.choice(("{}发布", "{}之声", "印象{}", "{}在线", "魅力{}")).format(_name2(rng, set()))
    site = {"乡镇": "县政府", "街道": "区政府", "县级": "本级政府", "市级": "市政府", "省级": "省政府"}.get(
        body.level, "本单位"
    )
    tabled = data is not None
    shape.quirks = sorted(
        q for q, on in (
            ("half_width_brackets", cells.half_width), ("full_width_digits", cells.full_width_digits and tabled),
            ("pinyin_notes", cells.pinyin), ("stray_spaces", cells.stray_spaces and tabled),
            ("unknown_cells", bool(cells.blanks)), ("chinese_numerals", voice.cn_numerals),
            ("signed_change", cells.signed and shape.template == "2019" and tabled),
            ("units_in_cells", cells.units and tabled), ("header_damage", bool(cells.header_damage) and tabled),
            ("appeals_header_squashed", cells.squashed_appeals and tabled),
        ) if on
    )  # fmt: skip
    for quirk, p in (("spaced_numbers", 0.05), ("date_damage", 0.04), ("mirror_line", 0.04), ("next_year", 0.2)):
        if rng.random() < p and (quirk != "next_year" or year_written):
            shape.quirks.append(quirk)
    shape.quirks.sort()
    if fmt in ("txt", "md", "html"):
        shape.chrome = rng.random() < MIX.chrome
    if shape.title == "metadata_only":
        shape.chrome = fmt in ("txt", "md", "html")
        if not shape.chrome:
            shape.title = "absent"
    return Plan(body, chain, year, shape, data, figures, cells, voice, title_name, account, site)


# ---------------------------------------------------------------- composing the text
def title_text(plan: Plan) -> str:
    wording, _ = TITLE_PATTERNS[plan.shape.title_pattern]
    return wording.format(name=name_form(plan, plan.title_name), y=plan.year)


def name_form(plan: Plan, form: str) -> str:
    body = plan.body
    return {"full": body.full(plan.chain), "own": body.own, "place": body.place or body.full(plan.chain), "none": ""}[
        form
    ]


def chrome_blocks(plan: Plan, rng: random.Random, title: str) -> tuple[list[Block], list[Block]]:
    """Page furniture above and below the report, at the study's rates among pages with chrome: a 发布时间/来源/浏览次数
    line 62%, breadcrumb 26% (some naming the body), 字号 26%, 索引号 metadata 24% (some as pipe rows), 打印/关闭 7%,
    分享到 6%."""
    if not plan.shape.chrome:
        return [], []
    top: list[Line] = []
    kinds = []
    full = plan.body.full(plan.chain)
    own = full if plan.body.level == "部门" else plan.body.own
    published = f"{plan.year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"
    index_no = f"QH{rng.randint(1000, 9999)}/{published[:4]}-{rng.randint(1, 99999):05d}"
    if rng.random() < 0.26:
        kinds.append("breadcrumb")
        where = rng.choice(("首页 > 政务公开 > 政府信息公开年报", "当前位置：首页 > 信息公开 > 年度报告",
                            "您所在的位置：首页 >> 政府信息公开 >> 年报", f"首页 > {full} > 政府信息公开 > 年度报告"))
        top.append(Line(where))  # fmt: skip
    if rng.random() < 0.26:
        kinds.append("font_size")
        top.append(Line(rng.choice(("字号：大 中 小", "【字体：大 中 小】", "【字号：大 中 小】【打印】【关闭】"))))
    pipes = plan.shape.title == "metadata_only" and rng.random() < 0.5
    if rng.random() < 0.24 or plan.shape.title == "metadata_only":
        if pipes or rng.random() < 0.2:
            kinds.append("metadata_pipes")
            top.append(Line(f"| 索引号: | {index_no} | 发布机构: | {full if rng.random() < 0.7 else ''} |"))
            if plan.shape.title == "metadata_only" or rng.random() < 0.5:
                top.append(Line(f"| 标题: | {title} |"))
            top.append(Line(f"| 发布日期: | {published} |"))
        else:
            kinds.append("metadata_rows")
            top.append(Line(f"索引号：{index_no}"))
            if rng.random() < 0.6:
                top.append(Line(f"发布机构：{full}"))
            if plan.shape.title == "metadata_only":
                top.append(Line(f"标题：{title}"))
            top.append(Line(f"发布日期：{published}"))
    if rng.random() < 0.62:
        kinds.append("published_line")
        source = rng.choice((full, own, "本站", "政务公开办"))
        views = f" 浏览次数：{rng.randint(10, 5000)}" if rng.random() < 0.5 else ""
        top.append(Line(f"发布时间：{published} {rng.randint(8, 18)}:{rng.randint(10, 59)} 来源：{source}{views}"))
    bottom = []
    if rng.random() < 0.13:
        kinds.append("print_close")
        bottom.append(Line(rng.choice(("打印本页 关闭窗口", "【打印本页】【关闭窗口】", "分享到："))))
    plan.shape.chrome_kinds = kinds
    return ([Block("chrome", top)] if top else []), ([Block("chrome", bottom)] if bottom else [])


def title_blocks(plan: Plan, rng: random.Random) -> list[Block]:
    if plan.shape.title not in ("present", "split"):
        return []
    if plan.shape.title == "split":  # the body above, the rest below (the study: 40 of 291 titles)
        head = name_form(plan, plan.title_name)
        return [Block("title", [Line(head), Line(title_text(plan)[len(head) :])])]
    pad = rng.choice(("", "", "    ", "\u3000\u3000"))
    lines = [Line(pad + title_text(plan))]
    if rng.random() < MIX.title_twice:  # the page heading and the document's own heading
        lines += [Line(""), Line(title_text(plan))]
        plan.shape.quirks = sorted({*plan.shape.quirks, "title_twice"})
    return [Block("title", lines)]


def opening_block(plan: Plan, rng: random.Random) -> list[Block]:
    """The preface: the 《条例》 sentence naming the body and year, who compiled it, the statistics period."""
    if rng.random() < 0.15:  # the text opens straight with 一、总体情况 (63 of 530)
        plan.shape.opening = "none"
        return []
    voice = plan.voice
    y = f"{plan.year}年度" if voice.year_written and rng.random() < 0.5 else voice.y  # “现将我镇2022年度…”
    full = plan.body.full(plan.chain)
    kind = rng.choices(("we", "named", "publish", "plain"), (25, 45, 15, 15))[0]
    plan.shape.opening = kind
    head = "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，"
    named = full if plan.body.level == "部门" else rng.choice((full, plan.body.own))
    text = {
        "we": f"{head}现将{voice.self_ref}{y}政府信息公开工作情况报告如下。",
        "named": f"{head}现将{named}{y}政府信息公开工作情况报告如下。",
        "publish": f"{head}现公布{full}{y}政府信息公开工作年度报告。",
        "plain": f"{head}特编制本报告。",
    }[kind]
    lines = [Line(text)]
    if rng.random() < 0.25:
        lines.append(Line(f"本报告由{full}编制。"))
    if voice.year_written and rng.random() < 0.5:
        period = f"自{plan.year}年1月1日起至{plan.year}年12月31日止"
        if "date_damage" in plan.shape.quirks:  # export ate the 年/月 separators: the year is no longer written
            period = f"自{plan.year}11日起至{plan.year}1231日止"
        lines.append(Line(f"本报告中所列数据的统计期限{period}。"))
    if rng.random() < 0.4:
        lines.append(Line(f"本报告电子版可在{plan.site}门户网站查阅。"))
    return [Block("text", [ln]) for ln in lines]


def signature_block(plan: Plan, rng: random.Random) -> list[Block]:
    kind = rng.choices(("two_lines", "one_line", "date_only", "none"), (60, 10, 15, 15))[0]
    plan.shape.signature = kind
    if kind == "none":
        return []
    y, m, d = plan.year + 1, rng.randint(1, 3), rng.randint(1, 28)
    date = f"{y}年{m}月{d}日"
    if rng.random() < 0.15:
        digits = str(y).translate(str.maketrans("0123456789", "〇一二三四五六七八九"))
        date = f"{digits}年{_an2cn(m)}月{_an2cn(d)}日"
    name = plan.body.full(plan.chain) if plan.body.level == "部门" or rng.random() < 0.8 else plan.body.own
    lines = {"two_lines": [Line(name), Line(date)], "one_line": [Line(f"{name}  {date}")], "date_only": [Line(date)]}
    return [Block("signature", lines[kind])]


def section_blocks(plan: Plan, rng: random.Random) -> list[Block]:
    if plan.shape.outline == "pre2019":
        return pre2019_blocks(plan, rng)
    voice, fig = plan.voice, plan.figures
    numbering = rng.choices(("cn", "arabic", "part", "mixed", "missing"), (62, 10, 3, 15, 10))[0]
    plan.shape.numbering = numbering
    sub_style = "half" if plan.cells.half_width else rng.choice(("full", "full", "arabic"))
    if numbering in ("arabic", "mixed") and sub_style == "arabic":
        sub_style = "full"
    out: list[Block] = []
    for i, key in enumerate(SECTION_WORDS):
        out.append(Block("heading", [Line(heading_number(numbering, i, rng) + rng.choice(SECTION_WORDS[key]))]))
        if key == "overview":
            out += [Block("text", [ln]) for ln in filler(voice, "overview", rng.randint(1, 2))]
            for j, (part, words) in enumerate(OVERVIEW_PARTS):
                out.append(Block("subheading", [Line(sub_number(sub_style, j) + words)]))
                lines = {"proactive": proactive_lines(voice, fig, plan.account, plan.site),
                         "requests": [x for x in (requests_line(voice, fig),) if x]}.get(part, [])  # fmt: skip
                lines = lines or filler(voice, part)
                out += [Block("text", [ln]) for ln in lines]
        elif key in ("proactive", "requests", "appeals"):
            if key == "appeals" and (line := appeals_line(voice, fig)):
                out.append(Block("text", [line]))
            if plan.data is not None:
                out.append(Block("table", grid=table_grid(plan, key, rng)))
        elif key == "problems":
            out += [Block("text", [ln]) for ln in filler(voice, "problems", 2)]
            if "next_year" in plan.shape.quirks:
                plan_line = f"{plan.year + 1}年，{voice.self_ref}将继续深化政务公开，提升工作质效。"
                out.append(Block("text", [Line(plan_line)]))
        else:
            out += [Block("text", [ln]) for ln in other_lines(voice, fig) or filler(voice, "other")]
    return out


def table_grid(plan: Plan, key: str, rng: random.Random) -> Grid:
    assert plan.data is not None
    if key == "proactive":
        return proactive_grid(plan.data, plan.cells)
    if key == "requests":
        merge = rng.random() < 0.1
        if merge:
            plan.shape.quirks = sorted({*plan.shape.quirks, "merged_zero_row"})
        return requests_grid(plan.data, plan.cells, merge_zero_row=merge)
    return appeals_grid(plan.data, plan.cells)


def pre2019_blocks(plan: Plan, rng: random.Random) -> list[Block]:
    """The free-form reports before the 2019 template: seven parts in prose, no standard tables."""
    voice, fig = plan.voice, plan.figures
    plan.shape.numbering = "cn"
    out: list[Block] = []
    for i, (key, words) in enumerate(PRE2019_SECTIONS):
        out.append(Block("heading", [Line(f"{_CN[i]}、{words}")]))
        if key == "overview":
            lines = filler(voice, "overview", 2)
        elif key == "proactive":
            lines = proactive_lines(voice, fig, plan.account, plan.site) or filler(voice, "proactive")
        elif key == "requests":
            lines = [x for x in (requests_line(voice, fig),) if x] or filler(voice, "requests")
        elif key == "fees":
            lines = [ln for ln in other_lines(voice, Figures(no_fees=fig.no_fees))] or [Line("无。")]
        elif key == "appeals":
            lines = [x for x in (appeals_line(voice, fig),) if x] or [Line("无。")]
        elif key == "problems":
            lines = filler(voice, "problems", 2)
        else:
            lines = other_lines(voice, Figures(no_proposals=fig.no_proposals)) or filler(voice, "other")
        out += [Block("text", [ln]) for ln in lines]
    return out


def compose(plan: Plan, rng: random.Random) -> list[Block]:
    title = title_text(plan) if plan.shape.title_pattern else ""
    top, bottom = chrome_blocks(plan, rng, title)
    blocks = top + title_blocks(plan, rng) + opening_block(plan, rng) + section_blocks(plan, rng)
    blocks += signature_block(plan, rng) + bottom
    if "mirror_line" in plan.shape.quirks:  # a mirror site writes itself into the text
        mirror = Block("chrome", [Line(f"本文转载自 mirror{rng.randint(1, 99)}.example.net，仅供参考。")])
        blocks.insert(0 if rng.random() < 0.5 else len(blocks), mirror)
    if "spaced_numbers" in plan.shape.quirks:  # “公开政府信息 365 条”
        for block in blocks:
            if block.kind == "text":
                for line in block.lines:
                    if line.facts:
                        line.text = re.sub(r"(?<=[^\d\s.])(\d+)(?=[^\d.])", r" \1 ", line.text)
    if plan.cells.pinyin:
        protect = (plan.body.full(plan.chain), plan.body.own, plan.body.place, plan.account)
        for block in blocks:
            if block.kind == "text":
                for line in block.lines:
                    if rng.random() < 0.3:
                        line.text = add_reading_note(rng, line.text, protect)
    return blocks


# ---------------------------------------------------------------- writers
@dataclass
class Written:
    """A file's bytes and, for the truth, its text as lines (after any truncation) plus what it says outside them."""

    data: bytes
    lines: list[Line]
    dropped: list[Line] = field(default_factory=list)  # cut off by truncation
    outside: list[str] = field(default_factory=list)  # <title>, .docx core title


def text_lines(blocks: list[Block], plan: Plan, rng: random.Random, shape: str) -> list[Line]:
    """The report as plain-text lines, its tables in `shape`."""
    opts = {
        "indent": rng.choice(("", "\t", "\t")),
        "blank_rows": rng.random() < 0.6,
        "split_labels": rng.random() < 0.3,
        "row_starts": rng.random() < 0.5,
    }
    pipes = PipeStyle(
        fill_spans=rng.random() < 0.5,
        tight=rng.random() < 0.2,
        lead=rng.random() < 0.7,
        squeeze=rng.random() < 0.3,
        trailing=rng.random() < 0.1,
        wrap=shape == "pipe_rows_wrapped",
    )
    indent = rng.choice(("", "", "\u3000\u3000", "    "))
    out: list[Line] = []
    for block in blocks:
        if block.kind != "table":
            if block.kind in ("heading", "title") and out and out[-1].text and rng.random() < 0.5:
                out.append(Line(""))
            prefix = indent if block.kind == "text" else ""
            out += [replace(line, text=prefix + line.text) for line in block.lines]
            continue
        grid = block.grid
        assert grid is not None
        if shape == "cell_per_line":
            out += lines_cell_per_line(grid, rng, indent=opts["indent"], blank_cells=False,
                                       blank_rows=opts["blank_rows"], split_labels=opts["split_labels"])  # fmt: skip
        elif shape == "cell_per_line_blank":
            out += lines_cell_per_line(grid, rng, indent="", blank_cells=True, blank_rows=False,
                                       split_labels=opts["split_labels"])  # fmt: skip
        elif shape in ("pipe_rows", "pipe_rows_wrapped"):
            out += lines_pipe_rows(grid, pipes, rng)
        elif shape == "pipe_cells":
            out += lines_pipe_cells(grid, row_starts=opts["row_starts"])
        elif shape == "tab_rows":
            out += lines_tab_rows(grid)
        else:
            out += lines_markdown(grid, plan.cells)
    return out


def write_txt(blocks: list[Block], plan: Plan, rng: random.Random) -> Written:
    shape = _pick(rng, MIX.txt_table_shapes) if plan.data else "none"
    plan.shape.table_shape = shape
    lines = text_lines(blocks, plan, rng, shape)
    dropped: list[Line] = []
    if rng.random() < MIX.one_line:  # the whole report on one line (a page flattened by a crawler)
        merged = Line(" ".join(ln.text for ln in lines if ln.text.strip()))
        for ln in lines:
            merged.cells.update(ln.cells)
            merged.facts.update(ln.facts)
            merged.unknown += ln.unknown
        lines = [merged]
        plan.shape.quirks = sorted({*plan.shape.quirks, "one_line"})
    elif rng.random() < MIX.truncated:
        lines, dropped = truncate(lines, rng)
        plan.shape.truncated = bool(dropped)
    text = "\n".join(ln.text for ln in lines) + "\n"
    if plan.shape.traditional:
        text = to_traditional(text)
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
        plan.shape.quirks = sorted({*plan.shape.quirks, "crlf"})
    # Traditional-character mirrors serve UTF-8; a GB18030 file is mostly GB2312 characters (the reader relies on it).
    gb = not plan.shape.traditional and rng.random() < MIX.gb18030
    plan.shape.encoding = "gb18030" if gb else "utf-8"
    return Written(text.encode(plan.shape.encoding), lines, dropped)


def truncate(lines: list[Line], rng: random.Random) -> tuple[list[Line], list[Line]]:
    """Cut the text at a line boundary (never inside a number) somewhere after the opening."""
    start = max(3, len(lines) // 4)
    if start >= len(lines) - 1:
        return lines, []
    cut = rng.randint(start, len(lines) - 1)
    return lines[:cut], lines[cut:]


def write_md(blocks: list[Block], plan: Plan, rng: random.Random) -> Written:
    plan.shape.table_shape = "md_pipe" if plan.data else "none"
    lines: list[Line] = []
    marks = {"title": "# ", "heading": "## ", "subheading": rng.choice(("### ", "**"))}
    for block in blocks:
        if block.kind == "table":
            assert block.grid is not None
            lines += lines_markdown(block.grid, plan.cells)
            continue
        for line in block.lines:
            mark = marks.get(block.kind, "")
            end = "**" if mark == "**" else ""
            lines += [Line(mark + line.text + end, line.cells, line.unknown, line.facts), Line("")]
    text = "\n".join(ln.text for ln in lines) + "\n"
    if plan.shape.traditional:
        text = to_traditional(text)
    return Written(text.encode("utf-8"), lines)


def write_html(blocks: list[Block], plan: Plan, rng: random.Random) -> Written:
    plan.shape.table_shape = "html" if plan.data else "none"
    charset = "gbk" if not plan.shape.traditional and rng.random() < MIX.gb18030 else "utf-8"
    plan.shape.encoding = "gb18030" if charset == "gbk" else "utf-8"
    page_title = html_page_title(plan, rng)
    tr = to_traditional if plan.shape.traditional else (lambda s: s)
    head = f'<meta charset="{charset}"><title>{html.escape(tr(page_title))}</title>'
    parts = [f"<!DOCTYPE html>\n<html><head>{head}</head><body>"]
    if plan.shape.chrome:
        links = "".join(f'<a href="#">{x}</a> | ' for x in ("首页", "政务公开", "互动交流"))
        parts.append(f'<div class="nav">{links}</div>')
    parts.append('<div class="content">')
    lines: list[Line] = []
    for block in blocks:
        if block.kind == "table":
            assert block.grid is not None
            parts.append(html_table(block.grid, tr, nbsp=rng.random() < 0.5))
            lines += lines_pipe_rows(block.grid, PipeStyle())
            continue
        tag = {"title": "h1", "heading": "h3", "subheading": "p"}.get(block.kind, "p")
        for line in block.lines:
            text = html.escape(tr(line.text))
            if block.kind == "chrome" and line.text.startswith("|"):
                cells = [c.strip() for c in line.text.strip("|").split("|")]
                text = "<table><tr>" + "".join(f"<td>{html.escape(tr(c))}</td>" for c in cells) + "</tr></table>"
                parts.append(text)
            else:
                parts.append(f"<{tag}>{text}</{tag}>")
            lines.append(line)
    parts.append("</div></body></html>\n")
    data = "\n".join(parts).encode("gb18030" if charset == "gbk" else "utf-8")
    return Written(data, lines, outside=[page_title])


def html_page_title(plan: Plan, rng: random.Random) -> str:
    """The page's <title>: often the report's title even where the page body has none."""
    roll = rng.random()
    if roll < 0.55:
        return title_text(plan)
    if roll < 0.75:
        return f"{title_text(plan)}_{plan.site}网站".replace("本单位网站", "门户网站")
    return "政府信息公开年报"


def html_table(grid: Grid, tr, *, nbsp: bool) -> str:
    rows = []
    for row in grid.rows:
        tds = []
        for cell in row:
            attrs = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
            )
            text = html.escape(tr(cell.text)) if cell.text.strip() else "&nbsp;"
            if nbsp and cell.key and cell.value is not None:
                text = f"&nbsp;{text}&nbsp;"
            tds.append(f"<td{attrs}><p>{text}</p></td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0"><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def write_docx(blocks: list[Block], plan: Plan, rng: random.Random) -> Written:
    import docx

    plan.shape.table_shape = "docx" if plan.data else "none"
    tr = to_traditional if plan.shape.traditional else (lambda s: s)
    document = docx.Document()
    lines: list[Line] = []
    for block in blocks:
        if block.kind == "table":
            assert block.grid is not None
            docx_table(document, block.grid, tr)
            lines += lines_pipe_rows(block.grid, PipeStyle())
            continue
        for line in block.lines:
            document.add_paragraph(tr(line.text))
            lines.append(line)
    outside = []
    core_title = ""
    if plan.shape.title not in ("present", "split") and rng.random() < 0.4:
        core_title = title_text(plan)
        outside.append(core_title)
        plan.shape.quirks = sorted({*plan.shape.quirks, "core_title"})
    document.core_properties.title = tr(core_title)
    buf = io.BytesIO()
    document.save(buf)
    return Written(_fixed_zip(buf.getvalue()), lines, outside=outside)


def docx_table(document, grid: Grid, tr) -> None:
    table = document.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    width = grid.ncols
    cells = table._cells  # once: table.cell() recomputes the whole grid on every call
    for r, slots in enumerate(layout(grid)):
        for c, (cell, dr, dc) in enumerate(slots):
            if dr or dc:
                continue
            target = cells[r * width + c]
            if cell.colspan > 1 or cell.rowspan > 1:
                target = target.merge(cells[(r + cell.rowspan - 1) * width + c + cell.colspan - 1])
            target.text = tr(cell.text)


def _fixed_zip(data: bytes) -> bytes:
    """The same package with fixed member timestamps, so a .docx is byte-for-byte reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), src.read(info.filename))
    return out.getvalue()


PDF_WRAP = 40  # characters per PDF text line: reportlab then never wraps a line itself


def write_pdf(blocks: list[Block], plan: Plan, rng: random.Random) -> Written:
    """A PDF made with reportlab's built-in CID font STSong-Light (pdfplumber extracts it faithfully)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    plan.shape.table_shape = "pdf" if plan.data else "none"
    font = _pdf_font()
    tr = to_traditional if plan.shape.traditional else (lambda s: s)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15)
    head = ParagraphStyle("title", fontName=font, fontSize=14, leading=20)
    protect = (plan.body.full(plan.chain), plan.body.own, plan.body.place, plan.account)
    story, lines = [], []
    for block in blocks:
        if block.kind == "table":
            assert block.grid is not None
            story.append(pdf_table(block.grid, tr, font))
            lines += lines_pipe_rows(block.grid, PipeStyle())
            continue
        for line in block.lines:
            pieces = wrap_safely(tr(line.text), PDF_WRAP, protect=tuple(tr(p) for p in protect if p))
            markup = "<br/>".join(html.escape(p) for p in pieces) or "&nbsp;"
            story.append(Paragraph(markup, head if block.kind == "title" else body))
            lines.append(line)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=40, rightMargin=40, topMargin=40, bottomMargin=40,
                      invariant=1, title="", author="").build(story)  # fmt: skip
    return Written(buf.getvalue(), lines)


@lru_cache(maxsize=1)
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def wrap_safely(text: str, width: int, protect: tuple[str, ...] = ()) -> list[str]:
    """Lines of at most `width` characters, never broken inside a number, a Latin word or a protected name."""
    guarded: set[int] = set()
    for run in re.finditer(r"[0-9A-Za-z.\-]+", text):
        guarded.update(range(run.start() + 1, run.end()))
    for name in protect:
        for m in re.finditer(re.escape(name), text):
            guarded.update(range(m.start() + 1, m.end()))
    out, start = [], 0
    while len(text) - start > width:
        cut = start + width
        while cut > start + 1 and cut in guarded:
            cut -= 1
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def pdf_table(grid: Grid, tr, font: str):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    small = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9)
    data = [[""] * grid.ncols for _ in grid.rows]
    commands: list[tuple[Any, ...]] = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONT", (0, 0), (-1, -1), font, 7)]
    for r, slots in enumerate(layout(grid)):
        for c, (cell, dr, dc) in enumerate(slots):
            if dr or dc:
                continue
            data[r][c] = Paragraph(html.escape(tr(cell.text)), small) if cell.label else cell.text
            if cell.colspan > 1 or cell.rowspan > 1:
                commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    widths = {
        "proactive": [180, 110, 110, 110],
        "requests": [40, 60, 130] + [285 // (grid.ncols - 3)] * (grid.ncols - 3),
        "appeals": [34] * 15,
    }[grid.table]
    return Table(data, colWidths=widths, style=TableStyle(commands))


@lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC

    return OpenCC("s2t")


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


WRITERS = {"txt": write_txt, "md": write_md, "html": write_html, "docx": write_docx, "pdf": write_pdf}


# ---------------------------------------------------------------- non-reports
NON_REPORT_KINDS = ("news", "notice", "gov_work_report", "guide", "random")


def non_report_text(rng: random.Random, body: Body, year: int) -> tuple[str, list[str]]:
    kind = rng.choice(NON_REPORT_KINDS)
    place = body.place or body.full(1)
    full = body.full(len(body.parents))
    if kind == "news":
        lines = [f"{place}按时完成政府信息公开年报发布工作",
                 f"近日，{full}在门户网站发布了上一年度的政府信息公开工作年度报告，全面回顾了一年来的政务公开工作。",
                 "报告从主动公开、依申请公开、政府信息管理等方面作了介绍，欢迎社会各界查阅并提出意见建议。",
                 f"发布时间：{year + 1}-01-{rng.randint(10, 28)}"]  # fmt: skip
    elif kind == "notice":
        lines = [f"关于做好{year}年度政府信息公开工作年度报告编制和发布工作的通知",
                 "各乡镇人民政府、街道办事处，县政府各部门：",
                 f"为做好{year}年度政府信息公开工作年度报告编制发布工作，现将有关事项通知如下：",
                 "一、严格按照统一格式编制年度报告，认真核对各项数据。",
                 "二、年度报告经本机关主要负责同志审定后，按时在门户网站发布。",
                 f"{full}办公室", f"{year + 1}年1月{rng.randint(3, 12)}日"]  # fmt: skip
    elif kind == "gov_work_report":
        lines = ["政府工作报告",
                 f"——{year + 1}年1月{rng.randint(5, 20)}日在{place}人民代表大会上",
                 "各位代表：现在，我代表政府向大会报告工作，请予审议。",
                 f"一、{year}年工作回顾",
                 f"过去一年，地区生产总值增长{rng.randint(3, 9)}.{rng.randint(0, 9)}%，"
                 f"新建道路{rng.randint(5, 90)}公里。",
                 "二、今年主要目标任务", "坚持稳中求进工作总基调，持续改善民生。"]  # fmt: skip
    elif kind == "guide":
        lines = [f"{full}政府信息公开指南",
                 "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
                 "一、主动公开", "（一）公开范围：机构职能、政策文件、规划计划等。",
                 "（二）公开方式：门户网站、政务新媒体、公开栏等。",
                 "二、依申请公开", "（一）申请方式：申请人可通过网络、信函或当面提交申请。",
                 "（二）办理时限：自收到申请之日起按法定时限答复。"]  # fmt: skip
    else:
        lines = [f"{place}春季赏花游线路推荐",
                 f"每年三四月间，{place}的油菜花田连片盛开，吸引众多游客前来观赏。",
                 "游客可沿环湖步道骑行，沿途有农家餐馆和民宿可供休憩。"]  # fmt: skip
    return kind, lines


def make_non_report(i: int, rng: random.Random) -> tuple[str, bytes, dict[str, Any]]:
    body = pick_body(rng)
    kind, lines = non_report_text(rng, body, rng.randint(2015, 2024))
    fmt = rng.choice(("txt", "txt", "html", "docx"))
    name = f"r{i:05d}.{fmt}"
    text = "\n".join(lines) + "\n"
    if fmt == "txt":
        data = text.encode("utf-8")
    elif fmt == "html":
        paragraphs = "\n".join(f"<p>{html.escape(x)}</p>" for x in lines)
        head = f'<meta charset="utf-8"><title>{html.escape(lines[0])}</title>'
        data = f"<html><head>{head}</head><body>{paragraphs}</body></html>".encode()
    else:
        import docx

        document = docx.Document()
        for x in lines:
            document.add_paragraph(x)
        buf = io.BytesIO()
        document.save(buf)
        data = _fixed_zip(buf.getvalue())
    truth = {"file": name, "format": fmt, "is_report": False, "kind": kind, "shape": {"format": fmt, "kind": kind},
             "identity": None, "cells": {}, "unknown_cells": [], "facts": {}}  # fmt: skip
    return name, data, truth


# ---------------------------------------------------------------- truth
def identity_truth(plan: Plan, texts: list[str]) -> dict[str, Any]:
    """What the written text (plus its outside places) reveals: the fullest name form found, the year if written."""
    body = plan.body
    joined = "\n".join(texts)
    forms = [(body.full(plan.chain), body.region(plan.chain))]
    if body.level != "部门":  # a department is only ever named with its government (云川县教育局)
        forms += [(body.own, []), (body.place, [])]
    agency, region = next(((name, reg) for name, reg in forms if name and name in joined), ("", []))
    year = plan.year if re.search(rf"(?<!\d){plan.year}\s*年", joined) else None
    identity = {
        "agency": agency or None,
        "short_name": body.short_name if agency else None,
        "region": region or None,
        "year": year,
        "level": body.level if agency else None,
    }
    return identity


def build_truth(name: str, fmt: str, plan: Plan, written: Written, extra: dict[str, str]) -> dict[str, Any]:
    """The truth of one report from what its written lines state (cut lines count as unknown)."""
    cells: dict[str, Number] = {}
    unknown: set[str] = set()
    facts: dict[str, FactValue] = {}
    for line in written.lines:
        cells.update(line.cells)
        unknown.update(line.unknown)
        facts.update(line.facts)
    for line in written.dropped:
        unknown.update(line.cells)
        unknown.update(line.unknown)
    unknown -= set(cells)
    places = [("text", [ln.text for ln in written.lines])]
    places += [("page_title", [t]) for t in written.outside] + [(k, [v]) for k, v in extra.items()]
    identity = identity_truth(plan, [t for _, texts in places for t in texts])
    agency = identity["agency"]
    plan.shape.identity_source = next((p for p, texts in places if agency and any(agency in t for t in texts)), "none")
    unknown_facts = [k for k in facts if k not in FACT_LABELS and not k.startswith(ITEM_PREFIX)]
    assert not unknown_facts, unknown_facts
    return {
        "file": name,
        "format": fmt,
        "is_report": True,
        "shape": {"format": fmt, **asdict(plan.shape)},
        "identity": identity,
        "cells": dict(sorted(cells.items())),
        "unknown_cells": sorted(unknown),
        "facts": facts,
    }


# ---------------------------------------------------------------- one file, a corpus
@dataclass
class Synthesised:
    name: str
    data: bytes
    truth: dict[str, Any]
    manifest: dict[str, str] | None = None
    written: Written | None = None  # the lines behind the truth (None for non-reports)


def make_report(i: int, rng: random.Random) -> Synthesised:
    fmt = _pick(rng, MIX.formats)
    plan = plan_report(rng, fmt)
    blocks = compose(plan, rng)
    written = WRITERS[fmt](blocks, plan, rng)
    full = plan.body.full(plan.chain)
    extra: dict[str, str] = {}
    name = f"r{i:05d}.{fmt}"
    if rng.random() < MIX.named_file:
        stem = rng.choice((f"{full}{plan.year}年政府信息公开工作年度报告", f"{full}政府信息公开年报"))
        name = f"{stem}_{i:05d}.{fmt}"
        extra["file_name"] = stem
    manifest = None
    if rng.random() < MIX.manifest:
        region = "/".join(plan.body.region(plan.chain))
        url = f"https://gov{i:05d}.example.cn/xxgk/ndbg/{plan.year}/{i:05d}.html"
        manifest = {"file": name, "agency": full, "region": region, "year": str(plan.year), "url": url}
        extra["manifest"] = f"{full}\n{plan.year}年"
    return Synthesised(name, written.data, build_truth(name, fmt, plan, written, extra), manifest, written)


def synthesise(i: int, seed: int) -> Synthesised:
    rng = random.Random(f"nianbao-synth:{seed}:{i}")
    if rng.random() < MIX.non_report:
        name, data, truth = make_non_report(i, rng)
        return Synthesised(name, data, truth)
    return make_report(i, rng)


def generate(n: int, seed: int, out: Path) -> list[dict[str, Any]]:
    """Write n files, truth.jsonl and manifest.csv into `out`; return the truth lines."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    truths, manifest_rows = [], []
    for i in range(n):
        item = synthesise(i, seed)
        (out / item.name).write_bytes(item.data)
        truths.append(item.truth)
        if item.manifest:
            manifest_rows.append(item.manifest)
    with (out / TRUTH_FILE).open("w", encoding="utf-8") as fh:
        for truth in truths:
            fh.write(json.dumps(truth, ensure_ascii=False) + "\n")
    with (out / MANIFEST_FILE).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(manifest_rows)
    return truths


def load_truth(corpus: Path) -> list[dict[str, Any]]:
    with (Path(corpus) / TRUTH_FILE).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_manifest(corpus: Path) -> dict[str, dict[str, str]]:
    path = Path(corpus) / MANIFEST_FILE
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def describe(truths: list[dict[str, Any]]) -> str:
    reports = [t for t in truths if t["is_report"]]
    formats: dict[str, int] = {}
    for t in truths:
        formats[t["format"]] = formats.get(t["format"], 0) + 1
    shown = "，".join(f"{k} {v}" for k, v in sorted(formats.items()))
    return f"生成 {len(truths)} 个文件（报告 {len(reports)}，非报告 {len(truths) - len(reports)}；{shown}）"
