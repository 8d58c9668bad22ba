"""The headline questions of issue 4 on the five shipped samples, parsed by the real parser (records only)."""

from __future__ import annotations

import pytest

from .conftest import assert_cited


def test_headline_list_with_cells_or_sentences(reports_assistant):
    ans = reports_assistant.ask("2021年哪些乡镇没有收到政府信息公开申请")
    assert ans.kind == "list"
    assert set(ans.items) == {"侯家镇", "港口乡", "白奎镇"}  # not 辉渠镇 (2020), not 米山镇 (2022)
    cited = {c.short_name for c in ans.citations}
    assert cited == {"侯家镇", "港口乡", "白奎镇"}  # each one's own cell or sentence
    for c in ans.citations:
        assert c.year == 2021
        assert (c.table, c.row) == ("requests", "new_received") or "申请" in c.text
    assert_cited(ans)


def test_follow_up_other_year(reports_assistant):
    first = reports_assistant.ask("2021年哪些乡镇没有收到政府信息公开申请")
    follow = reports_assistant.ask("那2020年呢？", history=[first])
    assert follow.kind == "list" and follow.items == ["辉渠镇"]
    assert_cited(follow)
    again = reports_assistant.ask("那2022年呢？", history=[first, follow])
    assert again.items == ["米山镇"]  # its tables are missing; its prose says it received none
    assert again.citations[0].table is None and "没有收到" in again.citations[0].text


def test_wechat_prose_fact(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年通过微信公众号发布多少条")
    assert ans.kind == "value" and ans.value == 235
    assert ans.citations[0].table is None and "235" in ans.citations[0].text and "微信公众号" in ans.citations[0].text
    assert_cited(ans)


def test_traditional_characters(reports_assistant):
    ans = reports_assistant.ask("侯家鎮2021年通過微信公眾號發布了多少條信息")
    assert ans.kind == "value" and ans.value == 235
    assert_cited(ans)


def test_missing_tables_are_unknown(reports_assistant):
    ans = reports_assistant.ask("米山镇2022年行政处罚决定多少件")
    assert ans.kind == "unknown" and ans.value is None
    assert "报告未披露" in ans.answer and "缺失" in ans.answer


def test_follow_up_measure_on_same_body(reports_assistant):
    first = reports_assistant.ask("侯家镇2021年主动公开了多少条信息")
    assert first.value == 329
    follow = reports_assistant.ask("它的微信公众号呢？", history=[first])
    assert follow.kind == "value" and follow.value == 235
    assert_cited(follow)


def test_count(reports_assistant):
    ans = reports_assistant.ask("2021年有几个乡镇没有收到申请")
    assert ans.kind == "count" and ans.value == 3
    assert_cited(ans)


def test_max_by_proactive_total(reports_assistant):
    ans = reports_assistant.ask("主动公开信息最多的是哪个")
    reports = reports_assistant.reports()
    known = {r.short_name: r.fact("proactive_total") for r in reports if r.fact("proactive_total") is not None}
    assert ans.kind == "list" and ans.items == [max(known, key=known.get)]
    assert ans.value == max(known.values())
    assert "年份不同" in ans.answer
    assert_cited(ans)


def test_compare_different_years(reports_assistant):
    ans = reports_assistant.ask("侯家镇和米山镇谁主动公开的信息多")
    assert ans.kind == "list" and ans.items == ["米山镇"]
    assert "365" in ans.answer and "329" in ans.answer and "年份不同" in ans.answer
    assert [r["value"] for r in ans.rows] == [365, 329]
    assert_cited(ans)


def test_yes_no_information_fee(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年是否收取信息处理费")
    assert ans.kind == "yesno" and ans.value is False
    assert ans.answer.startswith("否") and "信息处理费" in ans.citations[0].text
    assert_cited(ans)


def test_region_sum_and_average(reports_assistant):
    listed = reports_assistant.ask("文登区各乡镇主动公开了多少条信息")
    assert {r["body"] for r in listed.rows} == {"侯家镇", "米山镇"}
    total = reports_assistant.ask("文登区主动公开信息合计多少条")
    assert total.kind == "value" and total.value == 329 + 365
    assert_cited(total)
    avg = reports_assistant.ask("文登区乡镇平均主动公开多少条信息")
    assert avg.value == pytest.approx((329 + 365) / 2)
    assert_cited(avg)


def test_ranking(reports_assistant):
    ans = reports_assistant.ask("按主动公开信息数量从多到少排名")
    values = [r["value"] for r in ans.rows]
    assert values == sorted(values, reverse=True) and len(values) >= 3
    assert ans.items[:2] == [r["body"] for r in ans.rows[:2]]
    assert_cited(ans)


def test_open_question_from_problems_section(reports_assistant):
    ans = reports_assistant.ask("港口乡存在哪些问题")
    assert ans.kind == "text" and ans.items == ["港口乡"]
    assert 1 <= len(ans.citations) <= 3
    problems = next(r for r in reports_assistant.reports() if r.short_name == "港口乡").sections["problems"]
    for c in ans.citations:
        assert c.section == "problems" and c.text in problems
    assert_cited(ans)


@pytest.mark.parametrize("question", [
    "张家镇2021年收到多少政府信息公开申请",  # a body not in the corpus
    "2018年哪些乡镇没有收到申请",  # a year not in the corpus
    "2021年哪些乡镇通过抖音号发布超过10条",  # a figure nobody reports
    "张家镇存在哪些问题",
])
def test_abstains_naming_what_was_searched(reports_assistant, question):
    ans = reports_assistant.ask(question)
    assert ans.kind == "unknown" and ans.answer.startswith("语料中没有找到")
    assert ans.value is None and ans.items == []
    for word in ("张家镇", "2018年", "抖音"):
        if word in question:
            assert word in ans.answer


def test_unstated_channel_mentions_what_the_report_does_say(reports_assistant):
    # 辉渠镇 gives 微博、微信 together (69条), never the WeChat account alone.
    ans = reports_assistant.ask("辉渠镇2020年通过微信公众号发布多少条")
    assert ans.kind == "unknown" and ans.value is None
    assert "69" in ans.answer and "微博、微信" in ans.citations[0].text
    assert_cited(ans)
    both = reports_assistant.ask("辉渠镇2020年通过政务微博、微信发布多少条")
    assert both.kind == "value" and both.value == 69


def test_table_four_result_column(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年行政复议结果维持多少件")
    assert ans.kind == "value" and ans.value == 0
    c = ans.citations[0]
    assert (c.table, c.row, c.column) == ("appeals", "review", "upheld")
    assert_cited(ans)


def test_stated_zero_from_prose_when_tables_are_missing(reports_assistant):
    ans = reports_assistant.ask("米山镇2022年收到多少政府信息公开申请")
    assert ans.kind == "value" and ans.value == 0
    assert ans.citations[0].table is None and "没有收到" in ans.citations[0].text
    assert_cited(ans)


def test_prior_year_from_the_chart_a_later_report_prints(reports_assistant):
    ans = reports_assistant.ask("侯家镇2020年通过微信公众号发布了多少条信息？")
    assert ans.kind == "value" and ans.value == 228
    c = ans.citations[0]
    assert c.year == 2021 and "228" in c.text and "公众号" in c.text  # cited to the 2021 report's chart
    change = reports_assistant.ask("侯家镇通过政府网站发布的信息从2020年到2021年增加了多少篇？")
    assert change.kind == "value" and change.value == 59 - 51
    assert_cited(change)
    # The chart never invents a 2020 report for lists, sums or averages.
    avg = reports_assistant.ask("侯家镇和米山镇通过微信公众号平均发布多少条信息？")
    assert avg.value == pytest.approx((235 + 306) / 2)


@pytest.mark.parametrize(("question", "value"), [
    ("侯家镇2021年公开的政策解读信息有多少条？", 5),
    ("米山镇2022年公开了多少条人事信息？", 3),
    ("辉渠镇2020年在多少个社区服务点设置了政府信息公开栏？", 9),
    ("侯家镇2021年在“花饽饽小镇”上推送了几条消息？", 235),
    ("米山镇2022年主动公开的信息里政策解读有几条？", 7),  # a part of the total, asked with 主动公开 and 有几
])
def test_numbers_stated_beside_their_noun(reports_assistant, question, value):
    ans = reports_assistant.ask(question)
    assert ans.kind == "value" and ans.value == value
    assert str(value) in ans.citations[0].text
    assert_cited(ans)


@pytest.mark.parametrize(("question", "value"), [
    ("辉渠镇2020年对外主动发布的政务信息总量是多少？", 451),
    ("辉渠镇2020年主动公开政府信息多少条？", 451),  # two overlapping cues leave no noun of their own
    ("侯家镇2021年通过各类渠道一共公开了几条信息？", 329),  # 渠道 is not the platform topic here
    ("侯家镇2021年公开了几条信息？", 329),
])
def test_a_known_total_is_not_hijacked_by_a_noun_lookup(reports_assistant, question, value):
    ans = reports_assistant.ask(question)
    assert ans.kind == "value" and ans.value == value
    assert ans.citations and str(value) in ans.citations[0].text


def test_reports_in_the_corpus(reports_assistant):
    listed = reports_assistant.ask("威海市文登区有哪些镇的年度报告？")
    assert listed.kind == "list" and set(listed.items) == {"侯家镇", "米山镇"}
    counted = reports_assistant.ask("语料中有几份2021年的年度报告？")
    assert counted.kind == "count" and counted.value == 3
    assert_cited(counted)


def test_where_a_body_sits(reports_assistant):
    which = reports_assistant.ask("港口乡属于哪个县？")
    assert which.kind == "text" and "铜鼓县" in which.answer and "铜鼓县" in which.citations[0].text
    yes = reports_assistant.ask("侯家镇属于威海市文登区吗？")
    assert yes.kind == "yesno" and yes.value is True
    no = reports_assistant.ask("白奎镇属于文登区吗？")
    assert no.kind == "yesno" and no.value is False and "呼兰区" in no.answer


def test_signing_date(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年年度报告的落款日期是哪天？")
    assert ans.kind == "text" and "2022年1月26日" in ans.answer and "2022年1月26日" in ans.citations[0].text
    missing = reports_assistant.ask("港口乡2021年年度报告的落款日期是哪一天？")
    assert missing.kind == "unknown"  # it has no signature; a date inside the text is not one


def test_district_government_is_not_its_district(reports_assistant):
    ans = reports_assistant.ask("文登区人民政府2021年主动公开了多少条政府信息？")
    assert ans.kind == "unknown" and "文登区人民政府" in ans.answer


@pytest.mark.parametrize(("question", "phrases"), [
    ("侯家镇2021年政府信息公开工作存在的主要问题是什么？",
     ["对政务公开认识不够到位", "信息公开业务能力薄弱", "长效机制不够完善"]),
    ("侯家镇2021年报告中下一步的改进措施有哪些？", ["加大工作力度", "加强对政务公开工作的监督", "加强培训和工作对接"]),
    ("米山镇2022年打算怎样改进政务公开工作？", ["强化宣传增进互动", "创新方法多元公开", "积极对接加强培训"]),
    ("港口乡2021年主动公开了哪些类别的信息？", ["机构职能类信息", "政策法规类信息"]),
])
def test_numbered_lists_answer_with_their_items(reports_assistant, question, phrases):
    ans = reports_assistant.ask(question)
    assert ans.kind == "text"
    for phrase in phrases:
        assert phrase in ans.answer
    assert len(ans.citations) == ans.answer.count("[")  # one citation per item
    assert_cited(ans)


def test_one_item_asked_answers_with_that_item(reports_assistant):
    ans = reports_assistant.ask("白奎镇2021年如何落实信息公开保障措施？")
    assert "2021年呼兰区白奎镇政务公开工作实施方案" in ans.answer
    assert "依法做好依申请公开" not in ans.answer  # not the whole list


def test_question_about_an_earlier_year_inside_a_report(reports_assistant):
    ans = reports_assistant.ask("辉渠镇2020年报告中，2019年的问题整改得怎么样？")
    assert "建立政务公开工作微信群" in ans.answer or "融媒体中心" in ans.answer
    assert "不够全面" not in ans.answer  # that is the 2020 part


@pytest.mark.parametrize(("question", "cell"), [
    ("侯家镇2021年信访举报投诉类申请多少件？", ("requests", "rejected_petition", "total")),
    ("白奎镇2021年因属于国家秘密不予公开的申请有多少件", ("requests", "denied_state_secret", "total")),
    ("侯家镇2021年复议后起诉的行政诉讼案件多少件？", ("appeals", "litigation_after_review", "total")),
    ("白奎镇2021年未经复议直接起诉的行政诉讼多少件？", ("appeals", "litigation_direct", "total")),
    ("侯家镇2021年废止了几件规范性文件", ("proactive", "normative_docs", "repealed")),
    ("辉渠镇2020年规范性文件对外公开总数量是多少", ("proactive", "normative_docs", "total_published")),
    ("侯家镇2021年法律服务机构提出的申请有多少", ("requests", "new_received", "legal_service")),
])
def test_every_row_and_column_by_its_words(reports_assistant, question, cell):
    ans = reports_assistant.ask(question)
    assert ans.kind == "value"
    c = ans.citations[0]
    assert (c.table, c.row, c.column) == cell
    report = next(r for r in reports_assistant.reports() if r.report_id == c.report_id)
    assert ans.value == report.cell(*cell)
    assert_cited(ans)


def test_other_handling_across_templates(reports_assistant):
    # 2019 template: one 其他处理 row; 2021 template: three rows, summed and each cited.
    old = reports_assistant.ask("辉渠镇2020年其他处理的申请多少件？")
    assert [c.row for c in old.citations] == ["other_handling"]
    new = reports_assistant.ask("侯家镇2021年其他处理的申请多少件？")
    assert [c.row for c in new.citations] == ["other_overdue_correction", "other_unpaid_fee", "other_misc"]
    assert new.value == 0


def test_difference_between_two_bodies(reports_assistant):
    ans = reports_assistant.ask("侯家镇比米山镇少公开多少条信息")
    assert ans.kind == "value" and ans.value == 365 - 329
    assert "365" in ans.answer and "329" in ans.answer and "年份不同" in ans.answer
    assert_cited(ans)


def test_generic_disclosure_words_in_a_comparison(reports_assistant):
    ans = reports_assistant.ask("侯家镇和港口乡谁公开得多")
    assert ans.kind == "list" and ans.items == ["侯家镇"]
    assert [r["value"] for r in ans.rows] == [329, 16]


@pytest.mark.parametrize("question", [
    "港口乡2021年政策解读有几条？",  # its report numbers list items “2.政策法规类信息”: an item number is no count
    "港口乡有多少名工作人员负责信息公开？",
    "白奎镇2021年开展了几次政务公开培训？",
])
def test_a_figure_no_report_states_is_not_disclosed(reports_assistant, question):
    ans = reports_assistant.ask(question)
    assert ans.kind == "unknown" and ans.value is None
    assert "报告未披露" in ans.answer and "已查找" in ans.answer
    assert not ans.citations


def test_a_stated_number_is_never_taken_from_another_year(reports_assistant):
    ans = reports_assistant.ask("侯家镇2019年政策解读有几条？")  # 侯家镇 has 2021 only; 2021 states 政策解读5条
    assert ans.kind == "unknown" and "2019年" in ans.answer and "5" not in ans.answer


def test_a_number_in_wan_is_scaled_unless_asked_in_wan(reports_assistant):
    assert reports_assistant.ask("辉渠镇2020年发放了多少张明白纸？").value == 240000
    assert reports_assistant.ask("辉渠镇2020年发放了多少万张明白纸？").value == 24


def test_every_body_yes_no_is_not_an_any_body_yes_no(reports_assistant):
    every = reports_assistant.ask("是否所有乡镇都通过微信公众号发布了超过200条信息？")
    assert every.kind == "unknown" and "无法确定" in every.answer  # two known, both > 200; three undisclosed
    assert reports_assistant.ask("是否所有乡镇都通过微信公众号发布了超过300条信息？").value is False  # 侯家镇 235
    none = reports_assistant.ask("2021年是否所有乡镇都没有收到政府信息公开申请？")
    assert none.kind == "yesno" and none.value is True


def test_a_stated_zero_covers_only_what_its_sentence_names(reports_assistant):
    # 米山镇: “2022年我单位未承办过人大代表建议办理。” — nothing about 政协提案.
    npc = reports_assistant.ask("米山镇2022年承办过人大代表建议吗？")
    assert npc.kind == "yesno" and npc.value is False
    for question in ("米山镇2022年收到多少件政协提案？", "米山镇2022年收到人大代表建议和政协委员提案了吗？"):
        ans = reports_assistant.ask(question)
        assert ans.kind == "unknown" and ans.value is None, question
    both = reports_assistant.ask("侯家镇2021年收到人大代表建议和政协委员提案了吗？")
    assert both.kind == "yesno" and both.value is False


def test_relative_years_count_from_the_year_asked(reports_assistant):
    for word in ("上年", "上一年"):
        ans = reports_assistant.ask(f"侯家镇2021年通过政府网站发布的信息比{word}增加了多少？")
        assert ans.kind == "value" and ans.value == 59 - 51  # 2020 from the 2021 report's chart
    latest = reports_assistant.ask("侯家镇最新一年收到多少申请？")
    assert latest.kind == "value" and latest.value == 0 and latest.citations[0].year == 2021


def test_years_without_a_report_are_said_not_dropped(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年和2022年收到的申请分别是多少？")
    assert ans.value == 0 and "语料中没有侯家镇2022年的报告" in ans.answer
    cmp = reports_assistant.ask("侯家镇和米山镇2021年谁通过微信公众号发布的信息更多？")
    assert cmp.kind == "unknown" and "没有米山镇2021年的报告" in cmp.answer


def test_two_figures_of_one_report_summed_each_cited(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年通过网站和公众号一共发布了多少条信息？")
    assert ans.kind == "value" and ans.value == 59 + 235
    assert "59篇" in ans.answer and "235条" in ans.answer  # each in the unit its sentence wrote
    assert_cited(ans)
    rows = reports_assistant.ask("侯家镇2021年予以公开和部分公开的申请一共多少件？")
    assert rows.value == 0 and {c.row for c in rows.citations} == {"granted", "partial"}


def test_a_share_of_the_total(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年政府网站发布的信息占主动公开总数的比例是多少？")
    assert ans.kind == "value" and ans.value == pytest.approx(round(59 / 329 * 100, 1))
    assert "59 ÷ 329" in ans.answer
    assert_cited(ans)
    several = reports_assistant.ask("侯家镇2021年网站和公众号发布的信息占主动公开总数的比例")
    assert several.value == pytest.approx(round((59 + 235) / 329 * 100, 1))  # every part over the base
    assert_cited(several)
    noun = reports_assistant.ask("米山镇2022年政策解读占主动公开信息的比例")  # a noun only the prose states
    assert noun.value == pytest.approx(round(7 / 365 * 100, 1))
    assert_cited(noun)
    no_base = reports_assistant.ask("侯家镇2021年公众号发布的信息占比")
    assert no_base.value != 235 and "没有说明占什么" in no_base.answer  # a share of what? not guessed


def test_sums_take_a_charted_year_and_several_bodies(reports_assistant):
    charted = reports_assistant.ask("侯家镇2020年网站和公众号一共发布了多少条")
    assert charted.value == 51 + 228
    both = reports_assistant.ask("侯家镇和米山镇通过网站和公众号一共发布了多少条信息")
    assert "294" in both.answer and "365" in both.answer  # each body's own total, never one body alone
    assert_cited(both)


def test_an_unknown_part_makes_the_sum_unknown(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年通过网站和微博一共发布了多少条信息？")  # 微博 is not stated
    assert ans.kind == "unknown" and ans.value is None and "无法合计" in ans.answer


def test_a_row_inside_its_group_is_one_figure(reports_assistant):
    ans = reports_assistant.ask("白奎镇2021年因属于国家秘密不予公开的申请有多少件？")
    assert ans.kind == "value" and [c.row for c in ans.citations] == ["denied_state_secret"]


def test_a_list_over_a_thing_only_prose_states(reports_assistant):
    ans = reports_assistant.ask("哪些乡镇发布的政策文件有3条？")
    assert ans.kind == "list" and set(ans.items) == {"侯家镇", "米山镇"}
    assert all("政策文件3条" in c.text for c in ans.citations)
    assert "未披露" in ans.answer  # the other three are named as unknown, not counted as zero
    assert_cited(ans)


def test_a_shorter_noun_in_another_phrase_is_not_the_thing_asked(reports_assistant):
    # 辉渠镇 states “法规条文解读19条”: that is not 政策解读.
    ans = reports_assistant.ask("哪个乡镇的政策解读信息最多？")
    assert ans.items == ["米山镇"] and "19" not in ans.answer


def test_a_figure_keeps_the_unit_its_sentence_wrote(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年通过新闻媒体发布了多少篇报道？")  # “…新媒体发表报道35篇”
    assert ans.value == 35 and "35篇" in ans.answer


def test_a_filter_that_hides_the_answer_is_named(reports_assistant):
    from indexing.retrieve import SearchFilters

    ans = reports_assistant.ask("侯家镇2021年通过微信公众号发布了多少条信息？", filters=SearchFilters(years=[2020]))
    assert ans.kind == "unknown" and "筛选" in ans.answer  # not just “no such report”: it is there, filtered out


def test_a_follow_up_with_nothing_to_follow_asks_for_the_whole_question(reports_assistant):
    ans = reports_assistant.ask("那2020年呢？")
    assert ans.kind == "unknown" and "上一个问题" in ans.answer and not ans.citations


def test_an_unrelated_question_does_not_inherit_the_last_turn(reports_assistant):
    first = reports_assistant.ask("侯家镇的联系电话是多少？")
    assert first.kind == "text"
    ans = reports_assistant.ask("天气怎么样", history=[first])
    assert ans.kind == "unknown" and not ans.citations


def test_a_figure_in_wan_keeps_one_scale_in_lists(reports_assistant):
    ans = reports_assistant.ask("哪个乡镇发放的明白纸最多")
    assert ans.value == 240000 and "240000张" in ans.answer and "万张" not in ans.answer


@pytest.mark.parametrize("question", ["辉渠镇2020年政策解读有几条", "米山镇2022年工作动态有几条"])
def test_one_body_noun_must_read_as_the_question_writes_it(reports_assistant, question):
    # 辉渠镇 states 法规条文解读19条; 米山镇 states 业务动态30条: neither is what was asked.
    ans = reports_assistant.ask(question)
    assert ans.kind == "unknown" and ans.value is None


def test_a_counted_noun_of_one_character_and_a_value_that_is_no_count(reports_assistant):
    villages = reports_assistant.ask("米山镇有多少个村？")
    assert villages.value == 40 and "40个村" in villages.citations[0].text
    period = reports_assistant.ask("港口乡报告的统计期限是多少？")
    assert period.kind == "text" and "2021年1月1日" in period.answer


def test_a_whole_question_ending_in_ne_is_answered(reports_assistant):
    ans = reports_assistant.ask("辉渠镇发放了多少张明白纸呢？")
    assert ans.kind == "value" and ans.value == 240000


def test_a_named_year_and_qunian_both_count(reports_assistant):
    ans = reports_assistant.ask("2021年和去年各乡镇主动公开的信息一共多少条")
    assert ans.value == 329 + 16 + 365  # 去年 is the corpus's latest year, 2022 (米山镇)


def test_every_body_yes_no_over_a_noun_only_prose_states(reports_assistant):
    ans = reports_assistant.ask("是否所有乡镇都发布了政策解读？")
    assert ans.kind == "unknown" and "无法确定" in ans.answer and "329" not in ans.answer


def test_two_nouns_only_prose_states_summed(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年政策解读和政策文件一共多少条？")  # 政策文件3条，政策解读5条
    assert ans.value == 8 and "合计8条" in ans.answer
    assert_cited(ans)


def test_the_difference_of_two_figures_of_one_report(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年网站发布的信息比公众号少多少？")
    assert ans.value == 235 - 59 and "59篇" in ans.answer and "235条" in ans.answer
    assert_cited(ans)


def test_one_body_yes_no_over_a_prose_noun_is_not_the_total(reports_assistant):
    stated = reports_assistant.ask("侯家镇是否发布过政策解读？")
    assert stated.value is True and "政策解读5条" in stated.citations[0].text
    unstated = reports_assistant.ask("港口乡是否发布过政策解读？")  # only “做好政策解读”, no count
    assert unstated.kind == "unknown" and "16" not in unstated.answer


def test_a_threshold_in_wan(reports_assistant):
    over = reports_assistant.ask("哪些乡镇发放明白纸超过30万张？")
    assert over.items == [] and "300000" in over.answer
    under = reports_assistant.ask("哪些乡镇发放明白纸少于30万张？")
    assert under.items == ["辉渠镇"]


def test_a_date_question_is_not_a_figure(reports_assistant):
    ans = reports_assistant.ask("米山镇2022年的报告是什么时候发布的？")
    assert ans.value != 365 and "2023年1月16日" in ans.answer


def test_follow_ups_step_from_the_asked_year_and_switch_bodies(reports_assistant):
    first = reports_assistant.ask("侯家镇2021年通过网站发布了多少条信息？")
    for follow in ("那上一年呢？", "前一年呢？"):
        ans = reports_assistant.ask(follow, history=[first])
        assert ans.value == 51, follow  # 2020, from the 2021 report's chart
    noun = reports_assistant.ask("米山镇2022年政策解读有几条？")
    other = reports_assistant.ask("侯家镇呢？", history=[noun])
    assert other.value == 5 and other.citations[0].year == 2021  # the noun carried over; 侯家镇 has no 2022


def test_every_body_listed_for_a_prose_noun(reports_assistant):
    ans = reports_assistant.ask("各乡镇政策解读分别是多少条？")
    assert [r["value"] for r in ans.rows] == [5, 7] and "未披露" in ans.answer
    assert_cited(ans)


def test_one_body_summed_over_the_years_asked(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年和2020年网站一共发布多少？")
    assert ans.value == 59 + 51  # 2020 from the 2021 report's chart
    assert_cited(ans)
