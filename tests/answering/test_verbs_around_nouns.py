"""A figure asked with its verb — before the noun or after it (发放明白纸 / 明白纸发放了, 出动广播车 /
广播车出动了, 开展政府开放日活动 / 政府开放日活动开展) — is the noun's figure; a noun the report writes in quotes
(开展“政府开放日”活动) is the same noun. These were answered “未披露” although the report states the number."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant

from .conftest import assert_cited, make_report

OVERVIEW = ("全年共出动宣传车36车次，发放各类宣传手册1200份，开展“政务开放周”活动4次，"
            "在各村张贴公开栏海报58张。印发政策明白卡900份，悬挂宣传横幅17条，循环播放公开专题片40场次。")


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.from_reports([
        make_report("青禾乡", 2022, sections={"overview": OVERVIEW}),
        make_report("白石镇", 2022, sections={"overview": "开展“政务开放周”活动2次，发放宣传手册300份。"}),
    ])


@pytest.mark.parametrize(("question", "value"), [
    ("青禾乡发放宣传手册多少份？", 1200),
    ("青禾乡宣传手册发放了多少份？", 1200),
    ("青禾乡出动宣传车多少车次？", 36),
    ("青禾乡宣传车出动了多少车次？", 36),
    ("青禾乡开展政务开放周活动几次？", 4),
    ("青禾乡政务开放周活动开展了几次？", 4),
    ("青禾乡张贴公开栏海报多少张？", 58),
    ("青禾乡公开栏海报张贴了多少张？", 58),
    ("青禾乡印发政策明白卡多少份？", 900),
    ("青禾乡政策明白卡印发了多少份？", 900),
    ("青禾乡悬挂宣传横幅多少条？", 17),
    ("青禾乡宣传横幅悬挂了多少条？", 17),
    ("青禾乡播放公开专题片多少场次？", 40),
    ("青禾乡开展“政务开放周”活动几次？", 4),  # the question quotes the noun as the report does
])
def test_a_figure_asked_with_its_verb_is_the_nouns_figure(assistant, question, value):
    answer = assistant.ask(question)
    assert answer.value == value, answer.answer
    assert "未披露" not in answer.answer
    assert_cited(answer)


@pytest.mark.parametrize("question", [
    "哪个乡镇开展政务开放周活动最多？",
    "政务开放周活动开展最多的是哪个乡镇？",
    "哪个乡镇开展的政务开放周活动次数最多？",
])
def test_which_body_did_most_reads_the_quoted_noun(assistant, question):
    answer = assistant.ask(question)
    assert answer.kind == "list" and answer.answer.index("青禾乡") < answer.answer.index("白石镇"), answer.answer
    assert "4次" in answer.answer and "未披露" not in answer.answer
    assert_cited(answer)
