"""Reading a question: what it asks for, about which place and which time.

Its places are read with the gazetteer, old names and new alike; a place named inside another
name ("cao tốc Lào Cai - Móng Cái", "Cảng Vạn Ninh") is a word to look for, not a place to keep
to. Its kinds (quantity, when, list...) come from the registry in kinds.py, its words from one
analysis shared with the corpus (thesaurus concepts included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from bot.search import kinds as k
from bot.text import vocabulary as v
from bot.text.analyze import analyze_detail
from bot.text.normalize import clean_unicode, expand_abbreviations
from bot.text.periods import own_years
from bot.text.places import Gazetteer, Place, PlaceMention, marked_towns
from bot.text.restore import DiacriticModel
from bot.text.thesaurus import Thesaurus
from bot.text.years import YEAR, YEAR_SPAN, years_in


class Coverage(Protocol):
    """What the corpus has articles about (the retriever's Areas)."""

    def has_place(self, p: Place) -> bool: ...


def _lowered(text: str) -> str | None:
    return None if v.FOLDS_APART.search(text) else text.lower()


def roles_in(text: str) -> set[tuple[str, bool]]:
    """The offices a text names: ("bí thư", False) for "Bí thư", ("bí thư", True) for "Phó Bí thư"."""
    low = _lowered(text)
    if low is None:
        rx, subject = v.ROLE, text
    elif any(h in low for h in v.ROLE_HINTS):
        rx, subject = v.ROLE_LOW, low
    else:
        return set()
    return {(m.group("role").casefold(), bool(m.group("deputy"))) for m in rx.finditer(subject)}


def levels_in(text: str) -> set[str]:
    """Which levels of government a text names by their bodies ("UBND tỉnh", "Thị ủy")."""
    low = _lowered(text)
    if low is None:
        patterns, subject = v.LEVEL, text
    elif any(h in low for h in v.LEVEL_HINTS):
        patterns, subject = v.LEVEL_LOW, low
    else:
        return set()
    return {name for name, rx in patterns.items() if rx.search(subject)}


@dataclass
class Side:
    """One thing the question asks about: a place (or none) and the years that go with it."""

    place: Place | None
    years: list[int] = field(default_factory=list)
    # No article is about the place, but its province's are: a passage of theirs that names it
    # may answer ("các xã Tân Thanh, Tân Mỹ thuộc huyện Văn Lãng" in a Lạng Sơn article).
    named_only: bool = False

    @property
    def label(self) -> str | None:
        parts = []
        if self.place:
            parts.append(self.place.name)
        if self.years:
            parts.append("năm " + ", ".join(str(y) for y in self.years))
        return " ".join(parts) or None


@dataclass
class ParsedQuestion:
    original: str
    understood: str  # abbreviations spelt out and diacritics restored
    tokens: list[str]  # search tokens, place names removed, thesaurus concepts added
    sides: list[Side]
    provinces: list[Place]
    unknown_places: list[str]
    kinds: frozenset[str]
    unit: str | None
    years: list[int]
    level: str | None = None  # "town" or "province" when the question names one body only
    roles: frozenset[tuple[str, bool]] = frozenset()  # offices asked about, deputy or not
    expanded: str = ""  # the question with abbreviations spelt out, nothing else changed
    covers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # concept token -> words it says
    named_provinces: frozenset[str] = frozenset()  # provinces the question names, as it names them
    asked_type: frozenset[str] = frozenset()  # "xã" of "những xã nào": what the answer names
    partial: frozenset[int] = frozenset()  # years asked in part ("9 tháng đầu năm 2023")
    families: frozenset[str] = frozenset()  # what the figures asked are counted in (money, people...)
    counted: tuple[str, ...] = ()  # nouns asked to be counted ("mấy phường mấy xã": phường, xã)
    indicators: frozenset[str] = frozenset()  # the measured indicators asked (thesaurus concepts)
    # Places named inside another name ("Khu du lịch quốc gia Trà Cổ"): no filter, but a hint of
    # where the thing named lies.
    hinted: tuple[Place, ...] = ()
    rest: str = ""  # the question as understood, its place names (and their markers) taken out

    @property
    def reinterpreted(self) -> bool:
        # Worth showing only when diacritics were put back: "UBND" -> "ủy ban nhân dân" is noise.
        return self.understood.casefold() != (self.expanded or self.original).casefold()

    def wants(self, kind: str) -> bool:
        return kind in self.kinds

    @property
    def wants_quantity(self) -> bool:
        return "quantity" in self.kinds

    @property
    def wants_year(self) -> bool:
        return "when" in self.kinds

    @property
    def wants_day(self) -> bool:
        return "day" in self.kinds

    @property
    def wants_ordinal(self) -> bool:
        return "ordinal" in self.kinds

    @property
    def comparison(self) -> bool:
        return "compare" in self.kinds or len(self.sides) > 1


def _mostly_accented(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        return False
    accented = sum(1 for w in words if not w.isascii())
    return accented >= 0.5 * len(words)


def understand(question: str, model: DiacriticModel | None) -> str:
    text = " ".join(expand_abbreviations(clean_unicode(question)).split())
    if model is None:
        return text
    if _mostly_accented(text):
        # The person types with diacritics: keep their unaccented words ("sang", "kinh") as typed,
        # restore only words that are not Vietnamese without marks.
        restored = model.restore(text)
        words_in = re.findall(r"[^\W\d_]+|\W+|\d+", text)
        words_out = re.findall(r"[^\W\d_]+|\W+|\d+", restored)
        if len(words_in) == len(words_out):
            merged = [
                o if (i.isascii() and i.isalpha() and i.casefold() not in model.unigrams) else i
                for i, o in zip(words_in, words_out, strict=True)
            ]
            return "".join(merged)
        return text
    return model.restore(text)


def _province_context(mentions: list[PlaceMention]) -> set[str]:
    """Provinces a question names outright, with the old ones a 2025 province covers."""
    out: set[str] = set()
    for m in mentions:
        if m.place.is_province and not m.in_name:
            out |= {m.place.name, *m.place.legacy_provinces}
    return out


def _choose(cands: list[PlaceMention], context: set[str], corpus: Coverage) -> Place | None:
    """One unit for a name: in the province the question names, covered by the corpus, at the
    level its marker says, the higher level first."""

    def score(m: PlaceMention) -> tuple:
        p = m.place
        in_context = bool(context) and (
            p.name in context if p.is_province else bool({p.province, p.province_2025} & context)
        )
        return (in_context, corpus.has_place(p), m.fits_marker, -p.level, p.era != "new")

    best = max(cands, key=score)
    return best.place


def parse(
    question: str,
    *,
    model: DiacriticModel | None,
    gazetteer: Gazetteer,
    corpus: Coverage,
) -> ParsedQuestion:
    understood = understand(question, model)
    low = understood.casefold()
    mentions = gazetteer.mentions(understood)
    context = _province_context(mentions)
    spans: dict[tuple[int, int], list[PlaceMention]] = {}
    for m in mentions:
        spans.setdefault((m.start, m.end), []).append(m)
    towns: list[tuple[int, Place]] = []
    provinces: list[Place] = []
    unknown: list[str] = []
    place_spans: list[tuple[int, int]] = []
    hinted: list[Place] = []
    named_only: list[Place] = []
    for (start, end), cands in sorted(spans.items()):
        if cands[0].in_name:
            # "Cảng Vạn Ninh", "cao tốc Lào Cai - Móng Cái": words of another name.
            hinted += [m.place for m in cands if m.place not in hinted]
            continue
        named = cands[0].marked or cands[0].capitalised
        place = _choose(
            cands, context - ({cands[0].place.name} if cands[0].place.is_province else set()), corpus
        )
        if place is None:
            continue
        covered = corpus.has_place(place)
        if not covered and not named:
            continue  # "hòa bình" in lower case, no article about it: an ordinary word
        # "thị xã", "TP", "tỉnh" naming the place go with it: they are not words to look for.
        marker = v.MARKER_WORDS.search(understood[:start])
        place_spans.append((marker.start() if marker else start, end))
        if not covered:
            if place.name not in unknown and not any(p.name == place.name for p in provinces):
                unknown.append(place.name)
            if not place.is_province and _province_covered(place, gazetteer, corpus):
                named_only.append(place)
                towns.append((start, place))
            continue
        if place.is_province:
            if all(p.name != place.name for p in provinces):
                provinces.append(place)
        elif all(p != place for _, p in towns):
            towns.append((start, place))
    known_spans = list(spans)
    for name in marked_towns(understood):
        start = understood.find(name)
        overlaps = any(s < start + len(name) and start < e for s, e in known_spans)
        if not overlaps and not gazetteer.lookup(name) and name not in unknown:
            unknown.append(name)
            place_spans.append((start, start + len(name)))
    # A province named only to say where a town is ("Tân Châu (An Giang)") is no filter of its own.
    town_provinces = {x for _, t in towns for x in (t.province, t.province_2025)}
    provinces = [p for p in provinces if not towns or p.name not in town_provinces]
    years = sorted(set(years_in(understood)))
    sides = _sides(understood, low, towns, years)
    for side in sides:
        side.named_only = side.place in named_only
    # Place names filter articles; they are not words to look for in a sentence.
    rest = understood
    for s, e in reversed(_merged(place_spans)):
        rest = rest[:s] + " " + rest[e:]
    # "bên nào nhiều hơn": how to compare, not what to look for.
    analysis = analyze_detail(v.COMPARE_PHRASES.sub(" ", rest.casefold()))
    asked_type = frozenset(_asked_type(rest.casefold()))
    unit = None
    um = v.UNIT_ASKED.search(low)
    if um:
        raw = (um.group("u") or um.group("u2") or um.group("u3") or "").casefold()
        for key, forms in v.UNIT_WORDS.items():
            if raw in forms or raw.replace("người/", "") in forms:
                unit = key
                break
    levels = levels_in(understood)
    kinds = k.detect(understood)
    units = Thesaurus.default().units
    indicators = {c for c in analysis.covers if c in units} if kinds & {"quantity", "compare"} else set()
    families: set[str] = set()
    if indicators and not v.ASKS_CHANGE.search(low):
        families = {units[c] for c in indicators}
        if unit is not None:
            families = {f for f in families if f != "%"}  # the unit asked says it already
    if len(sides) > 1:
        kinds |= {"compare"}
    return ParsedQuestion(
        original=question,
        understood=understood,
        tokens=list(dict.fromkeys(analysis.tokens)),
        sides=sides,
        provinces=provinces,
        unknown_places=unknown,
        kinds=frozenset(kinds),
        unit=unit,
        years=years,
        level=next(iter(levels)) if len(levels) == 1 else None,
        roles=frozenset(roles_in(understood)),
        expanded=" ".join(expand_abbreviations(clean_unicode(question)).split()),
        covers=analysis.covers,
        named_provinces=frozenset(m.place.name for m in mentions if m.place.is_province and not m.in_name),
        asked_type=asked_type,
        partial=frozenset(-y for y in own_years(understood) if y < 0),
        families=frozenset(families),
        counted=tuple(dict.fromkeys(v.COUNTED_ASKED.findall(low))),
        indicators=frozenset(indicators),
        hinted=tuple(hinted),
        rest=" ".join(rest.split()),
    )


def _province_covered(place: Place, gazetteer: Gazetteer, corpus: Coverage) -> bool:
    names = {place.province, place.province_2025} - {None}
    return any(
        p.is_province and p.name in names and corpus.has_place(p) for n in names for p in gazetteer.lookup(n)
    )


def _asked_type(low: str) -> set[str]:
    """Words a passage need not say to answer: the kind of thing asked for ("xã" of "những xã
    nào", "năm" of "năm nào"), and the plan words of a question about a plan ("dự kiến")."""
    out: set[str] = set()
    for m in v.ASKED_TYPE.finditer(low):
        tokens = [t for t in analyze_detail(m.group(1)).tokens if not t.startswith("≈")]
        words = [t for t in tokens if "_" in t] or tokens
        if words:
            last = words[-1]
            out |= {last, *last.split("_")}
    for m in v.TARGET_ASKED.finditer(low):
        out |= {t for t in analyze_detail(m.group(0)).tokens if not t.startswith("≈")}
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(sp for sp in spans if 0 <= sp[0] < sp[1]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _sides(understood: str, low: str, towns: list[tuple[int, Place]], years: list[int]) -> list[Side]:
    """Years go with the place named just before them; two places, or one place and two years
    compared ("năm 2020 hay 2023"), make two sides."""
    year_pos = [(m.start(), int(m.group(1))) for m in YEAR.finditer(understood)]
    sides: list[Side] = []
    if len(towns) >= 2:
        for i, (pos, town) in enumerate(towns):
            end = towns[i + 1][0] if i + 1 < len(towns) else len(understood)
            ys = list(dict.fromkeys(y for p, y in year_pos if pos <= p < end))
            sides.append(Side(town, ys))
        leading = list(dict.fromkeys(y for p, y in year_pos if p < towns[0][0]))
        for s in sides:
            if not s.years:
                s.years = leading or years
        return sides
    place = towns[0][1] if towns else None
    compared = _compared_years(low)
    if compared:
        # "Kinh Môn năm 2020 và 2023, năm nào cao hơn?": one side per year.
        return [Side(place, [y]) for y in compared]
    return [Side(place, years)]


def _compared_years(low: str) -> list[int]:
    """Two or more years set against each other (not a period such as "2021-2023")."""
    if not v.COMPARE.search(low):
        return []
    outside = YEAR_SPAN.sub(" ", low)
    found = list(dict.fromkeys(int(m.group(1)) for m in YEAR.finditer(outside)))
    return found if len(found) >= 2 else []
