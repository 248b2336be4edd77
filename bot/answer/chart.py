"""A fact table as a chart: a matplotlib PNG (Agg, no display), every bar labelled with its
value as the article writes it, the sources numbered as in the reply.

matplotlib is imported on the first chart only: most questions never need it, and the import
costs half a second.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import texts
from bot.answer.table import FactTable, Row
from bot.search.facts import unit_scale

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.8, 120  # 960 x 576 pixels: sharp on a phone, small to send
CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption
_SCALES = ((1e12, "nghìn tỷ"), (1e9, "tỷ"), (1e6, "triệu"), (1e3, "nghìn"), (1.0, ""))
_BASE_NAMES = {"đồng": "đồng", "usd": "USD", "người": "người", "lượt": "lượt", "%": "%", "ha": "ha"}


@dataclass(frozen=True)
class Chart:
    png: bytes
    width: int  # pixels
    height: int
    title: str
    categories: tuple[str, ...]  # what each bar is: a period, or a place and its period
    labels: tuple[str, ...]  # the value written on each bar
    caption: str  # the sources, numbered as in the reply


def chart_points(table: FactTable) -> tuple[Row, ...]:
    """The rows a chart shows, oldest period first for a series."""
    return table.chart_rows


def _scale(values: list[float], base: str) -> tuple[float, str]:
    """One scale for every bar: "tỷ đồng" for billions of đồng, "triệu lượt" for millions."""
    if base in ("%",):
        return 1.0, "%"
    top = max(abs(x) for x in values) if values else 0.0
    for factor, word in _SCALES:
        if top >= factor * 1.0:
            name = _BASE_NAMES.get(base, base)
            return factor, f"{word} {name}".strip()
    return 1.0, _BASE_NAMES.get(base, base)


def _category(table: FactTable, row: Row) -> str:
    if table.kind == "series":
        return row.period_label
    return f"{row.place}\n({row.period_label})"


def figure_of(table: FactTable) -> Figure | None:
    """The chart's matplotlib Figure (before it is drawn to PNG), None below two points."""
    rows = chart_points(table)
    if len(rows) < 2:
        return None
    from matplotlib.figure import Figure

    factor, unit = _scale([r.base[0] for r in rows], rows[0].base[1])
    units = {r.unit for r in rows}
    if len(units) == 1 and (own := unit_scale(next(iter(units)))) is not None:
        factor, unit = own  # the figures' own unit: "tỷ đồng" on the axis, as on the bars
    heights = [r.base[0] / factor for r in rows]
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax = fig.add_subplot()
    cats = [_category(table, r) for r in rows]
    colours = ["#1f6fb2" if r.status == "actual" else "#9ecae1" for r in rows]
    bars = ax.bar(range(len(rows)), heights, color=colours, edgecolor="#0b3d66", linewidth=0.6)
    for bar, row in zip(bars, rows, strict=True):
        label = f"{row.figure} [{row.ref}]"
        if row.note:
            label += f"\n({row.note})"
        ax.annotate(
            label,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_xticks(range(len(rows)), cats, fontsize=9)
    ax.set_ylabel(unit)
    ax.set_ylim(0, max(heights) * 1.25 if max(heights) > 0 else 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(table.title, fontsize=11)
    fig.text(0.01, 0.01, texts.CHART_FOOTNOTE, fontsize=7, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def draw(table: FactTable) -> Chart | None:
    """The chart as PNG bytes with what it shows, None when there are fewer than two points."""
    fig = figure_of(table)
    if fig is None:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    buf = io.BytesIO()
    canvas.print_png(buf)
    width, height = canvas.get_width_height()
    ax = fig.axes[0]
    labels = tuple(t.get_text() for t in ax.texts)
    categories = tuple(t.get_text() for t in ax.get_xticklabels())
    return Chart(buf.getvalue(), width, height, table.title, categories, labels, caption(table))


def caption(table: FactTable) -> str:
    """The photo's caption: the title and the numbered sources, within Telegram's limit."""
    lines = [table.title]
    for i, q in enumerate(table.quotes, 1):
        lines.append(f"[{i}] {q.source.line()}")
    text = "\n".join(lines)
    if table.notice:
        text += "\n" + table.notice
    if len(text) > CAPTION_LIMIT:
        text = text[: CAPTION_LIMIT - 1].rstrip() + "…"
    return text
