"""Question understanding over a catalog of records built in code (no parser, no index needed)."""

from __future__ import annotations

import pytest

from answering.models import Condition
from answering.understand import Catalog, find_condition, find_years, understand

from .conftest import make_report


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_reports([
        make_report("侯家镇", 2021, region=("威海市", "文登区"), agency="威海市文登区侯家镇人民政府"),
        make_report("米山镇", 2022, region=("威海市", "文登区"), agency="威海市文登区米山镇人民政府"),
        make_report("辉渠镇", 2020, region=("安丘市",), agency="辉渠镇人民政府"),
        make_report("前进街道", 2021, region=("某市", "某区"), level="街道"),
    ])


def test_years_single_range_and_relative(catalog):
    assert find_years("2021年哪些乡镇", catalog) == [2021]
    assert find_years("2020到2022年主动公开", catalog) == [2020, 2021, 2022]
    assert find_years("2020年至2021年", catalog) == [2020, 2021]
    assert find_years("二〇二一年的报告", catalog) == [2021]
    # 去年 = the newest report year in the corpus; 前年 the one before.
    assert find_years("去年收到多少申请", catalog) == [2022]
    assert find_years("前年呢", catalog) == [2021]


def test_year_not_in_corpus_is_kept_apart(catalog):
    q = understand("2019年侯家镇收到多少申请", catalog)
    assert q.years == [] and q.unknown_years == [2019]


@pytest.mark.parametrize("question", [
    "侯家镇2021年主动公开多少条",
    "威海市文登区侯家镇人民政府2021年主动公开多少条",
    "侯家镇人民政府主动公开多少条",
    "文登区侯家镇主动公开多少条",
    "侯家鎮主動公開多少條",  # traditional characters
    "候家镇主动公开多少条",  # a one-character slip
])
def test_body_by_any_name(catalog, question):
    q = understand(question, catalog)
    assert q.bodies == ["侯家镇"]
    assert q.regions == []  # 文登区 inside the full name is not a region filter
    assert q.measure == "fact.proactive_total"


def test_region_and_level(catalog):
    q = understand("文登区各乡镇主动公开了多少条信息", catalog)
    assert q.regions == ["文登区"] and q.bodies == [] and q.levels == ["乡镇"]
    assert understand("哪些街道没有收到申请", catalog).levels == ["街道"]


def test_unknown_body_is_named(catalog):
    q = understand("张家镇2021年收到多少申请", catalog)
    assert q.bodies == [] and q.unknown_bodies == ["张家镇"]
    assert understand("2021年哪些乡镇没有收到申请", catalog).unknown_bodies == []


@pytest.mark.parametrize(("question", "measure"), [
    ("侯家镇收到多少政府信息公开申请", "requests.new_received.total"),
    ("侯家镇依申请公开多少件", "requests.new_received.total"),
    ("侯家镇予以公开多少件", "requests.granted.total"),
    ("侯家镇部分公开多少件", "requests.partial.total"),
    ("侯家镇不予公开多少件", "requests.denied.total"),
    ("侯家镇无法提供多少件", "requests.unable.total"),
    ("侯家镇不予处理多少件", "requests.rejected.total"),
    ("侯家镇结转下年度继续办理多少件", "requests.carried_forward.total"),
    ("侯家镇自然人申请多少件", "requests.new_received.natural_person"),
    ("侯家镇行政复议多少件", "appeals.review.total"),
    ("侯家镇被提起行政诉讼多少件", "appeals.litigation.total"),
    ("侯家镇主动公开多少条信息", "fact.proactive_total"),
    ("侯家镇微信公众号发布多少条", "fact.channel_wechat"),
    ("侯家镇政府网站发布多少篇", "fact.channel_website"),
    ("侯家镇政务微博发布多少条", "fact.channel_weibo"),
    ("侯家镇行政许可多少件", "proactive.licensing.decisions"),
    ("侯家镇行政处罚决定多少件", "proactive.penalty.decisions"),
    ("侯家镇行政强制多少件", "proactive.enforcement.decisions"),
    ("侯家镇行政事业性收费多少万元", "proactive.fees.amount_wan"),
    ("侯家镇是否收取信息处理费", "info_fee"),
    ("侯家镇制发了多少件规范性文件", "proactive.normative_docs.issued"),
])
def test_measure_by_official_words(catalog, question, measure):
    assert understand(question, catalog).measure == measure


@pytest.mark.parametrize(("question", "operation"), [
    ("侯家镇2021年通过微信公众号发布多少条", "value"),
    ("2021年哪些乡镇没有收到政府信息公开申请", "list"),
    ("2021年有几个乡镇没有收到申请", "count"),
    ("主动公开信息合计多少条", "sum"),
    ("各乡镇平均主动公开多少条信息", "average"),
    ("主动公开信息最多的是哪个", "max"),
    ("主动公开信息最少的是哪个", "min"),
    ("按主动公开信息数量排名", "rank"),
    ("侯家镇和米山镇谁主动公开的信息多", "compare"),
    ("侯家镇主动公开信息比上年增加了多少", "change"),
    ("侯家镇2021年是否收取信息处理费", "yesno"),
    ("侯家镇有没有收到申请", "yesno"),
    ("港口乡存在哪些问题", "text"),
    ("侯家镇的改进措施有哪些", "text"),
    ("米山镇的联系电话", "text"),
])
def test_operation(catalog, question, operation):
    assert understand(question, catalog).operation == operation


def test_min_and_compare_direction(catalog):
    assert understand("主动公开信息最少的是哪个", catalog).descending is False
    assert understand("侯家镇和米山镇谁主动公开的信息更少", catalog).descending is False
    assert understand("侯家镇和米山镇谁主动公开的信息多", catalog).descending is True


@pytest.mark.parametrize(("text", "condition"), [
    ("哪些乡镇没有收到申请", Condition("==", 0)),
    ("哪些乡镇未收到申请", Condition("==", 0)),
    ("申请为0的乡镇", Condition("==", 0)),
    ("申请超过10件的乡镇", Condition(">", 10)),
    ("主动公开不少于300条的", Condition(">=", 300)),
    ("主动公开少于二十条的", Condition("<", 20)),
    ("主动公开100条以上的", Condition(">=", 100)),
    ("收到申请的乡镇", None),
])
def test_condition(text, condition):
    assert find_condition(text) == condition


def test_measure_words_are_not_conditions(catalog):
    # “无法提供” holds 无 but is a measure, not “none”.
    q = understand("哪些乡镇有无法提供的申请", catalog)
    assert q.measure == "requests.unable.total" and q.condition is None


def test_follow_up_inherits_what_it_leaves_implicit(catalog):
    first = understand("2021年哪些乡镇没有收到政府信息公开申请", catalog)
    second = understand("那2020年呢？", catalog, previous=first)
    assert second.follow_up
    assert second.years == [2020]
    assert (second.measure, second.operation, second.condition, second.levels) == (
        first.measure, first.operation, first.condition, first.levels)

    value = understand("侯家镇2021年主动公开多少条", catalog)
    wechat = understand("它的微信公众号呢？", catalog, previous=value)
    assert wechat.bodies == ["侯家镇"] and wechat.years == [2021]
    assert wechat.measure == "fact.channel_wechat" and wechat.operation == "value"


def test_a_new_full_question_is_not_a_follow_up(catalog):
    first = understand("2021年哪些乡镇没有收到政府信息公开申请", catalog)
    fresh = understand("米山镇2022年主动公开多少条", catalog, previous=first)
    assert not fresh.follow_up and fresh.operation == "value" and fresh.levels == []


@pytest.mark.parametrize("question", [
    "2021年通过各类渠道一共公开了多少条政府信息？",
    "2021年各渠道共公开信息多少条",
])
def test_a_topic_word_inside_the_figures_own_words_is_not_the_topic(catalog, question):
    q = understand(question, catalog)
    assert q.measure == "fact.proactive_total" and q.topic is None and q.operation != "text"


def test_a_topic_word_beside_the_figure_is_still_the_topic(catalog):
    q = understand("通过哪些平台公开政府信息", catalog)
    assert q.topic == "platform" and q.operation == "text"


@pytest.mark.parametrize("follow", ["去年呢？", "那上一年呢", "上年的呢"])
def test_last_year_in_a_follow_up_steps_back_from_the_year_just_asked(catalog, follow):
    first = understand("侯家镇2021年通过微信公众号发布了多少条信息？", catalog)
    q = understand(follow, catalog, first, ["侯家镇"])
    assert q.years == [2020] or q.unknown_years == [2020]
