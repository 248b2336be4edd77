"""Reading a question: what it asks for, about which place and which time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.text.analyze import analyze
from bot.text.figures import years_in
from bot.text.normalize import clean_unicode, expand_abbreviations
from bot.text.places import Gazetteer, Place, marked_towns
from bot.text.restore import DiacriticModel

# What kind of answer is wanted decides what a passage must contain to answer at all.
_QUANTITY = re.compile(
    r"\b(?:bao nhiêu|mấy|bao nhiêu phần trăm|tỷ lệ|tỉ lệ|tăng bao nhiêu|số lượng|tổng số)\b"
)
_WHEN_YEAR = re.compile(
    r"\b(?:năm nào|năm bao nhiêu|khi nào|bao giờ|thời hạn|lúc nào|đến năm nào|trước năm nào)\b"
)
_WHEN_DAY = re.compile(r"\b(?:ngày nào|ngày bao nhiêu|hôm nào|những ngày nào)\b")
_ORDINAL = re.compile(r"\b(?:lần thứ mấy|thứ mấy|khóa mấy|khoá mấy|khóa nào|nhiệm kỳ nào)\b")
_COMPARE = re.compile(
    r"\b(?:so sánh|so với|hay là|hay|bên nào|nơi nào|khác nhau|chênh lệch|nhanh hơn|chậm hơn|cao hơn|thấp hơn|nhiều hơn|ít hơn)\b"
)

_MARKER_BEFORE = re.compile(r"\b(?:thị xã|thành phố|tx|tp|tỉnh|huyện|quận)\.?\s+$", re.IGNORECASE)

# The level of government a question is about: "Chủ tịch UBND TX Kỳ Anh" is not the province's.
_COUNCIL = r"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd|hội đồng nhân dân|hđnd|mặt trận tổ quốc)"
_LEVEL = {
    "town": re.compile(
        rf"{_COUNCIL}\s+(?:thị xã|thành phố|huyện|tx|tp)\b|\b(?:thị|thành|huyện)\s+(?:ủy|uỷ)\b",
        re.IGNORECASE,
    ),
    "province": re.compile(rf"{_COUNCIL}\s+tỉnh\b|\btỉnh\s+(?:ủy|uỷ)\b", re.IGNORECASE),
}


# Offices a question may ask the holder of; "Phó Bí thư" (deputy) is another office than "Bí thư".
_ROLE = re.compile(
    r"\b(?P<deputy>phó\s+)?(?P<role>bí thư|chủ tịch|giám đốc|trưởng ban|trưởng đoàn|chánh văn phòng)\b",
    re.IGNORECASE,
)


# Words without which the patterns above cannot match. Ranking asks about 40 passages per
# question; most name no office or body, and a substring test is far cheaper than the scan.
_ROLE_HINTS = ("bí thư", "chủ tịch", "giám đốc", "trưởng ban", "trưởng đoàn", "chánh văn phòng")
_LEVEL_HINTS = ("ủy", "uỷ", "ubnd", "hđnd", "hội đồng", "mặt trận")
# The same patterns, case-sensitive, for lower-cased text: twice as fast as re.IGNORECASE.
_ROLE_LOW = re.compile(_ROLE.pattern)
_LEVEL_LOW = {name: re.compile(rx.pattern) for name, rx in _LEVEL.items()}
# Letters that re.IGNORECASE takes for "i", "k", "s" or "å" but str.lower() does not turn into
# them (or, for "İ", into two characters): with one of these, only the slow patterns are exact.
_FOLDS_APART = re.compile("[İıſ\u212a\u212b]")


def _lowered(text: str) -> str | None:
    return None if _FOLDS_APART.search(text) else text.lower()


def roles_in(text: str) -> set[tuple[str, bool]]:
    """The offices a text names: ("bí thư", False) for "Bí thư", ("bí thư", True) for "Phó Bí thư"."""
    low = _lowered(text)
    if low is None:
        rx, subject = _ROLE, text
    elif any(h in low for h in _ROLE_HINTS):
        rx, subject = _ROLE_LOW, low
    else:
        return set()
    return {(m.group("role").casefold(), bool(m.group("deputy"))) for m in rx.finditer(subject)}


def levels_in(text: str) -> set[str]:
    """Which levels of government a text names by their bodies ("UBND tỉnh", "Thị ủy")."""
    low = _lowered(text)
    if low is None:
        patterns, subject = _LEVEL, text
    elif any(h in low for h in _LEVEL_HINTS):
        patterns, subject = _LEVEL_LOW, low
    else:
        return set()
    return {name for name, rx in patterns.items() if rx.search(subject)}


# Measure units a quantity question may ask for: the answer must carry the same unit.
_UNIT_WORDS = {
    "%": ("%", "phần trăm"),
    "tỷ": ("tỷ",),
    "triệu": ("triệu",),
    "km2": ("km2", "km²", "người/km2"),
    "km": ("km",),
    "ha": ("ha", "héc ta", "hecta"),
    "usd": ("usd",),
    "lượt": ("lượt",),
}
_UNIT_ASKED = re.compile(
    r"(?:bao nhiêu|mấy)\s*(?P<u>%|phần trăm|tỷ|triệu|km2|km²|km|ha|héc ta|hecta|usd|lượt)(?![^\W\d_])"
    r"|(?P<u2>người/km2|người/km²)"
    r"|bao nhiêu\s+(?:\w+\s+){0,2}?(?P<u3>km2|km|ha|usd)(?![^\W\d_])",
    re.IGNORECASE,
)


@dataclass
class Side:
    """One thing the question asks about: a place (or none) and the years that go with it."""

    place: Place | None
    years: list[int] = field(default_factory=list)

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
    tokens: list[str]  # search tokens, place names removed
    sides: list[Side]
    provinces: list[Place]
    unknown_places: list[str]
    wants_quantity: bool
    wants_year: bool
    wants_day: bool
    wants_ordinal: bool
    unit: str | None
    comparison: bool
    years: list[int]
    level: str | None = None  # "town" or "province" when the question names one body only
    roles: frozenset[tuple[str, bool]] = frozenset()  # offices asked about, deputy or not
    expanded: str = ""  # the question with abbreviations spelt out, nothing else changed

    @property
    def reinterpreted(self) -> bool:
        # Worth showing only when diacritics were put back: "UBND" -> "ủy ban nhân dân" is noise.
        return self.understood.casefold() != (self.expanded or self.original).casefold()


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


def parse(
    question: str,
    *,
    model: DiacriticModel | None,
    gazetteer: Gazetteer,
    corpus_towns: set[str],
    corpus_provinces: set[str],
) -> ParsedQuestion:
    understood = understand(question, model)
    low = understood.casefold()
    mentions = gazetteer.mentions(understood)
    towns: list[tuple[int, Place]] = []
    provinces: list[Place] = []
    unknown: list[str] = []
    place_spans: list[tuple[int, int]] = []
    # An ambiguous name ("QN": Quảng Ninh, Quảng Nam, Quảng Ngãi) means the reading we cover.
    covered_spans = {
        (m.start, m.end) for m in mentions if m.place.name in corpus_towns or m.place.name in corpus_provinces
    }
    for m in mentions:
        p = m.place
        # "thị xã", "TP", "tỉnh" naming the place go with it: they are not words to look for.
        marker = _MARKER_BEFORE.search(understood[: m.start])
        place_spans.append((marker.start() if marker else m.start, m.end))
        if (
            (m.start, m.end) in covered_spans
            and p.name not in corpus_towns
            and p.name not in corpus_provinces
        ):
            continue
        if p.is_province:
            if p.name in corpus_provinces:
                if p not in provinces:
                    provinces.append(p)
            elif (m.marked or m.capitalised) and p.name not in unknown:
                unknown.append(p.name)
            continue
        if p.name in corpus_towns:
            if all(p != t for _, t in towns):
                towns.append((m.start, p))
        elif m.marked or m.capitalised:
            # A town we have no article about ("TX Bỉm Sơn"); a same-name province is a province.
            if not any(q.is_province and q.name == p.name for q in gazetteer.lookup(p.name)):
                unknown.append(p.name)
    for name in marked_towns(understood):
        if not gazetteer.lookup(name) and name not in unknown:
            unknown.append(name)
            start = understood.find(name)
            place_spans.append((start, start + len(name)))
    # Years: each goes with the place named just before it.
    year_pos = [
        (m.start(), int(m.group(1))) for m in re.finditer(r"(?<![\d/])((?:19|20)\d\d)(?![\d])", understood)
    ]
    years = sorted(set(years_in(understood)))
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
    else:
        place = towns[0][1] if towns else None
        compared = _compared_years(understood, low)
        if compared:
            # "Kinh Môn năm 2020 và 2023, năm nào cao hơn?": one side per year.
            sides.extend(Side(place, [y]) for y in compared)
        else:
            sides.append(Side(place, years))
    # Place names filter articles; they are not words to look for in a sentence.
    rest = understood
    for s, e in sorted(place_spans, reverse=True):
        if 0 <= s < e:
            rest = rest[:s] + " " + rest[e:]
    tokens = list(dict.fromkeys(analyze(rest)))
    unit = None
    um = _UNIT_ASKED.search(low)
    if um:
        raw = (um.group("u") or um.group("u2") or um.group("u3") or "").casefold()
        for key, forms in _UNIT_WORDS.items():
            if raw in forms or raw.replace("người/", "") in forms:
                unit = key
                break
    wants_year = bool(_WHEN_YEAR.search(low))
    levels = levels_in(understood)
    return ParsedQuestion(
        original=question,
        understood=understood,
        tokens=tokens,
        sides=sides,
        provinces=provinces,
        unknown_places=unknown,
        wants_quantity=bool(_QUANTITY.search(low)) and not wants_year and not _ORDINAL.search(low),
        wants_year=wants_year,
        wants_day=bool(_WHEN_DAY.search(low)),
        wants_ordinal=bool(_ORDINAL.search(low)),
        unit=unit,
        comparison=bool(_COMPARE.search(low)) or len(sides) > 1,
        years=years,
        level=next(iter(levels)) if len(levels) == 1 else None,
        roles=frozenset(roles_in(understood)),
        expanded=" ".join(expand_abbreviations(clean_unicode(question)).split()),
    )


_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-–—/]\s*(?:19|20)\d\d|từ (?:năm )?(?:19|20)\d\d đến")


def _compared_years(understood: str, low: str) -> list[int]:
    """Two or more years set against each other (not a period such as "2021-2023")."""
    if not _COMPARE.search(low):
        return []
    outside = _YEAR_RANGE.sub(" ", low)
    found = list(dict.fromkeys(int(y) for y in re.findall(r"(?<![\d/])((?:19|20)\d\d)(?!\d)", outside)))
    return found if len(found) >= 2 else []


def unit_present(unit: str, text: str) -> bool:
    """Whether a passage gives a figure in that unit ("520 tỷ đồng" for "tỷ")."""
    low = text.casefold()
    forms = _UNIT_WORDS.get(unit, (unit,))
    for form in forms:
        if form == "%":
            if re.search(r"\d\s?%", low):
                return True
        elif re.search(rf"\d[\d.,]*\s?(?:(?:nghìn|ngàn|triệu|tỷ)\s+)?{re.escape(form)}(?![^\W\d_])", low):
            return True
    return False
