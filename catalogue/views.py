from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .listing_content import ListingContent
from .models import Solution

LIST_PAGE_SIZE = 20
QUERY_MAX_LENGTH = 200


def solution_list(request: HttpRequest) -> HttpResponse:
    """Public listings, optionally narrowed by words in the name, summary or supplier's name.

    A plain first version so the home page's search box leads somewhere: the faceted search (search/)
    replaces the matching, keeping this URL and its `q` parameter.
    """
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    solutions = Solution.objects.published().select_related("supplier__organisation").order_by("name", "pk")
    for word in query.split():
        solutions = solutions.filter(
            Q(name__icontains=word)
            | Q(summary__icontains=word)
            | Q(supplier__organisation__name__icontains=word)
        )
    page = Paginator(solutions, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalogue/solution_list.html", {"query": query, "page": page})


def solution_detail(request: HttpRequest, catalogue_id: str) -> HttpResponse:
    """A solution's public listing: everything the catalogue knows about it.

    Anyone sees a public listing; a supplier also sees its own drafts, the catalogue team all. Anyone
    else gets 404, so a draft's existence is not revealed.
    """
    solution = get_object_or_404(
        Solution.objects.visible_to(request.user).with_facts(), catalogue_id=catalogue_id
    )
    if solution.listing_url:
        # The id URL is permanent; the page lives where the CMS put it.
        return redirect(solution.listing_url)
    return render(
        request,
        "catalogue/solution_detail.html",
        {"solution": solution, "content": ListingContent.from_solution(solution)},
    )
