"""SVG charts for the report, each with <title> and <desc> (and the same numbers in a table next to it), text
labels on every bar and cell so colour is never the only carrier, and colours with at least 4.5:1 contrast for
text. Pure functions returning SVG text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from django.utils.translation import gettext

INK = "#111111"
BAR = "#1f4e79"  # 8.9:1 on white
GRID = "#767676"
BAND_FILL = {"critical": "#f4b6b6", "high": "#fbd3a5", "medium": "#fff0a8", "low": "#cfe8c7"}


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    maximum: float | None = None,
) -> str:
    """Horizontal bars, one per (label, value), each labelled with its value."""
    label_w, bar_w, row_h = 230, 360, 30
    width, height = label_w + bar_w + 90, 20 + row_h * max(len(bars), 1)
    top = maximum if maximum is not None else max([v for _, v in bars] + [1])
    desc = "; ".join(f"{label}: {_fmt(value)}{unit}" for label, value in bars) or gettext("No data.")
    out = _open(chart_id, width, height, title, desc)
    for n, (label, value) in enumerate(bars):
        y = 10 + n * row_h
        length = 0 if not top else round(bar_w * float(value) / float(top), 1)
        out.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" font-family="sans-serif" font-size="13" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{length}" height="20" fill="{BAR}"/>')
        out.append(
            f'<text x="{label_w + length + 6}" y="{y + 19}" font-family="sans-serif" font-size="13" '
            f'fill="{INK}">{_fmt(value)}{escape(unit)}</text>'
        )
    out.append(
        f'<line x1="{label_w}" y1="8" x2="{label_w}" y2="{height - 8}" stroke="{GRID}" stroke-width="1"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def stacked_chart(
    chart_id: str, title: str, rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[tuple[str, str]]
) -> str:
    """One bar per row, split into series (label, fill); every segment is labelled in the description and the
    legend, and totals are printed at the end of each bar."""
    label_w, bar_w, row_h = 190, 380, 30
    width, height = label_w + bar_w + 80, 50 + row_h * max(len(rows), 1)
    top = max([sum(values) for _, values in rows] + [1])
    parts = []
    for label, values in rows:
        counts = ", ".join(f"{name} {v}" for (name, _), v in zip(series, values, strict=True))
        parts.append(f"{label}: {counts} " + gettext("(total %(n)s)") % {"n": sum(values)})
    out = _open(chart_id, width, height, title, "; ".join(parts) or gettext("No data."))
    for n, (label, values) in enumerate(rows):
        y = 10 + n * row_h
        x = float(label_w)
        out.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" font-family="sans-serif" font-size="13" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        for (name, fill), value in zip(series, values, strict=True):
            length = round(bar_w * value / top, 1)
            if length:
                out.append(
                    f'<rect x="{x}" y="{y + 4}" width="{length}" height="20" fill="{fill}" stroke="#ffffff">'
                    f"<title>{escape(label)}, {escape(name)}: {value}</title></rect>"
                )
            x += length
        out.append(
            f'<text x="{x + 6}" y="{y + 19}" font-family="sans-serif" font-size="13" fill="{INK}">'
            f"{sum(values)}</text>"
        )
    legend_y = height - 22
    x = float(label_w)
    for name, fill in series:
        out.append(f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{fill}"/>')
        out.append(
            f'<text x="{x + 20}" y="{legend_y + 12}" font-family="sans-serif" font-size="13" fill="{INK}">'
            f"{escape(name)}</text>"
        )
        x += 30 + 8 * len(name)
    out.append("</svg>")
    return "\n".join(out)


def heatmap_chart(chart_id: str, title: str, cells: Sequence[Sequence[Mapping[str, Any]]]) -> str:
    """5x5 grid, severity 5 at the top, likelihood 1 at the left; each cell shows its band and count."""
    cell, left, top = 78, 90, 20
    width, height = left + 5 * cell + 20, top + 5 * cell + 60
    placed = [
        gettext("severity %(s)s, likelihood %(l)s: %(n)s (%(band)s)")
        % {"s": c["severity"], "l": c["likelihood"], "n": c["count"], "band": gettext(c["band"])}
        for row in cells
        for c in row
        if c["count"]
    ]
    desc = (
        gettext(
            "Salient issues placed by severity (rows, 5 at the top) and likelihood (columns, 1 at the left)."
        )
        + " "
        + ("; ".join(placed) if placed else gettext("No salient issues recorded."))
    )
    out = _open(chart_id, width, height, title, desc)
    severity = escape(gettext("Severity %(n)s"))
    for r, row in enumerate(cells):
        for c, data in enumerate(row):
            x, y = left + c * cell, top + r * cell
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{BAND_FILL[data["band"]]}" '
                f'stroke="#ffffff" stroke-width="2"/>'
            )
            out.append(
                f'<text x="{x + cell / 2}" y="{y + 34}" text-anchor="middle" font-family="sans-serif" '
                f'font-size="20" font-weight="bold" fill="{INK}">{data["count"] or ""}</text>'
            )
            out.append(
                f'<text x="{x + cell / 2}" y="{y + 56}" text-anchor="middle" font-family="sans-serif" '
                f'font-size="11" fill="{INK}">{escape(gettext(data["band"]))}</text>'
            )
        out.append(
            f'<text x="{left - 8}" y="{top + r * cell + cell / 2 + 5}" text-anchor="end" '
            f'font-family="sans-serif" font-size="13" fill="{INK}">{severity % {"n": row[0]["severity"]}}'
            "</text>"
        )
    for c in range(5):
        out.append(
            f'<text x="{left + c * cell + cell / 2}" y="{top + 5 * cell + 20}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="13" fill="{INK}">{c + 1}</text>'
        )
    out.append(
        f'<text x="{left + 2.5 * cell}" y="{top + 5 * cell + 44}" text-anchor="middle" '
        f'font-family="sans-serif" font-size="13" fill="{INK}">{escape(gettext("Likelihood"))}</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
