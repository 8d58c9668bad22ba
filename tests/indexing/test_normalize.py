"""The matching form of text and the reading of table cells and prose numbers."""

from __future__ import annotations

import pytest

from indexing.normalize import cell_kind, chinese_number, clean_display, compact, fold, parse_cell


def test_fold_traditional_to_simplified():
    assert fold("政府信息公開工作年度報告") == "政府信息公开工作年度报告"
    assert fold("本年新收政府信息公開申請數量") == "本年新收政府信息公开申请数量"


def test_fold_full_width_to_half_width():
    assert fold("２０２１年（一）第二十条：ＡＢｃ") == "2021年(一)第二十条:ABc"


def test_fold_drops_reading_notes_and_export_junk():
    assert fold("示例鎮(zhèn)政府") == "示例镇政府"
    assert fold("申請數（shù）量") == "申请数量"
    assert fold("[bookmark: _GoBack]根据《条例》") == "根据《条例》"
    assert fold("电子版可在…\ufffd") == "电子版可在…"
    assert fold("a\u00a0b\u3000c") == "a b c"


def test_fold_keeps_real_parentheses():
    assert fold("网站(http)查阅") == "网站(http)查阅"
    assert fold("（五）监督保障") == "(五)监督保障"


def test_compact_removes_whitespace():
    assert compact(" 结果\n维持 ") == "结果维持"


def test_clean_display_keeps_characters_and_reading_notes():
    assert clean_display("[bookmark: _Hlk1]白奎鎮(zhèn)\ufffd") == "白奎鎮(zhèn)"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("0", 0), (" 0", 0), ("0 ", 0), ("０", 0), ("0\u3000", 0), ("0\u3000\u3000", 0), ("\u00a00", 0),
        ("12", 12), ("1,234", 1234), ("3.5", 3.5), ("0.25", 0.25),
        ("", None), ("  ", None), ("/", None), ("—", None), ("-", None), ("无", None), ("——", None),
        ("规章", None), ("自然人", None),
    ],
)  # fmt: skip
def test_parse_cell(text, expected):
    value = parse_cell(text)
    assert value == expected and type(value) is type(expected)


def test_cell_kind_keeps_zero_empty_and_text_apart():
    assert cell_kind(" 0") == ("number", 0)
    assert cell_kind("/") == ("empty", None)
    assert cell_kind("") == ("empty", None)
    assert cell_kind("行政许可") == ("text", None)
    assert cell_kind("[bookmark: _Hlk66973981]") == ("empty", None)


@pytest.mark.parametrize(
    "token,expected",
    [
        ("三百二十九", 329), ("二百三十五", 235), ("十六", 16), ("两", 2), ("329", 329), ("３２９", 329),
        ("一万二千", 12000),
    ],  # fmt: skip
)
def test_chinese_number(token, expected):
    assert chinese_number(token) == expected


def test_chinese_number_rejects_non_numbers():
    assert chinese_number("") is None
    assert chinese_number("政府") is None
