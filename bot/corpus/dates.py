"""When an article was published, and the year it was written in.

The date is the page's own: a leading stamp, a dateline near the headline, or the day the lead
opens with ("Sáng 10-1, ...") with the year its own sentence gives. Dates quoted in the body (a
decree's, an anniversary's) are not the publication date, and a date the page does not give
stays empty: nothing is guessed. The writing year, used to place undated figures in time and
never shown as a date, may be inferred from the years the text speaks of.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.corpus.clean import FULL_DATE, ISO_DATE, PUBLISHER_MARK, CleanText
from bot.corpus.passages import split_sentences
from bot.text.periods import is_target_sentence
from bot.text.years import YEAR, YEAR_IS_COMPARED, YEAR_IS_SINCE, YEAR_IS_TARGET, YEAR_RANGE

HEAD_LINES = 12  # a dateline further down the page belongs to something else
# "Sáng 10-1,", "Ngày 26/4,", "Chiều ngày 28/9/2020,", "(CLO) Ngày 2/2,": the day the lead opens
# with, after the outlet's name if it opens with one ("Báo Hà Nội Mới - Ngày 12/5/2023,").
_LEAD_DAY = re.compile(
    r"^(?:[^\W\d][^.,;:!?]{1,40}?\s[-–—]\s+)?(?:(?:sáng|chiều|tối|trưa|đêm|rạng sáng|cuối ngày|đầu giờ sáng)\s+(?:nay\s+)?(?:ngày\s+)?|ngày\s+|hôm\s+nay\s+)?"
    r"\(?(\d{1,2})\s*[/-]\s*(\d{1,2})(?:\s*[/-]\s*((?:19|20)\d\d))?\)?(?=[\s,;:.)])",
    re.IGNORECASE,
)
# "10 tháng đầu năm 2019", "đến tháng 10/2019": a period running up to a month of a year.
_RUN_TO_MONTH = re.compile(
    r"(?<!\d)(\d{1,2}) tháng (?:đầu |qua của |)năm ((?:19|20)\d\d)|đến (?:hết )?tháng (\d{1,2})[/-]((?:19|20)\d\d)"
)
# A headline that ends with its date and time: "Phúc Yên - Thành phố trẻ tiềm năng (11/10/2018 16:00)".
TRAILING_DATE = re.compile(r"\s*\((\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\)\s*$")


def iso(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _line_date(line: str) -> str | None:
    m = ISO_DATE.search(line)
    if m:
        return iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = FULL_DATE.search(line)
    if m:
        return iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def years_spoken_of(text: str) -> list[int]:
    """Years a text speaks of as past or present: not targets, not ranges, not lower bounds,
    nothing of a sentence that states a plan."""
    return [y for line in text.split("\n") for s in split_sentences(line) for y in _sentence_years(s)]


def _sentence_years(text: str) -> list[int]:
    return [] if is_target_sentence(text) else _named_years(text)


def _named_years(text: str) -> list[int]:
    """Years a sentence names as when things happen: not targets, ranges, bounds or dates."""
    low = text.casefold()
    ranges = [m.span() for m in YEAR_RANGE.finditer(low)]
    out = []
    for m in YEAR.finditer(low):
        if any(s <= m.start() < e for s, e in ranges):
            continue
        before = low[max(0, m.start() - 30) : m.start()]
        if YEAR_IS_TARGET.search(before) or YEAR_IS_SINCE.search(before) or YEAR_IS_COMPARED.search(before):
            continue
        if re.search(r"\d[/.-]\s*$", before):  # a date's year: a decree's, an event's
            continue
        out.append(int(m.group(1)))
    return out


def _lead_date(clean: CleanText, writing_year: int | None) -> str | None:
    """The day the lead opens with, dated by its own sentence; None when it gives no year."""
    for para in clean.paragraphs[:3]:  # the headline, a summary, then the lead
        text = PUBLISHER_MARK.sub("", para, count=1).strip()
        m = _LEAD_DAY.match(text)
        if not m:
            continue
        day, month = int(m.group(1)), int(m.group(2))
        if m.group(3):
            year = int(m.group(3))
            # "Ngày 26/12/2013, Chính phủ ban hành..." in an article about 2023: an anniversary.
            if writing_year and year < writing_year:
                return None
            return iso(year, month, day)
        sentence = split_sentences(text)[0]
        # The year the lead's own sentence speaks of, plans for the year included ("kế hoạch
        # thực hiện năm 2023" in February 2023).
        years = _named_years(sentence[m.end() :])
        if years:
            return iso(max(years), month, day)
        # "Tối 1/10, ... Lễ kỷ niệm 10 năm ... (25/9/2012 - 25/9/2022)": a full date its sentence
        # names a few weeks before the lead's day, no older than the text, gives the year.
        recent = _recent_year(sentence[m.end() :], month, day, writing_year)
        if recent:
            return iso(recent, month, day)
        # "Sáng 31/10, ..." then "10 tháng đầu năm 2019": a period that has run to this month
        # of one year, and only one, dates the lead.
        follows = "\n".join(clean.paragraphs[: clean.paragraphs.index(para) + 6])
        pinned = set()
        for run in _RUN_TO_MONTH.finditer(follows.casefold()):
            n, y = int(run.group(1) or run.group(3)), int(run.group(2) or run.group(4))
            if 1 <= n <= month:
                pinned.add(y)
        return iso(pinned.pop(), month, day) if len(pinned) == 1 else None
    return None


# A date written into a page's address: ".../2024/01/12/...", "...-20210825155747451.htm".
_URL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)([/-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?=\d{0,9}(?:\D|$))"
)


def date_from_url(url: str | None) -> str | None:
    """The publication date an article's address gives, when it gives one plainly."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url or "")
    found = {iso(int(m.group(1)), int(m.group(3)), int(m.group(4))) for m in _URL_DATE.finditer(path)} - {
        None
    }
    return found.pop() if len(found) == 1 else None


RECENT_DAYS = 92  # a date named in the lead this long before its day speaks of the same season


def _recent_year(text: str, month: int, day: int, writing_year: int | None) -> int | None:
    found = set()
    for m in FULL_DATE.finditer(text):
        y = int(m.group(3))
        named, lead = iso(y, int(m.group(2)), int(m.group(1))), iso(y, month, day)
        if (
            named
            and lead
            and 0 <= (dt.date.fromisoformat(lead) - dt.date.fromisoformat(named)).days <= RECENT_DAYS
        ):
            found.add(y)
    # The latest ("25/9/2012 - 25/9/2022": the anniversary's day), and not older than the years
    # the text speaks of: an old decree's date is not the lead's year.
    if found and (writing_year is None or max(found) >= writing_year):
        return max(found)
    return None


def find_date(clean: CleanText) -> str | None:
    """The publication date (ISO), or None when the page does not give it."""
    if clean.stamp and clean.stamp[2]:
        return iso(*clean.stamp[:2], clean.stamp[2])  # type: ignore[misc]
    for i, line in enumerate(clean.lines[:HEAD_LINES]):
        if line.kind == "dateline":
            found = _line_date(line.text)
            if found:
                return found
        if i < 4 and line.kind in ("body", "repeat"):
            m = TRAILING_DATE.search(line.text)
            if m:
                return iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return _lead_date(clean, writing_year(clean, None))


def writing_year(clean: CleanText, date: str | None) -> int | None:
    """The year the article was written: its date's, its stamp's, else the latest year its
    text speaks of as past or present (an estimate, for placing undated figures in time)."""
    if date:
        return int(date[:4])
    if clean.stamp:
        return clean.stamp[0]
    years = years_spoken_of("\n".join(clean.paragraphs))
    return max(years) if years else None
