from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .listing_content import ListingContent
from .models import Solution


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
