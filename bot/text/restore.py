"""Restore diacritics of questions typed without them ("thu nhap binh quan" -> "thu nhập bình quân").

A syllable bigram model counted over the corpus itself (so place names and the domain's phrases
win), backed by pyvi's general word list and a few question phrases. Viterbi picks, for every
unaccented syllable, the accented form that best fits its neighbours; syllables the user did
accent are kept as typed.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import os
import re
from collections import ChainMap, Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.text.normalize import clean_unicode, expand_abbreviations, fix_tone_placement, fold
from bot.text.vocabulary import QUESTION_PHRASES as _QUESTION_PHRASES
from bot.text.vocabulary import QUESTION_WEIGHT

_SYLLABLE = re.compile(r"[^\W\d_]+")
_WORDISH = re.compile(r"[^\W_]+|[^\w\s]+|\s+|_")

CORPUS_WEIGHT = 4.0  # a corpus bigram counts more than a dictionary one: it is the domain


def syllables(text: str) -> list[str]:
    return [s.casefold() for s in _SYLLABLE.findall(fix_tone_placement(clean_unicode(text)))]


def count_ngrams(texts: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """Syllable unigram and bigram counts ("a b") of texts, in the modern tone style."""
    uni: Counter[str] = Counter()
    bi: Counter[str] = Counter()
    for text in texts:
        for line in re.split(r"[\n.;:!?()\"“”]+", text):
            syl = syllables(expand_abbreviations(line))
            uni.update(syl)
            bi.update(f"{a} {b}" for a, b in itertools.pairwise(syl))
    return uni, bi


def _dictionary_lines() -> list[str]:
    try:
        import pyvi

        words = Path(pyvi.__file__).with_name("models") / "words.txt"
        return words.read_text(encoding="utf-8").splitlines()
    except (ImportError, OSError):
        return []


def _place_lines() -> list[str]:
    """Place names as people write them, with the word that announces them ("thị xã Buôn Hồ"):
    "tx buon ho" is a town, not "thị xã buồn hộ". Provinces, districts and the communes of 2025."""
    from bot.text.places import Gazetteer

    out = []
    for p in Gazetteer.default().places:
        if p.level <= 2 or p.era == "new":
            out += [p.name, f"{p.kind_word} {p.name}"]
    return out


def _lexicon_key(lines: list[str]) -> str:
    """What the counts depend on: the word list, the question phrases and the code that counts
    (this module and the normaliser), so that a cached copy is never stale."""
    from bot.text import normalize

    h = hashlib.sha256()
    from bot.text import places

    for part in (
        "\n".join(lines),
        _QUESTION_PHRASES,
        places.DATA.read_text(encoding="utf-8"),
        Path(places.__file__).read_text(encoding="utf-8"),
        str(QUESTION_WEIGHT),
        Path(__file__).read_text(encoding="utf-8"),
        Path(normalize.__file__).read_text(encoding="utf-8"),
    ):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:20]


def _count_lexicon(lines: list[str]) -> tuple[Counter[str], Counter[str]]:
    uni, bi = count_ngrams(lines + _place_lines())
    q_uni, q_bi = count_ngrams(_QUESTION_PHRASES.split("\n"))
    uni.update(q_uni)
    # Only the pairs weigh more: "có mấy" beats "có máy", while "vay vốn" still beats "vậy vốn".
    bi.update({k: v * QUESTION_WEIGHT for k, v in q_bi.items()})
    return uni, bi


def _read_cached(path: Path) -> tuple[Counter[str], Counter[str]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        uni, bi = data["unigrams"], data["bigrams"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (isinstance(uni, dict) and isinstance(bi, dict)):
        return None
    if not all(isinstance(v, int) for v in itertools.chain(uni.values(), bi.values())):
        return None
    return Counter(uni), Counter(bi)


def _write_cached(path: Path, uni: Counter[str], bi: Counter[str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"unigrams": uni, "bigrams": bi}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full disk: counted again at the next start, nothing else lost


_COUNTED: dict[str, tuple[Counter[str], Counter[str]]] = {}  # by _lexicon_key, for this process


@functools.cache
def _running_key() -> str:
    """The key of this process's lexicon: its inputs are files of the installed code and data,
    which do not change while it runs, so hashing them once is enough."""
    return _lexicon_key(_dictionary_lines())


def lexicon_counts(cache_dir: Path | None = None) -> tuple[Counter[str], Counter[str]]:
    """pyvi's word list, each entry counted once, and our question phrases, weighted.

    Counting takes 0.3 s. It is done once per process, and with a cache_dir once for all: the
    result is kept there in a file named after everything it depends on. Only the process that
    counts writes the file; one that holds the counts already does not write them again (each
    open or reload would otherwise serialise them anew when the file is missing).
    """
    key = _running_key()
    counts = _COUNTED.get(key)
    if counts is not None:
        return counts
    path = cache_dir / f"lexicon-{key}.json" if cache_dir is not None else None
    counts = _read_cached(path) if path is not None else None
    if counts is None:
        counts = _count_lexicon(_dictionary_lines())
        if path is not None:
            _write_cached(path, *counts)  # missing or damaged
    _COUNTED[key] = counts
    return counts


# Syllables folded once per process: each start and reload groups the corpus's syllables again.
# Bounded by the syllables of the language.
_FOLDED: dict[str, str] = {}

_LEXICON_FORMS: dict[str, dict[str, list[str]]] = {}  # by _lexicon_key, for this process
MAX_FORMS = 8  # accented forms kept per folded syllable


def _by_fold(syllables: Iterable[str]) -> dict[str, list[str]]:
    """Syllables grouped by their folded form, in their order."""
    forms: dict[str, list[str]] = {}
    for syl in syllables:
        key = _FOLDED.get(syl)
        if key is None:
            key = _FOLDED[syl] = fold(syl)
        forms.setdefault(key, []).append(syl)
    return forms


def _ranked(forms: list[str], counts: Mapping[str, float]) -> list[str]:
    """The likeliest forms first, ties in their order."""
    return sorted(forms, key=lambda f: -counts.get(f, 0))[:MAX_FORMS]


class _Counts(Mapping[str, float]):
    """The corpus's counts, weighted, over the dictionary's, read as one table without merging
    them: every start and reload makes a model, and merging 37,000 entries was most of it."""

    def __init__(self, corpus: Mapping[str, int], lexicon: Mapping[str, int]) -> None:
        self.corpus, self.lexicon = corpus, lexicon

    def get(self, key: str, default: float = 0) -> float:  # type: ignore[override]
        c, d = self.corpus.get(key), self.lexicon.get(key)
        if c is None and d is None:
            return default
        return (c or 0) * CORPUS_WEIGHT + (d or 0)

    def __getitem__(self, key: str) -> float:
        if key not in self:
            raise KeyError(key)
        return self.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self.corpus or key in self.lexicon

    def __iter__(self) -> Iterator[str]:
        yield from self.corpus
        yield from (k for k in self.lexicon if k not in self.corpus)

    def __len__(self) -> int:
        return len(self.corpus) + sum(1 for k in self.lexicon if k not in self.corpus)

    def many(self, keys: list[str]) -> list[float]:
        """The counts of several keys (0 when absent), in their order, in one pass."""
        corpus, lexicon = self.corpus.get, self.lexicon.get
        return [corpus(k, 0) * CORPUS_WEIGHT + lexicon(k, 0) for k in keys]


def _smoothed(c_bi: float | None, c_prev: float, c_cur: float, total: float) -> float:
    """log P(cur | prev): the bigram's estimate interpolated with the unigram's (c_bi None: at
    the start)."""
    p_uni = (c_cur + 0.1) / total
    if c_bi is None:
        return math.log(p_uni)
    p_bi = c_bi / c_prev if c_prev else 0.0
    return math.log(0.8 * p_bi + 0.2 * p_uni)


@dataclass
class DiacriticModel:
    unigrams: _Counts = field(default_factory=lambda: _Counts({}, {}))
    bigrams: _Counts = field(default_factory=lambda: _Counts({}, {}))
    _candidates: Mapping[str, list[str]] = field(default_factory=dict, repr=False)
    _total: float = 0.0

    @classmethod
    def from_counts(
        cls, unigrams: Counter[str], bigrams: Counter[str], *, cache_dir: Path | None = None
    ) -> DiacriticModel:
        lex_uni, lex_bi = lexicon_counts(cache_dir)
        key = _running_key()
        lex_forms = _LEXICON_FORMS.get(key)
        if lex_forms is None:
            lex_forms = _LEXICON_FORMS[key] = {k: _ranked(v, lex_uni) for k, v in _by_fold(lex_uni).items()}
        model = cls(_Counts(unigrams, lex_uni), _Counts(bigrams, lex_bi))
        # Only the corpus's syllables need their forms ranked again: a dictionary form beyond
        # the dictionary's own first eight is beaten by those eight here too.
        merged: dict[str, list[str]] = {}
        for fkey, found in _by_fold(unigrams).items():
            extra = [f for f in lex_forms.get(fkey, ()) if f not in found]
            merged[fkey] = _ranked(found + extra, model.unigrams)
        model._candidates = ChainMap(merged, lex_forms)
        total = sum(unigrams.values()) * CORPUS_WEIGHT + sum(lex_uni.values())
        model._total = float(total) or 1.0
        return model

    def _logp(self, prev: str | None, cur: str) -> float:
        if prev is None:
            return _smoothed(None, 0, self.unigrams.get(cur, 0), self._total)
        c_bi = self.bigrams.get(f"{prev} {cur}", 0)
        return _smoothed(c_bi, self.unigrams.get(prev, 0), self.unigrams.get(cur, 0), self._total)

    def _options(self, word: str) -> list[str]:
        low = word.casefold()
        if not low.isascii():
            return [fix_tone_placement(low)]
        forms = list(self._candidates.get(low, []))
        if low not in forms:
            forms.append(low)
        return forms

    def _viterbi(self, words: list[str]) -> list[str]:
        options = [self._options(w) for w in words]
        # Counts are read in one pass per step, not one call per pair: the tables are two layers
        # deep, and decoding reads a few hundred pairs per question.
        keys = list({o for opts in options for o in opts})
        uni = dict(zip(keys, self.unigrams.many(keys), strict=True))
        best = {o: (_smoothed(None, 0, uni[o], self._total), [o]) for o in options[0]}
        for opts in options[1:]:
            prevs = list(best.items())
            pairs = iter(self.bigrams.many([f"{prev} {o}" for o in opts for prev, _ in prevs]))
            nxt: dict[str, tuple[float, list[str]]] = {}
            for o in opts:
                top_score, top_path = -math.inf, prevs[0][1][1]
                for prev, (score, path) in prevs:
                    value = score + _smoothed(next(pairs), uni[prev], uni[o], self._total)
                    if value > top_score:  # the first of equals, as max() keeps
                        top_score, top_path = value, path
                nxt[o] = (top_score, [*top_path, o])
            best = nxt
        return max(best.values(), key=lambda t: t[0])[1]

    def restore(self, text: str) -> str:
        """The text with diacritics put back on unaccented syllables; all else as typed."""
        pieces = _WORDISH.findall(clean_unicode(text))
        runs: list[list[int]] = [[]]
        for i, piece in enumerate(pieces):
            if _SYLLABLE.fullmatch(piece):
                runs[-1].append(i)
            elif not piece.isspace():
                runs.append([])
        out = list(pieces)
        for run in runs:
            if not run or all(not pieces[i].isascii() for i in run):
                continue
            chosen = self._viterbi([pieces[i] for i in run])
            for i, form in zip(run, chosen, strict=True):
                typed = pieces[i]
                if not typed.isascii() or fold(form) != typed.casefold():
                    continue
                if typed.isupper() and len(typed) > 1:
                    form = form.upper()
                elif typed[:1].isupper():
                    form = form[:1].upper() + form[1:]
                out[i] = form
        return "".join(out)

    # For the "did you mean" buttons (bot/answer/clarify.py): how sure a restored syllable is.

    def forms(self, word: str) -> list[str]:
        """The accented forms a syllable typed without marks may stand for, likeliest first."""
        return self._options(word)

    def pair_logp(self, prev: str | None, cur: str) -> float:
        """The model's log-probability of a syllable after another (None: at the start)."""
        return self._logp(prev, cur)
