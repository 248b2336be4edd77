"""The segmenter is pyvi's: the same tokens as `pyvi.ViTokenizer.tokenize` on every line of the
seeds and of the real articles, as written and as the analysis prepares them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from projects import REPO

from bot.text.analyze import prepare
from bot.text.segmenter import Segmenter, _pyvi_models, tokenizer

TEXTS = sorted(REPO.glob("seeds/*.txt")) + sorted((REPO / "tests/data/real/articles").glob("*.txt"))


@pytest.fixture(scope="module")
def pyvi_tokenize():
    from pyvi import ViTokenizer

    return ViTokenizer.tokenize


def lines() -> list[str]:
    out = []
    for p in TEXTS:
        out += [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def test_the_texts_are_there():
    assert len(TEXTS) >= 30
    assert len(lines()) > 300


def test_same_tokens_as_pyvi_on_every_line(pyvi_tokenize):
    seg = Segmenter(_pyvi_models())
    differ = []
    for line in lines():
        for text in (line, prepare(line)):
            if seg.tokenize(text) != pyvi_tokenize(text):
                differ.append(text)
    assert differ == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Mr. Dr. ThS. Tp. HCM ==> -> ... >> a@b.vn http://x.vn/a?b=1",
        "1.234,5 tỷ đồng",
        "\n\n",
        "!!!",
    ],
)
def test_same_output_as_pyvi_at_the_edges(pyvi_tokenize, text):
    assert Segmenter(_pyvi_models()).tokenize(text) == pyvi_tokenize(text)


@pytest.mark.slow
def test_the_bot_segments_without_importing_scikit_learn(pyvi_tokenize):
    """pyvi's own import costs scikit-learn and SciPy, about 2 s of every process start."""
    text = "thu nhập bình quân đầu người thị xã Kinh Môn"
    code = (
        "import sys; from bot.text.segmenter import tokenizer; "
        f"print(tokenizer()({text!r})); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'sklearn_crfsuite'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [pyvi_tokenize(text), "[]"]


def test_an_unexpected_model_file_falls_back_to_pyvi(tmp_path, monkeypatch, pyvi_tokenize):
    """A pickle naming anything but the estimator's own classes is not read."""
    import pickle

    models = tmp_path / "models"
    models.mkdir()
    (models / "pyvi3.pkl").write_bytes(pickle.dumps(Path("x")))
    (models / "words.txt").write_text("", encoding="utf-8")
    with pytest.raises(pickle.UnpicklingError):
        Segmenter(models)
    monkeypatch.setattr("bot.text.segmenter._pyvi_models", lambda: models)
    tokenizer.cache_clear()
    try:
        assert tokenizer() is pyvi_tokenize
    finally:
        tokenizer.cache_clear()
