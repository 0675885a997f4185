"""Which organisation a signed-in user is acting for.

A user may belong to several organisations (a practice manager who also works for their PCN, a
commissioner with two ICBs). Everything they see or change in procurement is for one of them at a time:
the one chosen with the switcher, kept in the session, or else their first buyer organisation. Views
read `request.organisation` (set by `ActingOrganisationMiddleware`) and never take an organisation id
from the URL or a form without checking it against `organisations_for(user)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import SimpleLazyObject

from .models import BUYER_ORGANISATION_TYPES, Organisation

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import User

SESSION_KEY = "acting_organisation_id"


def organisations_for(user: User) -> list[Organisation]:
    """The organisations a user can act for: buyer organisations first, then by name."""
    if not user.is_authenticated:
        return []
    organisations = list(Organisation.objects.for_user(user).select_related("parent"))
    return sorted(organisations, key=lambda o: (o.org_type not in BUYER_ORGANISATION_TYPES, o.name))


def _organisations_of_request(request: HttpRequest) -> list[Organisation]:
    """`organisations_for(request.user)`, asked once per request: the header needs both the acting
    organisation and the list, and every page has the header."""
    cached = getattr(request, "_acting_organisations", None)
    if cached is None or cached[0] != request.user.pk:
        cached = (request.user.pk, organisations_for(request.user))
        request._acting_organisations = cached
    return cached[1]


def acting_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation chosen in this session if the user still belongs to it, else their first."""
    organisations = _organisations_of_request(request)
    chosen = request.session.get(SESSION_KEY)
    for organisation in organisations:
        if organisation.pk == chosen:
            return organisation
    return organisations[0] if organisations else None


def act_for(request: HttpRequest, organisation: Organisation) -> None:
    """Switch the session to act for `organisation`; refuses one the user does not belong to."""
    if organisation not in organisations_for(request.user):
        raise PermissionError("You are not a member of that organisation.")
    request.session[SESSION_KEY] = organisation.pk
    request.organisation = organisation


class ActingOrganisationMiddleware:
    """Sets `request.organisation` (lazily: pages that never ask cost no query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = SimpleLazyObject(lambda: acting_organisation(request))
        return self.get_response(request)


def acting_organisation_context(request: HttpRequest) -> dict:
    """Template context: the organisation being acted for and the others the user could switch to."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    # Requests built without the middleware (RequestFactory, some Wagtail previews) still get an answer.
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        organisation = SimpleLazyObject(lambda: acting_organisation(request))
    return {
        "acting_organisation": organisation,
        "acting_organisations": SimpleLazyObject(lambda: _organisations_of_request(request)),
    }
