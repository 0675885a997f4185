"""/contracts/ending/: switching. The buyer's contracts (the acting organisation's and its practices')
that end in the next 12 months, by capability and by practice, each with "start a replacement
call-off", which opens a competition pre-filled from the old order (services.start_replacement).

Buyers and organisation admins acting for a buyer organisation only (403 for anyone else, a login
redirect for anonymous users); an order is looked up among the page's own, so another organisation's
is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organisation
from procurement.buying.views import buying_organisation
from procurement.orders.models import Order

from . import services
from .models import Replacement

TEMPLATE = "contracts/ending.html"


@dataclass
class Group:
    """A capability or a practice, and the ending contracts under it."""

    key: str
    name: str
    orders: list[Order] = field(default_factory=list)


def by_capability(orders: list[Order]) -> list[Group]:
    groups: dict[int, Group] = {}
    order_key: dict[int, tuple] = {}
    for order in orders:
        for capability in order.solution.capabilities.all():
            group = groups.setdefault(capability.pk, Group(capability.ref, capability.name))
            group.orders.append(order)
            order_key[capability.pk] = (capability.sort_key, capability.ref)
    return [groups[pk] for pk in sorted(groups, key=order_key.__getitem__)]


def by_practice(orders: list[Order]) -> list[Group]:
    groups: dict[str, Group] = {}
    for order in orders:
        for recipient in order.recipients.all():
            groups.setdefault(recipient.ods_code, Group(recipient.ods_code, recipient.name)).orders.append(
                order
            )
    return sorted(groups.values(), key=lambda group: (group.name, group.key))


def _context(organisation: Organisation, errors: list[tuple[str, str]] | None = None) -> dict:
    orders = services.contracts_ending(organisation)
    replacements = {
        replacement.old_order_id: replacement.competition
        for replacement in Replacement.objects.filter(old_order__in=orders).select_related("competition")
    }
    for order in orders:
        order.replaced_by = replacements.get(order.pk)
        order.replacement_url = services.competition_url(order.replaced_by) if order.replaced_by else ""
        order.is_own = order.organisation_id == organisation.pk
        order.url = services.order_url(order)
    return {
        "organisation": organisation,
        "orders": orders,
        "by_capability": by_capability(orders),
        "by_practice": by_practice(orders),
        "months": services.SWITCHING_MONTHS,
        "errors": errors or [],
    }


@login_required
@require_GET
def ending(request: HttpRequest) -> HttpResponse:
    organisation = buying_organisation(request)
    return render(request, TEMPLATE, _context(organisation))


@login_required
@require_POST
def replace(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = buying_organisation(request)
    order = next((order for order in services.contracts_ending(organisation) if order.pk == pk), None)
    if order is None:
        # Someone else's order, an order not ending soon, or none at all: nothing to say which.
        raise Http404("No contract ending soon with this id.")
    try:
        competition = services.start_replacement(user=request.user, organisation=organisation, order=order)
    except ValidationError as error:
        errors = [(f"replace-{order.pk}", f"{order.call_off_id}: {message}") for message in error.messages]
        return render(request, TEMPLATE, _context(organisation, errors), status=400)
    messages.success(
        request,
        f"Replacement call-off for {order.call_off_id} started from a new shortlist: “{competition.name}”.",
    )
    return redirect(services.competition_url(competition))
