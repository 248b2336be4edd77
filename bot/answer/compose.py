"""From ranked passages to an Answer: the best quote per side, a supporting quote when it adds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.models import Answer, ArticleRec, Coverage, Quote
from bot.search.judge import Hit, SideResult
from bot.search.query import ParsedQuestion
from bot.search.retriever import MIN_COVERAGE
from bot.text.figures import find_figures
from bot.text.places import CITY_PROVINCES
from bot.texts import NOTHING_MORE, NOTICE, PROVINCE_KIND, refusal_text

MAX_QUOTE_CHARS = 900  # one quote, context included
TARGET_CHARS = 1000  # the whole answer, so it fits a phone screen
PAGE = 3  # passages per "Xem thêm" page


def quote_of(hit: Hit, article: ArticleRec, label: str | None = None) -> Quote:
    text = hit.text.full
    if len(text) > MAX_QUOTE_CHARS:
        text = hit.text.text if len(hit.text.text) <= MAX_QUOTE_CHARS else _trim(hit.text.text)
    spans = tuple((f.start, f.end) for f in find_figures(text))
    source = replace(article, page=hit.text.page) if hit.text.page else article  # a PDF's page
    return Quote(text, spans, source, round(hit.score, 4), hit.doc, label)


def _trim(text: str) -> str:
    cut = text[: MAX_QUOTE_CHARS - 1]
    return cut[: cut.rfind(" ")] + "…"


def compose(
    q: ParsedQuestion,
    results: Sequence[SideResult],
    articles: Sequence[ArticleRec],
    coverage: Coverage,
    *,
    offset: int = 0,
) -> Answer:
    understood = q.understood if q.reinterpreted else None
    # A place no article is about answers only through a passage of its province that names it.
    known_side = any(
        s.side.place is not None and (not s.side.named_only or (s.hits and not s.refusal)) for s in results
    )
    if q.unknown_places and not known_side:
        return Answer(q.original, True, (), understood, refusal_text(q, coverage, "unknown_place"))
    if offset:
        return _more(q, results, articles, offset, understood)
    quotes: list[Quote] = []
    missing: list[str] = []
    multi = len(results) > 1
    for res in results:
        if res.refusal or not res.hits:
            if res.side.label:
                missing.append(res.side.label)
            continue
        best = res.hits[0]
        quotes.append(quote_of(best, articles[best.article], res.side.label if multi else None))
    if not quotes:
        return Answer(q.original, True, (), understood, refusal_text(q, coverage, "nothing"))
    if not multi:
        quotes += _supporting(q, results[0], articles, quotes[0])
    notice = None
    if missing:
        notice = NOTICE["missing"].format(sides=", ".join(missing))
    if q.unknown_places:
        notice = _join(notice, NOTICE["unknown_places"].format(places=", ".join(q.unknown_places)))
    answered = [r for r in results if not r.refusal and r.hits]
    for res in answered:
        where = NOTICE["of_place"].format(place=res.side.place.name) if res.side.place else ""
        if res.years_missing:
            years = ", ".join(str(y) for y in res.years_missing)
            notice = _join(notice, NOTICE["year_missing"].format(years=years, where=where))
        if "target_only" in res.caveats:
            notice = _join(notice, NOTICE["target_only"].format(where=where))
        if res.whose:
            notice = _join(notice, NOTICE["whose"].format(whose=res.whose))
    renamed = _renamed(q, [articles[r.hits[0].article] for r in answered])
    if renamed:
        notice = _join(notice, NOTICE["renamed"].format(places=renamed))
    # A figure for another year, or a plan for a result, does not answer: say so, show the
    # nearest, and count the reply as a refusal.
    refused = bool(answered) and all(r.years_missing or "target_only" in r.caveats for r in answered)
    # "Xem thêm" pages through _more_hits from offset 1: offer it only if that holds a passage not shown.
    shown = {quote.passage_id for quote in quotes}
    has_more = any(h.doc not in shown for h in _more_hits(results)[1:])
    return Answer(q.original, refused, tuple(quotes), understood, notice, has_more)


def _renamed(q: ParsedQuestion, quoted: Sequence[ArticleRec]) -> str | None:
    """Where the question's names and the article's differ since July 2025, say so once:
    "Tiền Hải (nay thuộc tỉnh Hưng Yên)"."""
    if not q.named_provinces:
        return None
    said: dict[str, str] = {}
    for a in quoted:
        now, then = a.province_2025, a.province
        if not now or not then or now == then:
            continue
        if now in q.named_provinces and then not in q.named_provinces:
            name = a.place if a.place and a.place != then else then
            said.setdefault(name, NOTICE["now_in"].format(name=name, kind=_province_word(now), province=now))
    return ", ".join(said.values()) or None


def _join(notice: str | None, more: str) -> str:
    return f"{notice} {more}" if notice else more


def _province_word(name: str) -> str:
    return PROVINCE_KIND["city"] if name in CITY_PROVINCES else PROVINCE_KIND["province"]


def _supporting(
    q: ParsedQuestion, res: SideResult, articles: Sequence[ArticleRec], main: Quote
) -> list[Quote]:
    best = res.hits[0]
    out: list[Quote] = []
    used = len(main.text)
    seen_text = {main.text}
    for hit in res.hits[1:]:
        other_article = hit.article != best.article
        if len(out) >= 1:
            continue
        if q.comparison and other_article:
            # The other side of a comparison within one place lies in another period: judge it
            # without the first side's time constraint.
            wanted = hit.bm25 >= 0.45 * best.bm25 and hit.coverage >= MIN_COVERAGE / 2
        elif hit.coverage < MIN_COVERAGE:
            continue
        elif other_article:
            # The same facts from another article of the place (another year): worth showing.
            wanted = hit.score >= 0.8 * best.score and not q.years
        else:
            wanted = hit.score >= 0.9 * best.score and bool(find_figures(hit.text.text))
        if not wanted:
            continue
        quote = quote_of(hit, articles[hit.article])
        if quote.text in seen_text or any(quote.text in s or s in quote.text for s in seen_text):
            continue
        if used + len(quote.text) > TARGET_CHARS:
            continue
        out.append(quote)
        used += len(quote.text)
        seen_text.add(quote.text)
    return out


def _more_hits(results: Sequence[SideResult]) -> list[Hit]:
    return [h for r in results if not r.refusal for h in r.hits if h.coverage >= MIN_COVERAGE * 0.75]


def _more(q: ParsedQuestion, results: Sequence[SideResult], articles, offset: int, understood) -> Answer:
    hits = _more_hits(results)
    page = hits[offset : offset + PAGE]
    if not page:
        return Answer(q.original, True, (), understood, NOTHING_MORE)
    quotes = tuple(quote_of(h, articles[h.article]) for h in page)
    return Answer(q.original, False, quotes, understood, None, len(hits) > offset + PAGE)
