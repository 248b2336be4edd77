"""The kinds of question, each one registered expectation.

A kind says how it is recognised in a question, what a passage must show to answer it, the
weight (by name, see weights.py) a passage that does not show it gets, the refusal when even the
best passage does not show it, and the notice the reply carries. Adding a kind of question is
adding one entry to KINDS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from bot.text import vocabulary as v
from bot.text.figures import find_figures
from bot.text.years import YEAR

if TYPE_CHECKING:
    from bot.search.query import ParsedQuestion

_DIGIT = re.compile(r"\d")
_ROMAN_CONTEXT = re.compile(r"lần thứ |khóa |khoá ", re.IGNORECASE)
_DAY = re.compile(r"\b\d{1,2}[/-]\d{1,2}\b")
_ORDINAL_SHOWN = re.compile(r"\b(?:lần thứ|khóa|khoá|nhiệm kỳ)\s+[\dIVXLC]", re.IGNORECASE)
_ENUMERATION = re.compile(r"(?:[:;]|,[^,]{1,60},|\bgồm\b|\bbao gồm\b|\blà\b.{0,40}\bvà\b)")


def has_number(text: str) -> bool:
    # Every figure find_figures returns holds a digit, except Roman ordinals ("khóa XIV"); a
    # digit anywhere is part of some figure. Only the rare text without one needs the scan.
    if _DIGIT.search(text):
        return True
    if not _ROMAN_CONTEXT.search(text):
        return False
    return any(f.text.isupper() for f in find_figures(text))


def unit_present(unit: str, text: str) -> bool:
    """Whether a passage gives a figure in that unit ("520 tỷ đồng" for "tỷ")."""
    low = text.casefold()
    for form in v.UNIT_WORDS.get(unit, (unit,)):
        if form == "%":
            if re.search(r"\d\s?%", low):
                return True
        elif re.search(rf"\d[\d.,]*\s?(?:(?:nghìn|ngàn|triệu|tỷ)\s+)?{re.escape(form)}(?![^\W\d_])", low):
            return True
    return False


class Evidence:
    """What one candidate passage shows, each fact worked out at most once."""

    def __init__(self, text: str, *, target: bool = False, headline: bool = False) -> None:
        self.text = text
        self.target = target  # states a plan or target rather than a result
        self.headline = headline

    @cached_property
    def number(self) -> bool:
        return has_number(self.text)

    @cached_property
    def year(self) -> bool:
        return bool(YEAR.search(self.text))

    @cached_property
    def day(self) -> bool:
        return bool(_DAY.search(self.text))

    @cached_property
    def ordinal(self) -> bool:
        return bool(_ORDINAL_SHOWN.search(self.text))

    @cached_property
    def enumeration(self) -> bool:
        return bool(_ENUMERATION.search(self.text))

    def unit(self, unit: str) -> bool:
        return unit_present(unit, self.text)


@dataclass(frozen=True)
class Kind:
    name: str
    detect: Callable[[str], bool]  # on the question as understood, lower-cased
    shows: Callable[[ParsedQuestion, Evidence], bool] | None = None
    weight: str | None = None  # the Weights field for a passage that does not show it
    refusal: str | None = None  # the refusal reason when the best passage does not show it
    notice: str | None = None  # what the reply says about it


def _asks_quantity(low: str) -> bool:
    return bool(v.QUANTITY.search(low)) and not v.WHEN_YEAR.search(low) and not v.ORDINAL.search(low)


def _asks_yes_no(low: str) -> bool:
    return bool(v.YES_NO.search(low)) and not _asks_quantity(low) and not v.WHEN_YEAR.search(low)


# The registry. Order matters only for the order refusals are checked in.
KINDS: tuple[Kind, ...] = (
    Kind(
        "unit",
        detect=lambda low: bool(v.UNIT_ASKED.search(low)),
        shows=lambda q, e: q.unit is None or e.unit(q.unit),
        weight="missing_number",
        refusal="unit",
    ),
    Kind(
        "quantity",
        detect=_asks_quantity,
        shows=lambda q, e: e.number,
        weight="missing_number",
        refusal="number",
    ),
    Kind(
        "when",
        detect=lambda low: bool(v.WHEN_YEAR.search(low)),
        shows=lambda q, e: e.year,
        weight="missing_year",
        refusal="when",
    ),
    Kind(
        "day",
        detect=lambda low: bool(v.WHEN_DAY.search(low)),
        shows=lambda q, e: e.day,
        weight="missing_day",
        refusal="when",
    ),
    Kind(
        "ordinal",
        detect=lambda low: bool(v.ORDINAL.search(low)),
        shows=lambda q, e: e.ordinal,
        weight="missing_ordinal",
    ),
    Kind("where", detect=lambda low: bool(v.WHERE.search(low))),
    Kind("who", detect=lambda low: bool(v.WHO.search(low)) or bool(v.ROLE.search(low))),
    Kind("yes_no", detect=_asks_yes_no, notice="yes_no"),
    Kind(
        "list",
        detect=lambda low: bool(v.LIST_ASKED.search(low)),
        shows=lambda q, e: e.enumeration,
        weight="missing_list",
    ),
    Kind("series", detect=lambda low: bool(v.SERIES.search(low)), notice="series"),
    Kind("compare", detect=lambda low: bool(v.COMPARE.search(low)), notice="compare"),
    # A plan asked for ("mục tiêu", "đến năm 2030") is answered by a plan; a result by a result,
    # and when only a plan is found, the reply shows it as such and does not pass it for one.
    Kind(
        "actual",
        detect=lambda low: _asks_quantity(low) and not v.TARGET_ASKED.search(low),
        shows=lambda q, e: not e.target,
        weight="target_for_actual",
        refusal="target_only",
    ),
    Kind(
        "target",
        detect=lambda low: bool(v.TARGET_ASKED.search(low)),
        shows=lambda q, e: e.target,
        weight="actual_for_target",
    ),
)
BY_NAME = {k.name: k for k in KINDS}


def detect(understood: str) -> frozenset[str]:
    low = understood.casefold()
    return frozenset(k.name for k in KINDS if k.detect(low))
