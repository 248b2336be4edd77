"""Title, publisher, date and place of an article, read from its text (a sidecar may override)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from bot.corpus.clean import DATELINE, PUBLISHER_MARK, CleanText
from bot.text.figures import years_in
from bot.text.normalize import clean_unicode, fix_tone_placement
from bot.text.places import Gazetteer, Place, marked_towns


@dataclass(frozen=True)
class ArticleMeta:
    title: str
    publisher: str | None
    date: str | None  # ISO
    place: str | None
    province: str | None
    url: str | None = None

    def merged(self, override: dict[str, str | None]) -> ArticleMeta:
        fields = {k: v for k, v in override.items() if k in self.__dataclass_fields__}
        return replace(self, **fields)


_ADMIN_WORDS = {"xã", "thị", "huyện", "tỉnh", "phường", "thành", "phố", "quận", "trấn"}


def _sentence_case_banner(text: str) -> str:
    words = text.lower().split()
    out = []
    for i, w in enumerate(words):
        if i == 0:
            out.append(w[:1].upper() + w[1:])
        elif (w in _ADMIN_WORDS and (w != "thành" or words[i + 1 : i + 2] == ["phố"])) or w in {
            "-",
            "–",
            "thông",
            "tin",
            "điện",
            "tử",
            "trang",
            "cổng",
            "báo",
        }:
            out.append(w)
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


def find_publisher(raw: str) -> str | None:
    text = clean_unicode(raw)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for line in lines[:4]:
        m = PUBLISHER_MARK.match(line)
        if m:
            return m.group(1)
    for line in lines:
        m = re.match(r"^©\s*(?:\d{4}\s*)?(.+?)\s*$", line)
        if m:
            return m.group(1).strip(" .")
    for line in lines:
        m = re.match(r"^((?:TRANG|CỔNG) THÔNG TIN ĐIỆN TỬ .{3,80})$", line)
        if m:
            return _sentence_case_banner(m.group(1))
    for line in reversed(lines[-30:]):
        m = re.match(r"^(?:Nguồn|Theo)\s*:?\s*(.{3,60}?)\.?$", line)
        if m:
            return m.group(1)
    return None


# Years that name a target or a term, not the time of writing.
_TARGET_YEAR = re.compile(
    r"(?:trước năm|đến năm|tới năm|tầm nhìn(?: đến)?(?: năm)?|giai đoạn|nhiệm kỳ|năm|kỳ)\s*$", re.IGNORECASE
)


def _writing_year(text: str) -> int | None:
    """The latest year that the text speaks of as past or present (not a target or a term)."""
    candidates: list[int] = []
    for m in re.finditer(r"(?<![\d/\-–])((?:19|20)\d\d)(?![\d])", text):
        before = text[max(0, m.start() - 25) : m.start()]
        after = text[m.end() : m.end() + 3]
        if re.search(r"(?:trước|đến|tới|tầm nhìn(?: đến)?|giai đoạn|nhiệm kỳ)\s+(?:năm\s+)?$", before, re.I):
            continue
        if re.match(r"\s*[-–]\s*\d", after) or re.search(r"\d\s*[-–]\s*$", before):  # 2020 - 2025
            continue
        candidates.append(int(m.group(1)))
    candidates += years_in(" ".join(re.findall(r"\d{1,2}/(?:\d{1,2}/)?\d{4}", text)))
    return max(candidates) if candidates else None


def find_date(raw: str, clean: CleanText) -> str | None:
    for line in clean.datelines:
        m = DATELINE.match(line)
        if m:
            return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    body = "\n".join(clean.paragraphs[:4])
    m = re.search(r"(?:ngày\s+)?(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b", body, re.IGNORECASE)
    if m:
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = re.search(
        r"(?:(?:sáng|chiều|tối|trưa)\s+(?:ngày\s+)?|ngày\s+)(\d{1,2})/(\d{1,2})(?![/\d])", body, re.I
    )
    if m:
        year = _writing_year("\n".join(clean.paragraphs))
        if year:
            return _iso(year, int(m.group(2)), int(m.group(1)))
    return None


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_title(raw: str, clean: CleanText) -> str:
    paras = clean.paragraphs
    if not paras:
        return "(không có tiêu đề)"
    lines = [line.strip() for line in clean_unicode(raw).split("\n") if line.strip()]
    counts = Counter(lines)

    def headline(p: str) -> bool:
        return (
            15 <= len(p) <= 250 and not p.rstrip().endswith((".", ":", ";")) and not PUBLISHER_MARK.match(p)
        )

    # A line the page repeats is its headline.
    for p in paras[:3]:
        if headline(p) and counts[p] >= 2:
            return p
    if headline(paras[0]):
        return paras[0]
    lead = PUBLISHER_MARK.sub("", paras[0])
    first = re.split(r"(?<=[.!?])\s+", lead, maxsplit=1)[0].rstrip(".")
    first = re.sub(
        r"^(?:(?:sáng|chiều|tối|trưa)\s+)?(?:ngày\s+)?\d{1,2}/\d{1,2}(?:/\d{4})?\s*,\s*",
        "",
        first,
        flags=re.I,
    )
    first = first[:1].upper() + first[1:]
    return first if len(first) <= 160 else first[:157].rsplit(" ", 1)[0] + "…"


def find_place(clean: CleanText, gazetteer: Gazetteer) -> tuple[Place | None, str | None]:
    """The town the article is about, and its province."""
    text = "\n".join(clean.paragraphs)
    scores: Counter[Place] = Counter()
    for mention in gazetteer.mentions(text):
        p = mention.place
        if not mention.capitalised:
            continue
        weight = 1.0 if p.is_province else 2.0
        if mention.marked:
            weight *= 2
        if mention.start < 300:  # the headline and the lead say what the article is about
            weight *= 1.5
        scores[p] += weight
    for name in marked_towns(text):
        if not gazetteer.lookup(name):
            scores[Place(fix_tone_placement(name), "town", None)] += 2.0
    towns = [(p, s) for p, s in scores.most_common() if not p.is_province]
    provinces = [(p, s) for p, s in scores.most_common() if p.is_province]
    town = towns[0][0] if towns else None
    province: str | None = None
    if town and town.province:
        province = town.province
    else:
        m = re.search(r"\(([^()]{3,40})\)", "\n".join(clean.paragraphs[:2]))
        if m and gazetteer.province(m.group(1)):
            province = gazetteer.province(m.group(1)).name  # type: ignore[union-attr]
        elif provinces:
            province = provinces[0][0].name
    return town, province


def extract(raw: str, clean: CleanText, gazetteer: Gazetteer) -> ArticleMeta:
    town, province = find_place(clean, gazetteer)
    return ArticleMeta(
        title=find_title(raw, clean),
        publisher=find_publisher(raw),
        date=find_date(raw, clean),
        place=town.name if town else province,
        province=province,
    )
