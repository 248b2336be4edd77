"""The one analysis used for corpus passages and questions alike.

clean Unicode -> expand abbreviations -> lift figures out as tokens -> lower-case ->
pyvi word segmentation -> modern tone placement -> drop punctuation and stopwords.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.text.figures import figure_tokens
from bot.text.normalize import clean_unicode, expand_abbreviations, fix_tone_placement

# Function words and question words: they carry no topic, and questions are full of them.
STOPWORDS = frozenset(
    """
    à ạ à_ơi ai anh ấy bao_giờ bao_lâu bao_nhiêu bạn bị bởi cả các cái cần cho chứ chưa có_phải chị
    chúng_ta cùng của cũng đã đang đây để đến_nỗi đều điều do đó được gì hay hãy hả hết hơn khi
    không_biết là lại làm_sao lên mà mấy mình nào này nên nếu ngoài nhé nhỉ như như_thế_nào nhưng
    những nơi nữa ở ơi ra_sao rằng rồi sao sau sẽ so tại thế thế_nào thì thôi trên trong từ tới và
    vào vậy vẫn về vì với vừa xin đâu ư ừ nha nhá ko k thưa cho_hỏi hỏi muốn_biết biết cho_biết
    xin_hỏi em tôi ad vui_lòng giúp giùm dùm các_bạn bác cô chú ông bà thế_nào_vậy là_gì là_ai
    là_bao_nhiêu có_những có_bao_nhiêu kể liệt_kê nêu một những_gì thì_sao ra_làm_sao đấy kìa vâng
    dạ như_nào sao_vậy làm còn ra có phải rõ xem cây chiếc
    """.split()
)

_PUNCT = re.compile(r"^[\W_]+$")


def _to_old_style(text: str) -> str:
    # pyvi's dictionary (models/words.txt) spells "thuỷ", "hoà": feed it that style so its
    # compound features fire; tokens are moved back to the modern style afterwards.
    return _MODERN_OPEN.sub(lambda m: _NEW_TO_OLD[m.group(1)], text)


_NEW_TO_OLD: dict[str, str] = {}
for _old in ("oà", "oá", "oả", "oã", "oạ", "oè", "oé", "oẻ", "oẽ", "oẹ", "uỳ", "uý", "uỷ", "uỹ", "uỵ"):
    _NEW_TO_OLD[fix_tone_placement(_old)] = _old
_MODERN_OPEN = re.compile(r"(?<!q)(" + "|".join(_NEW_TO_OLD) + r")(?![^\W\d_])")


@lru_cache(maxsize=1)
def _tokenizer():
    from pyvi import ViTokenizer  # imported lazily: 1.1 s, and only indexing and asking need it

    return ViTokenizer


def prepare(text: str) -> str:
    """The question or passage as pyvi sees it, before figures are lifted out."""
    return expand_abbreviations(clean_unicode(text)).casefold()


def segment(text: str) -> list[str]:
    """pyvi word segmentation of an already prepared text; compounds are joined with "_"."""
    if not text.strip():
        return []
    return _tokenizer().tokenize(_to_old_style(text)).split()


def analyze(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Search tokens of a text: figure tokens first, then words, in the modern tone style."""
    figures, rest = figure_tokens(prepare(text))
    words = []
    for tok in segment(rest):
        if _PUNCT.match(tok):
            continue
        tok = fix_tone_placement(tok.strip("_"))
        if not tok or any(c.isdigit() for c in tok):
            continue
        if not keep_stopwords and tok in STOPWORDS:
            continue
        words.append(tok)
        if "_" in tok:
            # The syllables of a compound too: pyvi joins "kết_nối" in one sentence and leaves
            # "nối" alone in another; both should meet.
            words.extend(syl for syl in tok.split("_") if syl not in STOPWORDS)
    return figures + words


def analyze_many(texts: list[str]) -> list[list[str]]:
    return [analyze(t) for t in texts]
