"""Charts of the hot-topics page as inline SVG drawn on the server (no script, no chart library, no CDN).

Only SVG presentation attributes are used (no ``style``), so the console's strict Content-Security-Policy holds;
every label is escaped text, so category and district names read in Chinese. Each chart carries a ``<title>``
and the page shows the same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
           "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94")  # fmt: skip
"""Series colours (the category order of the taxonomy file)."""

SPIKE = "#c62828"
"""Bars of a spike."""

_FONT = 'font-family="Noto Sans CJK SC,WenQuanYi Micro Hei,system-ui,sans-serif"'


@dataclass(frozen=True, slots=True)
class Series:
    """One stacked series: a name and a value per column."""

    name: str
    """Legend text."""
    values: tuple[int, ...]
    """One value per column."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One horizontal bar."""

    name: str
    """Label left of the bar."""
    value: int
    """Length."""
    flagged: bool = False
    """Drawn in the spike colour, with a marker."""


def _svg(ident: str, title: str, width: int, height: int, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-title" {_FONT} font-size="12">'
        f'<title id="{ident}-title">{escape(title)}</title>{body}</svg>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#1d2733"{extra}>{escape(text)}</text>'


def nice_max(value: int) -> int:
    """Return a round axis maximum at or above ``value`` with four whole ticks (4, 8, 12, 16, 20, 24, 32, 40...)."""
    step = 1
    while True:
        for m in (1, 2, 3, 4, 5, 6, 8):
            if 4 * m * step >= value:
                return 4 * m * step
        step *= 10


def stacked_columns(ident: str, title: str, columns: Sequence[str], series: Sequence[Series],
                    marked: Sequence[bool] = ()) -> str:  # fmt: skip
    """Return stacked columns (one per day) of several series with a legend; ``marked`` columns get a "!"."""
    width, top, left, plot_h = 820, 16, 40, 200
    legend_rows = (len(series) + 3) // 4
    height = top + plot_h + 30 + 20 * legend_rows
    totals = [sum(s.values[i] for s in series) for i in range(len(columns))]
    top_value = nice_max(max(totals, default=0))
    slot = (width - left - 10) / max(1, len(columns))
    parts = []
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dde3ea"/>')
        parts.append(_text(left - 6, y + 4, f"{value:.0f}", "end"))
    for i, column in enumerate(columns):
        x, base = left + slot * i + slot * 0.15, float(top + plot_h)
        for n, s in enumerate(series):
            h = plot_h * s.values[i] / top_value
            if h > 0:
                parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                             f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(f"{column} {s.name}: {s.values[i]}")}'
                             "</title></rect>")  # fmt: skip
                base -= h
        label = column + (" !" if i < len(marked) and marked[i] else "")
        parts.append(_text(x + slot * 0.35, top + plot_h + 16, label, "middle"))
        if totals[i]:
            parts.append(_text(x + slot * 0.35, base - 4, str(totals[i]), "middle"))
    for n, s in enumerate(series):
        lx, ly = left + (n % 4) * 195, top + plot_h + 36 + 20 * (n // 4)
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[n % len(PALETTE)]}"/>')
        parts.append(_text(lx + 17, ly, s.name))
    return _svg(ident, title, width, height, "".join(parts))


def bars(ident: str, title: str, rows: Sequence[Bar]) -> str:
    """Return horizontal bars, largest first as given; flagged bars in the spike colour."""
    width, label_w, row_h = 500, 150, 24
    height = 8 + row_h * max(1, len(rows))
    top_value = nice_max(max((r.value for r in rows), default=0))
    span = width - label_w - 60
    parts = []
    for i, row in enumerate(rows):
        y = 8 + row_h * i
        w = span * row.value / top_value
        colour = SPIKE if row.flagged else PALETTE[0]
        parts.append(_text(label_w - 8, y + 15, row.name, "end"))
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>')
        mark = " ▲" if row.flagged else ""
        parts.append(_text(label_w + w + 6, y + 15, f"{row.value}{mark}", extra=' font-weight="bold"' * row.flagged))
    return _svg(ident, title, width, height, "".join(parts))


def heatmap(ident: str, title: str, rows: Sequence[str], columns: Sequence[str],
            values: Sequence[Sequence[int]]) -> str:  # fmt: skip
    """Return a grid of counts (rows x columns), darker for more; zero cells left blank."""
    cell_w, cell_h, left, top = 46, 26, 130, 100
    width, height = left + cell_w * len(columns) + 70, top + cell_h * len(rows) + 8
    peak = max((v for row in values for v in row), default=0) or 1
    parts = []
    for j, column in enumerate(columns):
        x = left + cell_w * j + cell_w / 2
        parts.append(_text(x, top - 8, column, extra=f' transform="rotate(-45 {x:.1f} {top - 8})"'))
    for i, name in enumerate(rows):
        y = top + cell_h * i
        parts.append(_text(left - 8, y + 17, name, "end"))
        for j, value in enumerate(values[i]):
            x = left + cell_w * j
            shade = 0.08 + 0.85 * value / peak if value else 0.0
            parts.append(f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="#123e6b" '
                         f'fill-opacity="{shade:.2f}" stroke="#dde3ea"/>')  # fmt: skip
            if value:
                ink = "#fff" if shade > 0.5 else "#1d2733"
                parts.append(f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + 17}" text-anchor="middle" '
                             f'fill="{ink}">{value}</text>')  # fmt: skip
    return _svg(ident, title, width, height, "".join(parts))
