"""Unicode clean-up, tone-mark placement, accent folding and abbreviation expansion.

Everything here is pure string work: no pyvi, no I/O.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi controls survive copy-paste from web pages and chats; they split words invisibly.
_INVISIBLE = dict.fromkeys(
    [8203, 8204, 8205, 8288, 65279, 173, 8206, 8207, *list(range(8234, 8239)), *list(range(8294, 8298))]
)
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def clean_unicode(text: str) -> str:
    """NFC, every exotic space to a plain one, invisible and control characters removed."""
    text = text.translate(_INVISIBLE)
    text = _SPACES.sub(" ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NFC last: a zero-width or control character between a letter and its combining mark
    # ("o\u200b\u0302") kept them apart until it was removed.
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


# Old ("hoà", "thuỷ") and new ("hòa", "thủy") tone placement are the same word. The two styles
# differ only in open syllables ending in oa/oe/uy, so only a syllable-final pair is moved.
_TONED = {
    "a": "àáảãạ",
    "e": "èéẻẽẹ",
    "y": "ỳýỷỹỵ",
}
_OLD_TO_NEW: dict[str, str] = {}
for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
    for _i, _marked in enumerate(_TONED[_second]):
        _mark_on_first = unicodedata.normalize("NFC", _first + "\u0300\u0301\u0309\u0303\u0323"[_i])
        _OLD_TO_NEW[_first + _marked] = _mark_on_first + _second
_OLD_STYLE = re.compile(r"(?<![qQ])(" + "|".join(_OLD_TO_NEW) + r")(?![^\W\d_])", re.IGNORECASE)


def fix_tone_placement(text: str) -> str:
    """Move tone marks to the modern position: "hoà" -> "hòa", "Tỉnh uỷ" -> "Tỉnh ủy"."""

    def repl(m: re.Match[str]) -> str:
        old = m.group(1)
        new = _OLD_TO_NEW[old.lower()]
        return new.upper() if old.isupper() else (new[0].upper() + new[1:] if old[0].isupper() else new)

    return _OLD_STYLE.sub(repl, text)


def fold(text: str) -> str:
    """Strip every diacritic: "Kinh Môn đạt" -> "Kinh Mon dat"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def is_folded(word: str) -> bool:
    """True for a word typed without any Vietnamese diacritic."""
    return word.isascii()


def canonical(text: str) -> str:
    """The matching form of a text: clean Unicode, modern tone placement, case-folded."""
    return fix_tone_placement(clean_unicode(text)).casefold()


# Abbreviations of the domain and of chat. Expanded in corpus and question alike, so either
# spelling finds the other. Keys are matched as whole words; the matching is case-insensitive
# unless the key is marked case-sensitive (where a lower-case form is an ordinary word).
_ABBREVIATIONS: list[tuple[str, str, bool]] = [
    # (pattern, expansion, case_sensitive)
    (r"KT\s*-\s*XH", "kinh tế - xã hội", False),
    (r"KT-XH", "kinh tế - xã hội", False),
    (r"CNH\s*-\s*HĐH", "công nghiệp hóa - hiện đại hóa", False),
    (r"ANQP", "an ninh quốc phòng", False),
    (r"QPAN", "quốc phòng an ninh", False),
    (r"QP\s*-\s*AN", "quốc phòng an ninh", False),
    (r"AN\s*-\s*QP", "an ninh quốc phòng", True),
    (r"n?NTM", "nông thôn mới", True),
    (r"ntm", "nông thôn mới", True),
    (r"NSNN|NSSN", "ngân sách nhà nước", False),
    (r"KCN", "khu công nghiệp", False),
    (r"KKT", "khu kinh tế", False),
    (r"CCN", "cụm công nghiệp", False),
    (r"HĐND|HDND", "hội đồng nhân dân", False),
    (r"UBND", "ủy ban nhân dân", False),
    (r"MTTQ", "mặt trận tổ quốc", False),
    (r"BTV", "ban thường vụ", False),
    (r"BCH", "ban chấp hành", False),
    (r"BQL", "ban quản lý", False),
    (r"GPMB", "giải phóng mặt bằng", False),
    (r"TTHC", "thủ tục hành chính", False),
    (r"UVTW|UVTƯ", "ủy viên trung ương", False),
    (r"PBT", "phó bí thư", True),
    (r"PCT", "phó chủ tịch", True),
    (r"[Đđ]/[Cc]", "đồng chí", True),
    (r"TP\.?", "thành phố", True),
    (r"Tp\.?|tp", "thành phố", True),
    (r"TX\.?|Tx|tx", "thị xã", True),
    (r"TT", "thị trấn", True),
    (r"GTSX|gtsx", "giá trị sản xuất", True),
    (r"sx|SX", "sản xuất", True),
    (r"sp|SP", "sản phẩm", True),
    (r"dn|DN", "doanh nghiệp", True),
    (r"đc|dc|đươc", "được", True),
    (r"ko|k0|hok|khg", "không", True),
    (r"bn|bnh|bnhieu", "bao nhiêu", True),
    (r"ntn", "như thế nào", True),
    (r"j", "gì", True),
    (r"ad|admin|bot", "", True),
]
_ABBREV_RE = [
    (re.compile(rf"(?<![\w/])(?:{pat})(?![\w/])", 0 if cs else re.IGNORECASE), exp)
    for pat, exp, cs in _ABBREVIATIONS
]


# All of them in one pattern, one named group each: one scan finds every abbreviation and the
# group says which expansion it takes. Most sentences (and nearly all dictionary words) have none.
_ANY_ABBREV = re.compile(
    r"(?<![\w/])(?:"
    + "|".join(
        f"(?P<a{i}>(?i:{pat}))" if not cs else f"(?P<a{i}>(?:{pat}))"
        for i, (pat, _exp, cs) in enumerate(_ABBREVIATIONS)
    )
    + r")(?![\w/])"
)
_EXPANSION = {f"a{i}": exp for i, (_pat, exp, _cs) in enumerate(_ABBREVIATIONS)}


def _expansion(m: re.Match[str]) -> str:
    return _EXPANSION[m.lastgroup or ""]


def expand_abbreviations(text: str) -> str:
    """Spell out abbreviations: "TX Kỳ Anh" -> "thị xã Kỳ Anh", "KT-XH" -> "kinh tế - xã hội"."""
    if not _ANY_ABBREV.search(text):
        return text
    return _ANY_ABBREV.sub(_expansion, text)
