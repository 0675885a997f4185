"""The comparison page and its exports: thin views over compare.build_comparison.

Anyone may compare public listings (the permission-aware queryset decides what each user may see); a
signed-in buyer also gets their organisation's practices in the cost form. Bad parameters get the page
with an error summary and status 400, whichever of the three was asked for.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from .chart import cost_chart_svg
from .compare import Comparison, build_comparison, practices_for
from .exports import comparison_csv, comparison_pdf, export_filename

TEMPLATE = "procurement/compare/compare.html"


def _comparison(request: HttpRequest) -> Comparison:
    # The organisation comes from the session (request.organisation), never from a parameter.
    organisation = getattr(request, "organisation", None) if request.user.is_authenticated else None
    organisation = organisation if organisation else None  # a lazy None is still None
    return build_comparison(
        request.GET,
        user=request.user,
        organisation=organisation,
        practices=practices_for(organisation),
    )


def _link(request: HttpRequest, comparison: Comparison) -> str:
    return request.build_absolute_uri(f"{reverse('procurement:compare')}?{comparison.query_string()}")


def _page(request: HttpRequest, comparison: Comparison) -> HttpResponse:
    query = comparison.query_string()
    context = {
        "comparison": comparison,
        "chart": cost_chart_svg(comparison.costs, comparison.term_months) if comparison.has_costs else "",
        "link": _link(request, comparison),
        "csv_url": f"{reverse('procurement:compare-csv')}?{query}",
        "pdf_url": f"{reverse('procurement:compare-pdf')}?{query}",
    }
    return render(request, TEMPLATE, context, status=400 if comparison.errors else 200)


def compare(request: HttpRequest) -> HttpResponse:
    """/compare/?solution=…&solution=…: 2 to 4 solutions side by side, with estimated costs."""
    return _page(request, _comparison(request))


def compare_csv(request: HttpRequest) -> HttpResponse:
    comparison = _comparison(request)
    if comparison.errors:
        return _page(request, comparison)
    response = HttpResponse(comparison_csv(comparison), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(comparison, "csv")}"'
    return response


def compare_pdf(request: HttpRequest) -> HttpResponse:
    comparison = _comparison(request)
    if comparison.errors:
        return _page(request, comparison)
    response = HttpResponse(
        comparison_pdf(comparison, link=_link(request, comparison)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(comparison, "pdf")}"'
    return response
