"""A small server-rendered SVG line chart (no chart library yet: issue 22 brings one). The values are
numbers the app computed; labels are escaped."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 560, 160, 28


def line_svg(points: list[tuple[str, float]], *, title: str, top: float | None = None) -> SafeString:
    """One line over the points (label, value), y from 0 to `top` (or the largest value)."""
    if not points:
        return mark_safe("")  # noqa: S308 - empty
    high = top if top is not None else max(v for _, v in points) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    xy = [
        (PAD + i * step, HEIGHT - PAD - (min(v, high) / high) * (HEIGHT - 2 * PAD))
        for i, (_, v) in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(label)}: {value:g}</title></circle>'
        for (x, y), (label, value) in zip(xy, points, strict=True)
    )
    svg = (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" class="chart"><title>{escape(title)}</title>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="currentColor"/>'
        f'<text x="2" y="{PAD}" font-size="10">{high:g}</text>'
        f'<text x="2" y="{HEIGHT - PAD}" font-size="10">0</text>'
        f'<polyline fill="none" stroke="currentColor" stroke-width="2" points="{path}"/>{dots}'
        f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="10">{escape(points[0][0])}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="10" text-anchor="end">'
        f"{escape(points[-1][0])}</text>"
        "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - built from escaped labels and computed numbers
