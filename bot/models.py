"""Named results shared by the core, the command line and the Telegram layer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """An article as cited to the user."""

    path: str  # relative to the project root
    title: str
    publisher: str | None
    date: str | None  # ISO yyyy-mm-dd
    place: str | None  # town or city the article is about
    province: str | None
    url: str | None = None
    # The page of a paged document (PDF) the quote is on; keyword-only, so that the records that
    # extend this one keep their positional fields.
    page: int | None = field(default=None, kw_only=True)

    def bits(self) -> list[str]:
        """What follows the title in brackets: publisher, date, page."""
        bits = [b for b in (self.publisher, format_date(self.date)) if b]
        if self.page:
            bits.append(f"trang {self.page}")
        return bits

    def line(self) -> str:
        """The plain-text source line: "Title (Publisher, dd/mm/yyyy, trang N)"."""
        bits = self.bits()
        return f"{self.title} ({', '.join(bits)})" if bits else self.title

    def as_json(self) -> dict[str, str | None]:
        return {
            "path": self.path,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "place": self.place,
            "province": self.province,
            "url": self.url,
            "page": self.page,
        }


def format_date(iso: str | None) -> str | None:
    """An ISO date as dd/mm/yyyy; anything else as it is."""
    if not iso or not re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", iso):
        return iso  # not an ISO date (sidecars are checked, but an answer must never fail on it)
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


@dataclass(frozen=True)
class ArticleRec(Source):
    """An indexed article: what a citation shows, and the years its text mentions."""

    years: frozenset[int] = frozenset()
    level: int | None = None  # of its place: 1 province, 2 district level, 3 commune level
    province_2025: str | None = None  # where its place lies since July 2025
    written: int | None = None  # the year it was written in, estimated from its text when undated
    mentioned: tuple[str, ...] = ()  # other units it names prominently, "name|province|kind"

    @property
    def year(self) -> int | None:
        """The year it was written in: its date's, else the estimate (never shown as a date)."""
        return int(self.date[:4]) if self.date else self.written

    def as_json(self) -> dict[str, str | None]:
        """The source's fields, the place at the level the article is about (none for a
        province-level article), and where that lies since July 2025."""
        out = super().as_json()
        if self.level == 1:
            out["place"] = None
        return out | {
            "level": LEVEL_NAMES.get(self.level or 0),
            "province_2025": self.province_2025,
        }


LEVEL_NAMES = {1: "province", 2: "district", 3: "commune"}


@dataclass(frozen=True)
class PassageText:
    """A passage, the sentence it leans on ("Trong đó: ...") and the one it announces."""

    text: str
    before: str | None
    after: str | None
    page: int | None = None  # in a paged document (PDF)

    @property
    def full(self) -> str:
        """What is quoted: the passage with its context."""
        return " ".join(x for x in (self.before, self.text, self.after) if x)


@dataclass(frozen=True)
class Quote:
    """A passage quoted verbatim, with the character spans of the figures it contains."""

    text: str
    figures: tuple[tuple[int, int], ...]
    source: Source
    score: float
    passage_id: int
    label: str | None = None  # the side of a comparison it answers, e.g. "Kinh Môn năm 2020"


@dataclass(frozen=True)
class Answer:
    question: str
    refused: bool
    quotes: tuple[Quote, ...] = ()
    understood: str | None = None  # the question as reinterpreted (diacritics restored), when different
    notice: str | None = None  # refusal text, or a remark shown above the quotes
    has_more: bool = False  # further passages exist for "Xem thêm"

    @property
    def sources(self) -> list[Source]:
        seen: dict[tuple[str, int | None], Source] = {}
        for q in self.quotes:
            seen.setdefault((q.source.path, q.source.page), q.source)
        return list(seen.values())


@dataclass(frozen=True)
class FileProblem:
    path: str
    reason: str  # Vietnamese, shown to admins


@dataclass
class ReloadReport:
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    articles: int = 0
    passages: int = 0
    seconds: float = 0.0
    segmented_passages: int = 0  # passages that went through pyvi this time
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.new or self.changed or self.removed)


@dataclass(frozen=True)
class Coverage:
    """What the corpus covers, for /start and for refusals."""

    articles: int
    passages: int
    places: tuple[str, ...]  # towns, most articles first
    provinces: tuple[str, ...]
    first_date: str | None
    last_date: str | None


@dataclass(frozen=True)
class ArticleInfo:
    """What ingestion detected in an article (shown after an upload)."""

    source: Source
    passages: int
    already: bool = False  # the same file or link was in the corpus: nothing was added


@dataclass(frozen=True)
class Stats:
    questions_24h: int
    questions_7d: int
    refusal_rate_7d: float
    top_questions: list[tuple[str, int]]
    recent_unanswered: list[tuple[str, str]]  # (question, ISO time)
    feedback_up: int
    feedback_down: int
