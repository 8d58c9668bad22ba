"""“通过哪些平台/渠道/方式…”: the channels a report names, answered as items, each cited to its own sentence."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant
from answering.things import things_in

from .conftest import assert_cited, make_report

# Invented text in the shapes reports use: a list after 通过 closed by a count of kinds, a 等-list called 新媒体, a
# means verb with one name, a list of ways of learning (no channels), and a numbered list of management steps.
OVERVIEW = (
    "（四）政府信息公开平台建设情况\n"
    "一是健全信息审核机制，落实专人负责。二是加强业务培训，提升工作能力。三是规范公开流程，确保及时准确。\n"
    "本年度通过青禾乡人民政府网站、“青禾之声”微信公众号两个平台发布工作动态。"
    "在青禾日报、县融媒体中心、青禾发布等新媒体刊发报道12篇。"
    "同时，利用便民服务大厅及村务公开栏定期公示惠民政策。"
    "工作人员通过在线学习、集中研讨等方式熟悉发布流程。"
)
PLAIN = "本年度工作平稳推进，信息公开质量稳步提升。"


def _assistant() -> Assistant:
    return Assistant.from_reports([
        make_report("青禾乡", 2021, sections={"overview": OVERVIEW}),
        make_report("白石镇", 2021, sections={"overview": "依托“白石发布”政务微博和镇政府网站公开信息。"}),
    ])


@pytest.mark.parametrize("question", [
    "青禾乡通过哪些平台发布信息？",
    "青禾乡有哪些信息公开渠道？",
    "青禾乡通过哪些方式公开政府信息？",
    "青禾乡用了哪些新媒体？",
    "青禾乡的公开载体有哪些？",
    "青禾乡通过哪两个平台发布信息？",
])
def test_channel_questions_are_answered_item_by_item(question):
    ans = _assistant().ask(question)
    assert ans.kind == "text"
    for name in ("青禾乡人民政府网站", "“青禾之声”微信公众号", "青禾日报", "县融媒体中心", "青禾发布", "便民服务大厅",
                 "村务公开栏"):
        assert name in ans.answer, name
    # the management steps under the platform heading are no channels; nor are ways of learning
    assert "健全信息审核机制" not in ans.answer and "在线学习" not in ans.answer
    assert_cited(ans)


def test_each_item_cites_the_sentence_it_was_read_from():
    ans = _assistant().ask("青禾乡通过哪些平台发布信息？")
    cited = {c.text for c in ans.citations}
    assert any("两个平台发布工作动态" in t for t in cited)
    assert any("等新媒体刊发报道" in t for t in cited)
    # every item's mark points at a sentence holding that item
    for name in ("青禾日报", "便民服务大厅"):
        after = ans.answer.split(name, 1)[1]
        n = int(after[1:after.index("]")])
        assert name in ans.citations[n - 1].text
    assert len(ans.citations) <= 3  # one per sentence, not one per passage pasted


def test_every_asked_body_gets_its_own_line():
    ans = _assistant().ask("各乡镇都通过哪些平台发布信息？")
    assert "青禾乡2021年" in ans.answer and "白石镇2021年" in ans.answer
    assert "“白石发布”政务微博" in ans.answer and "镇政府网站" in ans.answer
    assert set(ans.items) == {"青禾乡", "白石镇"}


def test_a_figure_of_channels_is_not_a_list_of_names():
    # “哪个渠道最多”, “通过哪些渠道公开了多少条” ask numbers: not this answer
    for q in ("青禾乡哪个渠道发布的信息最多？", "青禾乡通过哪些渠道一共公开了多少条信息？"):
        assert "写到的" not in _assistant().ask(q).answer


@pytest.mark.parametrize(("sentence", "names"), [
    ("通过县政府网站、政务微博、“甲乡发布”公众号发布信息。", ["县政府网站", "政务微博", "“甲乡发布”公众号"]),
    ("灵活运用广播车、发放宣传册等方式宣传政策。", ["广播车", "宣传册"]),
    ("在乡报、县电视台、乙乡头条等媒体发布消息。", ["乡报", "县电视台", "乙乡头条"]),
    ("充分发挥镇政府门户网站的作用，及时发布信息。", ["镇政府门户网站"]),
    ("通过各类渠道公开政府信息30条。", []),  # a quantifier and a kind word name no channel
    ("充分发挥平台对推动工作的作用。", []),  # nor does a kind word alone
    ("通过现场指导、集中培训等方式学习业务。", []),  # ways of learning hold no channel's word
])
def test_things_in_reads_the_enumeration_shapes(sentence, names):
    assert things_in(sentence) == names


def test_a_report_naming_no_channel_falls_back_to_passages():
    assistant = Assistant.from_reports([make_report("丙镇", 2021, sections={"overview": PLAIN})])
    ans = assistant.ask("丙镇通过哪些平台发布信息？")
    assert "写到的" not in ans.answer


@pytest.mark.parametrize("text", [
    "主要通过以下渠道公开：1.区政府门户网站；2.“丁乡发布”微信公众号；3.便民服务中心公开栏。",
    "一是区政府门户网站。二是“丁乡发布”微信公众号。三是便民服务中心公开栏。",
    "一是依托区政府门户网站，及时发布工作动态；二是用好“丁乡发布”微信公众号，推送惠民政策；"
    "三是在便民服务中心公开栏张贴公告。",
])
def test_a_numbered_list_of_channels_is_read_item_by_item(text):
    ans = Assistant.from_reports([make_report("丁乡", 2022, sections={"overview": text})]).ask(
        "丁乡通过哪几个平台公开信息？")
    for name in ("区政府门户网站", "“丁乡发布”微信公众号", "便民服务中心公开栏"):
        assert name in ans.answer, (name, ans.answer)
    assert "写到的平台有" in ans.answer


@pytest.mark.parametrize("question", ["哪些乡镇开通了政务新媒体？", "青禾乡可以通过哪些方式申请政府信息公开？"])
def test_questions_about_bodies_or_applying_are_not_lists_of_channels(question):
    assert "写到的" not in _assistant().ask(question).answer


@pytest.mark.parametrize("follow", ["那白石镇呢？", "白石镇呢", "换成白石镇"])
def test_a_follow_up_naming_another_body_asks_its_channels(follow):
    a = _assistant()
    first = a.ask("青禾乡通过哪些平台发布信息？")
    ans = a.ask(follow, history=[first])
    assert ans.items == ["白石镇"] and "“白石发布”政务微博" in ans.answer and "青禾" not in ans.answer, ans.answer


MEASURES = "本年度，我镇通过召开专题推进会、开展业务培训、建立信息报送台账等措施，推动政务公开工作落实。"


@pytest.mark.parametrize("question", ["己镇采取了哪些措施推动政务公开？", "己镇推动政务公开的做法有哪些？",
                                      "己镇用了什么办法推动政务公开"])
def test_measures_a_passage_lists_inline_are_shown_as_items(question):
    ans = Assistant.from_reports([make_report("己镇", 2021, sections={"overview": MEASURES})]).ask(question)
    assert "召开专题推进会、开展业务培训、建立信息报送台账[1]" in ans.answer, ans.answer
    assert "我镇通过" not in ans.answer  # the passage is shown as its items, and cited whole
    assert ans.citations[0].text == MEASURES


def test_measures_in_needs_a_list_the_sentence_calls_measures():
    from answering.things import measures_in

    assert measures_in("通过公开栏、网站等措施推进。") == ["公开栏", "网站"]
    assert measures_in("采取有力措施，狠抓落实。") == []
    assert measures_in("统筹做好信息管理、政策解读等各项工作。") == []


def test_a_bare_channel_word_inside_a_longer_name_stays_a_channel():
    text = "通过政务微博、微信发布信息。通过“庚镇之窗”微信公众号推送政策。依托政务新媒体“庚镇之窗”微信公众号回应关切。"
    assistant = Assistant.from_reports([make_report("庚镇", 2021, sections={"overview": text})])
    ans = assistant.ask("庚镇通过哪些渠道发布信息")
    assert "、微信[" in ans.answer and "政务微博" in ans.answer
    assert ans.answer.count("“庚镇之窗”微信公众号") == 1  # the shorter mention is the longer name


# ---------------------------------------------------------------- which bodies use a named channel
def _channel_users() -> Assistant:
    return Assistant.from_reports([
        make_report("午镇", 2021, sections={"overview": "本年度通过“午镇发布”抖音号、镇政府网站刊发政务信息。"}),
        make_report("未乡", 2021, sections={"overview": "依托“未乡之窗”微信公众号发布工作动态36条。"}),
        make_report("申镇", 2021, sections={"overview": PLAIN}),
    ])


@pytest.mark.parametrize("question", [
    "哪些乡镇用抖音发布政务信息？",
    "哪些乡镇开通了抖音号？",
    "哪些乡镇有抖音账号？",
])
def test_which_bodies_use_a_named_channel(question):
    ans = _channel_users().ask(question)
    assert ans.kind == "list" and ans.items == ["午镇"], ans.answer
    assert "“午镇发布”抖音号" in ans.answer and ans.citations[0].text.startswith("本年度通过“午镇发布”抖音号")
    assert_cited(ans)


def test_a_channel_asked_as_a_figure_is_no_list_of_users():
    from answering.things import channel_bodies_asked

    asker = _channel_users()
    for question in ("哪个乡镇通过微信公众号发布的信息最多？", "哪些乡镇通过微信公众号发布信息超过30条？",
                     "哪些乡镇没有开通抖音号？"):
        assert channel_bodies_asked(asker.understand(question)) == (), question
    assert channel_bodies_asked(asker.understand("哪些乡镇利用微信公众号发布政务信息？")) == ("微信", "公众号")
