"""The facts table: written with each analysis, read back for series and comparisons."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.models import PassageText
from bot.search.facts import Fact, FactRecord
from bot.text.timeframes import Period

CHUNK = 400  # paths per query: SQLite's default limit is 999 parameters


def write_facts(conn: sqlite3.Connection, content_hash: str, facts: Iterable[Fact]) -> None:
    """Replace an analysis's facts (inside the caller's transaction)."""
    conn.execute("DELETE FROM facts WHERE hash = ?", (content_hash,))
    conn.executemany(
        "INSERT INTO facts (hash, seq, indicator, year, months, part, start_year, value, unit, figure,"
        " status, province_wide) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                content_hash,
                f.seq,
                f.indicator,
                f.period.year if f.period else None,
                f.period.months if f.period else None,
                f.period.part if f.period else None,
                f.period.start if f.period else None,
                f.value,
                f.unit,
                f.figure,
                f.status,
                int(f.province_wide),
            )
            for f in facts
        ],
    )


class FactReader:
    """Facts of given articles, read from the database when asked (series and comparisons are
    rare next to plain questions: a connection per read costs less than one held open)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    def __call__(self, paths: Sequence[str], indicators: Iterable[str]) -> list[FactRecord]:
        wanted = sorted(set(indicators))
        if not paths or not wanted:
            return []
        out: list[FactRecord] = []
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            for i in range(0, len(paths), CHUNK):
                part = list(paths[i : i + CHUNK])
                q = (
                    "SELECT a.path, f.seq, f.indicator, f.year, f.months, f.part, f.start_year, f.value,"
                    " f.unit, f.figure, f.status, f.province_wide, p.text, p.before, p.after"
                    " FROM articles a JOIN facts f ON f.hash = a.hash"
                    " JOIN passages p ON p.hash = f.hash AND p.seq = f.seq"
                    f" WHERE a.path IN ({','.join('?' * len(part))})"
                    f" AND f.indicator IN ({','.join('?' * len(wanted))}) ORDER BY a.path, f.seq, f.id"
                )
                out += [_row(r) for r in conn.execute(q, [*part, *wanted])]
        finally:
            conn.close()
        return out


def _row(r: tuple) -> FactRecord:
    (
        path,
        seq,
        indicator,
        year,
        months,
        part,
        start,
        value,
        unit,
        figure,
        status,
        wide,
        text,
        before,
        after,
    ) = r
    period = Period(year, months or 12, part, start) if year is not None else None
    fact = Fact(indicator, period, value, unit, figure, status, seq, bool(wide))
    return FactRecord(fact, path, PassageText(text, before, after))
