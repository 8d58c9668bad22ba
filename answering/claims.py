"""Does a report sentence state what a question asks about? Prose yes/no (有没有把信息公开工作纳入年度考核) and
which bodies did something (哪个乡镇实行信息“三审”制度) are answered from the sentences that state it — by most of
its words, quoted words as written, and the same polarity (未收取 is not 收取) — never from silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answering import lexicon as lx
from answering.foreign import join_words
from indexing.normalize import fold

SUPPORTED = 0.6  # the share of the claim's word pairs a sentence must hold
NEGATION_REACH = 4  # characters before the claim's first word where a 未/没有 negates it

_QUOTED = re.compile(r"[“\"《「『]([^”\"》」』]{1,30})[”\"》」』]")
_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


@dataclass(frozen=True)
class Claim:
    words: str  # what is looked for, as the answer names it
    quoted: tuple[str, ...]  # words that must appear as written: “三审”, 《主动公开基本目录》
    grams: frozenset[str]  # the other words, as character pairs
    negated: bool  # the claim itself says 未/没有 (“未收取信息处理费”)
    anchor: str = ""  # its first words (a pair): where a sentence's 未/没有 would stand


@dataclass(frozen=True)
class Support:
    share: float  # of the claim's word pairs the sentence holds
    same_polarity: bool  # the sentence says it as the claim does (not 未… where the claim says …)


def _pairs(text: str) -> set[str]:
    return {run[i:i + 2] for run in _RUN.findall(text) for i in range(len(run) - 1)}


def claim_of(phrase: str) -> Claim:
    text = fold(phrase)
    quoted = tuple(q for q in (m.group(1).strip() for m in _QUOTED.finditer(text)) if q)
    runs = [r for r in _RUN.findall(re.sub(lx.CLAIM_FRAME, " ", _QUOTED.sub(" ", text))) if len(r) >= 2]
    rest = " ".join(runs)  # a lone character left by the frame (在, 对) says nothing
    negated = bool(re.match(lx.NEGATION, rest))
    rest = re.sub(lx.DOING, " ", re.sub(rf"^(?:{lx.NEGATION})", " ", rest))
    first = next((r for r in _RUN.findall(rest) if len(r) >= 2), "")
    words = join_words([r for r in _RUN.findall(re.sub(lx.CLAIM_FRAME, " ", re.sub(r"[“”\"《》「」『』]", "", text)))
                        if len(r) >= 2])
    return Claim(words, quoted, frozenset(_pairs(rest)), negated, first[:2] or (quoted[0] if quoted else ""))


def content(claim: Claim, leaving: tuple[str, ...] = ()) -> int:
    """How many word pairs the claim holds besides the `leaving` words (a topic's own cue)."""
    return len(claim.grams - {g for w in leaving for g in _pairs(w)}) + len(claim.quoted)


def support(claim: Claim, sentence: str) -> Support | None:
    """How well one sentence states the claim; None when it lacks a quoted word or most of the claim's words."""
    f = fold(sentence)
    if any(q not in f for q in claim.quoted) or not (claim.grams or claim.quoted):
        return None
    held = claim.grams & _pairs(f)
    share = len(held) / len(claim.grams) if claim.grams else 1.0
    if share < SUPPORTED:
        return None
    # Polarity where the sentence says the claim: at the claim's first words, of their occurrences the one followed
    # by most of the claim (the last of equals: “关于收取信息处理费的情况：本年度未收取信息处理费”).
    anchor = claim.anchor if claim.anchor in f else next(iter(sorted(held)), "")
    reach = 2 * (len(claim.words) + 2)
    at = [m.start() for m in re.finditer(re.escape(anchor), f)] if anchor else []
    if not at:
        return Support(share, not claim.negated)
    i = max(at, key=lambda k: (len(claim.grams & _pairs(f[k:k + reach])), k))
    negated = bool(re.search(lx.NEGATION, f[max(0, i - NEGATION_REACH):i]))
    return Support(share, negated == claim.negated)
