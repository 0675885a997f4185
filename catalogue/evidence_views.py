"""The public evidence behind conformance: one harness report, what it said and about which solutions.

Listing pages link every result they show to its report here (filtered to the solution). Anyone may
look, without signing in; results about solutions the viewer may not see (drafts, suspended or
unpublished listings, for the public) are left out, as `Solution.objects.visible_to` decides.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import ConformanceReport, Solution

RESULTS_PAGE_SIZE = 200
SOLUTION_FILTER_MAX_LENGTH = 40


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: where it came from, when, its counts and warnings, and its results as a table
    (`?solution=<catalogue id>` for one solution's only), 200 to a page."""
    report = get_object_or_404(ConformanceReport, pk=pk)
    solution_code = request.GET.get("solution", "").strip()[:SOLUTION_FILTER_MAX_LENGTH]

    visible = Solution.objects.visible_to(request.user)
    # Results naming an id the catalogue did not know belong to no listing; their ids are in the
    # report's warnings anyway.
    results = report.results.filter(Q(solution__in=visible.values("pk")) | Q(solution=None)).select_related(
        "solution"
    )
    solution = None
    if solution_code:
        solution = visible.filter(catalogue_id=solution_code).first()
        results = results.filter(
            Q(solution__catalogue_id=solution_code) | Q(solution=None, solution_code=solution_code)
        )
    page = Paginator(results.order_by("pk"), RESULTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/report_detail.html",
        {
            "report": report,
            "warnings": list(report.warnings.all()),
            "page": page,
            "solution_code": solution_code,
            "solution": solution,
        },
    )
