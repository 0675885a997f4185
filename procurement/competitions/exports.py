"""The competition's results as a PDF (WeasyPrint, from an HTML template), as compare's exports do."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import timezone

from . import results, scoring
from .models import Competition


def results_pdf(competition: Competition, ranked: Sequence[results.Result], *, link: str) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs time every other page can skip

    weights = competition.element_weights()
    html = render_to_string(
        "competitions/results_pdf.html",
        {
            "competition": competition,
            "results": ranked,
            "elements": [(key, label) for key, label in scoring.ELEMENTS.items() if weights[key]],
            "left_out": [row for row in competition.solutions.all() if row.selected is False],
            "recipients": results.recipients_of(competition),
            "link": link,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()
