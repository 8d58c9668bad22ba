"""Extractive prose answers: sentences, numbered lists, headings, and the weak-evidence abstention."""

from __future__ import annotations

import re

import pytest

from answering.assistant import Assistant
from answering.passages import enumerations, sentences, sentences_with_headings

from .conftest import assert_cited, make_report

PROBLEMS = (
    "（一）存在的主要问题\n"
    "本年度工作虽有进展，但还存在不足：信息更新不够及时。\n"
    "（二）改进措施\n"
    "一是加强队伍建设，定期开展培训。二是完善审核制度，严格保密审查。三是拓宽公开渠道，用好政务新媒体。"
)
OVERVIEW = (
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、行政复议、存在的主要问题、"
    "其他需要报告的事项组成。\n"
    "（四）政府信息公开平台建设情况\n"
    "本年度依托“甲乡发布”微信公众号和乡政府网站发布信息，平台运行平稳。"
)


def _assistant() -> Assistant:
    return Assistant.from_reports([make_report("甲乡", 2021, sections={"problems": PROBLEMS, "overview": OVERVIEW})])


def test_sentences_skip_bare_headings_and_keep_them_as_context():
    pairs = sentences_with_headings(PROBLEMS)
    assert ("本年度工作虽有进展，但还存在不足：信息更新不够及时。", "（一）存在的主要问题") in pairs
    assert all(not s.startswith("（一）存在") for s in sentences(PROBLEMS))


def test_enumerations_find_numbered_items_not_headings():
    groups = enumerations(PROBLEMS)
    assert len(groups) == 1  # （一）（二）are headings on lines of their own, not a list of answers
    g = groups[0]
    assert g.leads == ["加强队伍建设，定期开展培训", "完善审核制度，严格保密审查", "拓宽公开渠道，用好政务新媒体"]
    assert g.markers == ["一是", "二是", "三是"] and g.heading == "（二）改进措施"


def test_improvements_answer_with_the_list_items():
    ans = _assistant().ask("甲乡有哪些改进措施")
    assert ans.kind == "text" and "加强队伍建设" in ans.answer and "拓宽公开渠道" in ans.answer
    assert len(ans.citations) == 3 and ans.citations[0].section == "problems"
    assert_cited(ans)


def test_problems_answer_with_the_problem_sentence_not_the_contents_line():
    ans = _assistant().ask("甲乡存在哪些问题")
    assert "信息更新不够及时" in ans.answer
    assert "本报告由" not in ans.answer
    assert "加强队伍建设" not in ans.answer  # that list sits under the improvements heading


def test_platform_sentence_under_its_heading():
    ans = _assistant().ask("甲乡的平台建设情况")
    assert "甲乡发布" in ans.answer


def test_weak_evidence_abstains_and_says_what_was_looked_for():
    ans = _assistant().ask("甲乡的足球比赛成绩如何")
    assert ans.kind == "unknown" and ans.citations == []
    assert ans.answer.startswith("语料中没有找到") and "足球比赛" in ans.answer


# ---------------------------------------------------------------- the list asked, not one item that shares a word
RECTIFY = (
    "存在的主要问题为：一是对政务公开的重视不够，部分干部认识不足。二是信息公开专业能力偏弱。三是长效机制尚不健全。\n"
    "2023年将从以下方面改进：（一）健全审核机制，严把发布关。（二）加强业务培训，提升队伍素质。"
)
RECTIFY_BACK = (
    "（一）2020年问题整改情况。\n"
    "针对去年更新不及时的问题，建立信息报送台账，按周督办。\n"
    "（二）2021年存在的问题。\n"
    "一是解读形式单一。二是栏目维护不及时。"
)


def _towns() -> Assistant:
    return Assistant.from_reports([
        make_report("乙镇", 2022, sections={"problems": RECTIFY}),
        make_report("丙镇", 2021, sections={"problems": RECTIFY_BACK}),
    ])


def test_a_generic_word_in_one_item_does_not_make_the_question_ask_that_item():
    for question in ("乙镇2022年政务公开工作的主要问题有哪些？", "乙镇2022年信息公开存在哪些问题",
                     "乙镇2022年政务公开有什么不足"):
        ans = _towns().ask(question)
        assert all(x in ans.answer for x in ("重视不够", "专业能力偏弱", "长效机制")), (question, ans.answer)


def test_the_topic_is_the_one_the_asking_clause_names():
    for question in ("针对这些问题，乙镇是怎么改进的？", "乙镇2022年的问题打算如何改进",
                     "对存在的不足，乙镇下一步怎么整改"):
        ans = _towns().ask(question)
        assert "健全审核机制" in ans.answer and "专业能力偏弱" not in ans.answer, (question, ans.answer)


def test_a_pointer_word_carries_the_last_turns_body():
    a = _towns()
    first = a.ask("乙镇2022年存在哪些问题？")
    for follow in ("针对这些问题，他们是怎么改进的？", "该镇打算怎么改进？", "上述问题怎么整改"):
        ans = a.ask(follow, history=[first])
        assert ans.items == ["乙镇"] and "健全审核机制" in ans.answer, (follow, ans.answer)


def test_plans_for_a_year_without_its_report_come_from_the_year_before_and_say_so():
    for question in ("乙镇2023年打算从哪几个方面改进？", "乙镇2023年的改进计划是什么"):
        ans = _towns().ask(question)
        assert ans.kind == "text" and "健全审核机制" in ans.answer, (question, ans.answer)
        assert "没有乙镇2023年的报告" in ans.answer and "2022年报告" in ans.answer
        assert_cited(ans)


def test_rectifying_a_year_without_its_report_comes_from_the_year_after():
    ans = _towns().ask("丙镇对2020年的问题是怎么整改的？")
    assert ans.kind == "text" and "信息报送台账" in ans.answer and "解读形式单一" not in ans.answer
    assert "没有丙镇2020年的报告" in ans.answer


def test_a_neighbour_report_that_does_not_name_the_year_answers_nothing():
    # 丙镇's 2021 report writes nothing about 2022: no plans for 2022 are invented from its 2021 list.
    ans = _towns().ask("丙镇2022年打算怎么改进？")
    assert ans.kind == "unknown" and "没有丙镇2022年的报告" in ans.answer
    # A question about problems is not widened: a neighbour's plans are not that year's problems.
    assert _towns().ask("乙镇2023年存在哪些问题？").kind == "unknown"


# ---------------------------------------------------------------- how many items a list sets out
COUNTED = (
    "（一）主动公开情况\n本年度共公开信息88条，从内容看，机构概况5条，通知公告30条，工作动态41条，人事信息12条。\n"
    "公开的信息分为以下几类：1.概况类信息，含领导分工。2.规划类信息，含年度计划。3.财政类信息，含预决算。\n"
)
MEASURES_TEN = ["完善制度", "加强培训", "拓宽渠道", "规范目录", "强化审查", "做好解读", "回应关切", "加强考核",
                "优化平台", "总结经验"]
LONG_LIST = "下一步我们将：" + "".join(f"{n}是{w}。" for n, w in zip("一二三四五六七八九十", MEASURES_TEN, strict=True))


def _counting() -> Assistant:
    return Assistant.from_reports([
        make_report("丁乡", 2021, sections={"overview": COUNTED, "problems": "存在的问题是宣传不够。" + LONG_LIST}),
        make_report("戊乡", 2021, sections={"problems": "存在的问题是公开不及时，将进一步加强管理。"}),
    ])


def test_a_count_of_items_counts_the_list_and_shows_each_item():
    ans = _counting().ask("丁乡2021年列了几条改进措施？")
    assert ans.kind == "count" and ans.value == 10  # every item, not only the first eight shown elsewhere
    assert "总结经验" in ans.answer and ans.citations
    assert_cited(ans)


def test_kinds_set_side_by_side_with_their_counts_are_counted():
    ans = _counting().ask("丁乡主动公开的信息按内容分成了几类？")
    assert ans.kind == "count" and ans.value in (3, 4), ans.answer
    # whichever list answers, the count is the items it shows
    shown = ans.answer.count("；") + 1
    assert shown == ans.value


def test_no_list_set_out_means_no_count():
    ans = _counting().ask("戊乡2021年列了几条改进措施？")
    assert ans.kind == "unknown" and "没有逐条列出" in ans.answer


# ---------------------------------------------------------------- one item of a list, named whole
KINDS = (
    "（一）主动公开情况\n本年度公开信息40条。\n"
    "1.概况类信息，主要包括机构设置、领导分工等。\n2.规划计划类信息，主要包括年度重点任务分解、半年工作小结等。\n"
    "3.财政资金类信息，主要包括部门预算、三公经费等。\n"
)


def test_a_question_naming_one_items_whole_name_gets_that_item():
    a = Assistant.from_reports([make_report("己镇", 2022, sections={"overview": KINDS,
                                                                   "problems": "一是加强计划管理。二是完善制度。"})])
    for question in ("己镇公开的规划计划类信息主要包括哪些内容？", "己镇的财政资金类信息包括什么"):
        ans = a.ask(question)
        wanted = "年度重点任务分解" if "规划" in question else "部门预算"
        assert wanted in ans.answer and "加强计划管理" not in ans.answer, (question, ans.answer)
        assert "机构设置" not in ans.answer  # one item, not the whole list


def test_a_closing_bracket_or_quote_stays_with_its_sentence():
    text = ("如有疑问请与党政办联系。（地址：某路1号，电话:0795-1234567。）"
            "全年印发“工作要点。”并抓好落实工作。")
    assert sentences(text) == ["如有疑问请与党政办联系。", "（地址：某路1号，电话:0795-1234567。）",
                               "全年印发“工作要点。”", "并抓好落实工作。"]


# ---------------------------------------------------------------- a sentence that says it, before a list that does not
PLATFORMS = (
    "（四）政府信息公开平台建设情况\n一是完善信息常态化管理机制。二是加强重要信息的管理。三是做好保密审查。\n"
    "（五）监督保障情况\n本年度通过区政府网站、“辛镇发布”公众号两个政务公开平台发布信息。一是高度重视，明确职责。"
    "二是加强学习，提升能力。\n"
)


@pytest.mark.parametrize("question", ["辛镇通过哪两个政务公开平台发布信息？", "辛镇用哪两个平台发布信息"])
def test_a_sentence_with_the_questions_words_beats_lists_that_lack_them(question):
    ans = Assistant.from_reports([make_report("辛镇", 2022, sections={"overview": PLATFORMS})]).ask(question)
    assert "辛镇发布" in ans.answer, ans.answer
    assert "高度重视" not in ans.answer  # the list after the sentence is not what it says


def test_a_list_its_intro_announces_still_answers():
    text = "存在的主要问题为：一是宣传不够。二是形式单一。三是队伍薄弱。"
    ans = Assistant.from_reports([make_report("辛镇", 2022, sections={"problems": text})]).ask("辛镇存在哪些问题")
    assert all(x in ans.answer for x in ("宣传不够", "形式单一", "队伍薄弱"))


@pytest.mark.parametrize("question, expected", [
    ("辛镇的年报有没有留联系电话？", True),
    ("辛镇存在问题吗", None),  # the report says nothing on it: silence, never 否
])
def test_a_yes_no_on_a_topic_is_yes_with_its_passage_or_silence(question, expected):
    sections = {"overview": "如有疑问，请与党政办联系（电话：0000-1234567）。"}
    ans = Assistant.from_reports([make_report("辛镇", 2022, sections=sections)]).ask(question)
    if expected:
        assert ans.kind == "yesno" and ans.value is True and "1234567" in ans.answer
    else:
        assert ans.kind == "unknown" and ans.value is None


# ---------------------------------------------------------------- counting kinds that meet a test
TALLY = "本年度通过网站发布各类信息共计60条，包括机构职能3条，人事信息3条，业务动态30条，政策文件3条，政策解读21条。"


@pytest.mark.parametrize("question, value", [
    ("寅镇网站信息按类别统计，分成了几类？", 5),  # the 共计 clause is the total, not a kind
    ("寅镇网站信息里刚好3条的类别有几类？", 3),
    ("寅镇网站信息的类别里，至少有20条的类别有几个？", 2),
])
def test_kinds_meeting_a_test_are_counted_from_their_own_numbers(question, value):
    ans = Assistant.from_reports([make_report("寅镇", 2023, sections={"overview": TALLY})]).ask(question)
    assert ans.kind == "count" and ans.value == value, ans.answer
    assert "共计60条" not in ans.answer


def test_a_test_on_items_without_numbers_is_not_counted():
    text = "下一步将：一是加强培训。二是完善制度。三是拓宽渠道。"
    ans = Assistant.from_reports([make_report("寅镇", 2023, sections={"problems": text})]).ask(
        "寅镇至少有5条的改进措施有几个？")
    assert ans.value is None


@pytest.mark.parametrize("follow", ["电话是多少？", "地址呢", "有哪些问题？"])
def test_a_topic_asked_of_no_one_is_asked_of_the_last_turns_body(follow):
    def town(name: str, street: str, phone: str, problem: str):
        contact = f"如有疑问请与{name}党政办联系（地址：{name}{street}，电话：{phone}）。"
        return make_report(name, 2021, sections={"overview": contact, "problems": f"存在的问题是{problem}。"})

    a = Assistant.from_reports([town("辰乡", "东街1号", "0000-1111111", "宣传不够"),
                                town("巳镇", "西街2号", "0000-2222222", "人手不足")])
    first = a.ask("辰乡的年报有疑问该联系哪个部门？")
    ans = a.ask(follow, history=[first])
    assert ans.items == ["辰乡"] and "巳镇" not in ans.answer, ans.answer


# ---------------------------------------------------------------- answers that read well (issue 13)
def test_a_sentence_found_twice_is_said_once():
    # the same sentence in two sections (or in two overlapping chunks): once in the answer, not twice as [1][1]
    said = "下一步将加强政务新媒体管理，提升信息发布质量。"
    a = Assistant.from_reports([make_report("丁镇", 2021, sections={
        "overview": "本年度工作平稳。" + said, "problems": "存在的问题是宣传不足。" + said})])
    for question in ("丁镇的改进措施有哪些", "丁镇下一步怎么加强政务新媒体管理？", "丁镇打算如何提升信息发布质量"):
        ans = a.ask(question)
        assert ans.answer.count("提升信息发布质量") == 1, (question, ans.answer)
        assert_cited(ans)


OPEN_DAY = (
    "本年度举办政府开放日活动两次，群众反响良好。\n下一年度将围绕政府开放日活动重点做好以下工作：\n"
    "邀请群众代表走进便民服务中心，现场解答政策问题。"
)


@pytest.mark.parametrize("question", [
    "戊镇下一年度围绕政府开放日活动重点做好哪些工作", "戊镇下一年度政府开放日活动有什么打算",
    "戊镇政府开放日活动的情况",
])
def test_a_sentence_announcing_a_list_never_dangles(question):
    ans = Assistant.from_reports([make_report("戊镇", 2021, sections={"other": OPEN_DAY})]).ask(question)
    assert ans.kind == "text"
    if "以下工作" in ans.answer:  # shown only with what it announces, right after it
        assert "以下工作：[1]邀请群众代表" in ans.answer, ans.answer


def test_a_list_item_cited_does_not_end_on_the_next_lists_announcement():
    # RECTIFY's third problem is followed by “2023年将从以下方面改进：” on the next line: not part of the item
    for question in ("乙镇2022年存在哪些问题？", "乙镇2022年信息公开有什么不足"):
        ans = _towns().ask(question)
        assert "长效机制" in ans.answer
        for c in ans.citations:
            assert "以下方面" not in c.text and not c.text.endswith("："), c.text


def test_a_neighbour_report_is_named_by_body_and_year():
    ans = _towns().ask("乙镇2023年打算从哪几个方面改进？")
    assert "以下是乙镇2022年报告中写到2023年的内容" in ans.answer and "相邻" not in ans.answer
    ans = _towns().ask("丙镇2022年打算怎么改进？")
    assert ans.kind == "unknown" and "丙镇2021年报告也没有写到2022年" in ans.answer and "相邻" not in ans.answer


# ---------------------------------------------------------------- one item of a list, named with a wrapper
BY_CONTENT = "从内容分类看，机构职能4条，工作动态36条，政策文件3条，重点领域信息公开5条，执行公开2条。"
ITEMS = {"机构职能": 4, "工作动态": 36, "政策文件": 3, "重点领域信息公开": 5, "执行公开": 2}


def _by_content() -> Assistant:
    facts = {f"item:{name}": (value, BY_CONTENT, "overview") for name, value in ITEMS.items()}
    sections = {"overview": "（一）主动公开情况\n2021年度公开政府信息200条，" + BY_CONTENT}
    return Assistant.from_reports([make_report("庚镇", 2021, facts=facts, sections=sections)])


@pytest.mark.parametrize("question, item", [
    ("庚镇21年公开了几条机构职能方面的信息？", "机构职能"),
    ("庚镇2021年工作动态方面的信息有多少条", "工作动态"),
    ("庚镇2021年执行公开类信息几条", "执行公开"),
    ("庚镇2021年公开政策文件信息多少条", "政策文件"),
    ("庚镇2021年机构职能的信息公开了几条", "机构职能"),
    ("庚镇2021年重点领域的信息公开了几条？", "重点领域信息公开"),
    ("庚镇2021年工作动态方面有几条", "工作动态"),
])
def test_a_named_item_gets_its_own_stated_number(question, item):
    ans = _by_content().ask(question)
    assert (ans.kind, ans.value) == ("value", ITEMS[item]), ans.answer
    assert any(f"{item}{ITEMS[item]}条" in c.text for c in ans.citations)
    assert_cited(ans)


def test_a_count_of_kinds_still_counts_the_kinds():
    ans = _by_content().ask("庚镇2021年列了几类信息？")
    assert (ans.kind, ans.value) == ("count", len(ITEMS)), ans.answer


@pytest.mark.parametrize("question", ["庚镇2021年公开了几条人事方面的信息？", "庚镇2021年人事方面有多少条",
                                      "庚镇2021年人事类信息几条"])
def test_a_named_item_the_report_does_not_list_is_not_disclosed(question):
    ans = _by_content().ask(question)
    assert ans.kind == "unknown" and ans.value is None, ans.answer
    assert not re.search(r"\d+条", ans.answer)  # never another item's number, nor the count of kinds
