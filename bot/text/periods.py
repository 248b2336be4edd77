"""The period a figure belongs to, read from its sentence.

"Thu nhập bình quân đạt 70 triệu đồng, tăng 9,4% so với cùng kỳ năm 2022" gives no year of its
own: 2022 is the year compared with. "Năm 2023, ... tăng 10,19% so với năm 2022" is 2023. A
figure's period comes from its own sentence, then from the sentence before it, then from its
paragraph's lead, then from the article's date (the caller's last resort).
"""

from __future__ import annotations

import re

from bot.text import vocabulary as v
from bot.text import years as y
from bot.text.figures import find_figures

PERIOD_TOKEN = "@"  # "@2023": the passage's figures belong to 2023 (a search token no word makes)
PART_TOKEN = "@p"  # "@p2023": to part of 2023 ("9 tháng đầu năm 2023", "quý I/2023")
TARGET_TOKEN = "@target"  # the passage states a plan or a target
HEADLINE_TOKEN = "@headline"  # the passage is the page's headline
DATED_TOKEN = "@dated"  # the passage says what period its figures belong to


def own_years(sentence: str) -> list[int]:
    """Years a sentence gives its figures: not those compared with ("so với năm 2022",
    "cùng kỳ năm 2022"), nor lower bounds ("từ năm 2017"); both ends of a period ("2021-2023").
    Part of a year ("9 tháng đầu năm 2023") is given as its negative, -2023."""
    low = sentence.casefold()
    out: list[int] = []
    ranges = []
    for m in y.YEAR_RANGE.finditer(low):
        ranges.append(m.span())
        out += [int(m.group(1)), int(m.group(2))]
    for m in y.YEAR.finditer(low):
        if any(s <= m.start() < e for s, e in ranges):
            continue
        before = low[max(0, m.start() - 30) : m.start()]
        if y.YEAR_IS_COMPARED.search(before) or y.YEAR_IS_SINCE.search(before):
            continue
        if re.search(r"\d[/.-]\s*$", before) and re.search(r"(?:ngày|số|quyết định|nghị quyết)\b", before):
            continue  # a decree's date
        year = int(m.group(1))
        out.append(-year if y.PART_OF_YEAR_BEFORE.search(before) else year)
    return list(dict.fromkeys(out))


def passage_years(sentence: str, lead: str, leans_on: str = "") -> list[int]:
    """The years of a passage's figures: from its own sentence, else from its paragraph's first
    sentence (which sets the paragraph's time), else from the sentence it leans on. A year in a
    sentence between them is often a circumstance ("do cơn bão số 12 năm 2017")."""
    return own_years(sentence) or own_years(lead) or own_years(leans_on)


def period_tokens(years: list[int]) -> list[str]:
    """Search tokens for a passage's period: "@2023" for the year, "@p2023" for part of it."""
    out = [f"{PART_TOKEN}{-y}" if y < 0 else f"{PERIOD_TOKEN}{y}" for y in years]
    return out + ([DATED_TOKEN] if years else [])


def is_target_sentence(text: str) -> bool:
    """A sentence that states a plan or a target ("phấn đấu đến năm 2025 đạt ..."): plan words
    before its first figure. Not a result measured against a plan ("đạt 106,6% dự toán"), nor a
    result whose details mention one ("có 90 công trình ..., kế hoạch vốn giao 196 tỷ")."""
    low = v.MEASURED_AGAINST_PLAN.sub(lambda m: " " * len(m.group(0)), text.casefold())
    plan = v.TARGET_WORDS.search(low)
    if not plan:
        return False
    for f in find_figures(low):
        if y.YEAR_FIGURE.fullmatch(f.text):
            continue  # "năm 2024", "2021-2025": when, not how much
        return plan.start() < f.start
    return True
