"""Ranking passages for a parsed question: BM25, then place, time and answer-type evidence."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.models import ArticleRec, PassageText
from bot.search.bm25 import BM25Index
from bot.search.query import ParsedQuestion, Side, levels_in, roles_in, unit_present
from bot.text.figures import find_figures
from bot.text.places import Gazetteer

CANDIDATES = 40
MIN_COVERAGE = 0.42  # share of the question's informative weight a passage must match
YEAR_MISS = 0.55  # an article of another year, which never mentions the year asked about
YEAR_ELSEWHERE = 0.8  # the article mentions the year, this passage does not
# What a word the corpus never uses weighs against coverage. A constant, not a share of the
# largest IDF: that one grows with the corpus (log of the passage count), so the same question
# would be refused over a big corpus and answered over a small one.
OOV_WEIGHT = 2.4
# A compound's syllables found apart, without the compound: weaker evidence of the same word.
SYLLABLES_ALONE = 0.5
# A passage about another level of government than the one asked ("UBND tỉnh" for "UBND TX"),
# or another office of the same name (the deputy, "Phó Bí thư", for "Bí thư").
OTHER_LEVEL = 0.5
# A question about a province, answered from an article by another province's outlet: its
# "tỉnh" ("Chủ tịch UBND tỉnh", "Tỉnh ủy") may well be the outlet's own province.
OUTLET_ELSEWHERE = 0.85


@dataclass(frozen=True)
class Hit:
    doc: int
    article: int
    score: float  # final ranking score
    bm25: float
    coverage: float
    text: PassageText


@dataclass(frozen=True)
class _Concept:
    """A word of the question for coverage: a compound counts fully only when found whole."""

    term: int  # -1: the corpus never uses it
    head: float
    parts: tuple[tuple[int, float], ...]  # a compound's syllables
    numeric: bool = False  # a number or a figure ("2023", "11,8%"), not a word

    @property
    def weight(self) -> float:
        return self.head + sum(w for _, w in self.parts)

    def credit(self, hit: Callable[[int], np.ndarray]) -> np.ndarray:
        """Per candidate passage, the weight it matches; hit(t) says which contain term t."""
        parts = sum((w * hit(t) for t, w in self.parts), 0.0)
        whole = hit(self.term)
        # "tiêu" of "chỉ tiêu" and "thôn" of "tỷ lệ thôn" are not "tiêu chí nông thôn mới".
        return np.where(whole, self.head + parts, SYLLABLES_ALONE * parts)


@dataclass
class SideResult:
    side: Side
    hits: list[Hit]
    refusal: str | None = None  # why nothing answers this side
    # Years asked that neither the best passage nor its article's date speaks of: the quote is
    # about another time, and the reply must say so.
    years_missing: tuple[int, ...] = ()


class Retriever:
    def __init__(
        self,
        index: BM25Index,
        doc_article: np.ndarray,
        articles: Sequence[ArticleRec],
        passage_text: Callable[[list[int]], dict[int, PassageText]],
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.index = index
        self.doc_article = doc_article
        self.articles = list(articles)
        self.passage_text = passage_text
        # Places and provinces as small integer codes: comparing 20,000 strings per question is
        # a millisecond, comparing integers a few microseconds.
        self._place_codes = _codes(a.place for a in self.articles)
        self._province_codes = _codes(a.province for a in self.articles)
        self._place = np.array([self._place_codes.get(a.place, -1) for a in self.articles], dtype=np.int32)
        self._province = np.array(
            [self._province_codes.get(a.province, -1) for a in self.articles], dtype=np.int32
        )
        self._year = np.array([a.year or 0 for a in self.articles], dtype=np.int32)
        # Years each article mentions, as article numbers per year: year_factor without a loop.
        mentions: dict[int, list[int]] = {}
        for i, a in enumerate(self.articles):
            for y in a.years:
                mentions.setdefault(y, []).append(i)
        self._mentioning = {y: np.array(ids, dtype=np.int64) for y, ids in mentions.items()}
        # A few outlets publish thousands of articles: look each name up once.
        gaz = gazetteer or Gazetteer.default()
        outlets = {p: gaz.outlet_province(p) for p in {a.publisher for a in self.articles}}
        for province in outlets.values():
            if province:
                self._province_codes.setdefault(province, len(self._province_codes))
        self._outlet_province = np.array(
            [self._province_codes.get(outlets[a.publisher] or "", -1) for a in self.articles], dtype=np.int32
        )

    # ------------------------------------------------------------------ filters

    def article_mask(self, side: Side, provinces: list[str]) -> np.ndarray | None:
        if side.place is not None:
            return self._place == self._place_codes.get(side.place.name, _NO_CODE)
        if provinces:
            return np.isin(self._province, [self._province_codes.get(p, _NO_CODE) for p in provinces])
        return None

    def outlet_factor(self, side: Side, provinces: list[str]) -> np.ndarray | None:
        """Per article, for a province-level question: lower when a provincial outlet of
        another province wrote it."""
        if side.place is not None or not provinces:
            return None
        codes = [self._province_codes.get(p, -1) for p in provinces]
        elsewhere = (self._outlet_province >= 0) & ~np.isin(self._outlet_province, codes)
        return np.where(elsewhere, OUTLET_ELSEWHERE, 1.0)

    def year_factor(self, years: list[int]) -> np.ndarray | None:
        """Per article: 1 when written in (or about) the year asked, lower otherwise."""
        if not years:
            return None
        f = np.full(len(self.articles), YEAR_MISS)
        for y in years:
            f[self._mentioning.get(y, np.empty(0, dtype=np.int64))] = YEAR_ELSEWHERE
        f[np.isin(self._year, years)] = 1.0
        return f

    # ------------------------------------------------------------------ search

    def search(self, q: ParsedQuestion) -> list[SideResult]:
        all_ids = self.index.term_ids(q.tokens)
        # A word repeated in the question counts once.
        scores, postings = self.index.score_terms(list(dict.fromkeys(all_ids)))
        concepts = self._concepts(q.tokens, all_ids)
        total_weight = sum(c.weight for c in concepts)
        year_terms = {self.index.vocab[str(y)] for y in q.years if str(y) in self.index.vocab}
        return [
            self._search_side(q, side, scores, postings, concepts, total_weight, year_terms)
            for side in q.sides
        ]

    def _concepts(self, tokens: list[str], ids: list[int]) -> list[_Concept]:
        """The question's words, each compound with its syllables ("nông_thôn", "nông", "thôn")."""
        tid = dict(zip(tokens, ids, strict=True))

        def term(tok: str) -> tuple[int, float]:
            t = tid[tok]
            if t >= 0:
                return t, max(float(self.index.idf[t]), 0.0)
            # Words the corpus never uses still count against coverage: nothing can match them.
            return -1, (OOV_WEIGHT if not tok.isdigit() and len(tok) > 1 else 0.0)

        grouped = {syl for tok in tokens if "_" in tok for syl in tok.split("_")}
        concepts = []
        for tok in tokens:
            if "_" in tok:
                parts = tuple(term(syl) for syl in tok.split("_") if syl in tid)
                concepts.append(_Concept(*term(tok), parts))
            elif tok not in grouped:
                concepts.append(_Concept(*term(tok), (), not any(ch.isalpha() for ch in tok)))
        return concepts

    def _search_side(self, q, side, scores, postings, concepts, total_weight, year_terms) -> SideResult:
        provinces = [p.name for p in q.provinces]
        yf = self.year_factor(side.years)
        art_scores = _product(self.article_mask(side, provinces), self.outlet_factor(side, provinces), yf)
        # Only passages with a score can rank: at 100k passages most have none. (A boolean
        # array is scanned many times faster than a float one.)
        docs = np.flatnonzero(scores > 0)
        adjusted = scores[docs]
        if art_scores is not None:
            adjusted *= art_scores[self.doc_article[docs]]
        keep = adjusted > 0
        docs, adjusted = docs[keep], adjusted[keep]
        best = self.index.top_k(adjusted, CANDIDATES)
        if best.size == 0:
            return SideResult(side, [], "nothing")
        top, top_adjusted = docs[best], adjusted[best]
        top_articles = self.doc_article[top]
        # The year asked is matched by the article's own date as much as by the sentence.
        dated = yf[top_articles] >= 1.0 if yf is not None else np.zeros(top.size, dtype=bool)
        contained = {t: _members(d, top) for t, d in postings.items()}
        absent = np.zeros(top.size, dtype=bool)

        def hit(t: int) -> np.ndarray:
            if t < 0:
                return absent
            return contained[t] | dated if t in year_terms else contained[t]

        credits = [(c, c.credit(hit)) for c in concepts]
        matched = sum((m for _, m in credits), np.zeros(top.size))
        # Words asked about, none found: a number in common ("bench 1") is no answer.
        asks_words = any(not c.numeric and c.weight > 0 for c in concepts)
        words_matched = sum((m for c, m in credits if not c.numeric), np.zeros(top.size))
        no_word = dict(zip(top.tolist(), (words_matched <= 0).tolist(), strict=True))
        coverages = matched / total_weight if total_weight > 0 else np.zeros(top.size)
        texts = self.passage_text([int(d) for d in top])
        hits: list[Hit] = []
        for d, article, adj, coverage in zip(
            top.tolist(), top_articles.tolist(), top_adjusted.tolist(), coverages.tolist(), strict=True
        ):
            text = texts[d]
            full = text.full
            factor = 0.4 + coverage
            if q.wants_quantity or q.unit:
                if not _has_number(full) or (q.unit and not unit_present(q.unit, full)):
                    factor *= 0.3
            if q.wants_year and not re.search(r"(?:19|20)\d\d", full):
                factor *= 0.4
            if q.wants_day and not re.search(r"\b\d{1,2}/\d{1,2}\b", full):
                factor *= 0.4
            if q.level:
                named = levels_in(full)
                if named and q.level not in named:
                    factor *= OTHER_LEVEL
            passage_roles = roles_in(full) if q.roles else set()
            if q.roles and not q.roles & passage_roles:
                named = {role for role, _ in passage_roles}
                if any(role in named for role, _ in q.roles):
                    factor *= OTHER_LEVEL  # the deputy for the head, or the head for the deputy
            if q.wants_ordinal and not re.search(r"\b(?:lần thứ|khóa|khoá|nhiệm kỳ)\s+[\dIVXLC]", full):
                factor *= 0.5
            hits.append(Hit(d, article, adj * factor, float(scores[d]), coverage, text))
        hits.sort(key=lambda h: (-h.score, h.doc))
        best = hits[0]
        refusal = None
        full_best = best.text.full
        if best.coverage < MIN_COVERAGE or (asks_words and no_word[best.doc]):
            refusal = "coverage"
        elif q.unit and not unit_present(q.unit, full_best):
            refusal = "unit"
        elif q.wants_quantity and not _has_number(full_best):
            refusal = "number"
        art = self.articles[best.article]
        missing = tuple(y for y in side.years if _speaks_of_another_time(y, art.year, full_best))
        return SideResult(side, hits, refusal, missing)


def _speaks_of_another_time(year: int, article_year: int | None, text: str) -> bool:
    """Whether a passage answers for another year than the one asked.

    It does not when it names the year, or names none and its article was written that year or
    the next ("Trong năm qua, ..." in a review published early the year after).
    """
    if re.search(rf"(?<!\d){year}(?!\d)", text):
        return False
    if re.search(r"(?<![\d/-])(?:19|20)\d\d(?!\d)", text):
        return True
    return article_year not in (year, year + 1)


def _product(*factors: np.ndarray | None) -> np.ndarray | None:
    """Per article, the product of the factors that apply (None: none does)."""
    present = [f for f in factors if f is not None]
    if not present:
        return None
    out = np.ones(present[0].shape[0])
    for f in present:
        out *= f
    return out


_NO_CODE = -2  # a name asked about that no article has (-1 is an article without one)


def _codes(names: Iterable[str | None]) -> dict[str, int]:
    """A number for each distinct name, in order of first appearance."""
    codes: dict[str, int] = {}
    for name in names:
        if name:
            codes.setdefault(name, len(codes))
    return codes


def _members(sorted_docs: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which of docs are in sorted_docs (ascending), in one search for all of them."""
    if sorted_docs.shape[0] == 0:
        return np.zeros(docs.shape[0], dtype=bool)
    i = np.minimum(np.searchsorted(sorted_docs, docs), sorted_docs.shape[0] - 1)
    return sorted_docs[i] == docs


_DIGIT = re.compile(r"\d")
_ROMAN_CONTEXT = re.compile(r"lần thứ |khóa |khoá ", re.IGNORECASE)


def _has_number(text: str) -> bool:
    # Every figure find_figures returns holds a digit, except Roman ordinals ("khóa XIV"); a
    # digit anywhere is part of some figure. Only the rare text without one needs the scan.
    if _DIGIT.search(text):
        return True
    if not _ROMAN_CONTEXT.search(text):
        return False
    return any(f.text.isupper() for f in find_figures(text))
