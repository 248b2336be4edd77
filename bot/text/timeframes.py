"""Periods as people and articles write them, with where they stand in the text.

"năm 2023", "2 tháng đầu năm 2024", "quý I/2024", "giai đoạn 2021-2023": a figure's period, a
question's period, the period a follow-up changes. Each mention also says whether the year is
the figure's own or only what it is compared with ("so với cùng kỳ năm 2022"), a lower bound
("từ năm 2017") or a deadline ("đến năm 2025").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import years as y

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_NAME = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True, order=True)
class Period:
    """A year, part of a year ("2 tháng đầu năm"), or a range of years ("giai đoạn 2021-2023")."""

    year: int  # the year it ends in
    months: int = 12  # how far into the year it reaches (12: the whole year)
    part: str | None = None  # "2 tháng đầu năm", "quý I", "tháng 10", "6 tháng cuối năm"
    start: int | None = None  # first year of a range

    @property
    def whole_year(self) -> bool:
        return self.part is None and self.start is None

    @property
    def is_range(self) -> bool:
        return self.start is not None

    @property
    def label(self) -> str:
        """As a reply says it: "2023", "2 tháng đầu năm 2024", "quý I/2024", "2021-2023"."""
        if self.start is not None:
            return f"{self.start}-{self.year}"
        if self.part is None:
            return str(self.year)
        if self.part.startswith(("quý", "tháng ")):
            return f"{self.part}/{self.year}"
        return f"{self.part} {self.year}"

    @property
    def phrase(self) -> str:
        """As a question says it: "năm 2023", "2 tháng đầu năm 2024", "giai đoạn 2021-2023"."""
        if self.start is not None:
            return f"giai đoạn {self.start}-{self.year}"
        if self.part is None:
            return f"năm {self.year}"
        return self.label

    def shifted(self, years: int) -> Period:
        """The same part of another year ("so với năm trước")."""
        start = None if self.start is None else self.start + years
        return Period(self.year + years, self.months, self.part, start)


@dataclass(frozen=True)
class PeriodMention:
    period: Period
    start: int
    end: int
    role: str = "own"  # "own", "compared" (so với ... năm 2022), "since" (từ năm 2017), "target"

    @property
    def own(self) -> bool:
        return self.role == "own"


def _part(m: re.Match[str]) -> tuple[int, str | None]:
    if m.group("months"):
        n = int(m.group("months"))
        if not 1 <= n <= 12:
            return 12, None
        edge = m.group("edge") or "đầu"
        if n == 12:
            return 12, None
        return (n if edge == "đầu" else 12), f"{n} tháng {edge} năm"
    if m.group("quarter"):
        q = m.group("quarter")
        n = int(q) if q.isdigit() else _ROMAN[q]
        return 3 * n, f"quý {_QUARTER_NAME[n]}"
    if m.group("half"):
        return (6, "6 tháng đầu năm") if m.group("half") == "đầu" else (12, "6 tháng cuối năm")
    if m.group("month"):
        month = int(m.group("month"))
        if 1 <= month <= 12:
            return month, f"tháng {month}"
    return 12, None


def periods_in(text: str) -> list[PeriodMention]:
    """Every period a text names, in order, each with the role its context gives it."""
    low = text.casefold()
    out: list[PeriodMention] = []
    for m in y.PERIOD.finditer(low):
        if m.group("from"):
            a, b = int(m.group("from")), int(m.group("to"))
            if not a < b <= a + 30:
                continue
            period = Period(b, start=a)
        else:
            months, part = _part(m)
            period = Period(int(m.group("year")), months, part)
        before = low[max(0, m.start() - 30) : m.start()]
        role = "own"
        if y.YEAR_IS_COMPARED.search(before) or before.rstrip().endswith(("so với", "so")):
            role = "compared"
        elif y.YEAR_IS_SINCE.search(before) and period.start is None:
            role = "since"
        elif y.YEAR_IS_TARGET.search(before) and period.start is None:
            role = "target"
        elif re.search(r"(?:ngày|số|quyết định|nghị quyết)\b[^,;.]{0,20}$", before) and re.search(
            r"\d[/.-]\s*$", before
        ):
            continue  # a decree's date
        out.append(PeriodMention(period, m.start(), m.end(), role))
    return out


def own_periods(text: str) -> list[Period]:
    """The periods a text gives its figures (not those compared with, nor lower bounds)."""
    return list(dict.fromkeys(m.period for m in periods_in(text) if m.role in ("own", "target")))
