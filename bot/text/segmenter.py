"""pyvi's word segmentation, with pyvi's own model, loaded without scikit-learn.

pyvi keeps its CRF model as a pickled sklearn_crfsuite estimator, so importing pyvi imports
scikit-learn and SciPy only to unpickle it: about 2 s of every process start (each
`python -m bot ask`, the bot, each worker of the analysis pool), where segmenting a question
takes a millisecond. The estimator only wraps a CRFsuite model file and tags with
python-crfsuite, which pyvi installs. This module reads the model file out of pyvi's pickle
without building the estimator and tags with python-crfsuite directly. The syllable
splitting, the features and the joining rule are pyvi 0.1.1's `ViTokenizer` (MIT licence,
https://github.com/trungtv/pyvi), kept as they are; tests/test_segmenter.py checks that the
output is pyvi's, token for token, on every seed and real article. If pyvi's model file ever
takes another shape, `tokenizer()` falls back to pyvi itself.
"""

from __future__ import annotations

import importlib.util
import logging
import pickle
import re
import string
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# pyvi's syllable pattern, in its order: abbreviations, specials, links, e-mails, numbers with
# separators, other non-word characters, words.
_SYLLABLE = re.compile(
    "("
    + "|".join(
        [
            r"[A-ZĐ]+\.",
            r"Tp\.",
            r"Mr\.",
            r"Mrs\.",
            r"Ms\.",
            r"Dr\.",
            r"ThS\.",
            "==>",
            "->",
            r"\.\.\.",
            ">>",
            "\n",
            r"\w+://[^\s]+",
            r"([a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)",
            r"\d+([\.,_]\d+)+",
            r"[^\w\s]",
            r"\w+",
        ]
    )
    + ")",
    re.UNICODE,
)

# What the pickle may name: the estimator and its file wrapper (read as plain state), and the
# few builtins their state is made of. Anything else means the file is not the one we know.
_STATE_ONLY = {
    ("sklearn_crfsuite.estimator", "CRF"),
    ("sklearn_crfsuite._fileresource", "FileResource"),
    ("pycrfsuite._logparser", "TrainLogParser"),
}
_ALLOWED = {("numpy.core.multiarray", "scalar"), ("numpy", "dtype"), ("_codecs", "encode")}


class _State:
    """Stands in for a pickled object whose state is all we need."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _STATE_ONLY:
            return _State
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in pyvi's model")


class Segmenter:
    """pyvi's `ViTokenizer.tokenize` over pyvi's model, tagged by python-crfsuite."""

    def __init__(self, models: Path) -> None:
        import pycrfsuite

        with (models / "pyvi3.pkl").open("rb") as f:
            crf = _ModelUnpickler(f).load()
        # CRFsuite reads the model in place: the bytes must live as long as the tagger.
        self._model: bytes = crf.modelfile.__FILE_RESOURCE_DATA__
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(self._model)
        self._bi_grams: set[str] = set()
        self._tri_grams: set[str] = set()
        for entry in (models / "words.txt").read_text(encoding="utf-8").split("\n"):
            n = len(entry.split(" "))
            if n == 2:
                self._bi_grams.add(entry)
            elif n == 3:
                self._tri_grams.add(entry)

    def _features(self, sent: list[str], i: int) -> dict[str, object]:
        word = sent[i]
        features: dict[str, object] = {
            "bias": 1.0,
            "word.lower()": word.lower(),
            "word.isupper()": word.isupper(),
            "word.istitle()": word.istitle(),
            "word.isdigit()": word.isdigit(),
        }
        if i > 0:
            word1 = sent[i - 1]
            features.update(
                {
                    "-1:word.lower()": word1.lower(),
                    "-1:word.istitle()": word1.istitle(),
                    "-1:word.isupper()": word1.isupper(),
                    "-1:word.bi_gram()": " ".join([word1, word]).lower() in self._bi_grams,
                }
            )
            if i > 1:
                word2 = sent[i - 2]
                features["-2:word.tri_gram()"] = " ".join([word2, word1, word]).lower() in self._tri_grams
        if i < len(sent) - 1:
            word1 = sent[i + 1]
            features.update(
                {
                    "+1:word.lower()": word1.lower(),
                    "+1:word.istitle()": word1.istitle(),
                    "+1:word.isupper()": word1.isupper(),
                    "+1:word.bi_gram()": " ".join([word, word1]).lower() in self._bi_grams,
                }
            )
            if i < len(sent) - 2:
                word2 = sent[i + 2]
                features["+2:word.tri_gram()"] = " ".join([word, word1, word2]).lower() in self._tri_grams
        return features

    def tokenize(self, text: str) -> str:
        """The text with the syllables of each word joined by "_", as pyvi gives it."""
        syllables = [m[0] for m in _SYLLABLE.findall(unicodedata.normalize("NFC", text))]
        if not syllables:
            return text
        labels = self._tagger.tag([self._features(syllables, i) for i in range(len(syllables))])
        out = syllables[0]
        for i in range(1, len(labels)):
            cur, prev = syllables[i], syllables[i - 1]
            if (
                labels[i] == "I_W"
                and cur not in string.punctuation
                and prev not in string.punctuation
                and not cur[0].isdigit()
                and not prev[0].isdigit()
                and not (cur[0].istitle() and not prev[0].istitle())
            ):
                out += "_" + cur
            else:
                out += " " + cur
        return out


def _pyvi_models() -> Path:
    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyvi is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


@lru_cache(maxsize=1)
def tokenizer() -> Callable[[str], str]:
    """pyvi's tokenize: through `Segmenter` when pyvi's model reads as expected, else pyvi's own."""
    try:
        return Segmenter(_pyvi_models()).tokenize
    except Exception as exc:
        log.warning("pyvi's model could not be read directly (%s); importing pyvi", exc)
        from pyvi import ViTokenizer

        return ViTokenizer.tokenize
