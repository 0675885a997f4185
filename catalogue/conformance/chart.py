"""The pass-rate chart: a solution's pass rate report by report, as an SVG drawn on the server.

No JavaScript and no charting library: a line over evenly spaced reports (oldest on the left, newest on
the right, whatever their dates, so many reports on one day stay readable), with a dot per report, the
y axis in per cent, and dates under the x axis spaced so they never overlap however many reports there
are. The SVG is an image with a <title> and a <desc> that sums it up in words; the page puts the
figures in a table too, as its text alternative (catalogue/templates/catalogue/includes/conformance.html).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from .display import Run

WIDTH, HEIGHT = 600, 280
LEFT, RIGHT, TOP, BOTTOM = 72, 44, 16, 64  # margins: room for the axes' labels
MIN_LABEL_SPACING = 100  # between the centres of two dates under the x axis
# NHS.UK colours: text, borders, blue.
TEXT, GRID, LINE = "#212b32", "#d8dde0", "#005eb8"


def _date(run: Run, format_string: str = "j M Y") -> str:
    return date_format(localtime(run.date), format_string)


def _percent(value: float) -> str:
    return f"{value:.0f}%" if value == round(value) else f"{value:.1f}%"


def label_indexes(
    count: int, width: float = WIDTH - LEFT - RIGHT, spacing: float = MIN_LABEL_SPACING
) -> list[int]:
    """Which of `count` evenly spaced reports get a date under the x axis: every k-th from the first,
    k the fewest reports that keeps the dates `spacing` apart across `width`, and always the newest
    (instead of the one before it when they would be too close)."""
    if count <= 1:
        return list(range(count))
    step = max(1, math.ceil(spacing * (count - 1) / width))
    indexes = list(range(0, count, step))
    if indexes[-1] != count - 1:
        if (count - 1 - indexes[-1]) * width / (count - 1) < spacing and len(indexes) > 1:
            indexes.pop()
        indexes.append(count - 1)
    return indexes


def summary(runs: Sequence[Run], subject: str) -> str:
    """The chart in words, for its <desc>."""
    if not runs:
        return f"No test results yet for {subject}."
    first, latest = runs[0], runs[-1]
    rates = [run.pass_rate for run in runs]
    if len(runs) == 1:
        return (
            f"One report, on {_date(latest, 'j F Y')}: {_percent(latest.pass_rate)} of {subject}'s "
            f"results passed ({latest.passed} passed, {latest.failed} failed)."
        )
    return (
        f"{len(runs)} reports from {_date(first, 'j F Y')} to {_date(latest, 'j F Y')}. "
        f"In the latest, {_percent(latest.pass_rate)} of {subject}'s results passed "
        f"({latest.passed} passed, {latest.failed} failed); in the first, {_percent(first.pass_rate)}. "
        f"Lowest {_percent(min(rates))}, highest {_percent(max(rates))}."
    )


def _n(value: float) -> str:
    """A coordinate, to one decimal place."""
    return f"{value:.1f}"


def pass_rate_svg(runs: Sequence[Run], subject: str, id_prefix: str = "pass-rate-chart") -> SafeString:
    """The chart of `runs` (oldest first) as inline SVG, empty when there are none. `subject` names the
    solution in the title and summary; `id_prefix` makes the ids of the title and description unique on
    the page."""
    if not runs:
        return SafeString("")
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_height

    def x(index: int) -> str:
        if len(runs) == 1:
            return _n(LEFT + plot_width / 2)
        return _n(LEFT + plot_width * index / (len(runs) - 1))

    def y(rate: float) -> str:
        return _n(bottom - plot_height * rate / 100)

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}%</text>',
        (
            (LEFT, y(rate), LEFT + plot_width, y(rate), GRID if rate else TEXT, LEFT - 8, y(rate), rate)
            for rate in (0, 25, 50, 75, 100)
        ),
    )
    x_labels = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (x(i), bottom, x(i), bottom + 6, TEXT, x(i), bottom + 22, _date(runs[i]))
            for i in label_indexes(len(runs))
        ),
    )
    radius = "4" if len(runs) <= 40 else "2.5"
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="{}" fill="{}"/>',
        ((x(i), y(run.pass_rate), radius, LINE) for i, run in enumerate(runs)),
    )
    line = (
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
            " ".join(f"{x(i)},{y(run.pass_rate)}" for i, run in enumerate(runs)),
            LINE,
        )
        if len(runs) > 1
        else ""
    )
    middle = _n(TOP + plot_height / 2)
    return format_html(
        '<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        'role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc" focusable="false">'
        '<title id="{id}-title">Pass rate of {subject} by report, oldest to newest</title>'
        '<desc id="{id}-desc">{summary}</desc>'
        '<g font-family="Frutiger W01, Arial, sans-serif" font-size="14" fill="{text}">'
        "{grid}{x_labels}"
        '<text x="16" y="{middle}" text-anchor="middle" transform="rotate(-90 16 {middle})">Pass rate</text>'
        '<text x="{centre}" y="{axis_title_y}" text-anchor="middle">Reports, oldest to newest</text>'
        "</g>{line}{dots}</svg>",
        width=WIDTH,
        height=HEIGHT,
        id=id_prefix,
        subject=subject,
        summary=summary(runs, subject),
        text=TEXT,
        grid=grid,
        x_labels=x_labels,
        middle=middle,
        centre=_n(LEFT + plot_width / 2),
        axis_title_y=HEIGHT - 12,
        line=line,
        dots=dots,
    )
