"""Questions not written in Chinese, and topic words echoed back in an answer.

The reader understands Chinese only. A question in English (or any other language written in Latin letters) gets a
short Chinese hint with an example question — unless it names a body of the corpus or a number or year, in which
case it is still tried, and the hint is given only when that try finds nothing. A topic echoed in an answer
(“没有找到关于‘…’的表述”) keeps the spaces of Latin text and is cut only between words.
"""

from __future__ import annotations

import re

import jieba

from answering.models import Answer, Query

EXAMPLE_QUESTION = "2021年哪些乡镇没有收到政府信息公开申请？"
HINT = f"目前只能理解中文问题。请用中文提问，例如：“{EXAMPLE_QUESTION}”"
FRAGMENT_CHARS = 20

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")  # any letter of any script


def is_foreign(question: str) -> bool:
    """More letters of other scripts than Chinese characters: not a Chinese question."""
    letters = len(_LETTER.findall(question))
    chinese = len(_CJK.findall(question))
    return letters - chinese > chinese


def worth_trying(question: str, query: Query) -> bool:
    """A foreign question that names a body of the corpus, a year or a number may still be answered."""
    return bool(query.bodies or query.years or query.unknown_years or re.search(r"\d", question))


def hint(question: str, query: Query | None = None, recognised: str = "") -> Answer:
    """The hint; `recognised`: the scope read from a question that was tried (“2021年侯家镇”), said back so the
    asker sees what was understood and what was not."""
    said = f"问题中认出了“{recognised}”，但没有认出要问的事项。" if recognised else ""
    return Answer(question, said + HINT, "unknown", query=query)


_LATIN_END = re.compile(r"[A-Za-z]$")
_LATIN_START = re.compile(r"^[A-Za-z]")


def join_words(words: list[str]) -> str:
    """Words run together as Chinese is written, with a space kept between two Latin words (“Open Day”)."""
    out = ""
    for word in words:
        out += " " if out and _LATIN_END.search(out) and _LATIN_START.match(word) else ""
        out += word
    return out


def fragment(text: str, limit: int = FRAGMENT_CHARS) -> str:
    """The words of `text` to echo back: spaces kept except between Chinese words, cut at a word's end, never inside one
    (jieba's words for Chinese, whole words for Latin text)."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(rf"(?<={_CJK.pattern}) (?={_CJK.pattern})", "", text)  # no spaces between Chinese words
    if len(text) <= limit:
        return text
    out = ""
    for word in jieba.lcut(text):
        if len(out) + len(word) > limit and out.strip():
            break
        out += word
    return out.strip()
