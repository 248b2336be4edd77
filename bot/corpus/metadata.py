"""Title, publisher, date and place of an article, read from its page (a sidecar may override)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from bot.corpus.clean import PUBLISHER_MARK, CleanText, is_dateline
from bot.corpus.dates import TRAILING_DATE, date_from_url, find_date, writing_year
from bot.corpus.outlets import Outlets
from bot.corpus.passages import split_sentences
from bot.text.normalize import fix_tone_placement
from bot.text.places import Gazetteer, Place, PlaceMention, marked_towns

NEW_ERA = "2025-07-01"  # the reorganisation: no district level, 34 provinces
# Longest value kept for each field, in characters, whether from a sidecar or from the text: a
# citation is one line under the quote, and a 1 MB title would split an answer into hundreds of
# messages. The longest real headlines run to about 200 characters, outlet names to 60, unit
# names to 30; 2,000 characters is the URL length browsers and Telegram handle everywhere.
FIELD_LIMITS = {"title": 300, "publisher": 120, "place": 80, "province": 80, "url": 2000}


@dataclass(frozen=True)
class ArticleMeta:
    title: str
    publisher: str | None
    date: str | None  # ISO
    place: str | None  # the unit the article is about (the province's name for a province-level one)
    province: str | None  # as named at the time
    url: str | None = None
    level: int | None = None  # of the place: 1 province, 2 district level, 3 commune level
    province_2025: str | None = None  # where the place lies since July 2025
    year: int | None = None  # the year it was written in (from the date, else estimated; never shown)
    # Other units the article names with their marker or in its headline ("TX. Hòa Thành" in an
    # article about TP. Tây Ninh), as "name|province|kind": a question about them reaches it.
    mentioned: tuple[str, ...] = ()

    def merged(self, override: dict[str, str | None]) -> ArticleMeta:
        fields = {
            k: v
            for k, v in override.items()
            if k in self.__dataclass_fields__ and k not in ("level", "year", "mentioned")
        }
        out = replace(self, **fields)
        if not out.date and "date" not in fields:
            out = replace(out, date=date_from_url(out.url))  # a page's address may carry its date
        if out.date and out.date != self.date:
            out = replace(out, year=int(out.date[:4]))
        return out

    def bounded(self) -> ArticleMeta:
        """Each field within FIELD_LIMITS: text cut at a space with "…"; a link too long to be
        whole is dropped, since a cut one leads nowhere."""
        cut = {
            name: _cut(getattr(self, name), limit)
            for name, limit in FIELD_LIMITS.items()
            if name != "url" and len(getattr(self, name) or "") > limit
        }
        if self.url is not None and len(self.url) > FIELD_LIMITS["url"]:
            cut["url"] = None
        return replace(self, **cut) if cut else self


def _cut(text: str, limit: int) -> str:
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip() + "…"


# ---------------------------------------------------------------- title


def _headline_like(line: str, *, after_dateline: bool = False) -> bool:
    text = line.strip()
    if not 15 <= len(text) <= 250 or PUBLISHER_MARK.match(text) or is_dateline(text):
        return False
    if len(text.split()) < 4 or not (text[:1].isupper() or text[:1].isdigit()):
        return False
    if re.match(r"^(?:[IVX]+|\d+)\.\s", text):  # "1. Tăng trưởng kinh tế": a section heading
        return False
    sentences = split_sentences(text)
    if text.endswith((".", ";")):
        # A headline printed with a full stop right under its dateline still is one sentence.
        return after_dateline and len(sentences) == 1 and len(text) <= 200
    return len(sentences) == 1


def _tidy_title(text: str) -> str:
    text = TRAILING_DATE.sub("", text).strip()
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def find_title(clean: CleanText) -> str:
    """The headline: the line (or two, "X:" + "Y") next to the dateline, else the first
    headline-like line before the lead, else a line the page repeats; failing all, the lead's
    first sentence."""
    lines = clean.lines
    body_at = next(
        (i for i, line in enumerate(lines) if line.kind == "body" and not _headline_like(line.text)),
        len(lines),
    )
    dated = [i for i, line in enumerate(lines[:15]) if line.kind == "dateline"]
    if dated:
        d = dated[0]
        before = [i for i in range(d - 1, -1, -1) if lines[i].kind in ("body", "repeat")][:2]
        if before and _headline_like(lines[before[0]].text):
            first = before[0]
            if len(before) == 2 and before[1] == first - 1 and lines[before[1]].text.rstrip().endswith(":"):
                return _tidy_title(f"{lines[before[1]].text.strip()} {lines[first].text.strip()}")
            return _tidy_title(lines[first].text)
        after = next(
            (i for i in range(d + 1, min(d + 3, len(lines))) if lines[i].kind in ("body", "repeat")), None
        )
        if after is not None and _headline_like(lines[after].text, after_dateline=True):
            return _tidy_title(lines[after].text)
    for i in range(min(body_at, 8)):
        if lines[i].kind == "body" and _headline_like(lines[i].text):
            nxt = lines[i + 1].text if i + 1 < len(lines) else ""
            if lines[i].text.rstrip().endswith(":") and _headline_like(nxt):
                return _tidy_title(f"{lines[i].text.strip()} {nxt.strip()}")
            if not lines[i].text.rstrip().endswith(":"):
                return _tidy_title(lines[i].text)
    counts = Counter(line.text for line in lines)
    for line in lines[:6]:
        if counts[line.text] >= 2 and _headline_like(line.text):
            return _tidy_title(line.text)
    # No headline on the page: the lead's first sentence stands for it.
    paras = [p for p in clean.paragraphs if len(p) >= 60 and not re.match(r"^(?:[IVX]+|\d+)\.\s", p)]
    paras = paras or clean.paragraphs
    if not paras:
        return "(không có tiêu đề)"
    lead = PUBLISHER_MARK.sub("", paras[0], count=1)
    first = split_sentences(lead)[0].rstrip(".")
    first = re.sub(
        r"^(?:(?:sáng|chiều|tối|trưa)\s+)?(?:ngày\s+)?\d{1,2}[/-]\d{1,2}(?:[/-]\d{4})?\s*,\s*",
        "",
        first,
        flags=re.I,
    )
    first = first[:1].upper() + first[1:]
    return first if len(first) <= 160 else first[:157].rsplit(" ", 1)[0] + "…"


# ---------------------------------------------------------------- place

HEAD_CHARS = 400  # the headline and the lead say what the article is about


@dataclass
class _Span:
    start: int
    end: int
    cands: list[PlaceMention]

    @property
    def marked(self) -> bool:
        return self.cands[0].marked


def _spans(mentions: list[PlaceMention]) -> list[_Span]:
    grouped: dict[tuple[int, int], list[PlaceMention]] = defaultdict(list)
    for m in mentions:
        if m.capitalised and not m.in_name:
            grouped[(m.start, m.end)].append(m)
    return [_Span(s, e, c) for (s, e), c in sorted(grouped.items())]


def _resolve(span: _Span, provinces: Counter[str], districts: Counter[str], new_era: bool) -> Place:
    """One unit for an ambiguous name: of the kind its marker names, then the one the rest of
    the article agrees with, then the higher level, then of the article's era."""

    def score(m: PlaceMention) -> tuple:
        p = m.place
        if p.is_province:
            agree = provinces[p.name]
        else:
            agree = provinces[p.province or ""] + provinces[p.province_2025 or ""]
            agree += sum(districts[d] for d in (p.parent if p.level == 3 else (p.name,)))
        era = p.era == "both" or (p.era == "new") == new_era
        return (m.fits_marker, agree, -p.level, era)

    return max(span.cands, key=score).place


@dataclass(frozen=True)
class PlaceFinding:
    place: Place | None  # the unit the article is about, at its own level
    province: str | None  # its province as named then
    province_2025: str | None  # the province its land is in since July 2025
    mentioned: tuple[Place, ...] = ()  # other units it names with a marker or in its headline


def find_place(
    clean: CleanText, gazetteer: Gazetteer, *, date: str | None = None, headline: str = ""
) -> PlaceFinding:
    """Where the article is about, and the other places it names prominently."""
    text = "\n".join(clean.paragraphs)
    new_era = bool(date and date >= NEW_ERA)
    spans = _spans(gazetteer.mentions(text, capitalised_only=True))
    head_spans = (
        _spans(gazetteer.mentions(headline, capitalised_only=True))
        if headline and headline not in text
        else []
    )
    # What the names agree on: provinces named outright, districts of the units named. A
    # name does not vouch for itself (nor its repeats): each is judged by the other names.
    own: dict[str, tuple[Counter[str], Counter[str]]] = defaultdict(lambda: (Counter(), Counter()))
    provinces: Counter[str] = Counter()
    districts: Counter[str] = Counter()
    for span in [*spans, *head_spans]:
        sp: Counter[str] = Counter()
        sd: Counter[str] = Counter()
        places = {m.place for m in span.cands}
        for p in places:
            w = 1.0 / len(places)
            if p.is_province:
                sp[p.name] += w
            else:
                sp[p.province or ""] += w
                if p.level == 2:
                    sd[p.name] += w
                sd.update({d: w for d in p.parent})
        own[span.cands[0].place.name][0].update(sp)
        own[span.cands[0].place.name][1].update(sd)
        provinces.update(sp)
        districts.update(sd)
    scores: Counter[Place] = Counter()
    prominent: list[Place] = []
    for span, offset in [(s, 0) for s in spans] + [(s, -1) for s in head_spans]:
        mine = own[span.cands[0].place.name]
        place = _resolve(span, provinces - mine[0], districts - mine[1], new_era)
        if not place.is_province and span.marked:
            prominent.append(place)
        weight = 1.0 if place.is_province else 2.0
        if span.marked:
            weight *= 2
        if offset < 0 or span.start < HEAD_CHARS:
            weight *= 2
        scores[place] += weight
    for name in marked_towns(text):
        if not gazetteer.lookup(name):
            scores[Place(fix_tone_placement(name), "town", None)] += 2.0
    towns = [(p, s) for p, s in scores.most_common() if not p.is_province]
    prov = [(p, s) for p, s in scores.most_common() if p.is_province]
    town = towns[0][0] if towns else None
    if town and prov and towns[0][1] < 0.5 * prov[0][1] and town.name not in headline:
        town = None  # a province article that names a town in passing
    # Named with its marker twice or more, or in the headline: the article speaks of it too.
    counts = Counter(prominent)
    in_headline = {p for span in head_spans for p in [_resolve(span, provinces, districts, new_era)]}
    mentioned = tuple(p for p in counts if p != town and (counts[p] >= 2 or p in in_headline))
    if town is not None:
        province = town.province
        p2025 = town.province_2025
        if town.era == "new" or new_era:
            province = town.province_2025 or town.province
        return PlaceFinding(town, province, p2025, mentioned)
    if prov:
        p = prov[0][0]
        name = p.name
        if new_era and p.era == "old" and p.province_2025:
            name = p.province_2025
        return PlaceFinding(p, name, p.province_2025 or name, mentioned)
    return PlaceFinding(None, None, None, mentioned)


def extract(raw: str, clean: CleanText, gazetteer: Gazetteer) -> ArticleMeta:
    date = find_date(clean)
    title = find_title(clean)
    found = find_place(clean, gazetteer, date=date, headline=title)
    place = found.place
    return ArticleMeta(
        title=title,
        publisher=Outlets.default().find_publisher(clean, found.province),
        date=date,
        place=place.name if place else None,
        province=found.province,
        level=place.level if place else None,
        province_2025=found.province_2025,
        year=writing_year(clean, date),
        mentioned=tuple(f"{p.name}|{p.province or ''}|{p.kind}" for p in found.mentioned),
    )
