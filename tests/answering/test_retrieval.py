"""The assistant over the real index built from the samples: prose through hybrid retrieval, filters, abstain."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant

from .conftest import assert_cited

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant(corpus_index_config, monkeypatch_module):
    assistant = Assistant.open(corpus_index_config)

    # The index and its models load once: asking must never open the index again.
    def refuse(*args, **kwargs):
        raise AssertionError("Index.open called during ask()")

    import indexing.store

    monkeypatch_module.setattr(indexing.store.Index, "open", classmethod(refuse))
    return assistant


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _report(assistant, short_name):
    return next(r for r in assistant.reports() if r.short_name == short_name)


def test_problems_are_extracted_sentences_of_that_report(assistant):
    ans = assistant.ask("港口乡存在哪些问题")
    assert ans.kind == "text" and ans.items == ["港口乡"]
    assert 1 <= len(ans.citations) <= 3
    problems = _report(assistant, "港口乡").sections["problems"]
    for c in ans.citations:
        assert c.short_name == "港口乡" and c.section == "problems" and c.text in problems
    assert len(ans.answer) < len(problems) + 40  # the best sentences, not the whole section
    assert_cited(ans)


def test_improvements_for_a_body(assistant):
    ans = assistant.ask("米山镇的改进措施有哪些")
    assert ans.kind == "text" and ans.items == ["米山镇"]
    assert any("改进" in c.text or "强化" in c.text or "加强" in c.text for c in ans.citations)
    assert_cited(ans)


def test_contact_phone(assistant):
    ans = assistant.ask("侯家镇的联系电话是多少")
    assert ans.kind == "text"
    assert any("0631-8727088" in c.text for c in ans.citations)
    assert_cited(ans)


def test_filters_from_the_app_narrow_the_search(assistant):
    from indexing.retrieve import SearchFilters

    mishan = _report(assistant, "米山镇").report_id
    ans = assistant.ask("存在哪些问题", filters=SearchFilters(report_ids=[mishan]))
    assert ans.kind == "text" and ans.items == ["米山镇"]
    listed = assistant.ask("哪些乡镇没有收到政府信息公开申请", filters=SearchFilters(years=[2021]))
    assert set(listed.items) == {"侯家镇", "港口乡", "白奎镇"}


def test_structured_headline_through_the_index(assistant):
    ans = assistant.ask("2021年哪些乡镇没有收到政府信息公开申请")
    assert set(ans.items) == {"侯家镇", "港口乡", "白奎镇"}
    assert_cited(ans)


def test_open_question_about_an_unknown_body_abstains(assistant):
    ans = assistant.ask("张家镇存在哪些问题")
    assert ans.kind == "unknown" and "张家镇" in ans.answer


def test_open_question_in_a_year_not_covered_abstains(assistant):
    ans = assistant.ask("2018年港口乡存在哪些问题")
    assert ans.kind == "unknown" and "2018年" in ans.answer
