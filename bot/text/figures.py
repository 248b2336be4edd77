"""Figures: numbers, percentages, money, dates, year ranges and ordinals in Vietnamese text.

Two uses: spans to highlight in a quoted passage, and search tokens that keep figures findable
after word segmentation (pyvi splits "28/9/2020" and "11,8%/năm" into pieces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.years import DIGITS

# Units and counted nouns that belong to a figure when they follow it ("220 triệu đồng",
# "9 sản phẩm", "18,2 tiêu chí/xã"). Longest first so "tỷ đồng" wins over "tỷ".
_UNITS = sorted(
    [
        "%",
        "‰",
        "nghìn tỷ đồng",
        "ngàn tỷ đồng",
        "tỷ đồng",
        "triệu đồng",
        "nghìn đồng",
        "ngàn đồng",
        "triệu USD",
        "tỷ USD",
        "USD",
        "nghìn tỷ",
        "tỷ",
        "triệu",
        "nghìn",
        "ngàn",
        "đồng",
        "km2",
        "km²",
        "km",
        "ha",
        "héc ta",
        "hecta",
        "m2",
        "m²",
        "m3",
        "m",
        "tấn",
        "MW",
        "triệu lượt người",
        "triệu lượt",
        "lượt người",
        "lượt khách",
        "lượt",
        "người",
        "lao động",
        "hộ",
        "doanh nghiệp",
        "dự án",
        "công trình",
        "sản phẩm",
        "tiêu chí",
        "tiêu chuẩn",
        "xã",
        "phường",
        "thôn",
        "đơn vị",
        "nhóm chỉ tiêu",
        "chỉ tiêu thành phần",
        "chỉ tiêu",
        "danh mục",
        "nhiệm vụ đột phá",
        "nhiệm vụ",
        "vấn đề",
        "điểm",
        "cụm công nghiệp",
        "khu công nghiệp",
        "năm",
        "tháng",
        "ngày",
        "giường bệnh",
        "trường",
        "hồ sơ",
        "lần",
    ],
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
_NUMBER = r"\d+(?:[.,]\d+)*"
_DATE = r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}|\d{1,2}/\d{1,2}"
_YEAR_RANGE = rf"{DIGITS}\s*[-–—]\s*{DIGITS}"
_ROMAN_AFTER = r"(?<=lần thứ )[IVXLC]+\b|(?<=khóa )[IVXLC]+\b|(?<=khoá )[IVXLC]+\b"

# A figure as highlighted: a date, a year range, or a number with its unit and any "/năm" tail.
FIGURE_RE = re.compile(
    rf"(?:năm\s+)?(?:{_YEAR_RANGE})"
    rf"|(?:{_DATE})(?![\d/])"
    rf"|(?:năm\s+){DIGITS}\b"
    rf"|{_ROMAN_AFTER}"
    rf"|{_NUMBER}\s?(?:(?:{_UNIT_RE})(?![^\W\d_]))?(?:/[^\W\d_]+(?:/[^\W\d_]+)?)?",
    re.IGNORECASE,
)

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(s: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        v = _ROMAN.get(ch)
        if v is None:
            return None
        total += -v if v < prev else v
        prev = max(prev, v)
    return total or None


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str


def find_figures(text: str) -> list[Figure]:
    """Spans of figures worth highlighting; bare one-digit numbers of a list are skipped."""
    out: list[Figure] = []
    for m in FIGURE_RE.finditer(text):
        s = m.group(0).rstrip()
        if not any(c.isdigit() for c in s) and not re.fullmatch(r"[IVXLC]+", s):
            continue
        out.append(Figure(m.start(), m.start() + len(s), s))
    return out


def has_figure(text: str) -> bool:
    return any(True for _ in find_figures(text))


# ---------------------------------------------------------------- search tokens

_TOKEN_RE = re.compile(
    rf"(?P<range>{_YEAR_RANGE})"
    rf"|(?P<date>{_DATE})(?![\d/])"
    rf"|(?P<roman>(?<=lần thứ )[ivxlc]+\b|(?<=khóa )[ivxlc]+\b)"
    rf"|(?P<num>{_NUMBER})(?P<pct>\s?%)?(?P<unit>[a-z²]+\d?)?",
    re.IGNORECASE,
)


def _num(s: str) -> str:
    """Drop leading zeros of an integer part: "09" -> "9", "01" -> "1", keeps "0,19"."""
    m = re.match(r"(\d+)(.*)", s)
    if not m:
        return s
    return (m.group(1).lstrip("0") or "0") + m.group(2)


def figure_tokens(text: str) -> tuple[list[str], str]:
    """Search tokens for the figures of a (case-folded) text, and the text with them blanked out.

    "28/9/2020" gives "28/9/2020", "28/9" and "2020"; "11,8%" gives "11,8%", "11,8" and "%";
    "2020 - 2025" gives "2020-2025", "2020" and "2025"; "lần thứ xxv" gives "xxv" and "25".
    """
    tokens: list[str] = []
    pieces: list[str] = []
    last = 0
    for m in _TOKEN_RE.finditer(text):
        pieces.append(text[last : m.start()])
        pieces.append(" , ")
        last = m.end()
        if m.group("range"):
            a, b = re.split(r"\s*[-–—]\s*", m.group("range"))
            tokens += [f"{a}-{b}", a, b]
        elif m.group("date"):
            parts = [_num(p) for p in m.group("date").split("/")]
            tokens.append("/".join(parts))
            if len(parts) == 3:
                tokens += [f"{parts[0]}/{parts[1]}", f"{parts[1]}/{parts[2]}", parts[2]]
            elif len(parts[1]) == 4:
                tokens.append(parts[1])
        elif m.group("roman"):
            value = roman_to_int(m.group("roman"))
            tokens.append(m.group("roman").lower())
            if value:
                tokens.append(str(value))
        else:
            n = _num(m.group("num"))
            tokens.append(n)
            if m.group("pct"):
                tokens += [n + "%", "%"]
            unit = m.group("unit")
            if unit:
                tokens.append(unit.lower().replace("²", "2"))
    pieces.append(text[last:])
    return tokens, "".join(pieces)
