"""How years are written: one module, so that a year means the same in a question, a passage,
a table cell and a fact.

Plain compiled patterns and one helper. The contexts before a year that make it something
other than the year a figure belongs to are read on lower-cased text ending where the year
starts.
"""

from __future__ import annotations

import re

# Four digits that may be a year in these texts; the patterns below are built on it.
DIGITS = r"(?:19|20)\d\d"

# A year that stands alone or ends a date ("2023", "28/9/2020"); not part of a larger number.
YEAR = re.compile(r"(?<![\d.,])(19[5-9]\d|20\d\d)(?![\d])")
# A year standing alone, not inside a date: `years_in` reads dates' years on their own.
BARE_YEAR = re.compile(r"(?<![\d/.,])(19[5-9]\d|20\d\d)(?![\d/])")
# The year that ends a date ("28/9/2020", "9/2020").
DATE_YEAR = re.compile(rf"\d{{1,2}}/(?:\d{{1,2}}/)?({DIGITS})\b")
# Two years that make one period ("2021-2025", "2021/2025").
YEAR_RANGE = re.compile(rf"(?<!\d)({DIGITS})\s*[-–—/]\s*({DIGITS})(?!\d)")
# A period asked for as a span rather than years set against each other ("2021-2023", "từ năm
# 2021 đến").
YEAR_SPAN = re.compile(rf"{DIGITS}\s*[-–—/]\s*{DIGITS}|từ (?:năm )?{DIGITS} đến")
# The text of a figure that says when, not how much ("năm 2024", "2021-2025"): use fullmatch.
YEAR_FIGURE = re.compile(rf"(?:năm\s+)?{DIGITS}(?:\s*[-–—]\s*{DIGITS})?")
# A table cell that is a year heading ("Năm 2023", "2024"): use fullmatch.
YEAR_HEADING = re.compile(rf"(?:năm\s*)?{DIGITS}", re.IGNORECASE)
# The year written right after a figure, which is that figure's own ("10,06% vào năm 2021").
TRAILING_YEAR = re.compile(rf"\s*(?:vào |trong |của )?năm\s+({DIGITS})\b")

# Contexts just before a year that make it a target, a comparison or a lower bound.
YEAR_IS_TARGET = re.compile(
    r"(?:trước|đến|tới|tầm nhìn(?: đến)?|giai đoạn|nhiệm kỳ|mục tiêu|phấn đấu(?: đến)?|định hướng(?: đến)?"
    r"|kế hoạch|dự kiến(?: đến)?|sau)\s+(?:năm\s+|cuối năm\s+)?$"
)
YEAR_IS_COMPARED = re.compile(
    r"(?:so với|so|bằng|gấp|hơn|cùng kỳ)\s+(?:cùng kỳ\s+)?(?:(?:năm|cuối năm|đầu năm)\s+)?$"
    r"|(?:cùng kỳ|năm trước|năm ngoái)\s*(?:năm\s+)?$"
)
YEAR_IS_SINCE = re.compile(r"(?:từ|kể từ|từ sau|trước đây|bắt đầu từ)\s+(?:(?:năm|cuối năm|đầu năm)\s+)?$")

# Parts of a year a figure or a question may be about, read on lower-cased text just before
# the year: "2 tháng đầu năm 2024", "9 tháng 2023", "quý I/2024", "6 tháng đầu năm", "nửa đầu
# năm 2023", "tháng 10/2019". Named groups: months (+ edge), quarter, half, month.
PART_OF_YEAR = (
    r"(?:(?P<months>\d{1,2})\s+tháng(?:\s+(?P<edge>đầu|cuối))?"
    r"|quý\s+(?P<quarter>iv|i{1,3}|[1-4])"
    r"|(?:nửa|6 tháng)\s+(?P<half>đầu|cuối)"
    r"|tháng\s+(?P<month>\d{1,2}))"
)
# A period as people and articles write it: a part of a year, a year, or a range of years.
PERIOD = re.compile(
    rf"(?:(?:giai đoạn|thời kỳ|từ năm|từ|năm)\s+)?(?P<from>{DIGITS})\s*(?:[-–—]|đến(?: năm)?|tới(?: năm)?)\s*(?P<to>{DIGITS})(?!\d)"
    rf"|(?:{PART_OF_YEAR}\s*(?:năm\s+|/\s*)?|(?:(?:trong |của |vào )?năm\s+)?(?<![\d/.,]))"
    rf"(?P<year>{DIGITS})(?![\d/])"
)
# The same parts of a year, ending right where a year starts ("9 tháng đầu năm 2023", "quý I/2024").
PART_OF_YEAR_BEFORE = re.compile(
    r"(?:\d{1,2}\s+tháng(?:\s+(?:đầu|cuối))?|quý\s+(?:[ivx]+|\d)|tháng\s+\d{1,2}|nửa đầu|nửa cuối)"
    r"\s*(?:năm\s+|/\s*)?$"
)


def years_in(text: str) -> list[int]:
    """Four-digit years 1950-2099 that stand alone or end a date ("28/9/2020")."""
    out = [int(m.group(1)) for m in BARE_YEAR.finditer(text)]
    out += [int(m.group(1)) for m in DATE_YEAR.finditer(text)]
    return out
