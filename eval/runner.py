"""`nianbao eval`: run the gold questions through the assistant (the same path as `nianbao ask`) and score them.

Scoring rules (one per gold type):
- value / count: `Answer.value` is a number equal to the gold number (within 0.005, the rounding of averages; a gold
  written to one decimal is met by an answer that rounds to it).
- list: the answer's `items`, names normalised, equal the gold names as a set (a sequence when the gold line says
  `"ordered": true`, for rankings). A short name matches a full name ending with it after a region
  (侯家镇 ~ 威海市文登区侯家镇人民政府).
- yesno: `Answer.value` is the boolean (是 → True, 否 → False).
- text: at least ceil(n/2) of the n key phrases occur in the answer text or its cited passages (matching form:
  simplified characters, half-width, no whitespace, one kind of dash).
- unknown: `kind == "unknown"`.
Any answer of kind "unknown" is wrong for a question whose gold answer is known.

Citation accuracy: for a question whose answer is known, each gold file must be backed by a citation from that body
(the citation's short name occurs in the file) whose text supports one of the evidence strings found in that file.
A citation supports an evidence string when the string's core (numbering such as “一、” “（三）” “1.” and trailing
parenthetical notes removed) occurs in the citation text: a passage citation quotes the sentence, a table citation
renders its row label (or, for a table cell, the last part of its rendered row label occurs in the evidence: the
printed label is often longer). Citation accuracy = supported (question, file) pairs / all such pairs.
Grounded accuracy = questions answered correctly AND with every gold file backed (the tables are mostly zeros, so a
right number read from the wrong cell is caught only here).
"""

from __future__ import annotations

import json
import math
import re
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nianbao.config import DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR, EVAL_DIR

GOLD_TYPES: tuple[str, ...] = ("value", "list", "count", "yesno", "text", "unknown")
YES, NO = "是", "否"
NUMBER_TOLERANCE = 0.005
THRESHOLDS_PATH = EVAL_DIR / "thresholds.json"
DEFAULT_REPORT_PATH = EVAL_DIR / "reports" / "latest.md"
THRESHOLD_KEYS: tuple[str, ...] = ("accuracy", "citation_accuracy", "grounded_accuracy")


class GoldError(ValueError):
    """A gold line that is not a valid question; the message names the file, the line and the reason."""


# ---------------------------------------------------------------- the gold set
@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    type: str
    answer: Any
    evidence: tuple[str, ...]
    files: tuple[str, ...]
    history: tuple[str, ...] = ()
    ordered: bool = False

    @property
    def expected_text(self) -> str:
        if self.answer is None:
            return "（未披露）"
        if isinstance(self.answer, list):
            return "、".join(str(a) for a in self.answer)
        return str(self.answer)


def gold_problems(d: Any) -> list[str]:
    """Why a parsed gold line is not a valid question (empty list = valid)."""
    if not isinstance(d, dict):
        return ["not a JSON object"]
    problems = [f"missing {k!r}" for k in ("id", "question", "type", "answer", "evidence", "files") if k not in d]
    if problems:
        return problems
    t, a = d["type"], d["answer"]
    if not isinstance(d["id"], str) or not d["id"]:
        problems.append("id must be a non-empty string")
    if not isinstance(d["question"], str) or not d["question"].strip():
        problems.append("question must be a non-empty string")
    if t not in GOLD_TYPES:
        return problems + [f"type {t!r} is not one of {GOLD_TYPES}"]
    if t in ("value", "count"):
        if isinstance(a, bool) or not isinstance(a, int | float):
            problems.append(f"{t} answer must be a number")
        elif t == "count" and (a < 0 or a != int(a)):
            problems.append("count answer must be a whole number ≥ 0")
    elif t == "list":
        if not isinstance(a, list) or not a or not all(isinstance(x, str) and x for x in a):
            problems.append("list answer must be a non-empty list of names")
        elif len(set(a)) != len(a):
            problems.append("list answer repeats a name")
    elif t == "yesno":
        if a not in (YES, NO):
            problems.append("yesno answer must be 是 or 否")
    elif t == "text":
        if not isinstance(a, list) or not 1 <= len(a) <= 5 or not all(isinstance(x, str) and x for x in a):
            problems.append("text answer must be 1–5 key phrases")
    elif a is not None:
        problems.append("unknown answer must be null")
    for key in ("evidence", "files", "history"):
        v = d.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            problems.append(f"{key} must be a list of non-empty strings")
    if t != "unknown" and not d["evidence"]:
        problems.append("a known answer needs evidence")
    if bool(d["evidence"]) != bool(d["files"]):
        problems.append("evidence and files go together")
    if "ordered" in d and (not isinstance(d["ordered"], bool) or t != "list"):
        problems.append("ordered is a boolean, for list questions only")
    return problems


def load_gold(path: Path) -> list[GoldItem]:
    path = Path(path)
    items: list[GoldItem] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"{path}:{n}: not JSON ({e.msg})") from e
        problems = gold_problems(d)
        if not problems and d["id"] in seen:
            problems = [f"duplicate id {d['id']!r}"]
        if problems:
            raise GoldError(f"{path}:{n}: " + "; ".join(problems))
        seen.add(d["id"])
        items.append(GoldItem(
            id=d["id"], question=d["question"], type=d["type"], answer=d["answer"],
            evidence=tuple(d["evidence"]), files=tuple(d["files"]), history=tuple(d.get("history", [])),
            ordered=bool(d.get("ordered", False)),
        ))
    if not items:
        raise GoldError(f"{path}: no questions")
    return items


# ---------------------------------------------------------------- matching form
_OPENCC = None
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―－−"})
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def match_form(text: str) -> str:
    """Simplified characters, half-width, no whitespace, one kind of dash — so equal wording compares equal."""
    global _OPENCC
    if _OPENCC is None:
        import opencc

        _OPENCC = opencc.OpenCC("t2s")
    text = unicodedata.normalize("NFKC", _BOOKMARK.sub("", text))
    return re.sub(r"\s+", "", _OPENCC.convert(text)).translate(_DASHES)


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d+[.、])+")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


def evidence_core(evidence: str) -> str:
    """The part of an evidence string a citation must contain: no leading numbering, no trailing (note)."""
    core = _NUMBERING.sub("", match_form(evidence))
    return _TRAILING_NOTE.sub("", core) or core


_BODY_SUFFIXES = ("人民政府", "政府", "办事处")


def body_name(name: str) -> str:
    """A body's name for comparison: matching form, no (annotation), no 人民政府/政府 suffix."""
    n = re.sub(r"\(.*?\)", "", match_form(name))
    for suffix in _BODY_SUFFIXES:
        if n.endswith(suffix) and len(n) > len(suffix):
            n = n[: -len(suffix)]
            break
    return n


def same_body(item: str, expected: str) -> bool:
    """Equal names, or one is the other with a region in front (侯家镇 ~ 威海市文登区侯家镇人民政府)."""
    a, b = body_name(item), body_name(expected)
    if not a or not b:
        return False
    if a == b:
        return True
    full, short = (a, b) if len(a) > len(b) else (b, a)
    prefix = full[: len(full) - len(short)]
    return full.endswith(short) and prefix[-1] in _REGION_ENDS


_REGION_ENDS = "省市区县州盟旗"


# ---------------------------------------------------------------- scoring one answer
def score_answer(item: GoldItem, answer: Any) -> tuple[bool, str]:
    """(correct, why) for one Answer against its gold item."""
    kind = getattr(answer, "kind", None)
    if item.type == "unknown":
        return kind == "unknown", f"kind={kind}"
    if kind == "unknown":
        return False, "answered “unknown” to a question the corpus answers"
    value = getattr(answer, "value", None)
    if item.type in ("value", "count"):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and abs(value - item.answer) <= tolerance(item.answer), f"value={value!r}"
    if item.type == "yesno":
        return isinstance(value, bool) and value == (item.answer == YES), f"value={value!r}"
    if item.type == "list":
        items = list(getattr(answer, "items", []) or [])
        return names_match(items, list(item.answer), ordered=item.ordered), f"items={items}"
    found = [p for p in item.answer if match_form(p) in _answer_haystack(answer)]
    need = math.ceil(len(item.answer) / 2)
    return len(found) >= need, f"{len(found)}/{len(item.answer)} key phrases (need {need})"


def tolerance(gold: float) -> float:
    """A gold number written to d decimals (381.7) is met by any answer that rounds to it (381.67); whole numbers
    and two-decimal golds keep the fixed tolerance."""
    text = repr(float(gold))
    decimals = 0 if float(gold).is_integer() else len(text.split(".")[1])
    return max(NUMBER_TOLERANCE, 0.5 * 10 ** -decimals) if decimals else NUMBER_TOLERANCE


def names_match(items: list[str], expected: list[str], *, ordered: bool = False) -> bool:
    if len(items) != len(expected):
        return False
    if ordered:
        return all(same_body(a, b) for a, b in zip(items, expected, strict=True))
    remaining = list(items)
    for name in expected:
        hit = next((x for x in remaining if same_body(x, name)), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return not remaining


def _answer_haystack(answer: Any) -> str:
    texts = [getattr(answer, "answer", "") or ""]
    texts += [getattr(c, "text", "") or "" for c in getattr(answer, "citations", []) or []]
    return match_form("\n".join(texts))


# ---------------------------------------------------------------- citation accuracy
def citation_support(item: GoldItem, answer: Any, texts: dict[str, str]) -> tuple[int, int]:
    """(supported files, gold files) for one question; (0, 0) when citations are not scored (unknown answers)."""
    if item.type == "unknown" or not item.files:
        return 0, 0
    citations = list(getattr(answer, "citations", []) or [])
    supported = 0
    for name in item.files:
        file_text = texts.get(name)  # None when the file is not found: then any evidence string, any body
        evidence = [e for e in item.evidence if file_text is None or e in file_text]
        cores = [evidence_core(e) for e in evidence]
        folded_file = match_form(file_text) if file_text is not None else None
        own: list[str] = []
        for c in citations:
            short = match_form(getattr(c, "short_name", "") or getattr(c, "agency", "") or "")
            if folded_file is not None and (not short or short not in folded_file):
                continue  # a citation from another body does not back this file
            cited = match_form(getattr(c, "text", "") or "")
            own.append(cited)
            label = _cell_row_label(c, cited)
            if any(core and (core in cited or (label and label in core)) for core in cores):
                supported += 1
                break
        else:
            # a list cited item by item: together, in order, its citations hold the evidence (一是…二是…三是…)
            joined = "".join(own)
            supported += bool(own) and any(core and core in joined for core in cores)
    return supported, len(item.files)


_CELL = re.compile(r":(.+?)×")


def _cell_row_label(citation: Any, cited: str) -> str:
    """A table citation's row label, last part (“其他处理·申请人无正当理由逾期不补正” → the latter): the printed row
    label in the report is often longer than the one our citation renders. Short labels (“其他”) are too vague."""
    if not getattr(citation, "table", None):
        return ""
    m = _CELL.search(cited)
    label = m.group(1).split("·")[-1] if m else ""
    return label if len(label) >= 4 else ""


def read_corpus_texts(files: set[str], dirs: list[Path]) -> dict[str, str]:
    """The text of each gold file found in `dirs` (searched recursively), for citation checks."""
    out: dict[str, str] = {}
    for d in dirs:
        d = Path(d)
        if not d.exists():
            continue
        candidates = [d] if d.is_file() else d.rglob("*")
        for p in candidates:
            if p.name in files and p.name not in out and p.is_file():
                try:
                    out[p.name] = _read_text(p)
                except OSError:
                    continue
    return out


def _read_text(p: Path) -> str:
    if p.suffix.lower() in (".txt", ".html", ".htm"):
        data = p.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
    from indexing.readers import read_document  # structured formats: the project's own reader

    return read_document(p).text


# ---------------------------------------------------------------- results
@dataclass
class ItemResult:
    item: GoldItem
    correct: bool
    why: str
    answer_json: dict[str, Any]
    latency_ms: float
    cited: int = 0  # gold files backed by a citation
    cite_total: int = 0  # gold files whose citation was checked

    @property
    def grounded(self) -> bool:
        return self.correct and self.cited == self.cite_total

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.item.id, "question": self.item.question, "type": self.item.type,
            "history": list(self.item.history), "expected": self.item.answer, "correct": self.correct,
            "why": self.why, "citations_supported": [self.cited, self.cite_total], "answer": self.answer_json,
        }


@dataclass
class EvalResult:
    gold_path: str
    results: list[ItemResult]
    thresholds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. ingest failures

    @property
    def summary(self) -> dict[str, Any]:
        n = len(self.results)
        correct = sum(r.correct for r in self.results)
        by_type: dict[str, dict[str, Any]] = {}
        for t in GOLD_TYPES:
            rs = [r for r in self.results if r.item.type == t]
            if rs:
                k = sum(r.correct for r in rs)
                by_type[t] = {"questions": len(rs), "correct": k, "accuracy": round(k / len(rs), 4)}
        cited = sum(r.cited for r in self.results)
        total = sum(r.cite_total for r in self.results)
        lat = sorted(r.latency_ms for r in self.results)
        return {
            "gold": self.gold_path,
            "questions": n,
            "correct": correct,
            "accuracy": round(correct / n, 4) if n else 0.0,
            "by_type": by_type,
            "citation_accuracy": round(cited / total, 4) if total else None,
            "grounded_accuracy": round(sum(r.grounded for r in self.results) / n, 4) if n else 0.0,
            "citations_checked": total,
            "latency_ms": {"p50": round(percentile(lat, 50), 1), "p95": round(percentile(lat, 95), 1)},
            "failed": [r.item.id for r in self.results if not r.correct],
            "thresholds": dict(self.thresholds),
            "below_thresholds": self.below_thresholds(),
            "notes": list(self.notes),
        }

    def below_thresholds(self) -> list[str]:
        n = len(self.results)
        acc = sum(r.correct for r in self.results) / n if n else 0.0
        total = sum(r.cite_total for r in self.results)
        cite = sum(r.cited for r in self.results) / total if total else 1.0
        grounded = sum(r.grounded for r in self.results) / n if n else 0.0
        out = []
        if grounded < self.thresholds.get("grounded_accuracy", 0.0) - 1e-9:
            out.append(f"有据准确率 {grounded:.1%} 低于阈值 {self.thresholds['grounded_accuracy']:.1%}")
        if acc < self.thresholds.get("accuracy", 0.0) - 1e-9:
            out.append(f"准确率 {acc:.1%} 低于阈值 {self.thresholds['accuracy']:.1%}")
        if cite < self.thresholds.get("citation_accuracy", 0.0) - 1e-9:
            out.append(f"引用准确率 {cite:.1%} 低于阈值 {self.thresholds['citation_accuracy']:.1%}")
        return out

    @property
    def passed(self) -> bool:
        return not self.below_thresholds()

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "results": [r.to_json() for r in self.results]}

    def table(self) -> str:
        s = self.summary
        lines = [f"{'类型 type':<12}{'题数':>6}{'正确':>6}{'准确率':>9}"]
        for t, v in s["by_type"].items():
            lines.append(f"{t:<12}{v['questions']:>6}{v['correct']:>6}{v['accuracy']:>9.1%}")
        lines.append(f"{'总计 all':<12}{s['questions']:>6}{s['correct']:>6}{s['accuracy']:>9.1%}")
        ca = s["citation_accuracy"]
        lines.append(f"引用准确率 citation accuracy: {'—' if ca is None else f'{ca:.1%}'}"
                     f"（{s['citations_checked']} 个文件证据）")
        lines.append(f"有据准确率 grounded accuracy: {s['grounded_accuracy']:.1%}")
        lines.append(f"延迟 latency: p50 {s['latency_ms']['p50']} ms · p95 {s['latency_ms']['p95']} ms")
        if s["failed"]:
            lines.append("未通过 failed: " + ", ".join(s["failed"]))
        for msg in s["below_thresholds"]:
            lines.append("✗ " + msg)
        return "\n".join(lines)

    def markdown(self, command: str = "nianbao eval") -> str:
        s = self.summary
        ca = s["citation_accuracy"]
        out = [
            "# nianbao eval",
            "",
            f"- 时间 / run at: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- 命令 / command: `{command}`",
            f"- 金标准 / gold: `{s['gold']}` ({s['questions']} questions)",
            f"- 准确率 / accuracy: **{s['accuracy']:.1%}** ({s['correct']}/{s['questions']})",
            f"- 引用准确率 / citation accuracy: **{'—' if ca is None else f'{ca:.1%}'}** "
            f"({s['citations_checked']} gold files checked)",
            f"- 有据准确率 / grounded accuracy (correct and cited): **{s['grounded_accuracy']:.1%}**",
            f"- 延迟 / latency: p50 {s['latency_ms']['p50']} ms, p95 {s['latency_ms']['p95']} ms",
            f"- 阈值 / thresholds: `{json.dumps(s['thresholds'], ensure_ascii=False)}` → "
            + ("通过 / pass" if not s["below_thresholds"] else "未通过 / FAIL: " + "；".join(s["below_thresholds"])),
            "",
            "| type | questions | correct | accuracy |",
            "|---|---:|---:|---:|",
        ]
        for t, v in s["by_type"].items():
            out.append(f"| {t} | {v['questions']} | {v['correct']} | {v['accuracy']:.1%} |")
        out.append(f"| **all** | {s['questions']} | {s['correct']} | {s['accuracy']:.1%} |")
        for note in s["notes"]:
            out += ["", f"> {note}"]
        failed = [r for r in self.results if not r.correct]
        if failed:
            out += ["", "## Failed questions", "", "| id | type | question | expected | got | why |",
                    "|---|---|---|---|---|---|"]
            for r in failed:
                q = " ← ".join([r.item.question, *reversed(r.item.history)])
                got = " ".join(str(r.answer_json.get("answer", r.answer_json.get("error", ""))).split())[:120]
                cells = [r.item.id, r.item.type, q, r.item.expected_text, got, r.why]
                out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        uncited = [r for r in self.results if r.cited < r.cite_total]
        if uncited:
            out += ["", "## Citations not backing the gold evidence", ""]
            out += [f"- {r.item.id} {r.item.question}: {r.cited}/{r.cite_total} files" for r in uncited]
        return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return float(sorted_values[rank - 1])


def load_thresholds(path: Path = THRESHOLDS_PATH) -> dict[str, float]:
    if not Path(path).exists():
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {k: float(v) for k, v in data.items() if k in THRESHOLD_KEYS}


# ---------------------------------------------------------------- running
def run_eval(gold_path: Path, assistant, *, corpus_dirs: list[Path] | None = None,
             thresholds: dict[str, float] | None = None, progress=None) -> EvalResult:
    """Ask every gold question (its history first, answers fed back as the conversation) and score it."""
    items = load_gold(Path(gold_path))
    dirs = list(corpus_dirs) if corpus_dirs else [DEFAULT_CORPUS_DIR]
    texts = read_corpus_texts({f for it in items for f in it.files}, dirs)
    results: list[ItemResult] = []
    for i, item in enumerate(items, 1):
        results.append(_run_one(item, assistant, texts))
        if progress is not None and (i % 25 == 0 or i == len(items)):
            progress(f"已评测 {i}/{len(items)}")
    return EvalResult(str(gold_path), results, load_thresholds() if thresholds is None else thresholds)


def _run_one(item: GoldItem, assistant, texts: dict[str, str]) -> ItemResult:
    history: list[Any] = []
    try:
        for earlier in item.history:
            history.append(assistant.ask(earlier, history=list(history)))
        start = time.perf_counter()
        answer = assistant.ask(item.question, history=list(history))
        latency = (time.perf_counter() - start) * 1000
    except Exception as e:  # one broken question must not stop the run; it counts as wrong
        return ItemResult(item, False, f"error: {type(e).__name__}: {e}", {"error": f"{type(e).__name__}: {e}"}, 0.0)
    correct, why = score_answer(item, answer)
    cited, total = citation_support(item, answer, texts)
    return ItemResult(item, correct, why, answer.to_json(), latency, cited, total)


def run_from_cli(args, config, llm) -> int:
    """`nianbao eval`: optionally build a fresh index from --corpus dirs, run the gold set, print, write, gate."""
    from answering.assistant import Assistant

    gold = Path(args.gold)
    corpus_dirs = [Path(p) for p in (getattr(args, "corpus", None) or [])]
    notes: list[str] = []
    tmp = None
    try:
        load_gold(gold)  # a broken gold file fails before any index is built
    except (GoldError, OSError) as e:
        print(f"错误 {e}", file=sys.stderr)
        return 2
    try:
        if corpus_dirs:
            if not _index_given(args):  # a fresh index in a temp dir, leaving the user's index alone
                tmp = tempfile.TemporaryDirectory(prefix="nianbao-eval-", ignore_cleanup_errors=True)
                config = type(config)(index_dir=Path(tmp.name), chroma_url=config.chroma_url,
                                      embedder=config.embedder)
            from indexing.pipeline import ingest_paths

            summary = ingest_paths(corpus_dirs, config)
            print(summary.describe(), file=sys.stderr)
            for source, reason in summary.failures:
                print(f"错误 {source}: {reason}", file=sys.stderr)
                notes.append(f"导入失败 {source}: {reason}")
        assistant = Assistant.open(config, llm=llm)
        thresholds_file = getattr(args, "thresholds", None)  # not a CLI flag: tests point it at their own file
        result = run_eval(gold, assistant, corpus_dirs=corpus_dirs or None,
                          thresholds=load_thresholds(Path(thresholds_file)) if thresholds_file else None,
                          progress=None if getattr(args, "json", False) else _stderr)
        result.notes.extend(notes)
    finally:
        if tmp is not None:
            tmp.cleanup()
    report_path = Path(getattr(args, "report", None) or DEFAULT_REPORT_PATH)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(result.markdown(_command_line(args)), encoding="utf-8")
    if getattr(args, "json", False):
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(result.table())
        print(f"报告 report: {report_path}")
    for msg in result.below_thresholds():
        print(f"✗ {msg}", file=sys.stderr)
    return 0 if result.passed and not notes else 1


def _index_given(args) -> bool:
    index = getattr(args, "index", None)
    return index is not None and Path(index).resolve() != Path(DEFAULT_INDEX_DIR).resolve()


def _command_line(args) -> str:
    parts = ["nianbao eval", f"--gold {args.gold}"]
    parts += [f"--corpus {c}" for c in (getattr(args, "corpus", None) or [])]
    if getattr(args, "json", False):
        parts.append("--json")
    return " ".join(parts)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
