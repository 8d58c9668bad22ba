"""Text normalisation for matching: one folded form for every spelling of the same words.

The original text is kept for display and citations; `fold` is only ever used to *find* things.
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an
from opencc import OpenCC

from indexing.models import Number

# Export junk that carries no meaning: docx bookmarks, the replacement character of a broken decode.
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# Pinyin reading notes from mirror sites: “鎮(zhèn)”. Only latin letters with at least one tone mark,
# so real parenthesised words such as “(http)” survive.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_READING_NOTE = re.compile(rf"[(（]\s*[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*\s*[)）]")

# Full-width forms → half-width for digits, latin letters and the punctuation that numbering uses.
_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDTH.update({"（": "(", "）": ")", "：": ":", "［": "[", "］": "]", "．": ".", "／": "/", "－": "-", "＋": "+"})
_WIDTH.update({"\u00a0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ", "\u200b": "", "\ufeff": "", "\ufffd": ""})
_WIDTH_TABLE = str.maketrans(_WIDTH)


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """Every character OpenCC's t2s dictionaries would change: text without one of them is already simplified, and
    the (pure-Python, slow) conversion is skipped for it — most reports and every long whole-text fold."""
    from importlib.resources import files

    chars: set[str] = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for line in files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if values.split(" ")[0] != key:
                chars.update(c for c, v in zip(key, values.split(" ")[0].ljust(len(key)), strict=False) if c != v)
    return frozenset(chars)


def strip_junk(text: str) -> str:
    """Drop export junk (bookmarks, reading notes, U+FFFD) but keep the characters as written."""
    text = _BOOKMARK.sub("", text)
    text = _READING_NOTE.sub("", text)
    return text.replace("\ufffd", "")


def clean_display(text: str) -> str:
    """For display: drop export junk (bookmarks, U+FFFD) but keep every real character, reading notes too."""
    return _BOOKMARK.sub("", text).replace("\ufffd", "")


@lru_cache(maxsize=65_536)  # table cells and headings repeat across reports (“\t0”, “一、总体情况”)
def fold(text: str) -> str:
    """The matching form: simplified characters, half-width digits/letters/brackets, junk dropped."""
    text = strip_junk(text).translate(_WIDTH_TABLE)
    if _traditional().isdisjoint(text):
        return text
    return _t2s().convert(text)


def compact(text: str) -> str:
    """Folded and without any whitespace: for matching labels that wrap or carry stray spaces."""
    return re.sub(r"\s+", "", fold(text))


# ---------------------------------------------------------------- table cells
# Cells that mean “nothing stated”: unknown, never zero.
_EMPTY_MARKS = {"", "/", "\\", "-", "--", "—", "——", "–", "－", "无", "空", "暂无", "null", "none", "N/A", "n/a"}
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_CELL_UNIT = re.compile(r"(?<=\d)(?:万元|元|件|条|个|项|次)$")


def cell_kind(text: str) -> tuple[str, Number | None]:
    """Classify one table cell: ("number", n) | ("empty", None) | ("text", None)."""
    s = re.sub(r"\s+", "", strip_junk(text).translate(_WIDTH_TABLE))
    s = s.replace(",", "").replace("，", "")
    if s in _EMPTY_MARKS:
        return "empty", None
    s = _CELL_UNIT.sub("", s)  # “858.96万元”, “12件” under a header that names the unit
    if _NUMBER.fullmatch(s):
        return "number", _to_number(s)
    return "text", None


def parse_cell(text: str) -> Number | None:
    """A cell's value: a number (a stated 0 is 0), or None for blank, “/”, “—”, “-”, “无” or text."""
    kind, value = cell_kind(text)
    return value if kind == "number" else None


def _to_number(s: str) -> Number:
    return float(s) if "." in s else int(s)


# ---------------------------------------------------------------- prose numbers
_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")  # a year written digit by digit: 二〇二二 → 2022
NUMBER_TOKEN = rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]+)"


def chinese_number(token: str) -> Number | None:
    """“329”, “三百二十九”, “两” → the number; None when the token is not a number."""
    token = token.strip().translate(_WIDTH_TABLE)
    if _NUMBER.fullmatch(token):
        return _to_number(token)
    try:
        value = cn2an.cn2an(token, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
