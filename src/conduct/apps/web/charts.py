"""Charts for the dashboard: pygal draws them as SVG on the server (no script, nothing fetched from a CDN),
inlined in the page. Every chart comes with its numbers as a table, the text alternative screen readers and
people who would rather read get (pygal's SVG carries the title; the table carries the values).

Why pygal: it is a maintained Python library that writes standalone SVG, so the charts work with the strict
Content-Security-Policy (no script), in the PDF report and without JavaScript; see docs/web-interface.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    import pygal

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
# The outcome colours the pages use for their badges (allow, review, deny), then neutral ones.
PALETTE = ("#1a7f37", "#9a6700", "#b3261e", "#0b5394", "#6e7781", "#8250df", "#bc4c00")


@functools.cache
def _pygal() -> ModuleType:
    """pygal, imported with the first chart drawn: a page that draws none (and every CLI call that links
    to a page, which loads the pages' URL map) does without its 0.1-0.2 s import."""
    import pygal

    return pygal


@functools.cache
def _style() -> pygal.style.Style:
    from pygal.style import Style

    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#1f2328",
        foreground_strong="#1f2328",
        foreground_subtle="#57606a",
        colors=PALETTE,
        font_family="system-ui, sans-serif",
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=12,
        title_font_size=14,
        value_font_size=10,
    )


@dataclass
class Chart:
    """One chart: its title, a sentence saying what it shows, the SVG, and the same numbers as a table."""

    key: str
    title: str
    summary: str
    svg: SafeString
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _config(title: str, *, stacked: bool = False, horizontal: bool = False) -> pygal.Config:
    config = _pygal().Config()
    config.title = title
    config.style = _style()
    config.js = []  # no script: pygal's tooltips would load from a CDN
    config.disable_xml_declaration = True
    config.width, config.height = 640, 300
    config.legend_at_bottom = True
    config.legend_at_bottom_columns = 4
    config.x_label_rotation = 0 if horizontal else 30
    config.show_minor_x_labels = True
    config.print_values = False
    config.margin = 8
    config.min_scale = 3
    config.max_scale = 8
    config.stack_from_top = stacked
    return config


def _svg(chart: pygal.graph.graph.Graph, title: str) -> SafeString:
    """The chart's SVG, marked as an image named by its title (the table below it holds the numbers)."""
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))  # pygal's config script: nothing here reads it
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" focusable="false" ', 1)
    return mark_safe(svg)  # noqa: S308 - pygal escapes the titles and labels it draws; numbers are ours


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def bars(
    key: str,
    title: str,
    summary: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    stacked: bool = False,
    horizontal: bool = False,
) -> Chart:
    """Bars over `labels`, one series per (name, values); stacked or side by side."""
    pygal = _pygal()
    kind = (
        (pygal.HorizontalStackedBar if horizontal else pygal.StackedBar)
        if stacked
        else (pygal.HorizontalBar if horizontal else pygal.Bar)
    )
    chart = kind(_config(title, stacked=stacked, horizontal=horizontal))
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return Chart(key, title, summary, _svg(chart, title), *_table(labels, series))


def lines(
    key: str,
    title: str,
    summary: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
) -> Chart:
    """One line per series over `labels` (weeks, months)."""
    chart = _pygal().Line(_config(title))
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return Chart(key, title, summary, _svg(chart, title), *_table(labels, series))


def _table(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> tuple[list[str], list[list[str]]]:
    columns = ["", *[name for name, _ in series]]
    rows = [[label, *[_number(values[i]) for _, values in series]] for i, label in enumerate(labels)]
    return columns, rows


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"
