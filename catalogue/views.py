from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Solution


def solution_detail(request: HttpRequest, catalogue_id: str) -> HttpResponse:
    """A solution's public listing: everything the catalogue knows about it.

    Anyone sees a public listing; a supplier also sees its own drafts, the catalogue team all. Anyone
    else gets 404, so a draft's existence is not revealed.
    """
    solution = get_object_or_404(
        Solution.objects.visible_to(request.user).with_facts(), catalogue_id=catalogue_id
    )
    return render(request, "catalogue/solution_detail.html", {"solution": solution})
