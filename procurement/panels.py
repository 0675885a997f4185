"""What procurement adds to other apps' pages through their extension points (registered in
ProcurementConfig.ready()): the "Works with your systems" panel on listing pages, and the catalogue
search's "Works with our systems" filter."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import BUYER_ORGANISATION_TYPES
from catalogue.models import Solution
from search.restrictions import Restriction

from .querysets import can_buy_for
from .works_with import OurSystems, integrating_solution_ids, works_with_solution


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


def _our_systems(request: HttpRequest) -> OurSystems:
    return OurSystems.of(acting_buyer_organisation(request))


def _works_with_ids(request: HttpRequest) -> set[int] | None:
    ours = _our_systems(request)
    return integrating_solution_ids(ours) if ours else None


WORKS_WITH_FILTER = Restriction(
    parameter="works_with",
    label="Works with our systems",
    hint="Only solutions with an integration (IM1, GP Connect, NHS App) that connects them to the systems "
    "your organisation recorded.",
    unavailable="Only a signed-in buyer whose organisation has recorded its systems (in Your systems) can "
    "filter by what works with them.",
    available=lambda request: bool(_our_systems(request)),
    resolve=_works_with_ids,
)
