"""Sentence-level passages that remember their paragraph, so a quote can bring its context."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.vocabulary import DOTTED_ABBREVIATIONS

MAX_PASSAGE = 420  # longer sentences are cut at semicolons: a quote must fit a phone screen
MIN_PIECE = 60

# After one of these, a sentence ends, if the next one starts like a sentence.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+|(?<=\./\.)\s+")
# Openers that lean on the sentence before them.
LEANS_BACK = re.compile(
    r"^(?:trong đó|theo đó|đó là|cụ thể|ngoài ra|bên cạnh đó|tuy nhiên|do đó|vì thế|vì vậy|từ đó|cùng với đó"
    r"|đồng thời|song song với đó|với|riêng|gồm|như vậy|nhất là|đặc biệt là|trước hết)\b",
    re.IGNORECASE,
)
# A sentence that announces what follows.
LEANS_FORWARD = re.compile(
    r"(?::|\bsau|\bnhư sau|\bgồm)\s*$|\bcó\s+\d+\s+[^.]*?(?:là|gồm)?\s*[.:]?$", re.IGNORECASE
)


@dataclass(frozen=True)
class Passage:
    seq: int  # position in the article
    paragraph: int
    text: str
    page: int | None = None  # in a paged document (PDF): the page the passage starts on


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph; "TP. Hồ Chí Minh" or an initial does not end one."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        nxt = paragraph[m.end() : m.end() + 1]
        # Only the end of the piece: a long paragraph cut nowhere would be searched again and again.
        word = re.search(r"(\S+)\.[\"”’»)]*\s*$", paragraph[max(start, m.end() - 120) : m.end()])
        if word and (word.group(1) in DOTTED_ABBREVIATIONS or re.fullmatch(r"[A-ZĐ]", word.group(1))):
            continue
        if nxt and (nxt.isupper() or nxt.isdigit() or nxt in '"“‘(«'):
            piece = paragraph[start : m.end()].strip()
            if piece:
                out.append(piece)
            start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def _cut_long(sentence: str) -> list[str]:
    if len(sentence) <= MAX_PASSAGE:
        return [sentence]
    parts = [p.strip() for p in re.split(r"(?<=;)\s+", sentence) if p.strip()]
    out: list[str] = []
    for p in parts:
        if out and (len(out[-1]) < MIN_PIECE or len(p) < MIN_PIECE) and len(out[-1]) + len(p) < MAX_PASSAGE:
            out[-1] = out[-1] + " " + p
        else:
            out.extend(_cut_run_on(p))
    return out


def _cut_run_on(text: str) -> list[str]:
    """A piece still too long (a line with no sentence end, a table flattened into one line): cut
    at the last comma, else space, before MAX_PASSAGE. Besides fitting a screen, this bounds what
    one call to the word segmenter gets: a 2 MB line without a full stop took pyvi 1.1 GB."""
    if len(text) <= MAX_PASSAGE:
        return [text]
    out: list[str] = []
    pos = 0
    while len(text) - pos > MAX_PASSAGE:
        window = text[pos : pos + MAX_PASSAGE]
        cut = window.rfind(", ")
        if cut < MIN_PIECE:
            cut = window.rfind(" ")
        end = pos + cut + 1 if cut >= MIN_PIECE else pos + MAX_PASSAGE
        piece = text[pos:end].strip()
        if piece:
            out.append(piece)
        pos = end
    tail = text[pos:].strip()
    if tail:
        out.append(tail)
    return out


def make_passages(paragraphs: list[str]) -> list[Passage]:
    passages: list[Passage] = []
    for pi, para in enumerate(paragraphs):
        for sentence in split_sentences(para):
            for piece in _cut_long(sentence):
                passages.append(Passage(len(passages), pi, piece))
    return passages
