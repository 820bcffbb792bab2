"""Inline SVG bar charts for the report: accessible (role, title, description), no scripts,
no external resources. Pure functions from numbers to markup."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

ROW = 26
LABEL_WIDTH = 260
BAR_WIDTH = 380
NUMBER_WIDTH = 60


def _row_label(text: str, y: float) -> str:
    shown = text if len(text) <= 40 else text[:39] + "…"
    return f'<text x="0" y="{y:.1f}" dominant-baseline="middle">{escape(shown)}</text>'


def _open(chart_id: str, title: str, height: int) -> list[str]:
    """The start of an accessible chart: an image role named by its title."""
    width = LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH
    return [
        f'<svg role="img" aria-labelledby="{chart_id}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]


def bars(chart_id: str, title: str, rows: Sequence[tuple[str, int]]) -> str:
    """One horizontal bar per row, labelled and numbered."""
    top = max((value for _, value in rows), default=0) or 1
    parts = _open(chart_id, title, ROW * len(rows) + 8)
    for n, (label, value) in enumerate(rows):
        y = n * ROW + 4
        length = BAR_WIDTH * value / top
        parts.append(_row_label(label, y + ROW / 2 - 2))
        parts.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
            f'height="{ROW - 8}"><title>{escape(label)}: {value}</title></rect>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + ROW / 2 - 2:.1f}" '
            f'dominant-baseline="middle">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def paired_bars(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, int, int | None]],
    now_label: str,
    before_label: str,
) -> str:
    """Two bars per row: this period, and the previous one (when there was a match)."""
    top = max((max(now, before or 0) for _, now, before in rows), default=0) or 1
    pair = ROW * 2
    parts = _open(chart_id, title, pair * len(rows) + 30)
    parts += [
        f'<rect class="bar" x="{LABEL_WIDTH}" y="2" width="12" height="12"/>'
        f'<text x="{LABEL_WIDTH + 18}" y="12">{escape(now_label)}</text>',
        f'<rect class="prev" x="{LABEL_WIDTH + 160}" y="2" width="12" height="12"/>'
        f'<text x="{LABEL_WIDTH + 178}" y="12">{escape(before_label)}</text>',
    ]
    for n, (label, now, before) in enumerate(rows):
        y = n * pair + 24
        parts.append(_row_label(label, y + ROW - 4))
        for offset, value, css, name in (
            (0, now, "bar", now_label),
            (ROW - 4, before, "prev", before_label),
        ):
            length = BAR_WIDTH * (value or 0) / top
            shown = "–" if value is None else str(value)
            parts.append(
                f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y + offset}" width="{length:.1f}" '
                f'height="{ROW - 8}"><title>{escape(label)}, {escape(name)}: {shown}</title></rect>'
                f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + offset + ROW / 2 - 4:.1f}" '
                f'dominant-baseline="middle">{shown}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
