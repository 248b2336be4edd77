"""Figures as facts: (indicator, period, value, unit) read from the sentences the bot quotes.

At indexing time every passage is read once: where it names a measured indicator of the
thesaurus ("thu ngân sách", "thu nhập bình quân đầu người", "khách du lịch"), the first figure
after it in the same clause whose unit fits the indicator ("tỷ đồng" for money, "%" for a
growth rate) is that indicator's value, for the period the clause or its sentence gives
("2 tháng đầu năm 2024"). A clause that only names a new period ("; 2 tháng đầu năm 2024 đạt
trên 310.000 lượt người") continues the indicator before it. Nothing is guessed: a figure with
no indicator of its kind before it, or a second figure for the same mention, is no fact.

Plain Python, no I/O: the indexer stores the facts (bot/storage/facts.py), series and
comparison answers read them back (bot/answer/table.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

from bot.models import PassageText
from bot.text import vocabulary as v
from bot.text.figures import find_figures
from bot.text.normalize import canonical, clean_unicode, expand_abbreviations
from bot.text.periods import is_target_sentence
from bot.text.thesaurus import PREFIX, Thesaurus
from bot.text.timeframes import Period, PeriodMention, periods_in
from bot.text.years import TRAILING_YEAR, YEAR_FIGURE

# Facts are part of an article's cached analysis: a change here that changes what is read
# needs ANALYSIS_VERSION (bot/corpus/loader.py) bumped, so that every article is read again.

# Units as written after a number, to a common base: values in one base can be compared.
_SCALE: dict[str, tuple[float, str]] = {
    "đồng": (1, "đồng"),
    "nghìn đồng": (1e3, "đồng"),
    "ngàn đồng": (1e3, "đồng"),
    "triệu đồng": (1e6, "đồng"),
    "tỷ đồng": (1e9, "đồng"),
    "tỷ": (1e9, "đồng"),
    "nghìn tỷ": (1e12, "đồng"),
    "nghìn tỷ đồng": (1e12, "đồng"),
    "ngàn tỷ đồng": (1e12, "đồng"),
    "usd": (1, "usd"),
    "triệu usd": (1e6, "usd"),
    "tỷ usd": (1e9, "usd"),
    "người": (1, "người"),
    "nghìn người": (1e3, "người"),
    "lao động": (1, "người"),
    "lượt": (1, "lượt"),
    "lượt người": (1, "lượt"),
    "lượt khách": (1, "lượt"),
    "triệu lượt": (1e6, "lượt"),
    "triệu lượt người": (1e6, "lượt"),
    "%": (1, "%"),
    "ha": (1, "ha"),
    "héc ta": (1, "ha"),
    "hecta": (1, "ha"),
    "km2": (100, "ha"),
    "km²": (100, "ha"),
}
# A figure's number and its unit ("5.000" and "tỷ đồng").
_NUMBER = re.compile(r"(?P<num>\d+(?:[.,]\d+)*)\s?(?P<unit>.*)$")
# What ends a clause: an indicator's figure lies in the clause that names it.
_CLAUSE = re.compile(r";|\.\s|\.$|:\s|\n|\(|\)")
_SENTENCE = re.compile(r"\.\s|\n")
MAX_GAP = 160  # characters between an indicator and its figure

# A word before a figure that belongs to it: "gần 5.000 tỷ đồng", "trên 520 tỷ đồng".
FIGURE_QUALIFIER = re.compile(r"(?<![^\W\d_])(?:gần|trên|hơn|khoảng|xấp xỉ|lên tới|lên đến|tới)\s+$")

# Words after an indicator that make it another one: "giá trị sản xuất nông nghiệp" is not the
# town's "giá trị sản xuất", "thu nhập của lao động nữ" not its average income.
INDICATOR_QUALIFIED = re.compile(
    r"\s*(?:ngành\s+|khu vực\s+|lĩnh vực\s+)?(?:nông nghiệp|nông, lâm|nông – lâm|nông - lâm|nông lâm|lâm nghiệp"
    r"|thủy sản|thuỷ sản|công nghiệp|xây dựng|dịch vụ|thương mại|du lịch|nội địa|xuất khẩu|từ đất|tiền sử dụng đất"
    r"|của các xã|ở nông thôn|khu vực nông thôn|nông thôn|thành thị|của lao động|tại các xã|ở các xã|các xã"
    r"|từ|nuôi|trồng|gieo trồng|cây|chè|lúa|rừng|đất nông nghiệp|đất trồng|mặt nước|sàn|nhà ở|cao su|cà phê)\b"
)

# An indicator named as a sector's: "khu vực kinh tế có vốn đầu tư nước ngoài" produces, it is
# not the town's foreign investment.
SECTOR_BEFORE = re.compile(r"(?:khu vực|thành phần|doanh nghiệp|kinh tế)\s+(?:kinh tế\s+)?(?:có\s+)?$")

# A figure of the whole province in a town's article.
PROVINCE_WIDE = re.compile(r"\b(?:toàn tỉnh|cả tỉnh|của tỉnh|trên địa bàn tỉnh)\b")

# What a figure is, read in its clause before it: a plan, an estimate, an expected figure.
FACT_PLAN = re.compile(r"\b(?:mục tiêu|phấn đấu|kế hoạch|dự toán|chỉ tiêu|định hướng|tầm nhìn)\b")
FACT_EXPECTED = re.compile(r"\bdự kiến\b")
FACT_ESTIMATE = re.compile(r"\b(?:ước|ước tính|ước đạt|dự ước|ước thực hiện)\b")


@dataclass(frozen=True)
class Fact:
    indicator: str  # thesaurus concept token, "≈thu_ngân_sách"
    period: Period | None  # None: the text does not say (the article's date is a guess, not a fact)
    value: float  # the number as written, "5.000" -> 5000.0, "92,5" -> 92.5
    unit: str  # as written, lower-cased: "tỷ đồng", "%", "lượt người"
    figure: str  # the figure as the sentence says it, with its qualifier: "gần 5.000 tỷ đồng"
    status: str  # "actual", "estimate" (ước đạt), "expected" (dự kiến) or "target" (a plan, a later year)
    seq: int  # the passage within its article
    province_wide: bool = False  # the sentence speaks of the whole province ("toàn tỉnh")

    @property
    def base(self) -> tuple[float, str]:
        """The value in its unit's base ("5.000 tỷ đồng" -> 5e12 "đồng")."""
        scale, base = _SCALE.get(self.unit, (1, self.unit))
        return self.value * scale, base


def unit_scale(unit: str) -> tuple[float, str] | None:
    """A unit as written and how many of its base it is ("tỷ đồng": 1e9), None if unknown."""
    found = _SCALE.get(unit)
    return (found[0], unit) if found else None


def parse_number(text: str) -> float | None:
    """A Vietnamese number: "5.000" and "174.662" have thousands dots, "92,5" a decimal comma;
    "13.6" (a dot not followed by three digits) is a decimal point."""
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        parts = text.split(",")
        text = text.replace(",", ".") if len(parts) == 2 else text.replace(",", "")
    elif "." in text:
        parts = text.split(".")
        if all(len(p) == 3 for p in parts[1:]):
            text = text.replace(".", "")
        elif len(parts) > 2:
            return None
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Indicator:
    token: str
    family: str  # the family of units its figures are counted in (vocabulary.UNIT_FAMILIES)


class _Matcher:
    """Every measured indicator's phrases in one pattern, longest first, on whole words."""

    def __init__(self, thesaurus: Thesaurus) -> None:
        phrases: dict[str, _Indicator] = {}
        for token, said in thesaurus.concepts.items():
            family = thesaurus.units.get(token)
            if not family or family not in v.UNIT_FAMILIES:
                continue
            for phrase in said:
                p = canonical(phrase).strip()
                # One syllable is matched only as an acronym ("grdp", "fdi"): "rộng" is too
                # often another word's.
                if not p or (" " not in p and not (p.isascii() and p.isalnum() and len(p) >= 3)):
                    continue
                phrases.setdefault(p, _Indicator(token, family))
        self.by_phrase = phrases
        alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![^\W\d_])(?:{alternation})(?![^\W\d_])") if phrases else None

    def find(self, low: str) -> list[tuple[int, int, _Indicator]]:
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), self.by_phrase[m.group(0)]) for m in self.pattern.finditer(low)]


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    return _Matcher(Thesaurus.default())


def measured_indicators() -> dict[str, str]:
    """Indicator token -> the family its figures are counted in."""
    return {i.token: i.family for i in _matcher().by_phrase.values()}


def _family_of(figure: str) -> str | None:
    """The family whose unit says the most of the figure ("2,5 triệu lượt người": lượt)."""
    best, length = None, 0
    for family, rx in v.UNIT_FAMILIES.items():
        m = rx.match(figure)
        if m and m.end() > length:
            best, length = family, m.end()
    return best


_DATE = re.compile(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?$|\d{1,2}/\d{4}$")


def _figures(low: str) -> list[tuple[int, int, str, float, str]]:
    """(start, end, figure text, value, unit) of the quantities of a lower-cased text."""
    out = []
    for f in find_figures(low):
        text = f.text
        if YEAR_FIGURE.fullmatch(text) or _DATE.match(text):
            continue
        m = _NUMBER.match(text)
        if m is None:
            continue
        value = parse_number(m.group("num"))
        if value is None:
            continue
        unit = re.sub(r"/.*$", "", m.group("unit")).strip()
        out.append((f.start, f.end, text, value, unit))
    return out


def _status(clause_before: str, sentence: str, period: Period | None, written: int | None) -> str:
    """A result, an estimate ("ước đạt"), an expected figure ("dự kiến") or a target."""
    if is_target_sentence(sentence) and FACT_PLAN.search(clause_before):
        return "target"
    if period is not None and written is not None and period.year > written:
        return "target"
    if FACT_EXPECTED.search(clause_before):
        return "expected"
    if FACT_ESTIMATE.search(clause_before):
        return "estimate"
    return "actual"


def extract(passages: list[str], leads: list[str], written: int | None = None) -> list[Fact]:
    """The facts of an article's passages. leads[i] is what passage i takes its period from
    when it names none: its paragraph's first sentence and the sentence it leans on ("" when
    none). `written` is the year the article was written in: a figure for a later year is a
    target, "ước đạt" for the year written an estimate."""
    out: list[Fact] = []
    matcher = _matcher()
    for seq, (raw, lead) in enumerate(zip(passages, leads, strict=True)):
        if not any(c.isdigit() for c in raw):
            continue
        low = canonical(expand_abbreviations(clean_unicode(raw)))
        mentions = matcher.find(low)
        if mentions:
            out += [_as_written(f, raw) for f in _facts_of(low, mentions, seq, canonical(lead), written)]
    return out


def _as_written(fact: Fact, raw: str) -> Fact:
    """The figure in the sentence's own letters ("12 triệu USD", not "12 triệu usd")."""
    text = clean_unicode(raw)
    at = text.casefold().find(fact.figure)
    if at < 0 or len(text.casefold()) != len(text):
        return fact
    return replace(fact, figure=text[at : at + len(fact.figure)])


@dataclass
class _Mention:
    start: int
    end: int
    indicator: _Indicator
    periods: set[Period | None]  # the periods it has a figure for already


def _local_period(low: str, f_start: int, f_end: int, periods: list[PeriodMention]) -> Period | None:
    """A period that belongs to this figure alone: "10,06% vào năm 2021", "năm 2024 khoảng 13,29%"."""
    trailing = TRAILING_YEAR.match(low, f_end)
    if trailing:
        return Period(int(trailing.group(1)))
    for p in periods:
        if p.own and 0 <= f_start - p.end <= 16 and not re.search(r"[,;]", low[p.end : f_start]):
            return p.period
    return None


def _facts_of(low: str, found, seq: int, lead: str, written: int | None) -> list[Fact]:
    periods = periods_in(low)
    lead_periods = [m.period for m in periods_in(lead) if m.own] if lead else []
    clause_ends = [0, *[m.end() for m in _CLAUSE.finditer(low)], len(low)]
    sentence_ends = [0, *[m.end() for m in _SENTENCE.finditer(low)], len(low)]
    mentions = [_Mention(s, e, ind, set()) for s, e, ind in found]
    out: list[Fact] = []
    last: _Mention | None = None  # for a clause that names only a new period
    for f_start, f_end, text, value, unit in _figures(low):
        family = _family_of(low[f_start : f_start + 48])
        if family is None:
            continue
        clause = max(b for b in clause_ends if b <= f_start)
        before = [m for m in mentions if clause <= m.start and m.end <= f_start]
        local = _local_period(low, f_start, f_end, periods)
        chosen = _owner(low, before, family, f_start)
        if chosen is None and not before and last is not None and last.indicator.family == family:
            # "; 2 tháng đầu năm 2024 đạt trên 310.000 lượt người": the indicator goes on.
            opening = [p for p in periods if clause <= p.start < f_start and p.own]
            if opening and not low[clause : opening[0].start].strip(" ,;:-–"):
                chosen = last
                local = local or opening[-1].period
        if chosen is None:
            continue
        period = local or _period_before(periods, clause, sentence_ends, f_start) or _first(lead_periods)
        if period in chosen.periods or (chosen.periods and local is None):
            continue  # a second figure for the same mention: a detail, not the indicator
        chosen.periods.add(period)
        last = chosen
        q = FIGURE_QUALIFIER.search(low, max(0, f_start - 14), f_start)
        figure = (q.group(0) if q else "") + _whole_figure(low, f_start, text)
        status = _status(low[clause:f_start], low[:f_end], period, written)
        wide = bool(PROVINCE_WIDE.search(low, clause, f_start))
        out.append(Fact(chosen.indicator.token, period, value, unit, figure.strip(), status, seq, wide))
    return out


def _owner(low: str, before: list[_Mention], family: str, f_start: int) -> _Mention | None:
    """The mention a figure belongs to: the nearest before it in its clause counted in the
    figure's unit, unless a word between them makes it another indicator."""
    for i in range(len(before) - 1, -1, -1):
        m = before[i]
        if m.indicator.family != family:
            continue  # "tốc độ tăng trưởng tổng giá trị sản xuất ... 10,5%": the growth rate's
        if f_start - m.end > MAX_GAP or INDICATOR_QUALIFIED.match(low, m.end, f_start):
            return None
        if SECTOR_BEFORE.search(low, 0, m.start):
            return None
        if any(o.start - m.end <= 1 for o in before[i + 1 :]):
            return None  # "tăng trưởng thu ngân sách": the growth of another indicator
        return m
    return None


def _period_before(periods: list[PeriodMention], clause: int, sentence_ends: list[int], f_start: int):
    """The last period its clause names before the figure, else its sentence's."""
    sentence = max(b for b in sentence_ends if b <= f_start)
    for lo in (clause, sentence):
        here = [p for p in periods if lo <= p.start < f_start and p.role in ("own", "target")]
        if here:
            return here[-1].period
    return None


def _first(periods: list[Period]) -> Period | None:
    return periods[0] if periods else None


def _whole_figure(low: str, f_start: int, text: str) -> str:
    """The figure with the unit find_figures left off ("45 nghìn" + " người")."""
    for rx in v.UNIT_FAMILIES.values():
        m = rx.match(low, f_start)
        if m and m.end() - f_start > len(text):
            return low[f_start : m.end()]
    return text


@dataclass(frozen=True)
class FactRecord:
    """A fact, the article it is read from, and the passage that says it."""

    fact: Fact
    path: str
    passage: PassageText


class FactSource(Protocol):
    """Where a snapshot finds the facts of given articles (SQLite, or memory in tests)."""

    def __call__(self, paths: Sequence[str], indicators: Iterable[str]) -> list[FactRecord]: ...


class MemoryFacts:
    """Facts held in memory: a snapshot built in memory (tests, one-off runs)."""

    def __init__(self, items: Iterable[tuple[str, list[Fact], list[PassageText]]]) -> None:
        self._by_path = {
            path: [FactRecord(f, path, passages[f.seq]) for f in facts] for path, facts, passages in items
        }

    def __call__(self, paths: Sequence[str], indicators: Iterable[str]) -> list[FactRecord]:
        wanted = set(indicators)
        return [r for p in paths for r in self._by_path.get(p, ()) if r.fact.indicator in wanted]


def indicator_label(token: str) -> str:
    """How a reply names an indicator: its first phrase ("thu ngân sách")."""
    said = Thesaurus.default().concepts.get(token)
    return said[0] if said else token.removeprefix(PREFIX).replace("_", " ")
