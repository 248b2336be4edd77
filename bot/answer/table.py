"""A figure over the years, or places compared, as a short table built from facts.

Every row is a fact read at indexing time (bot/search/facts.py) and keeps the passage it was
read from: the reply quotes that passage under the table, so every value can be traced. When
the sides of a comparison have figures of different periods, the table says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answer.compose import MAX_QUOTE_CHARS
from bot.models import ArticleRec, Quote
from bot.search.facts import FactRecord, indicator_label, measured_indicators
from bot.search.query import ParsedQuestion
from bot.search.snapshot import Snapshot
from bot.text import vocabulary as v
from bot.text.figures import find_figures
from bot.text.normalize import canonical, fold
from bot.text.places import Place
from bot.text.thesaurus import Thesaurus
from bot.text.timeframes import Period

MAX_ROWS = 12
STATUS_NOTE = {"estimate": "ước tính", "expected": "dự kiến", "target": "kế hoạch, mục tiêu"}
_ACRONYM = re.compile(r"\b(?:grdp|gdp|fdi|gtsx|bhyt|usd)\b")


@dataclass(frozen=True)
class Row:
    """One value: for a series a period, for a comparison a place."""

    place: str
    period: Period | None
    figure: str  # as the sentence writes it
    value: float
    unit: str
    base: tuple[float, str]  # the value in its unit's base, for charts
    status: str  # actual, estimate, target
    source: ArticleRec
    ref: int  # number of the quote that says it (1-based)

    @property
    def period_label(self) -> str:
        return self.period.label if self.period else "không rõ năm"

    @property
    def note(self) -> str | None:
        return STATUS_NOTE.get(self.status)


@dataclass(frozen=True)
class FactTable:
    kind: str  # "series" or "compare"
    indicator: str  # the concept token
    label: str  # how the reply names the indicator ("thu ngân sách")
    places: tuple[str, ...]
    rows: tuple[Row, ...]
    quotes: tuple[Quote, ...]  # the passages the rows come from, numbered in order
    notice: str | None = None  # different periods compared, years with no figure

    @property
    def title(self) -> str:
        what = self.label[:1].upper() + self.label[1:]
        if self.kind == "series":
            return f"{what} của {self.places[0]} qua các năm"
        return f"{what} của {' và '.join(self.places)}"

    @property
    def chart_rows(self) -> tuple[Row, ...]:
        """The rows a chart can set side by side: one unit, and for a series one kind of period
        (whole years; "2 tháng đầu năm" is not drawn next to a year)."""
        if not self.rows:
            return ()
        bases = [r.base[1] for r in self.rows]
        unit = max(set(bases), key=bases.count)
        rows = [r for r in self.rows if r.base[1] == unit]
        if self.kind == "series":
            rows = [r for r in rows if r.period is not None and r.period.whole_year]
        return tuple(rows)


def wants_series(q: ParsedQuestion) -> bool:
    low = q.understood.casefold()
    asked = v.SERIES_ASKED.search(low) or v.SERIES_ASKED_FOLDED.search(fold(low))
    return bool(asked) and not v.COMPARE.search(low) and "yes_no" not in q.kinds


def asked_indicator(q: ParsedQuestion) -> str | None:
    """The one measured indicator a question asks about ("≈thu_ngân_sách"), if exactly one.
    A shortened name counts when it starts the names of one indicator only ("thu nhập" for
    "thu nhập bình quân đầu người")."""
    measured = measured_indicators()
    found = [c for c in q.covers if c in measured]
    if found:
        return found[0] if len(found) == 1 else None
    return shortened_indicator(q.understood)


def shortened_indicator(text: str) -> str | None:
    words = re.findall(r"[^\W\d_]+", canonical(text))
    starts = _phrase_starts()
    for n in (4, 3, 2):
        for i in range(len(words) - n + 1):
            owners = starts.get(" ".join(words[i : i + n]))
            if owners is not None and len(owners) == 1:
                return next(iter(owners))
    return None


@lru_cache(maxsize=1)
def _phrase_starts() -> dict[str, set[str]]:
    """The first two to four words of every measured indicator's phrases -> the indicators."""
    thesaurus = Thesaurus.default()
    out: dict[str, set[str]] = {}
    for token in measured_indicators():
        for phrase in thesaurus.concepts.get(token, ()):
            words = canonical(phrase).split()
            for n in range(2, min(4, len(words)) + 1):
                out.setdefault(" ".join(words[:n]), set()).add(token)
    return out


def _label(q: ParsedQuestion, indicator: str) -> str:
    said = " ".join(w.replace("_", " ") for w in q.covers.get(indicator, ()))
    text = said if len(said) > 3 else indicator_label(indicator)
    return _ACRONYM.sub(lambda m: m.group(0).upper(), text)


def fact_table(snap: Snapshot, q: ParsedQuestion) -> FactTable | None:
    """The table for a series or a comparison of places, None when the question is neither or
    the facts do not answer it (the quoted answer then serves)."""
    if snap.facts is None:
        return None
    indicator = asked_indicator(q)
    if indicator is None:
        return None
    low = q.understood.casefold()
    family = measured_indicators()[indicator]
    if (
        v.CHANGE_ASKED.search(low)
        or _change_of(low, indicator)
        or (q.unit and not _unit_fits(q.unit, family))
    ):
        return None  # "tăng bao nhiêu %", "tăng giá trị sản xuất": a rate of change, not values
    places = list({s.place.name: s.place for s in q.sides if s.place is not None}.values())
    if not places and len(q.provinces) >= 2:
        places = list(q.provinces)
    if len(places) >= 2:  # "biểu đồ dân số A và B" too: the places side by side
        return _comparison(snap, q, indicator, places)
    where = places[0] if places else (q.provinces[0] if len(q.provinces) == 1 else None)
    if where is None:
        return None
    compared = sorted({y for s in q.sides for y in s.years}) if len(q.sides) >= 2 else []
    if len(compared) >= 2:
        return _series(snap, q, indicator, where, only=compared)  # "năm 2020 và 2023"
    if wants_series(q):
        return _series(snap, q, indicator, where)
    return None


def _change_of(low: str, indicator: str) -> bool:
    """The question names the indicator's change: "tăng giá trị sản xuất năm 2022 với 2023"."""
    text = canonical(low)
    for phrase in Thesaurus.default().concepts.get(indicator, ()):
        at = text.find(canonical(phrase))
        if at >= 0 and v.CHANGE_BEFORE.search(text[:at]):
            return True
    return False


def _unit_fits(unit: str, family: str) -> bool:
    """Whether the unit a question asks for ("%", "tỷ") can be the indicator's."""
    return bool(v.UNIT_FAMILIES[family].search(f"1 {unit}"))


def _records(snap: Snapshot, place: Place, indicator: str) -> list[FactRecord]:
    areas = snap.retriever.areas
    articles = snap.articles
    ids = areas.province_articles([place.name]) if place.is_province else areas.place_articles(place)
    paths = [articles[int(i)].path for i in ids]
    records = snap.facts(paths, [indicator]) if snap.facts else []
    by_path = {a.path: a for a in articles}
    out = []
    for r in records:
        a = by_path.get(r.path)
        if a is None:
            continue
        own_province_article = a.level == 1 or (a.place or a.province) == a.province
        if place.is_province and not (own_province_article or r.fact.province_wide):
            continue  # a town's figure is not the province's
        if not place.is_province and r.fact.province_wide:
            continue
        out.append(r)
    return out


_STATUS_RANK = {"actual": 0, "estimate": 1, "expected": 1, "target": 2}


def _preference(dates: dict[str, str], r: FactRecord) -> tuple:
    """Which of two facts for one period a row shows: a result before an estimate before a
    target, then the later article (figures get revised), then the first said."""
    return (_STATUS_RANK.get(r.fact.status, 3), _neg(dates.get(r.path, "")), r.path, r.fact.seq)


def _dates(snap: Snapshot) -> dict[str, str]:
    return {a.path: a.date or "" for a in snap.articles}


def _neg(date: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) for c in date)


def _series(
    snap: Snapshot, q: ParsedQuestion, indicator: str, place: Place, only: list[int] | None = None
) -> FactTable | None:
    records = [r for r in _records(snap, place, indicator) if r.fact.period is not None]
    years = q.years
    if only:
        records = [r for r in records if r.fact.period is not None and r.fact.period.year in only]
        years = []
    if len(years) >= 2:
        lo, hi = min(years), max(years)
        records = [
            r
            for r in records
            if r.fact.period is not None
            and lo <= (r.fact.period.start or r.fact.period.year)
            and r.fact.period.year <= hi
        ]
    best: dict[Period, FactRecord] = {}
    dates = _dates(snap)
    for r in sorted(records, key=lambda r: _preference(dates, r)):
        assert r.fact.period is not None
        best.setdefault(r.fact.period, r)
    if len(best) < 2:
        return None  # one figure is no series: the quoted answer gives it
    chosen = [best[p] for p in sorted(best, key=_period_order)][-MAX_ROWS:]
    notice = None
    if len(years) >= 2:
        have = {r.fact.period.year for r in chosen if r.fact.period and r.fact.period.whole_year}
        have |= {r.fact.period.year for r in chosen if r.fact.period}
        lacking = [y for y in range(min(years), max(years) + 1) if y not in have]
        if lacking:
            notice = "Kho bài viết không có số liệu năm " + ", ".join(map(str, lacking)) + "."
    return _table(snap, q, "series", indicator, [place.name], chosen, [place.name] * len(chosen), notice)


def _period_order(p: Period) -> tuple:
    return (p.year, p.months, -(p.year - (p.start or p.year)))


def _comparison(
    snap: Snapshot, q: ParsedQuestion, indicator: str, places: Sequence[Place]
) -> FactTable | None:
    dates = _dates(snap)
    chosen: list[FactRecord] = []
    names: list[str] = []
    missing: list[str] = []
    for i, place in enumerate(places):
        side_years = q.sides[i].years if i < len(q.sides) and q.sides[i].place == place else q.years
        records = _records(snap, place, indicator)
        if side_years:
            records = [r for r in records if r.fact.period and r.fact.period.year in side_years]
        if not records:
            missing.append(place.name)
            continue
        # The latest whole year first; a result before an estimate or a plan.
        records.sort(key=lambda r: _preference(dates, r))
        records.sort(
            key=lambda r: (
                r.fact.period is not None and r.fact.period.whole_year,
                r.fact.status != "target",
                _period_order(r.fact.period) if r.fact.period else (0, 0, 0),
            ),
            reverse=True,
        )
        chosen.append(records[0])
        names.append(place.name)
    if len(chosen) < 2:
        return None  # one side only: the quoted answer says what is missing for the other
    notes: list[str] = []
    labels = {r.fact.period.label for r in chosen if r.fact.period}
    undated = [n for n, r in zip(names, chosen, strict=True) if r.fact.period is None]
    if undated:
        notes.append(
            f"Lưu ý: bài viết không nói số liệu của {', '.join(undated)} thuộc năm nào (xem ngày đăng ở cột "
            "nguồn), nên so sánh chỉ để tham khảo."
        )
    elif len(labels) > 1:
        each = "; ".join(
            f"{n}: {r.fact.period.label if r.fact.period else 'không rõ năm'}"
            for n, r in zip(names, chosen, strict=True)
        )
        notes.append(
            f"Lưu ý: số liệu của các bên thuộc các kỳ khác nhau ({each}), nên không so sánh trực tiếp được."
        )
    if missing:
        notes.append("Kho bài viết không có số liệu này cho: " + ", ".join(missing) + ".")
    return _table(
        snap, q, "compare", indicator, [p.name for p in places], chosen, names, " ".join(notes) or None
    )


def _table(
    snap: Snapshot,
    q: ParsedQuestion,
    kind: str,
    indicator: str,
    places: list[str],
    chosen: list[FactRecord],
    row_places: list[str],
    notice: str | None,
) -> FactTable:
    by_path = {a.path: a for a in snap.articles}
    quotes: list[Quote] = []
    refs: dict[tuple[str, str], int] = {}
    rows: list[Row] = []
    for r, place in zip(chosen, row_places, strict=True):
        article = by_path[r.path]
        text = r.passage.full if len(r.passage.full) <= MAX_QUOTE_CHARS else r.passage.text
        key = (r.path, text)
        if key not in refs:
            spans = tuple((f.start, f.end) for f in find_figures(text))
            quotes.append(Quote(text, spans, article, 1.0, -1, f"[{len(quotes) + 1}]"))
            refs[key] = len(quotes)
        f = r.fact
        rows.append(Row(place, f.period, f.figure, f.value, f.unit, f.base, f.status, article, refs[key]))
    return FactTable(kind, indicator, _label(q, indicator), tuple(places), tuple(rows), tuple(quotes), notice)
