"""The one entry point of the question side: `Assistant.open(config).ask(question)` → Answer.

The index, its records and the embedding model load once (in `open`); each `ask` understands the question,
answers numbers from the structured records and open questions from retrieved passages, and times itself.
"""

from __future__ import annotations

import contextlib
import gc
import re
import time
from dataclasses import replace

import nianbao  # noqa: F401  (offline environment before any model library loads)
from answering import catching_up
from answering import lexicon as lx
from answering.about import answer_about
from answering.combine import answer_combined
from answering.compose import note_shared_names, renumbered
from answering.execute import execute, executes, noun_core, states_beside, tentative
from answering.foreign import hint, is_foreign, worth_trying
from answering.lookup import answer_prose_figure
from answering.models import Answer, Citation, Condition, Query
from answering.passages import answer_passages
from answering.plan import Plan
from answering.reader import read
from answering.records import Records
from answering.structured import answer_structured, answer_undisclosed, scope_text
from answering.things import answer_channels, itemize_measures
from answering.understand import Catalog, is_bare_follow_up, understand
from indexing.models import Report
from indexing.normalize import fold

_COUNTED_OPS = ("list", "count", "sum")
FREEZE_FROM = 2000  # identified reports from which a loaded corpus is kept out of the cycle collector's sight


def reads_better(plan: Plan, query: Query) -> bool:
    """A list, count, sum, ranking or average of one canonical figure: the plan's reading goes to the structured
    executor (it keeps a negation inside a row name out of the condition, and reads “全部乡镇一共”)."""
    one = len(plan.figures) == 1 and plan.figures[0].measure is not None
    plain = plan.condition is None or plan.condition.op != "between"
    # a whole ranking, or an average per body: the structured executor's own operations, slots from the plan
    counted = plan.op in _COUNTED_OPS or (plan.op == "rank" and plan.k is None) or (
        plan.op == "average" and plan.per == "body") or (
        plan.op in ("max", "min") and not plan.scope.bodies and not plan.follow_up)  # “它…” reads the last answer
    return counted and one and plain and plan.scope.years.kind in ("absolute", "all")


def query_of(plan: Plan, query: Query) -> Query:
    """The Query the structured executor takes, its slots from the plan."""
    condition = None if plan.condition is None else Condition(plan.condition.op, plan.condition.value)
    return replace(
        query, measure=plan.figures[0].measure, measures=[], operation=plan.op, condition=condition,
        descending=plan.op != "min" if plan.op in ("max", "min") else plan.order != "asc",
        bodies=list(plan.scope.bodies), regions=list(plan.scope.regions), levels=list(plan.scope.levels),
        unknown_bodies=[], agencies=[] if not plan.scope.bodies else query.agencies,
        years=list(plan.scope.years.values) if plan.scope.years.kind == "absolute" else [],
    )


def asks_undisclosed(question: str, plan: Plan) -> bool:
    """“哪些报告没有披露结转的数量”, “有几份报告没填…”: which reports leave one figure out — not which state it as zero
    (the reader takes 没有 for a zero condition)."""
    one = len(plan.figures) == 1 and plan.figures[0].measure is not None
    # “有几份报告…” may read as the figure's value (the reports counted are the scope): across reports, still a list
    listed = plan.op in ("list", "count") or (plan.op == "value" and not plan.scope.bodies)
    return one and listed and bool(re.search(lx.UNDISCLOSED, fold(question)))


def parts_asked(question: str) -> list[str]:
    """The questions one question asks (“港口乡新收申请多少件，结转下年度多少件？”: two), each ending at the clause
    that holds its asking word; clauses without one lead into the part after them (or close the last). One part:
    a single question, however many clauses it has."""
    clauses = [c for c in re.split(f"(?<={lx.PART_BREAKS})", question) if c.strip()]
    parts: list[str] = []
    pending = ""
    for clause in clauses:
        pending += clause
        if re.search(lx.PART_ASKS, fold(clause)):
            parts.append(pending)
            pending = ""
    if pending and parts:
        parts[-1] += pending
    return [re.sub(f"{lx.PART_BREAKS}$", "", p.strip()) + "？" for p in parts] if len(parts) > 1 else [question]


def asks_something(plan: Plan) -> bool:
    """A part read as asking a thing of its own: a figure, a topic, a phrase."""
    return bool(plan.figures or plan.topic or plan.phrase or plan.base)


def leans_on_before(part: str) -> bool:
    """“分别是多少”, “合计多少”, “多多少”: nothing of its own once its asking words are gone."""
    return len(re.sub(f"{lx.PART_ASKS}|{lx.LEANING}", "", fold(part))) < 2


def scoped_like(part: str, plan: Plan, first: Plan) -> str:
    """A later part read in the scope of the first (“结转下年度多少件” after “港口乡2021年新收…”): the bodies and year
    the first part named are said again when the part names none of its own."""
    said = ""
    if not (plan.scope.bodies or plan.scope.regions or plan.scope.levels):
        said += "、".join(first.scope.bodies or first.scope.regions)
    if plan.scope.years.kind == "all" and first.scope.years.kind == "absolute":
        said += "、".join(f"{y}年" for y in first.scope.years.values)
    return said + part


_ORDINALS = "一二三四五六七八九十"


def joined(question: str, parts: list[str], answers: list[Answer]) -> Answer:
    """One answer per part, each under its own question, citations numbered on; a part not answered says so."""
    pieces: list[str] = []
    citations: list[Citation] = []
    for n, (part, ans) in enumerate(zip(parts, answers, strict=True), 1):
        # 第一问, 第二问: said in words, so no digit in the answer is taken for a figure
        label = f"第{_ORDINALS[n - 1]}问" if n <= len(_ORDINALS) else f"第{n}问"
        if ans.kind in ("unknown", "clarify"):
            pieces.append(f"{label}“{part}”未能回答：{renumbered(ans.answer, len(citations))}")
        else:
            pieces.append(f"{label}“{part}”：{renumbered(ans.answer, len(citations))}")
        citations += ans.citations
    answered = [a for a in answers if a.kind not in ("unknown", "clarify")]
    kind = "text" if answered else "unknown"
    items = list(dict.fromkeys(i for a in answered for i in a.items))
    rows = [r for a in answered for r in a.rows]
    return Answer(question, "".join(pieces), kind, items=items, citations=citations, rows=rows,
                  query=answers[0].query)


def _same_objects(a: list[Report], b: list[Report]) -> bool:
    """The same Report objects in the same order. A reload replaces every object, so its first, middle and last
    tell it by identity; only then the lists are compared — element by element in C, where an identical object is
    equal at once (a whole report is compared only where one was swapped in place)."""
    if len(a) != len(b):
        return False
    if a and any(a[i] is not b[i] for i in (0, len(a) // 2, -1)):
        return False
    return a == b


class Assistant:
    def __init__(self, index, llm=None, *, reports: list[Report] | None = None):
        """`index`: an indexing.store.Index (or None to answer from `reports` alone, reading their sections)."""
        self.index = index
        self.llm = llm
        self._fixed_reports = reports
        self._catalog: Catalog | None = None
        self._seen: list[Report] = []  # the records the catalog was built from
        self._identified: list[Report] = []
        self._llm_client = None

    @classmethod
    def open(cls, config, llm=None) -> Assistant:
        from indexing.store import Index

        assistant = cls(Index.open(config), llm)
        assistant.warm_up()
        return assistant

    @classmethod
    def from_reports(cls, reports: list[Report], llm=None) -> Assistant:
        return cls(None, llm, reports=reports)

    # ------------------------------------------------------------ corpus view
    def all_reports(self) -> list[Report]:
        return self._fixed_reports if self._fixed_reports is not None else self.index.reports()

    def reports(self) -> list[Report]:
        """The reports answers are drawn from: those whose body and year are known (the rest wait for a fix)."""
        self._refresh()
        return self._identified

    def catalog(self) -> Catalog:
        self._refresh()
        return self._catalog

    def _refresh(self) -> None:
        """Names, record indexes and the identified reports, rebuilt only when the records change (an upload, a
        removal, a fix: the index then loads new Report objects). The same objects in the same order are told by
        identity, in C (never by comparing whole reports) — no tuple of every report_id per question."""
        every = self.all_reports()
        if self._catalog is not None and _same_objects(every, self._seen):
            return
        reports = Records(r for r in every if r.identified)
        reports.index  # noqa: B018  (built now, with the names: no question pays for it)
        self._catalog, self._identified, self._seen = Catalog.from_reports(reports), reports, list(every)
        note_shared_names(reports)
        if len(reports) >= FREEZE_FROM:
            # The records live until the next reload and hold no reference cycles (refcounting frees them then).
            # Left in the cycle collector's generations, every full collection walked all of them: at 100,000
            # reports a list of 12,727 took 1.8 s instead of 0.44 s.
            gc.freeze()

    def warm_up(self) -> None:
        """Load records, names and the query embedder now, so the first question is as fast as the rest."""
        self.catalog()
        from answering.lookup import tagged_words

        tagged_words("政府信息公开")  # jieba's dictionaries load on first use (~1 s): not inside a question
        if self.index is not None:
            # An empty index has nothing to search yet; asking will say so.
            with contextlib.suppress(Exception):
                self.index.search("政府信息公开", k=1)

    # ------------------------------------------------------------ asking
    def understand(self, question: str, history: list[Answer] | None = None) -> Query:
        last = next((a for a in reversed(history or []) if a.query is not None), None)
        if last is None:
            return understand(question, self.catalog())
        return understand(question, self.catalog(), last.query, last.items)

    def read(self, question: str, history: list[Answer] | None = None) -> Plan:
        """The question as one typed plan, read against the plans of the turns before it. With an LLM configured the
        model proposes the plan; a proposal that fails the catalog checks is replaced by the rule reader's."""
        earlier = [a.plan for a in history or [] if a.plan is not None]
        if self.llm is not None:
            from answering.llm_reader import read_with_llm

            asked = [a.question for a in history or []]
            proposed = read_with_llm(question, self.catalog(), earlier, asked, self.llm, self._llm_client)
            if proposed is not None:
                return proposed
        return read(question, self.catalog(), earlier)

    def ask(self, question: str, *, history: list[Answer] | None = None, filters=None) -> Answer:
        from answering.limits import bound_question

        start = time.perf_counter()
        question, refused = bound_question(question)  # issue 11: length and control characters, on the server
        if refused is not None:
            return refused
        with catching_up.collecting() as waiting:
            answer = catching_up.with_note(self._answer(question.strip(), history, filters), waiting)
        if answer.kind == "unknown" and filters is not None and self._answer(question.strip(), history, None).kind != (
                "unknown"):
            # The corpus does answer it; the filters left the report out. Say so, or users conclude it was never filed.
            answer.answer += "（当前筛选条件排除了能回答此问题的报告；取消筛选后可以查到。）"
        answer.elapsed_ms = (time.perf_counter() - start) * 1000
        return answer

    def _answer(self, question: str, history, filters) -> Answer:
        if not question:
            return Answer(question, "请输入一个问题，例如：2021年哪些乡镇没有收到政府信息公开申请？", "unknown")
        reports = self.reports()
        if not reports:
            pending = len(self.all_reports())
            if pending:
                return Answer(question, f"库中有 {pending} 份报告的单位或年份尚未识别，补正（报告库“更正单位或年份”，"
                                        "或 nianbao fix）之前不参与问答。", "unknown")
            return Answer(question, "语料中没有找到任何报告：索引为空，请先导入年度报告。", "unknown")
        query = self.understand(question, history)
        if is_foreign(question):  # an English question: a Chinese hint, unless it names a body, year or number
            if not worth_trying(question, query):
                return hint(question, query)
            tried = self._answer_read(question, query, history, reports, filters)
            if tried.kind in ("value", "list", "count", "yesno"):
                return tried
            return hint(question, query, scope_text(query) if query.bodies or query.years else "")
        return self._answer_read(question, query, history, reports, filters)

    def _answer_read(self, question: str, query: Query, history, reports: list[Report], filters) -> Answer:
        if not history and is_bare_follow_up(query, self.catalog()):
            return Answer(question, "这像是在接着上一个问题追问，但还没有上一个问题。请把单位、年份和要问的事项说完整，"
                                    "例如：2020年哪些乡镇没有收到政府信息公开申请？", "unknown", query=query)
        parts = parts_asked(question)
        plan = self.read(question, history) if len(parts) > 1 else None
        if plan is not None:  # two questions in one: each answered, or said to be unanswered — never one for both
            split = self._answer_parts(question, plan, parts, history, reports, filters)
            if split is not None:
                return split
        about = answer_about(query, reports, filters)
        if about is not None:
            return about
        plan = plan or self.read(question, history)
        earlier = next((a.query for a in reversed(history or []) if a.query is not None), None) if (
            query.follow_up or plan.follow_up) else None
        # “通过哪些平台发布” (and its follow-ups, “那米山镇呢”): the channels each report names, item by item
        answer = answer_channels(query, reports, filters, earlier) or self._answer_plan(
            question, query, plan, reports, filters)
        answer.plan = plan  # every answer keeps what its question was read as: follow-ups read against it
        return answer

    def _answer_parts(self, question: str, whole: Plan, parts: list[str], history, reports: list[Report],
                      filters) -> Answer | None:
        """Each part read on its own, in the first part's scope (body, year), and answered — or said to be unread.
        None when a part leans on the one before it (“…，分别是多少”) or two parts ask the same thing: one question."""
        if any(leans_on_before(part) for part in parts):
            return None
        plans = [self.read(part, history) for part in parts]
        if len({(p.figures, p.topic, p.phrase, p.scope.bodies) for p in plans}) < len(plans):
            return None  # the same thing asked twice in other words
        if whole.topic and all(p.topic == whole.topic for p in plans if asks_something(p)):
            return None  # one passage on one topic answers every part (找哪个部门？电话多少？: the contact sentence)
        scope = plans[0] if plans[0].scope.bodies or plans[0].scope.regions else whole
        later = zip(parts[1:], plans[1:], strict=True)
        texts = [parts[0]] + [scoped_like(part, plan, scope) for part, plan in later]
        answers = [self._answer_read(text, self.understand(text, history), history, reports, filters)
                   if asks_something(plan) else Answer(text, "没有读懂这一问要查的数字或事项。", "unknown")
                   for text, plan in zip(texts, plans, strict=True)]
        whole = joined(question, texts, answers)
        whole.plan = plans[0]
        return whole

    def _undisclosed_plan(self, question: str, plan: Plan) -> Plan | None:
        """The plan of a question asking which reports leave a figure out, else None. Its words (没有公布, 没填) name
        no figure — 公布 is read as 主动公开 — so the figure is read from the question without them."""
        if not re.search(lx.UNDISCLOSED, fold(question)):
            return None
        if len(plan.figures) != 1:
            plan = self.read(re.sub(lx.UNDISCLOSED, "", fold(question)))
        return plan if asks_undisclosed(question, plan) else None

    def _answer_plan(self, question: str, query: Query, plan: Plan, reports: list[Report], filters) -> Answer:
        undisclosed = self._undisclosed_plan(question, plan)
        if undisclosed is not None:
            op = "count" if re.search(lx.HOW_MANY, fold(question)) else "list"
            return answer_undisclosed(query_of(replace(undisclosed, op=op, condition=None), query), reports, filters)
        if plan.op == "yesno" and plan.topic and not (plan.figures or plan.phrase):
            # “年报有没有留联系电话”: whether the report says anything on the topic — its passage, or silence
            said = answer_passages(replace(query, topic=plan.topic, operation="text"), reports, self.index, filters)
            if said.kind == "text":
                said.answer, said.kind, said.value = f"是。{said.answer}", "yesno", True
            return said
        if plan.op == "count_listed":
            listed = replace(query, topic=plan.topic, operation="text", measure=None, measures=[])
            return answer_passages(listed, reports, self.index, filters, counting=True, condition=plan.condition)
        if executes(plan) and filters is None:
            answer = execute(plan, reports, question)
            if not (tentative(plan) and answer.kind == "unknown"):
                return answer
            # No typed fact holds the noun; a sentence may still state it. Only an answer that cites the noun
            # itself stands: the total the Query path reads in “发布了多少条通知公告” is not the 通知公告.
            found = self._answer_query(query, plan, reports, filters)
            noun = noun_core(plan.figures[0].noun or "")
            cites_noun = noun and any(noun in fold(c.text) for c in found.citations)
            if found.kind == "value" and isinstance(found.value, int | float):
                # in a sentence listing many kinds (“法规条文解读19条，财政信息24条”) the number must be the noun's own
                cites_noun = noun and any(states_beside(fold(c.text), noun, found.value) for c in found.citations)
            return found if cites_noun or found.kind == "unknown" else answer  # its abstain says what it searched
        return self._answer_query(query, plan, reports, filters)

    def _answer_query(self, query: Query, plan: Plan, reports: list[Report], filters) -> Answer:
        """The older path, reading the Query (issue 10 moves its operations onto plans one by one)."""
        if reads_better(plan, query):
            return answer_structured(query_of(plan, query), reports, filters)
        # Several figures in one question (网站和公众号, 政策解读和政策文件), or a share of a total.
        combined = answer_combined(query, reports, filters)
        if combined is not None:
            return combined
        prose_figure = answer_prose_figure(query, reports, filters)
        if prose_figure is not None:
            return prose_figure
        if query.measure is not None and query.operation != "text":
            return answer_structured(query, reports, filters)
        answer = itemize_measures(answer_passages(query, reports, self.index, filters), query)
        if answer.kind == "text" and self.llm is not None:
            from answering.llm import rewrite

            answer = rewrite(answer, self.llm)
        return answer
