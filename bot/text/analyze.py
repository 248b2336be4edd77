"""The one analysis used for corpus passages and questions alike.

clean Unicode -> expand abbreviations -> lift figures out as tokens -> lower-case ->
pyvi word segmentation -> modern tone placement -> drop punctuation and stopwords -> add the
thesaurus concepts the words say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.figures import figure_tokens
from bot.text.normalize import clean_unicode, expand_abbreviations, fix_tone_placement
from bot.text.segmenter import tokenizer
from bot.text.thesaurus import Thesaurus
from bot.text.vocabulary import STOPWORDS

_PUNCT = re.compile(r"^[\W_]+$")


def _to_old_style(text: str) -> str:
    # pyvi's dictionary (models/words.txt) spells "thuỷ", "hoà": feed it that style so its
    # compound features fire; tokens are moved back to the modern style afterwards.
    return _MODERN_OPEN.sub(lambda m: _NEW_TO_OLD[m.group(1)], text)


_NEW_TO_OLD: dict[str, str] = {}
for _old in ("oà", "oá", "oả", "oã", "oạ", "oè", "oé", "oẻ", "oẽ", "oẹ", "uỳ", "uý", "uỷ", "uỹ", "uỵ"):
    _NEW_TO_OLD[fix_tone_placement(_old)] = _old
_MODERN_OPEN = re.compile(r"(?<!q)(" + "|".join(_NEW_TO_OLD) + r")(?![^\W\d_])")


def prepare(text: str) -> str:
    """The question or passage as pyvi sees it, before figures are lifted out."""
    return expand_abbreviations(clean_unicode(text)).casefold()


def segment(text: str) -> list[str]:
    """pyvi word segmentation of an already prepared text; compounds are joined with "_"."""
    if not text.strip():
        return []
    return tokenizer()(_to_old_style(text)).split()


@dataclass(frozen=True)
class Analysis:
    tokens: list[str]  # figure tokens, words (and compounds' syllables), concept tokens
    covers: dict[str, tuple[str, ...]]  # concept token -> the words of the text that said it


def analyze_detail(text: str, *, keep_stopwords: bool = False) -> Analysis:
    """Search tokens of a text, and which words each thesaurus concept stands for."""
    figures, rest = figure_tokens(prepare(text))
    raw: list[str] = []
    for tok in segment(rest):
        if _PUNCT.match(tok):
            continue
        tok = fix_tone_placement(tok.strip("_"))
        if tok and not any(c.isdigit() for c in tok):
            raw.append(tok)
    words = []
    for tok in raw:
        if not keep_stopwords and tok in STOPWORDS:
            continue
        words.append(tok)
        if "_" in tok:
            # The syllables of a compound too: pyvi joins "kết_nối" in one sentence and leaves
            # "nối" alone in another; both should meet.
            words.extend(syl for syl in tok.split("_") if syl not in STOPWORDS)
    thesaurus = Thesaurus.default()
    concepts: list[str] = []
    covers: dict[str, tuple[str, ...]] = {}
    for m in thesaurus.matches(raw):
        concepts.append(m.token)
        said = [w for w in raw[m.start : m.end] if w not in STOPWORDS]
        covers[m.token] = tuple(dict.fromkeys([*covers.get(m.token, ()), *said]))
    for tok in figures:
        concept = thesaurus.of_token(tok)
        if concept:
            concepts.append(concept)
            covers.setdefault(concept, ())
    return Analysis(figures + words + concepts, covers)


def analyze(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Search tokens of a text: figure tokens first, then words in the modern tone style, then
    the thesaurus concepts they say."""
    return analyze_detail(text, keep_stopwords=keep_stopwords).tokens


def analyze_many(texts: list[str]) -> list[list[str]]:
    return [analyze(t) for t in texts]
