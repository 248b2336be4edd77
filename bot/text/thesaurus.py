"""Indicators and the everyday words for them, read from bot/data/thesaurus.tsv.

Analysis adds a concept token ("≈dân_số") wherever one of a concept's phrases stands in the text,
for articles and questions alike: "đông dân" in a question then meets "dân số" in an article,
in BM25 and in coverage. A phrase matches whole words only (it starts and ends where pyvi's
words do), so "rộng" does not match inside "mở_rộng".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.text.normalize import canonical

DATA = Path(__file__).resolve().parent.parent / "data" / "thesaurus.tsv"
PREFIX = "≈"  # no analysed word starts with it


@dataclass(frozen=True)
class ConceptMatch:
    token: str  # "≈dân_số"
    start: int  # first word covered (index in the word list)
    end: int  # one past the last


class Thesaurus:
    def __init__(self, groups: dict[str, list[str]], units: dict[str, str] | None = None) -> None:
        self.units = {PREFIX + c: u for c, u in (units or {}).items() if u}
        # First syllable -> (phrase syllables, concept token), longest phrases first.
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.concepts: dict[str, tuple[str, ...]] = {}
        for concept, phrases in groups.items():
            token = PREFIX + concept
            self.concepts[token] = tuple(phrases)
            for phrase in phrases:
                syllables = tuple(canonical(phrase).split())
                if syllables:
                    self._by_first.setdefault(syllables[0], []).append((syllables, token))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> Thesaurus:
        groups: dict[str, list[str]] = {}
        units: dict[str, str] = {}
        for line in DATA.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith(("#", "concept\t")):
                continue
            concept, phrases, unit = ([*line.split("\t"), "", ""])[:3]
            groups[concept.strip()] = [p.strip() for p in phrases.split("|") if p.strip()]
            units[concept.strip()] = unit.strip()
        return cls(groups, units)

    def of_token(self, token: str) -> str | None:
        """The concept a single token says by itself ("%" is "phần trăm")."""
        for phrase, concept in self._by_first.get(token, ()):
            if len(phrase) == 1:
                return concept
        return None

    def matches(self, words: list[str]) -> list[ConceptMatch]:
        """Concepts whose phrases stand in a list of analysed words (compounds joined by "_"),
        the longest phrase first where two start together."""
        syllables: list[str] = []
        owner: list[int] = []  # the word each syllable belongs to
        starts: set[int] = set()  # syllable positions where a word starts
        for i, w in enumerate(words):
            starts.add(len(syllables))
            parts = w.split("_")
            syllables.extend(parts)
            owner.extend([i] * len(parts))
        out: list[ConceptMatch] = []
        by_first = self._by_first
        pos = 0
        n = len(syllables)
        while pos < n:
            entries = by_first.get(syllables[pos])
            found = None
            if entries:
                for phrase, token in entries:
                    end = pos + len(phrase)
                    if end > n or tuple(syllables[pos:end]) != phrase:
                        continue
                    # One syllable must be a word of its own ("rộng", not the "rộng" of "mở_rộng");
                    # longer phrases may sit inside pyvi's compounds ("tổng_dân_số").
                    if len(phrase) == 1 and not (pos in starts and (end == n or end in starts)):
                        continue
                    found = ConceptMatch(token, owner[pos], owner[end - 1] + 1)
                    pos = end
                    break
            if found is None:
                pos += 1
            else:
                out.append(found)
        return out
