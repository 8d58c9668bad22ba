"""Fixtures for the question side: the five samples parsed once, records built in code, and the number check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import nianbao  # noqa: F401  (offline environment first)
from answering.models import Answer
from indexing.models import Fact, Report

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="session")
def sample_reports() -> list[Report]:
    from indexing.parser import parse_file

    return [parse_file(p) for p in sorted(CORPUS_DIR.glob("*.txt"))]


@pytest.fixture(scope="session")
def reports_assistant(sample_reports):
    """An Assistant over the parsed records alone (no vector index): numbers, and prose from the records' sections."""
    from answering.assistant import Assistant

    return Assistant.from_reports(sample_reports)


def make_report(short_name: str, year: int, *, agency: str | None = None,
                region: tuple[str, ...] = ("测试市", "测试区"), level: str = "乡镇", tables: dict | None = None,
                facts: dict[str, tuple] | None = None,
                sections: dict[str, str] | None = None, template: str = "2021") -> Report:
    """A record built in code. facts: key -> (value, sentence, section)."""
    agency = agency or f"{''.join(region)}{short_name}人民政府"
    return Report(
        report_id=f"{short_name}-{year}-test", source=f"{short_name}{year}.txt", content_hash=f"{short_name}{year}",
        agency=agency, short_name=short_name, region=list(region), level=level, year=year, signed_date=None,
        template=template, title=f"{agency}{year}年政府信息公开工作年度报告", sections=dict(sections or {}),
        tables={k: (tables or {}).get(k) for k in ("proactive", "requests", "appeals")},
        facts={k: Fact(k, v[0], v[1], v[2]) for k, v in (facts or {}).items()}, flags=[], text="",
    )


_MARK = re.compile(r"\[\d+\]")
_YEAR = re.compile(r"(?:19|20)\d\d(?=年)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def uncited_numbers(answer: Answer) -> list[str]:
    """Numbers in the answer text found in no cited cell or sentence.

    Allowed besides: numbers the question itself gave (a threshold echoed back), years (“2021年”), citation marks,
    and what the answer derives and says it derives — a count
    of the bodies it lists, a sum, average, change or ratio it shows the parts of (answer.value).
    """
    text = _YEAR.sub(" ", _MARK.sub(" ", answer.answer))
    cited = set()
    for c in answer.citations:
        cited.update(_NUMBER.findall(c.text))
    allowed = set(cited) | set(_NUMBER.findall(answer.question))  # a threshold the user gave is echoed back
    if answer.kind == "count" or (answer.kind == "value" and (len(answer.rows) > 1 or "÷" in answer.answer)):
        allowed.add(_fmt(answer.value))
        allowed.add(_fmt(abs(answer.value)) if isinstance(answer.value, int | float) else "")
        allowed.add(str(len(answer.rows)))
    # how many reports a paged list holds (“……（共60份报告）”) or a list answer names (“有60份报告”): its own count
    text = re.sub(r"……（共\d+份报告[^）]*）", " ", text)
    if answer.rows:
        text = re.sub(rf"(?<=有){len(answer.rows)}(?=份报告)", " ", text)
    allowed |= _shown_sums(text)
    return [n for n in _NUMBER.findall(text) if n not in allowed]


def _shown_sums(text: str) -> set[str]:
    """“…59篇；…235条。合计294”, “（…20条 + …80条 = 100条）”: a total that equals the numbers shown before it, in its
    own sentence or bracket."""
    out = set()
    for m in re.finditer(r"（([^（）=]*\+[^（）=]*)=\s*(\d+(?:\.\d+)?)", text):
        parts = [float(n) for n in _NUMBER.findall(m.group(1))]
        if parts and abs(sum(parts) - float(m.group(2))) < 1e-9:
            out.add(m.group(2))
    for sentence_parts in re.finditer(r"([^。]*?)合计(\d+(?:\.\d+)?)", text):
        before = [float(n) for n in _NUMBER.findall(sentence_parts.group(1))]
        total = sentence_parts.group(2)
        if before and abs(sum(before) - float(total)) < 1e-9:
            out.add(total)
    return out


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def assert_cited(answer: Answer) -> None:
    bad = uncited_numbers(answer)
    assert not bad, f"numbers without a cited source {bad} in: {answer.answer}"
    for i in range(1, len(answer.citations) + 1):
        assert f"[{i}]" in answer.answer, f"citation [{i}] never referenced in: {answer.answer}"
