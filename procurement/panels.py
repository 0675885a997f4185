"""What procurement adds to other apps' pages through their extension points (registered in
ProcurementConfig.ready()): the "Works with your systems" panel on listing pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import BUYER_ORGANISATION_TYPES
from catalogue.models import Solution

from .querysets import can_buy_for
from .works_with import OurSystems, works_with_solution


def acting_buyer_organisation(request: HttpRequest):
    """The organisation a signed-in buyer is acting for, or None (anonymous, suppliers, the team)."""
    if not request.user.is_authenticated:
        return None
    organisation = getattr(request, "organisation", None) or None  # a lazy None is still None
    # The organisation type first: it is already loaded, so suppliers' pages cost no query here.
    if organisation is None or organisation.org_type not in BUYER_ORGANISATION_TYPES:
        return None
    return organisation if can_buy_for(request.user, organisation) else None


def works_with_panel(request: HttpRequest, solution: Solution) -> str | None:
    """For a buyer whose organisation recorded its systems: how this listing connects to them."""
    if not solution.is_public:
        return None
    ours = OurSystems.of(acting_buyer_organisation(request))
    if not ours:
        return None
    return render_to_string(
        "procurement/systems/listing_panel.html",
        {"solution": solution, "result": works_with_solution(solution, ours)},
        request=request,
    )
