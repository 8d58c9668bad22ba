"""The plan reader (answering.reader): one typed plan per question, by class of wording; ask back instead of a guess.
Questions here are written for these tests (the paraphrase set, eval/paraphrases.jsonl, is scored by the bench)."""

from __future__ import annotations

import pytest

from answering.plan import Condition, Figure, Plan
from answering.reader import read
from answering.understand import Catalog
from indexing.parser import parse_file
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_reports([parse_file(p) for p in SAMPLES])


def plan_of(catalog, question: str, *history: str) -> Plan:
    plans: list[Plan] = []
    for earlier in history:
        plans.append(read(earlier, catalog, plans))
    return read(question, catalog, plans)


NEW = Figure("requests.new_received.total")
TOTAL = Figure("fact.proactive_total")


@pytest.mark.parametrize(
    "question,op",
    [
        ("侯家镇21年收到几件信息公开申请", "value"),
        ("哪几个镇2021年一件申请也没收到", "list"),
        ("2021年没收到申请的乡镇一共几个", "count"),
        ("米山镇有人申请过公开信息吗", "yesno"),
        ("是不是所有乡镇都没有发生行政诉讼", "all"),
        ("哪个乡镇主动公开的信息最多", "max"),
        ("各乡镇按主动公开信息数从少到多排一下", "rank"),
        ("侯家镇主动公开的数量在各乡镇里排第几", "rank_position"),
        ("侯家镇2021年公众号发布量比2020年增长了百分之几", "growth"),
        ("侯家镇网站发布数比公众号少多少", "difference"),
        ("公众号发布数是网站的几倍，侯家镇的", "ratio"),
        ("侯家镇公众号发布的信息占主动公开总数的比例", "share"),
        ("各乡镇平均每个镇收到多少申请", "average"),
        ("侯家镇2021年平均每月通过公众号发布多少条", "average"),
        ("侯家镇哪个渠道发布的信息最多", "which_part"),
        ("哪个镇开展了政府开放日活动", "which_body"),
        ("侯家镇存在哪些问题", "describe"),
        ("把侯家镇和米山镇的主动公开数对比一下", "compare"),
        ("侯家镇和米山镇主动公开的信息加起来多少", "sum"),
    ],
)
def test_each_operation_is_read_from_its_words(catalog, question, op):
    assert plan_of(catalog, question).op == op


def test_a_negation_inside_a_row_name_is_not_a_condition(catalog):
    plan = plan_of(catalog, "哪些乡镇有因无正当理由大量反复申请而被不予处理的申请")
    assert plan.op == "list" and plan.condition == Condition(">", 0)
    assert plan.figures == (Figure("requests.rejected_mass_repeat.total"),)


def test_monthly_average_is_per_month_not_the_yearly_figure(catalog):
    plan = plan_of(catalog, "侯家镇2021年平均每月通过微信公众号发布多少条信息？")
    assert (plan.op, plan.per, plan.figures) == ("average", "month", (Figure("fact.channel_wechat"),))


def test_thresholds_in_chinese_numerals_and_wan(catalog):
    assert plan_of(catalog, "主动公开超过一千条的乡镇有哪些").condition == Condition(">", 1000)
    assert plan_of(catalog, "主动公开不少于1.5万条的乡镇").condition == Condition(">=", 15000)
    assert plan_of(catalog, "收到申请在五到十件之间的镇").condition == Condition("between", 5, 10)


def test_a_noun_only_prose_counts_is_a_figure_by_its_noun(catalog):
    assert plan_of(catalog, "米山镇2022年发布了多少篇政策解读").figures == (Figure(noun="政策解读"),)


def test_follow_ups_take_what_they_leave_unsaid(catalog):
    first = "侯家镇2021年收到多少政府信息公开申请"
    plan = plan_of(catalog, "那米山镇呢", first)
    assert plan.follow_up and plan.scope.bodies == ("米山镇",) and plan.figures == (NEW,)
    added = plan_of(catalog, "加上白奎镇一共多少", first)
    assert added.op == "sum" and added.scope.bodies == ("侯家镇", "白奎镇")


@pytest.mark.parametrize(
    "question",
    [
        "侯家镇2021年一共多少",  # no figure named
        "港口乡结转的申请有几件",  # carried over, or carried forward?
        "它收到了多少申请",  # “它” with nothing before it
        "白奎镇2021年采购了多少",  # items or amount?
    ],
)
def test_ask_back_instead_of_guessing(catalog, question):
    plan = plan_of(catalog, question)
    assert plan.op == "clarify" and plan.reason


@pytest.mark.parametrize("question,name", [
    ("请问威海市文登区大水泊镇人民政府2021年度主动公开政府信息多少条？", "大水泊镇"),
    ("米山镇和张家产镇谁主动公开的信息多", "张家产镇"),
    ("2021年大王庄乡收到几件申请", "大王庄乡"),
    ("某某县新华镇2021年收到几件申请", "新华镇"),
])
def test_a_body_not_in_the_corpus_is_read_with_its_whole_name(catalog, question, name):
    assert name in read(question, catalog).scope.bodies


def test_a_quoted_name_is_no_body(catalog):
    plan = read("侯家镇2021年“花饽饽小镇”公众号发布了多少条信息？", catalog)
    assert plan.scope.bodies == ("侯家镇",)


@pytest.mark.parametrize("question,key", [
    ("侯家镇2021年予以公开了多少件", "requests.granted.total"),
    ("辉渠镇那年予以公开了多少件？", "requests.granted.total"),
    ("侯家镇2021年部分公开了多少件", "requests.partial.total"),
    ("侯家镇2021年公开了多少条信息", "fact.proactive_total"),
])
def test_a_generic_verb_cue_yields_to_the_row_it_overlaps(catalog, question, key):
    assert [f.measure for f in read(question, catalog).figures] == [key]


@pytest.mark.parametrize("question, topic", [
    ("侯家镇2021年主动公开的信息按内容分成了几类？", "categories"),
    ("港口乡公开的信息一共有多少个类别", "categories"),
    ("米山镇2022年报里列了几条改进措施", "improvements"),
    ("侯家镇打算从几个方面改进工作", "improvements"),
    ("白奎镇2021年存在几个问题", "problems"),
])
def test_how_many_items_a_list_sets_out_is_its_own_operation(catalog, question, topic):
    plan = plan_of(catalog, question)
    assert plan.op == "count_listed" and plan.topic == topic, plan


@pytest.mark.parametrize("question", ["米山镇2022年办理了几条建议", "侯家镇2021年发布了几条政策解读"])
def test_a_figure_counted_in_items_is_not_a_listed_count(catalog, question):
    assert plan_of(catalog, question).op != "count_listed"


@pytest.mark.parametrize("question, noun", [
    ("侯家镇21年公开了几条机构职能方面的信息？", "机构职能"),  # 几条…方面: one item named, not a count of kinds
    ("侯家镇2021年工作动态方面有多少条", "工作动态"),
    ("侯家镇2021年重点领域的信息公开了几条？", "重点领域"),  # the wrapper 的信息 is no part of the item
    ("侯家镇2021年公开了几条人事方面的信息", "人事"),  # an item the report does not list: still that item
])
def test_a_named_item_of_a_list_is_its_figure_not_a_count_of_kinds(catalog, question, noun):
    plan = plan_of(catalog, question)
    assert plan.op == "value" and plan.figures == (Figure(noun=noun),), plan
    assert plan.scope.years.values == (2021,)  # 21年 is 2021


@pytest.mark.parametrize("question", ["侯家镇2021年公开了几个方面的信息", "侯家镇2021年列了几类信息",
                                      "侯家镇2021年公开了几个主要方面的信息"])
def test_a_count_of_kinds_naming_no_item_stays_a_count_of_kinds(catalog, question):
    assert plan_of(catalog, question).op == "count_listed"


@pytest.mark.parametrize("question", [
    "侯家镇2021年按内容分类的信息里，至少有5条的类别有几个？",  # 分类: a word of its own, no item 按内容分
    "侯家镇2021年按内容分类的信息中，超过4条的有几类？",
    "侯家镇2021年按门类的信息统计，有几类在5条以上？",
])
def test_a_word_ending_in_lei_names_no_item(catalog, question):
    assert plan_of(catalog, question).op == "count_listed"


@pytest.mark.parametrize("follow, order", [
    ("按总条数从多到少排一下。", "desc"),
    ("按数量从少到多排一下", "asc"),
    ("给它们排个序", "desc"),
])
def test_a_ranking_asked_after_a_list_ranks_that_list(catalog, follow, order):
    plan = plan_of(catalog, follow, "哪些乡镇的年报给出了主动公开政府信息的总条数？")
    assert plan.op == "rank" and plan.order == order, plan
    assert [f.measure for f in plan.figures] == ["fact.proactive_total"] and plan.scope.levels == ("乡镇",)


@pytest.mark.parametrize("question", ["白奎镇2021年制定了哪个政务公开工作实施方案？", "侯家镇建立了哪些工作制度"])
def test_which_thing_a_named_body_did_is_read_from_its_prose(catalog, question):
    assert plan_of(catalog, question).op == "describe"


def test_which_body_did_a_thing_is_still_a_reverse_lookup(catalog):
    assert plan_of(catalog, "哪个镇建立了政务公开工作微信群").op == "which_body"


@pytest.mark.parametrize("question, op", [
    ("侯家镇2021年平均每月公开多少条政府信息？", "average"),
    ("侯家镇2021年发布了几条政务信息", "value"),
    ("米山镇2022年公布多少条信息", "value"),
])
def test_an_amount_asked_inside_the_figures_words_still_names_the_figure(catalog, question, op):
    plan = plan_of(catalog, question)
    assert plan.op == op and [f.measure for f in plan.figures] == ["fact.proactive_total"], plan


@pytest.mark.parametrize("question", [
    "辉渠镇2020年有没有公开人大建议政协提案类的信息？",
    "辉渠镇2020年公开了多少条人大建议政协提案信息",
])
def test_a_counted_kind_whose_name_holds_figure_words_is_that_kind(catalog, question):
    plan = plan_of(catalog, question)
    assert [f.noun for f in plan.figures] == ["人大建议政协提案"], plan  # the kind published, not proposals received


def test_the_figures_themselves_when_no_kind_spans_them(catalog):
    plan = plan_of(catalog, "辉渠镇2020年收到人大建议了吗")
    assert [f.measure for f in plan.figures] == ["proposals.npc"]
