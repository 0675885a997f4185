"""A shortlist's matching solutions as CSV (for spreadsheets) and PDF (to attach to a business case).

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
are prefixed with a single quote: solution names and summaries are written by suppliers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from catalogue.models import PublicationState, Solution

from .. import saved_searches
from ..csv_cells import safe_cell
from ..models import Shortlist

PENNY = Decimal("0.01")


@dataclass
class Row:
    solution: Solution
    price: Decimal | None

    @property
    def in_remediation(self) -> bool:
        return self.solution.publication_state == PublicationState.IN_REMEDIATION


def matching_rows(shortlist: Shortlist, user) -> tuple[list[Row], int]:
    """Every solution the shortlist matches now (up to MATCH_LIMIT), in its saved order, loaded through
    the permission-aware queryset; and the total the search found."""
    results = saved_searches.run(shortlist.parameters, page_size=saved_searches.MATCH_LIMIT)
    solutions = (
        Solution.objects.visible_to(user)
        .published()
        .select_related("supplier__organisation")
        .prefetch_related("frameworks")
        .in_bulk([hit.solution_id for hit in results.hits])
    )
    rows = [
        Row(solutions[hit.solution_id], None if hit.price is None else hit.price.quantize(PENNY))
        for hit in results.hits
        if hit.solution_id in solutions
    ]
    return rows, results.total


def filename(shortlist: Shortlist, extension: str) -> str:
    name = slugify(shortlist.name)[:50] or shortlist.pk
    return f"shortlist-{name}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_text(shortlist: Shortlist, rows: list[Row], base_url: str) -> str:
    list_size = shortlist.parameters.get("list_size")
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["Solution ID", "Solution", "Supplier", "Frameworks", "Accredited", "In remediation"]
    if list_size:
        header.append(f"First-year price for {int(list_size):,} patients (£)")
    writer.writerow([*header, "Summary", "Link"])
    for row in rows:
        solution = row.solution
        cells = [
            solution.catalogue_id,
            solution.name,
            solution.supplier.name,
            "; ".join(framework.name for framework in solution.frameworks.all()),
            "Yes" if solution.is_accredited else "No",
            "Yes" if row.in_remediation else "No",
        ]
        if list_size:
            cells.append("" if row.price is None else f"{row.price:.2f}")
        cells += [solution.summary, base_url + solution.get_absolute_url()]
        writer.writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()


def pdf_bytes(request: HttpRequest, shortlist: Shortlist, rows: list[Row], total: int) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only the export needs.
    from weasyprint import HTML

    html = render_to_string(
        "procurement/buying/shortlist_pdf.html",
        {
            "shortlist": shortlist,
            "rows": rows,
            "total": total,
            "search": saved_searches.describe(shortlist.parameters),
            "list_size": shortlist.parameters.get("list_size"),
            "generated_at": timezone.localtime(),
        },
        request=request,
    )
    # No base_url: the document has no external resources, so WeasyPrint fetches nothing.
    return HTML(string=html).write_pdf()
