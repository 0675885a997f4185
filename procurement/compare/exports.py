"""The comparison as a CSV file and as a PDF (WeasyPrint, from an HTML template).

CSV cells are made safe against formula injection: a spreadsheet runs a cell that starts with = + - @
(or a tab or carriage return before one), so such a cell gets a leading single quote and is shown as
text. Suppliers write names and descriptions, so every cell is treated this way, not only ours.
"""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string
from django.utils.text import slugify

from catalogue.pricing import format_money

from ..csv_cells import safe_cell
from .chart import cost_chart_svg
from .compare import Cell, Comparison, Line, Row, Section


def _money(amount) -> Cell:
    return Cell([Line(format_money(amount))]) if amount is not None else Cell([Line("No estimate")])


def cost_section(comparison: Comparison) -> Section | None:
    """The estimated costs as rows, for the exports (the page lays them out itself)."""
    if not comparison.costs:
        return None
    costs = comparison.costs
    recipients = ", ".join(
        f"{r.name} ({r.code}): {r.list_size:,}" if r.code else f"{r.name}: {r.list_size:,}"
        for r in comparison.recipients
    )
    return Section(
        "costs",
        "Estimated cost",
        [
            Row("price_used", "Price used", [Cell([Line(c.price_text)]) for c in costs]),
            Row("basis", "How it is worked out", [Cell([Line(c.explanation)]) for c in costs]),
            Row("one_off", "One-off", [_money(c.one_off) for c in costs]),
            Row("per_year", "Per year", [_money(c.per_year) for c in costs]),
            Row("total", f"Whole term ({comparison.term_months} months)", [_money(c.total) for c in costs]),
        ],
        note=f"Service recipients: {recipients or 'none'}.",
    )


def all_sections(comparison: Comparison) -> list[Section]:
    costs = cost_section(comparison)
    return [*comparison.sections, *([costs] if costs else [])]


def comparison_csv(comparison: Comparison) -> str:
    """Columns: Section, Row, then one per solution (its name and ID)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            safe_cell(v)
            for v in ["Section", "Row", *(f"{s.name} ({s.catalogue_id})" for s in comparison.solutions)]
        ]
    )
    for section in all_sections(comparison):
        for row in section.rows:
            writer.writerow(
                [safe_cell(section.title), safe_cell(row.label), *(safe_cell(c.as_text()) for c in row.cells)]
            )
    if comparison.costs:
        writer.writerow([])
        writer.writerow([safe_cell(v) for v in ["Service recipient", "ODS code", "List size"]])
        for recipient in comparison.recipients:
            writer.writerow([safe_cell(recipient.name), safe_cell(recipient.code), recipient.list_size])
    return out.getvalue()


def export_filename(comparison: Comparison, extension: str) -> str:
    return f"comparison-{slugify('-'.join(comparison.solution_ids))[:80]}.{extension}"


def comparison_pdf(comparison: Comparison, *, link: str) -> bytes:
    """The comparison and its costs as a PDF, laid out by WeasyPrint from an HTML template."""
    from weasyprint import HTML  # imported here: loading pango costs time every other page can skip

    html = render_to_string(
        "procurement/compare/comparison_pdf.html",
        {
            "comparison": comparison,
            "sections": all_sections(comparison),
            "chart": cost_chart_svg(comparison.costs, comparison.term_months) if comparison.has_costs else "",
            "link": link,
        },
    )
    return HTML(string=html).write_pdf()
