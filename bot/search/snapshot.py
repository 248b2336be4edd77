"""Per-article analysis (cached by content hash) and the searchable snapshot built from them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.corpus.loader import ParsedArticle, parse_article
from bot.corpus.passages import LEANS_BACK
from bot.models import ArticleRec, Coverage, PassageText
from bot.search.bm25 import BM25Index
from bot.search.facts import Fact, FactSource, MemoryFacts
from bot.search.facts import extract as extract_facts
from bot.search.query import ParsedQuestion, parse
from bot.search.retriever import Retriever
from bot.text.analyze import analyze
from bot.text.normalize import canonical
from bot.text.periods import HEADLINE_TOKEN, TARGET_TOKEN, is_target_sentence, passage_years, period_tokens
from bot.text.places import Gazetteer, Place
from bot.text.restore import DiacriticModel, count_ngrams
from bot.text.years import years_in

# A following sentence that completes this one: its consequence or its details.
_CONTINUES = re.compile(
    r"^(?:đó là|gồm|bao gồm|cụ thể|từ đó|do đó|vì thế|vì vậy|nhờ đó|nhờ vậy|trong đó)\b", re.IGNORECASE
)


@dataclass
class AnalyzedArticle:
    """Everything indexing needs from one version of one article; what the cache stores."""

    meta: dict[str, str | int | None]
    passages: list[PassageText]
    tokens: list[list[str]]
    years: list[int]
    unigrams: Counter[str]
    bigrams: Counter[str]
    facts: list[Fact] = field(default_factory=list)


def _leans_back(text: str) -> bool:
    return bool(LEANS_BACK.match(text)) or text[:1].islower()


def analyze_parsed(parsed: ParsedArticle) -> AnalyzedArticle:
    ps = parsed.passages
    units: list[PassageText] = []
    for i, p in enumerate(ps):
        prev = ps[i - 1] if i > 0 and ps[i - 1].paragraph == p.paragraph else None
        nxt = ps[i + 1] if i + 1 < len(ps) and ps[i + 1].paragraph == p.paragraph else None
        before = prev.text if prev is not None and _leans_back(p.text) else None
        # What follows and leans on it ("Từ đó, ...", "Đó là ...") completes the quote.
        after = nxt.text if nxt is not None and _CONTINUES.match(nxt.text) else None
        units.append(PassageText(p.text, before, after, p.page))
    starts: list[int] = []
    for i, p in enumerate(ps):
        starts.append(i if i == 0 or ps[i - 1].paragraph != p.paragraph else starts[-1])
    title = canonical(parsed.meta.title)
    tokens = []
    for i, u in enumerate(units):
        # What the passage's figures are about, as tokens the retriever looks up: their period,
        # whether they are a plan, whether the passage is the headline.
        marks = period_tokens(passage_years(u.text, ps[starts[i]].text, u.before or ""))
        if is_target_sentence(u.text):
            marks.append(TARGET_TOKEN)
        if i < 8 and canonical(u.text).rstrip(".") == title:  # the headline stands near the top
            marks.append(HEADLINE_TOKEN)
        tokens.append(analyze(u.full) + marks)
    body = [p.text for p in ps]
    uni, bi = count_ngrams(body)
    meta = {
        "title": parsed.meta.title,
        "publisher": parsed.meta.publisher,
        "date": parsed.meta.date,
        "place": parsed.meta.place,
        "province": parsed.meta.province,
        "url": parsed.meta.url,
        "level": parsed.meta.level,
        "province_2025": parsed.meta.province_2025,
        "year": parsed.meta.year,
        "mentioned": "\n".join(parsed.meta.mentioned) or None,
    }
    # A passage that names no period takes its paragraph's, or that of the sentence it leans on.
    leads = [
        " ".join(x for x in (ps[starts[i]].text if starts[i] != i else "", u.before) if x)
        for i, u in enumerate(units)
    ]
    facts = extract_facts([u.text for u in units], leads, parsed.meta.year)
    return AnalyzedArticle(meta, units, tokens, sorted(set(years_in(" ".join(body)))), uni, bi, facts)


def analyze_text(
    text: str, overrides: dict[str, str | None], gazetteer: Gazetteer | None = None
) -> AnalyzedArticle:
    return analyze_parsed(parse_article(text, overrides, gazetteer or Gazetteer.default()))


@dataclass
class Snapshot:
    """A complete, immutable search state: swapped as a whole on reload."""

    retriever: Retriever
    model: DiacriticModel
    gazetteer: Gazetteer
    coverage: Coverage
    towns: set[str]
    provinces: set[str]
    built_at: str = ""
    facts: FactSource | None = None  # the facts of its articles (series and comparisons)

    @property
    def articles(self) -> list[ArticleRec]:
        return self.retriever.articles

    def parse(self, question: str, *, restore: bool = True) -> ParsedQuestion:
        """The question read against this corpus: its towns and provinces, diacritics restored
        with this corpus's model (unless restore is False)."""
        return parse(
            question,
            model=self.model if restore else None,
            gazetteer=self.gazetteer,
            corpus=self.retriever.areas,
        )


def build_places(
    articles: Sequence[ArticleRec], base: Gazetteer
) -> tuple[Gazetteer, set[str], set[str], Coverage]:
    # Each distinct place once: 20,000 articles name a few hundred.
    known = {place: bool(base.lookup(place)) for place in {a.place for a in articles if a.place}}
    extra = [Place(a.place, "town", a.province) for a in articles if a.place and not known[a.place]]
    gazetteer = base.extended(extra)
    towns = {a.place for a in articles if a.place and a.place != a.province}
    provinces = {a.province for a in articles if a.province}
    counts = Counter(a.place for a in articles if a.place)
    province_of = {a.place: a.province for a in articles if a.place}
    labels = tuple(
        f"{t} ({province_of[t]})" if province_of.get(t) and province_of[t] != t else t
        for t, _ in counts.most_common()
    )
    dates = sorted(a.date for a in articles if a.date)
    coverage = Coverage(
        articles=len(articles),
        passages=0,
        places=labels,
        provinces=tuple(sorted(provinces)),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
    )
    return gazetteer, towns, provinces, coverage


def build_index_arrays(
    per_article_tokens: Sequence[Sequence[Sequence[str]]],
) -> tuple[BM25Index, np.ndarray]:
    """Index over every passage of every article, in order; and each passage's article number."""
    index = BM25Index.build([toks for passages in per_article_tokens for toks in passages])
    counts = [len(passages) for passages in per_article_tokens]
    return index, np.repeat(np.arange(len(counts), dtype=np.int32), counts)


def snapshot_in_memory(
    items: Sequence[tuple[str, AnalyzedArticle]], gazetteer: Gazetteer | None = None
) -> Snapshot:
    """A snapshot whose passage texts live in memory (tests, one-off runs)."""
    articles = [article_rec(path, a) for path, a in items]
    index, doc_article = build_index_arrays([a.tokens for _, a in items])
    texts = [p for _, a in items for p in a.passages]

    def lookup(docs: list[int]) -> dict[int, PassageText]:
        return {d: texts[d] for d in docs}

    uni: Counter[str] = Counter()
    bi: Counter[str] = Counter()
    for _, a in items:
        uni.update(a.unigrams)
        bi.update(a.bigrams)
    facts = MemoryFacts((path, a.facts, a.passages) for path, a in items)
    return assemble(index, doc_article, articles, lookup, uni, bi, gazetteer, facts=facts)


def article_rec(path: str, a: AnalyzedArticle) -> ArticleRec:
    return article_from_meta(path, a.meta, a.years)


# What an article record keeps of its analysis beyond the source line's fields.
EXTRA_META = ("level", "province_2025", "year", "mentioned")
SOURCE_FIELDS = ("title", "publisher", "date", "place", "province", "url")


def article_from_meta(path: str, m: Mapping[str, object], years: Iterable[int]) -> ArticleRec:
    """The article record of an analysis's metadata (as analyze_parsed gives it, or as stored)."""

    def text(key: str) -> str | None:
        value = m.get(key)
        return None if value is None else str(value)

    def number(key: str) -> int | None:
        value = m.get(key)
        return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None

    return ArticleRec(
        path=path,
        title=text("title") or path,
        publisher=text("publisher"),
        date=text("date"),
        place=text("place"),
        province=text("province"),
        url=text("url"),
        years=frozenset(years),
        level=number("level"),
        province_2025=text("province_2025"),
        written=number("year"),
        mentioned=tuple((text("mentioned") or "").split("\n")) if text("mentioned") else (),
    )


def assemble(
    index: BM25Index,
    doc_article: np.ndarray,
    articles: Sequence[ArticleRec],
    lookup: Callable[[list[int]], dict[int, PassageText]],
    unigrams: Counter[str],
    bigrams: Counter[str],
    gazetteer: Gazetteer | None = None,
    built_at: str = "",
    cache_dir: Path | None = None,
    facts: FactSource | None = None,
) -> Snapshot:
    gaz, towns, provinces, coverage = build_places(articles, gazetteer or Gazetteer.default())
    coverage = Coverage(
        coverage.articles,
        index.n_docs,
        coverage.places,
        coverage.provinces,
        coverage.first_date,
        coverage.last_date,
    )
    retriever = Retriever(index, doc_article, articles, lookup, gaz)
    model = DiacriticModel.from_counts(unigrams, bigrams, cache_dir=cache_dir)
    return Snapshot(retriever, model, gaz, coverage, towns, provinces, built_at, facts)
