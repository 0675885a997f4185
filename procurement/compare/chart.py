"""The cost chart: each solution's estimated cost over the whole term as a horizontal bar, drawn on the
server as SVG (no JavaScript). It is an image with a <title> and a <desc> that gives the figures in
words; the page shows the same figures in a table, its accessible alternative."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from catalogue.pricing import format_money

from .costs import SolutionCost

WIDTH = 640
LABEL_WIDTH = 200  # solution names, left of the bars
VALUE_WIDTH = 110  # the amount, right of each bar
BAR_HEIGHT, GAP, TOP = 28, 16, 8
# NHS.UK colours: text, blue, grey for "no estimate".
TEXT, BAR = "#212b32", "#005eb8"


def _short(name: str, limit: int = 26) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def cost_chart_svg(costs: Sequence[SolutionCost], term_months: int) -> SafeString:
    """Bars of the whole-term cost, longest = the dearest; a solution with no estimate has no bar and
    says so."""
    if not costs:
        return SafeString("")
    totals = [cost.total for cost in costs if cost.total is not None]
    top = max(totals, default=Decimal(0)) or Decimal(1)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + len(costs) * (BAR_HEIGHT + GAP)
    words = "; ".join(
        f"{cost.solution.name}: {format_money(cost.total)}"
        if cost.total is not None
        else f"{cost.solution.name}: no estimate"
        for cost in costs
    )
    rows = []
    for index, cost in enumerate(costs):
        y = TOP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        if cost.total is None:
            rows.append(
                (LABEL_WIDTH - 8, middle, _short(cost.solution.name), "", LABEL_WIDTH, middle, "No estimate")
            )
            continue
        length = float(cost.total / top) * span
        rows.append(
            (
                LABEL_WIDTH - 8,
                middle,
                _short(cost.solution.name),
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    LABEL_WIDTH,
                    y,
                    f"{max(length, 1):.1f}",
                    BAR_HEIGHT,
                    BAR,
                ),
                f"{LABEL_WIDTH + max(length, 1) + 6:.1f}",
                middle,
                format_money(cost.total),
            )
        )
    body = format_html_join(
        "\n",
        '<text x="{}" y="{}" text-anchor="end">{}</text>{}<text x="{}" y="{}">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-labelledby="cost-chart-title cost-chart-desc" font-family="Arial, '
        'sans-serif" font-size="14" fill="{text}">'
        '<title id="cost-chart-title">Estimated cost over {term} months</title>'
        '<desc id="cost-chart-desc">{words}</desc>{body}</svg>',
        w=WIDTH,
        h=height,
        text=TEXT,
        term=term_months,
        words=words,
        body=body,
    )
