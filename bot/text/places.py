"""Vietnamese provinces, cities and towns, and finding them in text (accents optional)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from bot.text.normalize import clean_unicode, fix_tone_placement, fold

DATA = Path(__file__).resolve().parent.parent / "data" / "places.tsv"

# Words that announce a place name right after them.
MARKERS = r"thị xã|tx|thành phố|tp|huyện|quận|tỉnh|thị ủy|thị uỷ|thành ủy|thành uỷ|huyện ủy|huyện uỷ|tỉnh ủy|tỉnh uỷ"
_MARKER_BEFORE = re.compile(rf"(?:{fold(MARKERS)})\.?\s+$", re.IGNORECASE)
_TOWN_MARKERS = re.compile(
    r"(?:thị xã|thành phố|huyện|thị ủy|thị uỷ|thành ủy|thành uỷ|huyện ủy|huyện uỷ|\bTX\.?|\bTP\.?)\s+"
    r"((?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ][\w]*)(?:\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ][\w]*){0,2})"
)


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # province, city, town, district
    province: str | None

    @property
    def is_province(self) -> bool:
        return self.kind == "province"

    @property
    def label(self) -> str:
        return self.name if self.is_province or not self.province else f"{self.name} ({self.province})"


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int
    marked: bool  # preceded by "thị xã", "TP", "tỉnh"...
    capitalised: bool


@lru_cache(maxsize=8192)
def _fold_char(c: str) -> str:
    """One character folded and case-folded, or itself when that is not one character.

    Positions in the folded text must be positions in the text: "ß" case-folds to "ss", "İ"
    to "i̇" and a stray combining mark folds to nothing, so whole-string folding can shift them.
    """
    f = fold(c).casefold()
    return f if len(f) == 1 else c


def _key(s: str) -> str:
    return " ".join(fold(fix_tone_placement(s)).casefold().split())


class Gazetteer:
    def __init__(self, places: Iterable[Place], aliases: dict[str, list[str]] | None = None) -> None:
        self.places: list[Place] = list(dict.fromkeys(places))
        aliases = aliases or {}
        # Folded spelling -> places; short upper-case abbreviations are matched as typed.
        self._folded: dict[str, list[Place]] = {}
        self._abbrev: dict[str, list[Place]] = {}
        for p in self.places:
            self._folded.setdefault(_key(p.name), []).append(p)
            for alias in aliases.get(p.name + "|" + (p.province or ""), []):
                if len(alias) <= 4 and alias.replace(".", "").isupper():
                    self._abbrev.setdefault(alias, []).append(p)
                else:
                    self._folded.setdefault(_key(alias), []).append(p)
        names = sorted(self._folded, key=len, reverse=True)
        self._re = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])")
        abbrevs = sorted(self._abbrev, key=len, reverse=True)
        self._abbrev_re = (
            re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in abbrevs) + r")(?![\w])")
            if abbrevs
            else None
        )

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> Gazetteer:
        places: list[Place] = []
        aliases: dict[str, list[str]] = {}
        lines = DATA.read_text(encoding="utf-8").splitlines()
        for line in lines[1:]:
            if not line.strip():
                continue
            name, kind, province, alias = ([*line.split("\t"), "", "", ""])[:4]
            p = Place(name, kind, province or None)
            places.append(p)
            aliases[name + "|" + (province or "")] = [a for a in alias.split("|") if a]
        return cls(places, aliases)

    def extended(self, extra: Iterable[Place]) -> Gazetteer:
        """A gazetteer that also knows places found in the corpus but not in our list."""
        new = [p for p in extra if p not in set(self.places)]
        if not new:
            return self
        g = Gazetteer.__new__(Gazetteer)
        g.__dict__.update(self.__dict__)
        g.places = self.places + new
        g._folded = {k: list(v) for k, v in self._folded.items()}
        for p in new:
            g._folded.setdefault(_key(p.name), []).append(p)
        names = sorted(g._folded, key=len, reverse=True)
        g._re = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])")
        return g

    def lookup(self, name: str) -> list[Place]:
        return list(self._folded.get(_key(name), []))

    def town_of(self, name: str, province: str | None = None) -> Place | None:
        """The non-province place of that name (in that province, when given)."""
        cands = [p for p in self.lookup(name) if not p.is_province]
        if province:
            cands = [p for p in cands if p.province == province] or cands
        return cands[0] if cands else None

    def province(self, name: str) -> Place | None:
        for p in self.lookup(name):
            if p.is_province:
                return p
        return None

    def outlet_province(self, publisher: str | None) -> str | None:
        """The province a news outlet belongs to, from its name or domain, if it names one.

        "Cổng thông tin điện tử tỉnh Quảng Ninh" and "Baohatinh.vn" are provincial outlets; "BVR&MT"
        is national. A town's page ("... thị xã Kinh Môn") belongs to the town's province.
        """
        if not publisher:
            return None
        for m in self.mentions(publisher):
            if m.marked or m.capitalised:
                return m.place.name if m.place.is_province else m.place.province
        squeezed = re.sub(r"[\W_]+", "", fold(publisher).casefold())
        if "." not in publisher and " " in publisher.strip():
            return None  # a name in words that names no place
        for key, name in self._provinces_squeezed:
            if key in squeezed:
                return name
        return None

    @cached_property
    def _provinces_squeezed(self) -> list[tuple[str, str]]:
        # Domains run the words together: "baohatinh", "quangninh.gov.vn". Longest first, so a
        # name inside another one does not win.
        out = {}
        for p in self.places:
            if p.is_province:
                key = re.sub(r"[\W_]+", "", _key(p.name))
                if len(key) >= 5:
                    out[key] = p.name
        return sorted(out.items(), key=lambda kv: len(kv[0]), reverse=True)

    def mentions(self, text: str) -> list[PlaceMention]:
        """Every place named in a text, longest names first where two overlap."""
        text = fix_tone_placement(clean_unicode(text))
        folded = "".join(map(_fold_char, text))
        out: list[PlaceMention] = []
        for m in self._re.finditer(folded):
            s, e = m.span()
            marked = bool(_MARKER_BEFORE.search(folded[max(0, s - 20) : s]))
            original = text[s:e]
            cap = all(w[:1].isupper() for w in original.split())
            for p in self._folded[m.group(1)]:
                out.append(PlaceMention(p, s, e, marked, cap))
        if self._abbrev_re:
            for m in self._abbrev_re.finditer(text):
                for p in self._abbrev[m.group(1)]:
                    out.append(PlaceMention(p, m.start(), m.end(), True, True))
        return sorted(out, key=lambda pm: pm.start)


def marked_towns(text: str) -> list[str]:
    """Names written after "thị xã", "TP", "Thị ủy"...: towns, known or not ("TX Bỉm Sơn")."""
    return [m.group(1) for m in _TOWN_MARKERS.finditer(clean_unicode(text))]
