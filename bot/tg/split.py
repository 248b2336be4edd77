"""Split Telegram HTML into messages under the length limit, never inside a tag or an entity."""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096

# One atom is a whole tag, a whole character reference, or a single character.
_ATOM = re.compile(r"<[^<>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+);|[\s\S]")
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w-]*)")

# Break priorities: a blank line beats a line end beats the end of a sentence beats a space.
_PARAGRAPH, _LINE, _SENTENCE, _SPACE = 4, 3, 2, 1


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _tag(atom: str) -> tuple[bool, str] | None:
    """(is_closing, name) for a tag atom, None for text."""
    if not atom.startswith("<") or len(atom) < 3:
        return None
    m = _TAG.match(atom)
    return (m.group(1) == "/", m.group(2).lower()) if m else None


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _apply(stack: list[tuple[str, str]], atom: str) -> list[tuple[str, str]]:
    tag = _tag(atom)
    if tag is None:
        return stack
    closing, name = tag
    if not closing:
        return [*stack, (name, atom)]
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            return stack[:i] + stack[i + 1 :]
    return stack


def _priority(atoms: list[str], j: int) -> int:
    """How good a place the gap after atoms[j] is for a cut."""
    a = atoms[j]
    if a == "\n":
        return _PARAGRAPH if j > 0 and atoms[j - 1] == "\n" else _LINE
    if a.isspace():
        return _SENTENCE if j > 0 and atoms[j - 1] in ".!?;:…»)" else _SPACE
    return 0


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut well-formed Telegram HTML into pieces of at most `limit` UTF-16 units each.

    Cuts fall on blank lines, then line ends, sentence ends, spaces, and only as a last resort
    between two characters; never inside a tag or a character reference. Tags open at a cut are
    closed at the end of one piece and reopened (with their attributes) at the start of the next.
    """
    text = text.strip()
    if not _visible(text):  # Telegram refuses a message that is empty once tags are removed
        return []
    if utf16_len(text) <= limit:
        return [text]
    atoms = _ATOM.findall(text)
    sizes = [utf16_len(a) for a in atoms]
    pieces: list[str] = []
    stack: list[tuple[str, str]] = []
    i = 0
    n = len(atoms)
    while i < n:
        if not stack:
            while i < n and atoms[i].isspace():
                i += 1
            if i == n:
                break
        prefix = "".join(open_tag for _, open_tag in stack)
        size = utf16_len(prefix)
        st = stack
        best: dict[int, tuple[int, list[tuple[str, str]]]] = {}
        j = i
        while j < n:
            nxt = _apply(st, atoms[j])
            if size + sizes[j] + utf16_len(_closing(nxt)) > limit:
                break
            size += sizes[j]
            st = nxt
            prio = _priority(atoms, j)
            if prio:
                best[prio] = (j + 1, st)
            j += 1
        if j == n:
            cut, cut_stack = n, st
        else:
            cut, cut_stack = j, st
            # A good break point is preferred when it does not waste more than half the room.
            for prio in (_PARAGRAPH, _LINE, _SENTENCE, _SPACE):
                if prio in best and best[prio][0] - i >= (j - i) // 2:
                    cut, cut_stack = best[prio]
                    break
            if cut == i:
                raise ValueError("limit too small for the nesting of tags")
        body = "".join(atoms[i:cut])
        piece = prefix + (body.rstrip() if not cut_stack else body) + _closing(cut_stack)
        if _visible(piece):
            pieces.append(piece)
        stack = cut_stack
        i = cut
    return pieces


def _visible(piece: str) -> bool:
    return bool(re.sub(r"<[^<>]*>", "", piece).strip())
