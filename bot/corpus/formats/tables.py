"""Table rows as lines: one line a row, so that a row of figures is one passage to quote."""

from __future__ import annotations

import re

from bot.text.years import YEAR_HEADING


def _figure(cell: str) -> bool:
    """A cell holding a quantity (a year alone is a column header, not a figure)."""
    return bool(re.search(r"\d", cell)) and not YEAR_HEADING.fullmatch(cell.strip())


def table_lines(rows: list[list[str]]) -> list[str]:
    """Each non-empty row as "a | b | c". When the first row heads the columns (no figure in it,
    figures below), each later cell carries its header: "Thu nhập | Năm 2020: 60,0 | Năm 2023: 92,5"."""
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    header = rows[0]
    headed = (
        len(rows) >= 2
        and width >= 2
        and sum(1 for c in header if c) >= 2
        and not any(_figure(c) for c in header)
        and any(_figure(c) for r in rows[1:] for c in r[1:])
    )
    out = [" | ".join(c for c in header if c)]
    for row in rows[1:]:
        if headed:
            cells = [row[0]] if row and row[0] else []
            for i, cell in enumerate(row[1:], start=1):
                if not cell:
                    continue
                name = header[i] if i < len(header) else ""
                cells.append(f"{name}: {cell}" if name else cell)
            out.append(" | ".join(cells))
        else:
            out.append(" | ".join(c for c in row if c))
    return [line for line in out if line]
