"""Whether the best passage of a side answers, and what the reply must say about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import ArticleRec, PassageText
from bot.search.kinds import BY_NAME, Evidence
from bot.search.query import ParsedQuestion, Side
from bot.search.weights import Weights
from bot.text.places import Place


@dataclass(frozen=True)
class Hit:
    doc: int
    article: int
    score: float  # final ranking score
    bm25: float
    coverage: float
    text: PassageText
    dated: bool = False  # the passage says what period its figures belong to
    period: tuple[int, ...] = ()  # of the years asked, those its figures belong to
    target: bool = False  # it states a plan or a target
    province_level: bool = True  # for a province question: the figure is the province's


@dataclass
class SideResult:
    side: Side
    hits: list[Hit]
    refusal: str | None = None  # why nothing answers this side
    # Years asked that the best passage does not speak of: the quote is about another time.
    years_missing: tuple[int, ...] = ()
    # The best passage is a plan where a result was asked ("target_only").
    caveats: tuple[str, ...] = ()
    # A province asked about, a town's figure quoted: whose figure it is.
    whose: str | None = None


def judge(
    q: ParsedQuestion,
    side: Side,
    hits: list[Hit],
    asks_words: bool,
    no_word: dict[int, bool],
    lacks: dict[int, bool],
    weights: Weights,
    articles: Sequence[ArticleRec],
) -> SideResult:
    """Whether the best passage answers, and what the reply must say about it."""
    best = hits[0]
    ev = Evidence(best.text.full, target=best.target)
    refusal = None
    if best.coverage < weights.min_coverage or (asks_words and no_word[best.doc]):
        refusal = "coverage"
    elif lacks[best.doc]:
        refusal = "indicator"
    else:
        for name in ("unit", "quantity", "when", "day"):
            kind = BY_NAME[name]
            if name in q.kinds and kind.shows is not None and not kind.shows(q, ev):
                refusal = kind.refusal
                break
    art = articles[best.article]
    missing: tuple[int, ...] = ()
    if side.years:
        if best.dated:
            missing = tuple(y for y in side.years if y not in best.period)
        else:
            published = int(art.date[:4]) if art.date else None
            if not any(
                y in (published, (published or 0) - 1, None if art.date else art.written) for y in side.years
            ):
                missing = tuple(side.years)
    caveats = []
    if "actual" in q.kinds and best.target and not refusal:
        caveats.append("target_only")
    whose = None
    if not best.province_level:
        whose = Place(art.place or "", "town", art.province).label
    return SideResult(side, hits, refusal, missing, tuple(caveats), whose)
