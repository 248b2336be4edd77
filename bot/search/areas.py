"""Which articles are about which land, whatever it was called.

An article names its place as it was when written ("huyện Tiền Hải, Thái Bình"); a question may
use the names of July 2025 ("Tiền Hải, Hưng Yên") or the old ones. Both are turned into keys of
land: a unit's own key, the old districts a new commune came from, and the old provinces a
province covers. An article matches a question when they share a key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from bot.models import ArticleRec
from bot.text.places import Gazetteer, Place, fold_key

_NONE = np.empty(0, dtype=np.int64)


def unit_key(name: str, province: str | None) -> str:
    return f"{fold_key(name)}|{province or ''}"


def place_keys(p: Place, gazetteer: Gazetteer) -> set[str]:
    """The keys of a unit's land below the province: itself, and for a 2025 commune the old
    districts it was made from (a district before 2025 is found again in its 2025 communes)."""
    keys = {unit_key(p.name, p.province)}
    if p.level == 3 and p.era == "new":
        for district in p.parent:
            for old in gazetteer.lookup(district):
                if old.level == 2 and old.province_2025 == p.province:
                    keys.add(unit_key(old.name, old.province))
    return keys


def province_keys(name: str, gazetteer: Gazetteer) -> set[str]:
    """A province's name and the old provinces it covers ("Hưng Yên" since 2025: Thái Bình too)."""
    return {name, *gazetteer.covered_provinces(name)}


class Areas:
    def __init__(self, articles: Sequence[ArticleRec], gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        places: dict[str, list[int]] = {}
        provinces: dict[str, list[int]] = {}
        mentioned: dict[str, list[int]] = {}
        # Articles of the same place and province share their keys: look each pair up once.
        cache: dict[tuple, tuple[set[str], set[str]]] = {}
        for i, a in enumerate(articles):
            pair = (a.place, a.province, a.level)
            if pair not in cache:
                cache[pair] = self._article_keys(a)
            pk, vk = cache[pair]
            for k in pk:
                places.setdefault(k, []).append(i)
            for k in vk:
                provinces.setdefault(k, []).append(i)
            for entry in a.mentioned:
                for k in self._mention_keys(entry):
                    mentioned.setdefault(k, []).append(i)
        self._places = {k: np.array(v, dtype=np.int64) for k, v in places.items()}
        self._mentioned = {k: np.unique(np.array(v, dtype=np.int64)) for k, v in mentioned.items()}
        self._provinces = {k: np.array(v, dtype=np.int64) for k, v in provinces.items()}
        self.n = len(articles)

    def unit_of(self, a: ArticleRec) -> Place | None:
        """The gazetteer's unit for an article's place (None for a province-level article)."""
        if not a.place or a.level == 1 or (a.place == a.province and a.level is None):
            return None
        cands = [p for p in self.gazetteer.lookup(a.place) if not p.is_province]
        if a.level:
            cands = [p for p in cands if p.level == a.level] or cands
        local = [p for p in cands if a.province in (p.province, p.province_2025)]
        return (local or [None])[0]

    def _article_keys(self, a: ArticleRec) -> tuple[set[str], set[str]]:
        unit = self.unit_of(a)
        place_k: set[str] = set()
        province_k: set[str] = set()
        if a.province:
            province_k |= province_keys(a.province, self.gazetteer) if a.level == 1 else {a.province}
        if unit is not None:
            place_k |= place_keys(unit, self.gazetteer)
            if unit.province:
                province_k.add(unit.province)
            if unit.era == "new":
                # A 2025 commune's land was in the old provinces of the districts it came from.
                for district in unit.parent:
                    for old in self.gazetteer.lookup(district):
                        if old.level == 2 and old.province_2025 == unit.province and old.province:
                            province_k.add(old.province)
        elif a.place and a.place != a.province:
            place_k.add(unit_key(a.place, a.province))  # a place the gazetteer does not know
        return place_k, province_k

    def _mention_keys(self, entry: str) -> set[str]:
        name, province, kind = ([*entry.split("|"), "", ""])[:3]
        for p in self.gazetteer.lookup(name):
            if p.kind == kind and (p.province or "") == province:
                return place_keys(p, self.gazetteer)
        return {unit_key(name, province)}

    # ------------------------------------------------------------------ questions

    def place_articles(self, p: Place) -> np.ndarray:
        keys = place_keys(p, self.gazetteer)
        found = [self._places[k] for k in keys if k in self._places]
        return np.unique(np.concatenate(found)) if found else _NONE

    def province_articles(self, names: Iterable[str]) -> np.ndarray:
        keys: set[str] = set()
        for name in names:
            keys |= province_keys(name, self.gazetteer)
        found = [self._provinces[k] for k in keys if k in self._provinces]
        return np.unique(np.concatenate(found)) if found else _NONE

    def mentioning(self, p: Place) -> np.ndarray:
        """Articles about another place that name this one prominently."""
        keys = place_keys(p, self.gazetteer)
        found = [self._mentioned[k] for k in keys if k in self._mentioned]
        return np.unique(np.concatenate(found)) if found else _NONE

    def land_articles(self, p: Place) -> np.ndarray:
        """Articles about a unit's land at any level: the province's, or the unit's, its old
        district's (a ward of Móng Cái: Móng Cái's), and those naming it prominently."""
        if p.is_province:
            return self.province_articles([p.name])
        found = [self.place_articles(p), self.mentioning(p)]
        if p.level == 3 and p.era != "new":
            for district in p.parent:
                found += [
                    self.place_articles(d)
                    for d in self.gazetteer.lookup(district)
                    if d.province == p.province
                ]
        return np.unique(np.concatenate(found))

    def has_place(self, p: Place) -> bool:
        if p.is_province:
            return self.province_articles([p.name]).size > 0
        return any(k in self._places or k in self._mentioned for k in place_keys(p, self.gazetteer))

    def mask(self, ids: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        out[ids] = True
        return out
