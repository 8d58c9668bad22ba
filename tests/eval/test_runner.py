"""The eval runner: its scoring rules on real Answer objects, and a whole run on a corpus and gold file it never saw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from answering.models import Answer, Citation
from eval.runner import (
    GoldError,
    GoldItem,
    citation_support,
    evidence_core,
    load_gold,
    names_match,
    percentile,
    run_from_cli,
    score_answer,
)
from nianbao.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "000_0fdc335fd3bbd9c3.txt"


def item(type_, answer, *, evidence=(), files=(), ordered=False) -> GoldItem:
    return GoldItem("t1", "问题", type_, answer, tuple(evidence), tuple(files), ordered=ordered)


def cite(short, text, **kw) -> Citation:
    return Citation(report_id=f"{short}-2021", agency=f"某市某区{short}人民政府", short_name=short, year=2021,
                    section="requests", text=text, **kw)


# ---------------------------------------------------------------- scoring rules
def test_value_and_count_need_the_exact_number():
    assert score_answer(item("value", 235), Answer("q", "235条", "value", value=235))[0]
    assert score_answer(item("value", 270.5), Answer("q", "", "value", value=270.5))[0]
    assert score_answer(item("value", 381.7), Answer("q", "", "value", value=381.67))[0]  # rounds to the gold
    assert not score_answer(item("value", 381.7), Answer("q", "", "value", value=381.76))[0]
    assert not score_answer(item("value", 27), Answer("q", "", "value", value=27.4))[0]  # a whole gold stays exact
    assert not score_answer(item("value", 235), Answer("q", "228条", "value", value=228))[0]
    assert not score_answer(item("value", 0), Answer("q", "未披露", "unknown", value=None))[0]
    assert not score_answer(item("count", 1), Answer("q", "", "yesno", value=True))[0]  # True is not the number 1
    assert score_answer(item("count", 3), Answer("q", "共3个", "count", value=3))[0]


def test_list_is_a_set_of_names_where_a_short_name_matches_the_full_name():
    gold = item("list", ["侯家镇", "港口乡", "白奎镇"])
    full = ["呼兰区白奎镇", "威海市文登区侯家镇人民政府", "港口乡政府"]
    assert score_answer(gold, Answer("q", "", "list", items=full))[0]
    assert not score_answer(gold, Answer("q", "", "list", items=full[:2]))[0]
    assert not score_answer(gold, Answer("q", "", "list", items=[*full, "辉渠镇"]))[0]
    assert not names_match(["米山镇"], ["山镇"])  # a name is not matched by any suffix, only after a region
    ranking = item("list", ["辉渠镇", "米山镇"], ordered=True)
    assert score_answer(ranking, Answer("q", "", "list", items=["辉渠镇", "米山镇"]))[0]
    assert not score_answer(ranking, Answer("q", "", "list", items=["米山镇", "辉渠镇"]))[0]


def test_yesno_text_and_unknown():
    assert score_answer(item("yesno", "否"), Answer("q", "否", "yesno", value=False))[0]
    assert not score_answer(item("yesno", "否"), Answer("q", "是", "yesno", value=True))[0]
    phrases = item("text", ["对政务公开认识不够到位", "信息公开业务能力薄弱", "长效机制不够完善"])
    two = Answer("q", "一是對政務公開認識不夠到位。", "text",
                 citations=[cite("侯家镇", "二是信息公开业务能力薄弱，缺乏专业知识")])
    assert score_answer(phrases, two)[0]  # 2 of 3 (ceil of half), one of them found only in a cited passage
    one = Answer("q", "一是对政务公开认识不够到位。", "text")
    assert not score_answer(phrases, one)[0]
    assert score_answer(item("unknown", None), Answer("q", "报告未披露", "unknown"))[0]
    assert not score_answer(item("unknown", None), Answer("q", "0件", "value", value=0))[0]


def test_citation_must_come_from_the_right_body_and_hold_the_evidence():
    texts = {
        "a.txt": "威海市文登区侯家镇人民政府\n\t二、上年结转政府信息公开申请数量\n",
        "b.txt": "港口乡\n二、上年结转政府信息公开申请数量",
    }
    gold = item("value", 0, evidence=["二、上年结转政府信息公开申请数量"], files=["a.txt"])
    cell = "表三 收到和处理政府信息公开申请情况：上年结转政府信息公开申请数量 × 总计 = 0"
    right = Answer("q", "0件", "value", value=0, citations=[cite("侯家镇", cell, table="requests", row="carried_over")])
    wrong_body = Answer("q", "0件", "value", value=0, citations=[cite("港口乡", cell)])
    wrong_row = Answer("q", "0件", "value", value=0, citations=[cite("侯家镇", cell.replace("上年结转", "本年新收"))])
    assert citation_support(gold, right, texts) == (1, 1)
    assert citation_support(gold, wrong_body, texts) == (0, 1)
    assert citation_support(gold, wrong_row, texts) == (0, 1)
    assert citation_support(item("unknown", None, evidence=["x"], files=["a.txt"]), right, texts) == (0, 0)


def test_a_table_cell_backs_a_longer_printed_row_label():
    printed = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    texts = {"a.txt": f"侯家镇\n{printed}\n"}
    gold = item("value", 0, evidence=[printed], files=["a.txt"])
    cell = "表三 收到和处理政府信息公开申请情况：其他处理·申请人无正当理由逾期不补正 × 总计 = 0"
    vague = "表三 收到和处理政府信息公开申请情况：其他处理·其他 × 总计 = 0"
    as_cell = Answer("q", "0件", "value", value=0, citations=[cite("侯家镇", cell, table="requests", row="x")])
    as_vague = Answer("q", "0件", "value", value=0, citations=[cite("侯家镇", vague, table="requests", row="y")])
    assert citation_support(gold, as_cell, texts) == (1, 1)
    assert citation_support(gold, as_vague, texts) == (0, 1)


def test_a_list_cited_item_by_item_backs_the_whole_list_in_order():
    whole = "问题有：一是宣传不够。二是形式单一。三是队伍薄弱。"
    texts = {"a.txt": f"甲镇\n{whole}\n"}
    gold = item("text", ["宣传不够"], evidence=["一是宣传不够。二是形式单一。三是队伍薄弱。"], files=["a.txt"])
    items = ["一是宣传不够。", "二是形式单一。", "三是队伍薄弱。"]
    in_order = Answer("q", "…", "text", citations=[cite("甲镇", t) for t in items])
    missing_one = Answer("q", "…", "text", citations=[cite("甲镇", t) for t in items[:2]])
    other_body = Answer("q", "…", "text", citations=[cite("乙镇", t) for t in items])
    assert citation_support(gold, in_order, texts) == (1, 1)
    assert citation_support(gold, missing_one, texts) == (0, 1)
    assert citation_support(gold, other_body, texts) == (0, 1)


def test_evidence_core_drops_numbering_and_notes():
    assert evidence_core("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"
    assert evidence_core("四、结转下年度继续办理") == "结转下年度继续办理"
    assert evidence_core("1.属于国家秘密") == "属于国家秘密"


def test_percentile_is_nearest_rank():
    assert percentile([], 50) == 0.0
    assert percentile([1, 2, 3, 4], 50) == 2
    assert percentile([float(i) for i in range(1, 101)], 95) == 95


def test_a_broken_gold_line_is_named(tmp_path):
    bad = tmp_path / "gold.jsonl"
    good = {"id": "a", "question": "问", "type": "value", "answer": 1, "evidence": ["x"], "files": ["f.txt"]}
    bad.write_text(json.dumps(good) + "\n" + json.dumps({**good, "id": "b", "answer": "一"}) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold.jsonl:2: value answer must be a number"):
        load_gold(bad)


# ---------------------------------------------------------------- a whole run on an unseen corpus and gold file
def _unseen_corpus(tmp_path: Path) -> Path:
    """Sample 000 with the body renamed (侯家镇→测试镇) and its WeChat count changed (235→111)."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count("235") == 2 and "侯家镇" in text
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "test_town.txt").write_text(text.replace("侯家镇", "测试镇").replace("235", "111"), encoding="utf-8")
    return corpus


def _gold(tmp_path: Path, wechat: int) -> Path:
    lines = [
        {"id": "u1", "question": "测试镇2021年通过微信公众号发布了多少条信息？", "type": "value", "answer": wechat,
         "evidence": ["微信公众号发布消息111条"], "files": ["test_town.txt"]},
        {"id": "u2", "question": "2021年哪些乡镇没有收到政府信息公开申请？", "type": "list", "answer": ["测试镇"],
         "evidence": ["2021年没有收到政府信息公开申请。", "三、收到和处理政府信息公开申请情况"],
         "files": ["test_town.txt"]},
        {"id": "u3", "question": "泽库镇2021年收到多少件政府信息公开申请？", "type": "unknown", "answer": None,
         "evidence": [], "files": []},
    ]
    path = tmp_path / f"gold-{wechat}.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in lines), encoding="utf-8")
    return path


def _args(argv: list[str], thresholds: Path):
    from nianbao.cli import _index_config

    args = build_parser().parse_args(["eval", *argv])
    args.thresholds = thresholds  # the project's own gate, copied, so this test does not move with it
    return args, _index_config(args)


@pytest.mark.slow
def test_run_from_cli_on_an_unseen_corpus(tmp_path, capsys):
    corpus = _unseen_corpus(tmp_path)
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"accuracy": 1.0, "citation_accuracy": 1.0}), encoding="utf-8")
    report = tmp_path / "report.md"

    args, config = _args(["--gold", str(_gold(tmp_path, 111)), "--corpus", str(corpus), "--json",
                          "--report", str(report)], thresholds)
    assert run_from_cli(args, config, None) == 0
    out = json.loads(capsys.readouterr().out)
    summary = out["summary"]
    assert summary["questions"] == 3 and summary["correct"] == 3 and summary["accuracy"] == 1.0
    assert summary["citation_accuracy"] == 1.0 and summary["citations_checked"] == 2
    one_right = {"questions": 1, "correct": 1, "accuracy": 1.0}
    assert summary["by_type"] == {t: one_right for t in ("value", "list", "unknown")}
    by_id = {r["id"]: r for r in out["results"]}
    assert by_id["u1"]["answer"]["value"] == 111 and by_id["u1"]["expected"] == 111
    assert by_id["u2"]["answer"]["kind"] == "list" and by_id["u3"]["answer"]["kind"] == "unknown"
    assert all(set(r) >= {"id", "question", "expected", "correct", "answer"} for r in out["results"])
    md = report.read_text(encoding="utf-8")
    assert "100.0%" in md and "| value | 1 | 1 | 100.0% |" in md and "Failed questions" not in md

    # A wrong gold answer (the sample's original 235) fails the run, and the report names the question.
    index_dir = tmp_path / "index"
    args, config = _args(["--gold", str(_gold(tmp_path, 235)), "--corpus", str(corpus), "--index", str(index_dir),
                          "--report", str(report)], thresholds)
    assert run_from_cli(args, config, None) != 0
    assert any(index_dir.iterdir())  # an explicit --index is where the fresh index goes
    printed = capsys.readouterr().out
    assert "u1" in printed and "66.7%" in printed
    md = report.read_text(encoding="utf-8")
    assert "## Failed questions" in md and "| u1 | value |" in md and "value=111" in md
