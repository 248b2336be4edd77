"""Ranking passages for a parsed question: BM25, then place, time and answer-type evidence.

Every factor is a named weight (weights.py); what each kind of question asks of a passage is
registered in kinds.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.corpus.outlets import Outlets
from bot.models import ArticleRec, PassageText
from bot.search.areas import Areas
from bot.search.bm25 import BM25Index
from bot.search.judge import Hit, SideResult, judge
from bot.search.kinds import BY_NAME, Evidence, has_number
from bot.search.query import ParsedQuestion, Side, levels_in, roles_in
from bot.search.weights import DEFAULT, Weights
from bot.text.analyze import analyze
from bot.text.normalize import fix_tone_placement
from bot.text.periods import DATED_TOKEN, HEADLINE_TOKEN, PART_TOKEN, PERIOD_TOKEN, TARGET_TOKEN
from bot.text.places import Gazetteer
from bot.text.thesaurus import PREFIX as CONCEPT
from bot.text.vocabulary import UNIT_FAMILIES

CANDIDATES = 40
MIN_COVERAGE = DEFAULT.min_coverage  # kept for callers that page through "Xem thêm"


@dataclass(frozen=True)
class _Concept:
    """A word of the question for coverage: a compound counts fully only when found whole, and a
    thesaurus concept that says the same ("dân số" for "đông dân") counts as the word."""

    term: int  # -1: the corpus never uses it
    head: float
    parts: tuple[tuple[int, float], ...]  # a compound's syllables
    numeric: bool = False  # a number or a figure ("2023", "11,8%"), not a word
    alt: int = -1  # the thesaurus concept's term
    bonus: bool = False  # what the answer names ("xã" of "những xã nào"): credited, not required

    @property
    def weight(self) -> float:
        return self.head + sum(w for _, w in self.parts)

    def credit(self, hit: Callable[[int], np.ndarray], w: Weights) -> np.ndarray:
        """Per candidate passage, the weight it matches; hit(t) says which contain term t."""
        parts = sum((wt * hit(t) for t, wt in self.parts), 0.0)
        whole = hit(self.term)
        # "tiêu" of "chỉ tiêu" and "thôn" of "tỷ lệ thôn" are not "tiêu chí nông thôn mới".
        out = np.where(whole, self.head + parts, w.syllables_alone * parts)
        if self.alt >= 0:
            out = np.maximum(out, w.concept_credit * self.weight * hit(self.alt))
        return out


class Retriever:
    def __init__(
        self,
        index: BM25Index,
        doc_article: np.ndarray,
        articles: Sequence[ArticleRec],
        passage_text: Callable[[list[int]], dict[int, PassageText]],
        gazetteer: Gazetteer | None = None,
        weights: Weights = DEFAULT,
    ) -> None:
        self.index = index
        self.doc_article = doc_article
        self.articles = list(articles)
        self.passage_text = passage_text
        self.weights = weights
        gaz = gazetteer or Gazetteer.default()
        self.areas = Areas(self.articles, gaz)
        # The year an article was published, and, for an undated one, the year it speaks of.
        self._year = np.array([int(a.date[:4]) if a.date else 0 for a in self.articles], dtype=np.int32)
        self._written = np.array([0 if a.date else a.written or 0 for a in self.articles], dtype=np.int32)
        self._town_level = np.array([(a.level or 2) > 1 and a.place != a.province for a in self.articles])
        # Years each article mentions, as article numbers per year: year_factor without a loop.
        mentions: dict[int, list[int]] = {}
        for i, a in enumerate(self.articles):
            for y in a.years:
                mentions.setdefault(y, []).append(i)
        self._mentioning = {y: np.array(ids, dtype=np.int64) for y, ids in mentions.items()}
        # A few outlets publish thousands of articles: look each name up once.
        outlets = Outlets.default()
        of_outlet = {p: outlets.province_of(p) for p in {a.publisher for a in self.articles}}
        self._outlet_codes: dict[str, int] = {}
        for province in of_outlet.values():
            if province:
                self._outlet_codes.setdefault(province, len(self._outlet_codes))
        self._outlet_province = np.array(
            [self._outlet_codes.get(of_outlet[a.publisher] or "", -1) for a in self.articles], dtype=np.int32
        )

    # ------------------------------------------------------------------ filters

    def article_mask(self, side: Side, provinces: list[str]) -> np.ndarray | None:
        """Per article, whether it answers for the place asked: 1 about it, less naming it."""
        if side.place is not None:
            about, naming = self._place_sets(side)
            out = np.zeros(len(self.articles))
            out[naming] = self.weights.mentioned_place
            out[about] = 1.0
            return out
        if provinces:
            return self.areas.mask(self.areas.province_articles(provinces))
        return None

    def _place_sets(self, side: Side) -> tuple[np.ndarray, np.ndarray]:
        """The articles about the side's place, and those that may answer only with a passage
        that names it: articles naming it prominently, or, when none is about it, its province's."""
        p = side.place
        assert p is not None
        if side.named_only:
            names = [x for x in (p.province, p.province_2025) if x]
            return np.empty(0, dtype=np.int64), self.areas.province_articles(names)
        return self.areas.place_articles(p), self.areas.mentioning(p)

    def outlet_factor(self, side: Side, provinces: list[str]) -> np.ndarray | None:
        """Per article, for a province-level question: lower when a provincial outlet of
        another province wrote it."""
        if side.place is not None or not provinces:
            return None
        gaz = self.areas.gazetteer
        names = {x for p in provinces for x in (p, *gaz.covered_provinces(p))}
        codes = [self._outlet_codes.get(p, -1) for p in names]
        elsewhere = (self._outlet_province >= 0) & ~np.isin(self._outlet_province, codes)
        return np.where(elsewhere, self.weights.outlet_elsewhere, 1.0)

    def hint_factor(self, q: ParsedQuestion, side: Side) -> np.ndarray | None:
        """Per article, for a question that names no place but a thing named after one ("Khu du
        lịch quốc gia Trà Cổ"): lower when the article is not about that place's land."""
        if side.place is not None or q.provinces or not q.hinted:
            return None
        found = [self.areas.land_articles(p) for p in q.hinted]
        ids = np.unique(np.concatenate(found))
        if ids.size == 0:
            return None
        out = np.full(len(self.articles), self.weights.hint_elsewhere)
        out[ids] = 1.0
        return out

    def year_factor(self, years: list[int]) -> np.ndarray | None:
        """Per article: 1 when written in (or about) the year asked, lower otherwise."""
        if not years:
            return None
        f = np.full(len(self.articles), self.weights.year_miss)
        for y in years:
            f[self._mentioning.get(y, np.empty(0, dtype=np.int64))] = self.weights.year_elsewhere
        f[np.isin(self._year, years) | np.isin(self._written, years)] = 1.0
        return f

    # ------------------------------------------------------------------ search

    def search(self, q: ParsedQuestion) -> list[SideResult]:
        literal = [t for t in q.tokens if not t.startswith(CONCEPT)]
        concepts = [t for t in q.tokens if t.startswith(CONCEPT)]
        lit_ids = self.index.term_ids(literal)
        con_ids = [t for t in self.index.term_ids(concepts) if t >= 0]
        # A word repeated in the question counts once.
        scores, postings = self.index.score_terms(list(dict.fromkeys(lit_ids)))
        if con_ids:
            extra, con_postings = self.index.score_terms(list(dict.fromkeys(con_ids)))
            scores += self.weights.concept_query * extra
            postings.update(con_postings)
        words = self._concepts(q, literal, lit_ids)
        total_weight = sum(c.weight for c in words if not c.bonus)
        year_terms = {self.index.vocab[str(y)] for y in q.years if str(y) in self.index.vocab}
        marks = {m: self.index.vocab.get(m, -1) for m in (TARGET_TOKEN, HEADLINE_TOKEN, DATED_TOKEN)}
        # "9 tháng đầu năm 2023" is answered by part of 2023, "năm 2023" by the whole year.
        for y in q.years:
            period = PART_TOKEN if y in q.partial else PERIOD_TOKEN
            marks[y] = self.index.vocab.get(f"{period}{y}", -1)
        return [
            self._search_side(q, side, scores, postings, words, total_weight, year_terms, marks)
            for side in q.sides
        ]

    def _concepts(self, q: ParsedQuestion, tokens: list[str], ids: list[int]) -> list[_Concept]:
        """The question's words, each compound with its syllables ("nông_thôn", "nông", "thôn")."""
        tid = dict(zip(tokens, ids, strict=True))
        alt: dict[str, int] = {}
        for concept, said in q.covers.items():
            c = self.index.vocab.get(concept, -1)
            for word in said:
                for w in (word, *word.split("_")):
                    alt.setdefault(w, c)

        def term(tok: str) -> tuple[int, float]:
            t = tid[tok]
            if t >= 0:
                return t, max(float(self.index.idf[t]), 0.0)
            # Words the corpus never uses still count against coverage: nothing can match them.
            return -1, (self.weights.oov_weight if not tok.isdigit() and len(tok) > 1 else 0.0)

        grouped = {syl for tok in tokens if "_" in tok for syl in tok.split("_")}
        out = []
        for tok in tokens:
            bonus = tok in q.asked_type  # "xã" of "những xã nào": the answer names them
            if "_" in tok:
                parts = tuple(term(syl) for syl in tok.split("_") if syl in tid)
                out.append(_Concept(*term(tok), parts, alt=alt.get(tok, -1), bonus=bonus))
            elif tok not in grouped:
                numeric = not any(ch.isalpha() for ch in tok)
                out.append(_Concept(*term(tok), (), numeric, alt.get(tok, -1), bonus))
        return out

    def _search_side(self, q, side, scores, postings, words, total_weight, year_terms, marks) -> SideResult:
        w = self.weights
        provinces = [p.name for p in q.provinces]
        yf = self.year_factor(side.years)
        art_scores = _product(
            self.article_mask(side, provinces),
            self.outlet_factor(side, provinces),
            self.hint_factor(q, side),
            yf,
        )
        # Only passages with a score can rank: at 100k passages most have none. (A boolean
        # array is scanned many times faster than a float one.)
        docs = np.flatnonzero(scores > 0)
        adjusted = scores[docs]
        if art_scores is not None:
            adjusted *= art_scores[self.doc_article[docs]]
        if side.place is not None:
            # An article that only names the place asked answers with a passage that names it.
            about, naming = self._place_sets(side)
            elsewhere = np.zeros(len(self.articles), dtype=bool)
            elsewhere[naming] = True
            elsewhere[about] = False
            if elsewhere.any():
                maybe = np.flatnonzero(elsewhere[self.doc_article[docs]] & (adjusted > 0))
                # Passages without the name's words cannot name it: no need to read them.
                syllables = [t for t in analyze(side.place.name) if "_" not in t]
                for t in self.index.term_ids(syllables):
                    if maybe.size:
                        named = _members(self.index.term_docs(t), docs[maybe]) if t >= 0 else None
                        maybe_out = maybe if named is None else maybe[~named]
                        adjusted[maybe_out] = 0.0
                        maybe = maybe[named] if named is not None else maybe[:0]
                if maybe.size:
                    texts = self.passage_text([int(docs[j]) for j in maybe])
                    clause_words = _content_words(q.tokens) if side.named_only else None
                    for j in maybe:
                        if not _names_place(texts[int(docs[j])], side.place.name, clause_words):
                            adjusted[j] = 0.0
        keep = adjusted > 0
        docs, adjusted = docs[keep], adjusted[keep]
        best = self.index.top_k(adjusted, CANDIDATES)
        if best.size == 0:
            return SideResult(side, [], "nothing")
        top, top_adjusted = docs[best], adjusted[best]
        top_articles = self.doc_article[top]
        contained = {t: _members(d, top) for t, d in postings.items()}
        absent = np.zeros(top.size, dtype=bool)

        def has(t: int) -> np.ndarray:
            if t < 0:
                return absent
            if t not in contained:
                contained[t] = _members(self.index.term_docs(t), top)
            return contained[t]

        # The year asked is matched by the passage's own period, or, when it names none, by its
        # article's date ("Trong năm qua ..." in a review published early the year after).
        dated = has(marks[DATED_TOKEN])
        in_period = {y: has(marks.get(y, -1)) for y in side.years}
        art_years, written = self._year[top_articles], self._written[top_articles]
        by_date = np.zeros(top.size, dtype=bool)
        for y in side.years:
            # A review published early the next year speaks of the year before; an undated
            # article, of the year its text speaks of.
            by_date |= (art_years == y) | (art_years == y + 1) | (written == y)
        on_time = np.where(dated, sum((in_period[y] for y in side.years), absent) > 0, by_date)

        def hit(t: int) -> np.ndarray:
            # A year asked is met by the passage's period, not by the year it compares with.
            return on_time if t in year_terms else has(t)

        credits = [(c, c.credit(hit, w)) for c in words]
        matched = sum((m for _, m in credits), np.zeros(top.size))
        # Words asked about, none found: a number in common ("bench 1") is no answer.
        asks_words = any(not c.numeric and c.weight > 0 for c in words)
        words_matched = sum((m for c, m in credits if not c.numeric), np.zeros(top.size))
        coverages = np.minimum(matched / total_weight, 1.0) if total_weight > 0 else np.zeros(top.size)
        # The indicator asked ("thu ngân sách"), in any of its wordings: another indicator's
        # figure in the same unit is no answer.
        indicator = absent.copy()
        for c in q.indicators:
            said = [tid for tid in self.index.term_ids(list(q.covers.get(c, ()))) if tid >= 0]
            words_there = np.logical_and.reduce([has(t) for t in said]) if said else absent
            indicator |= has(self.index.vocab.get(c, -1)) | words_there
        targets, headlines = has(marks[TARGET_TOKEN]), has(marks[HEADLINE_TOKEN])
        province_question = side.place is None and bool(provinces)
        texts = self.passage_text([int(d) for d in top])
        hits: list[Hit] = []
        for i, (d, article, adj, coverage) in enumerate(
            zip(top.tolist(), top_articles.tolist(), top_adjusted.tolist(), coverages.tolist(), strict=True)
        ):
            text = texts[d]
            full = text.full
            ev = Evidence(full, target=bool(targets[i]), headline=bool(headlines[i]))
            factor = w.coverage_base + coverage
            for name in q.kinds:
                kind = BY_NAME.get(name)
                if kind is not None and kind.shows is not None and kind.weight and not kind.shows(q, ev):
                    factor *= getattr(w, kind.weight)
            if q.indicators and not indicator[i]:
                factor *= w.missing_indicator
            for noun in q.counted:
                if not re.search(rf"\d[\d.,/]*\s*(?:[^\W\d_]+\s+)?{re.escape(noun)}\b", full, re.IGNORECASE):
                    factor *= w.missing_count
            for family in q.families:
                if not UNIT_FAMILIES[family].search(full):
                    factor *= w.indicator_unit
            if side.years and dated[i] and not on_time[i]:
                factor *= w.passage_other_year
            if ev.headline and (q.wants_quantity or q.unit):
                factor *= w.headline
            if q.level:
                named = levels_in(full)
                if named and q.level not in named:
                    factor *= w.other_level
            passage_roles = roles_in(full) if q.roles else set()
            if q.roles and not q.roles & passage_roles:
                named_roles = {role for role, _ in passage_roles}
                if any(role in named_roles for role, _ in q.roles):
                    factor *= w.other_level  # the deputy for the head, or the head for the deputy
            province_level = True
            if province_question and self._town_level[article] and not _speaks_of_province(full, provinces):
                province_level = False
                factor *= w.province_from_town
            hits.append(
                Hit(
                    d,
                    article,
                    adj * factor,
                    float(scores[d]),
                    coverage,
                    text,
                    bool(dated[i]),
                    tuple(y for y in side.years if in_period[y][i]),
                    ev.target,
                    province_level,
                )
            )
        hits.sort(key=lambda h: (-h.score, h.doc))
        no_word = dict(zip(top.tolist(), (words_matched <= 0).tolist(), strict=True))
        lacks = dict(zip(top.tolist(), (~indicator if q.indicators else absent).tolist(), strict=True))
        return judge(q, side, hits, asks_words, no_word, lacks, self.weights, self.articles)


def _content_words(tokens: list[str]) -> list[str]:
    return [t.replace("_", " ") for t in tokens if not t.startswith(CONCEPT) and not t[:1].isdigit()]


def _names_place(p: PassageText, name: str, words: list[str] | None) -> bool:
    """Whether a passage names the place. With words (a place no article is about), the
    passage's own sentence must say one of them in the clause that names it: "các xã Tân
    Thanh, Tân Mỹ thuộc huyện Văn Lãng" answers "xã nào của huyện Văn Lãng", "kết nối với
    thành phố Chí Linh" in a clause about roads does not answer "cụm công nghiệp Chí Linh"."""
    name = name.casefold()
    if words is None:
        return name in fix_tone_placement(p.full).casefold()
    for clause in re.split(r"[;:]", fix_tone_placement(p.text).casefold()):
        if name in clause and any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", clause) for w in words):
            return True
    return False


def _speaks_of_province(text: str, provinces: list[str]) -> bool:
    low = text.casefold()
    return "tỉnh" in low or "toàn tỉnh" in low or any(p.casefold() in low for p in provinces)


def _product(*factors: np.ndarray | None) -> np.ndarray | None:
    """Per article, the product of the factors that apply (None: none does)."""
    present = [f for f in factors if f is not None]
    if not present:
        return None
    out = np.ones(present[0].shape[0])
    for f in present:
        out *= f
    return out


def _members(sorted_docs: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which of docs are in sorted_docs (ascending), in one search for all of them."""
    if sorted_docs.shape[0] == 0:
        return np.zeros(docs.shape[0], dtype=bool)
    i = np.minimum(np.searchsorted(sorted_docs, docs), sorted_docs.shape[0] - 1)
    return sorted_docs[i] == docs


_has_number = has_number  # the name tests of the ranking shortcuts know
