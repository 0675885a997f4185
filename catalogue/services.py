"""State changes of listings. Each function takes the acting user, checks they may act, changes state
inside one transaction (the solution row locked), writes the audit record, and announces the change
once the transaction commits. Views, the CMS and commands call these; nothing else changes
`Solution.publication_state`.

The lifecycle is the explicit map `TRANSITIONS`; any other move raises `IllegalTransition`. Asking
for the state a listing is already in changes nothing and records nothing, so a double-submitted form
is harmless.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import events
from .listing_content import ListingContent, PriceContent
from .models import (
    AdditionalService,
    AssociatedService,
    HostingOption,
    ListingAction,
    ListingStateChange,
    Price,
    PriceTier,
    PublicationState,
    Solution,
    SolutionClientApplication,
    SolutionIntegration,
    SupplierContact,
)
from .models.solutions import DESCRIPTION_MAX_LENGTH, SUMMARY_MAX_LENGTH
from .pricing import validate_tiers

if TYPE_CHECKING:
    from accounts.models import User

S = PublicationState

# (from, to) -> the action that makes that move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): ListingAction.SUBMITTED,
    (S.UNPUBLISHED, S.SUBMITTED): ListingAction.SUBMITTED,
    (S.SUBMITTED, S.DRAFT): ListingAction.CHANGES_REQUESTED,
    (S.SUBMITTED, S.UNPUBLISHED): ListingAction.CHANGES_REQUESTED,
    (S.SUBMITTED, S.PUBLISHED): ListingAction.APPROVED,
    (S.PUBLISHED, S.IN_REMEDIATION): ListingAction.REMEDIATION,
    (S.PUBLISHED, S.SUSPENDED): ListingAction.SUSPENDED,
    (S.PUBLISHED, S.UNPUBLISHED): ListingAction.UNPUBLISHED,
    (S.IN_REMEDIATION, S.PUBLISHED): ListingAction.RESTORED,
    (S.IN_REMEDIATION, S.SUSPENDED): ListingAction.SUSPENDED,
    (S.IN_REMEDIATION, S.UNPUBLISHED): ListingAction.UNPUBLISHED,
    (S.SUSPENDED, S.PUBLISHED): ListingAction.RESTORED,
    (S.SUSPENDED, S.IN_REMEDIATION): ListingAction.REMEDIATION,
    (S.SUSPENDED, S.UNPUBLISHED): ListingAction.UNPUBLISHED,
}


class ListingError(Exception):
    """A listing change that cannot be made; the message says why, in words for the user."""


class IllegalTransition(ListingError):
    pass


class PublicationRulesNotMet(ListingError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("This listing cannot go live yet: " + "; ".join(problems) + ".")


class ReasonRequired(ListingError):
    pass


# --- Who may act ------------------------------------------------------------------------------


def can_edit_listing(user: User | None, solution: Solution) -> bool:
    return Solution.objects.editable_by(user).filter(pk=solution.pk).exists()


def can_moderate(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_catalogue_moderator)


def _require_editor(user: User | None, solution: Solution) -> None:
    if not can_edit_listing(user, solution):
        raise PermissionDenied("Only the supplier's own editors can change this listing.")


def _require_moderator(user: User | None) -> None:
    if not can_moderate(user):
        raise PermissionDenied("Only the catalogue team can do this.")


# --- Publication rules -------------------------------------------------------------------------


def publication_problems(solution: Solution, content: ListingContent) -> list[str]:
    """What stops a listing going live, each in words a supplier can act on. Empty when it may."""
    problems = []
    if not content.summary.strip():
        problems.append("add a summary")
    elif len(content.summary) > SUMMARY_MAX_LENGTH:
        problems.append(f"shorten the summary to {SUMMARY_MAX_LENGTH} characters")
    if not content.description.strip():
        problems.append("add a description")
    elif len(content.description) > DESCRIPTION_MAX_LENGTH:
        problems.append(f"shorten the description to {DESCRIPTION_MAX_LENGTH} characters")
    if not content.client_application_types:
        problems.append("choose at least one client application type")
    if not content.prices:
        problems.append("add a list price")
    if not solution.capabilities.exists():
        problems.append("have the catalogue team record at least one capability")
    if not content.contacts:
        problems.append("add a contact for buyers")
    return problems


# --- Content ------------------------------------------------------------------------------------


@transaction.atomic
def apply_listing_content(solution: Solution, content: ListingContent, *, user: User | None) -> bool:
    """Make `content` the published supplier content of `solution`. Returns whether anything changed.

    Called when a reviewed draft is approved. Rows are rewritten only when they differ, so applying the
    same content twice writes nothing; additional and associated services keep their ids (a new one
    gets the next free id) and services left out are unpublished, never deleted, because orders may
    refer to them.
    """
    if not (can_moderate(user) or can_edit_listing(user, solution)):
        raise PermissionDenied("Only the supplier's editors or the catalogue team can change this listing.")
    solution = Solution.objects.select_for_update().get(pk=solution.pk)
    if ListingContent.from_solution(solution) == content:
        return False

    for name in (
        "summary",
        "description",
        "implementation_timescales",
        "roadmap",
        "roadmap_url",
        "integrations_url",
        "about_url",
        "sla_type",
        "client_application_details",
    ):
        setattr(solution, name, getattr(content, name))
    solution.features = list(content.features)
    solution.save()

    solution.hosting_options.all().delete()
    HostingOption.objects.bulk_create(
        HostingOption(solution=solution, **vars(hosting)) for hosting in content.hosting_options
    )
    solution.client_applications.all().delete()
    SolutionClientApplication.objects.bulk_create(
        SolutionClientApplication(solution=solution, application_type=value)
        for value in dict.fromkeys(content.client_application_types)
    )
    solution.integrations.all().delete()
    SolutionIntegration.objects.bulk_create(
        SolutionIntegration(
            solution=solution,
            integration_type=item.integration_type,
            direction=item.direction,
            integrates_with=item.integrates_with,
            description=item.description,
        )
        for item in content.integrations
    )
    SupplierContact.objects.filter(solution=solution).delete()
    SupplierContact.objects.bulk_create(
        SupplierContact(supplier_id=solution.supplier_id, solution=solution, is_primary=n == 0, **vars(c))
        for n, c in enumerate(content.contacts)
    )
    _replace_prices(solution.prices, content.prices, solution=solution)
    _apply_additional_services(solution, content)
    _apply_associated_services(solution, content)

    if solution.is_public:
        events.announce(events.listing_content_changed, solution_id=solution.pk)
    return True


def _replace_prices(manager, prices: tuple[PriceContent, ...], **owner) -> None:
    if tuple(PriceContent.from_price(p) for p in manager.filter(is_published=True)) == prices:
        return
    manager.all().delete()
    for spec in prices:
        validate_tiers(spec.tiers)
        price = Price.objects.create(
            price_type=spec.price_type,
            calculation_type=spec.calculation_type,
            provisioning_type=spec.provisioning_type,
            quantity_basis=spec.quantity_basis,
            unit_description=spec.unit_description,
            unit_definition=spec.unit_definition,
            range_description=spec.range_description,
            time_unit=spec.time_unit,
            **owner,
        )
        PriceTier.objects.bulk_create(
            PriceTier(price=price, lower=t.lower, upper=t.upper, unit_price=Decimal(t.unit_price))
            for t in spec.tiers
        )


def _next_id(existing: set[str], prefix: str) -> str:
    number = 1
    while f"{prefix}{number:03d}" in existing:
        number += 1
    return f"{prefix}{number:03d}"


def _apply_additional_services(solution: Solution, content: ListingContent) -> None:
    services = {s.catalogue_id: s for s in AdditionalService.objects.filter(solution=solution)}
    kept = set()
    for spec in content.additional_services:
        service = services.get(spec.catalogue_id)
        if service is None:
            service = AdditionalService(
                solution=solution, catalogue_id=_next_id(set(services), f"{solution.catalogue_id}A")
            )
            services[service.catalogue_id] = service
        service.name, service.summary, service.description = spec.name, spec.summary, spec.description
        service.publication_state = S.PUBLISHED
        service.save()
        _replace_prices(service.prices, spec.prices, additional_service=service)
        kept.add(service.catalogue_id)
    AdditionalService.objects.filter(solution=solution).exclude(catalogue_id__in=kept).update(
        publication_state=S.UNPUBLISHED
    )


def _apply_associated_services(solution: Solution, content: ListingContent) -> None:
    supplier_services = {
        s.catalogue_id: s for s in AssociatedService.objects.filter(supplier=solution.supplier)
    }
    kept = set()
    for spec in content.associated_services:
        service = supplier_services.get(spec.catalogue_id)
        if service is None:
            service = AssociatedService(
                supplier=solution.supplier,
                catalogue_id=_next_id(set(supplier_services), f"{solution.supplier.code}-S-"),
            )
            supplier_services[service.catalogue_id] = service
        service.name, service.summary, service.description = spec.name, spec.summary, spec.description
        service.order_guidance = spec.order_guidance
        service.practice_reorganisation = spec.practice_reorganisation
        service.publication_state = S.PUBLISHED
        service.save()
        service.solutions.add(solution)
        _replace_prices(service.prices, spec.prices, associated_service=service)
        kept.add(service.catalogue_id)
    # Associated services are the supplier's and may be offered with other listings: only the link goes.
    solution.associated_services.remove(*solution.associated_services.exclude(catalogue_id__in=kept))


# --- Lifecycle -----------------------------------------------------------------------------------


def _transition(
    solution: Solution,
    to_state: str,
    *,
    user: User | None,
    reason: str = "",
    action: str | None = None,
    published_content: dict | None = None,
) -> bool:
    """Move a (locked) solution to `to_state`; False when it is already there."""
    from_state = solution.publication_state
    if from_state == to_state:
        return False
    try:
        default_action = TRANSITIONS[(from_state, to_state)]
    except KeyError:
        raise IllegalTransition(
            f"A listing that is {S(from_state).label.lower()} cannot become {S(to_state).label.lower()}."
        ) from None
    solution.publication_state = to_state
    solution.save(update_fields=["publication_state", "updated_at"])
    action = action or default_action
    ListingStateChange.objects.create(
        solution=solution,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        published_content=published_content,
        actor=user if user and user.is_authenticated else None,
    )
    events.announce(
        events.listing_state_changed,
        solution_id=solution.pk,
        old_state=from_state,
        new_state=to_state,
        action=action,
        user_id=user.pk if user and user.is_authenticated else None,
        reason=reason,
    )
    return True


def _locked(solution: Solution) -> Solution:
    return Solution.objects.select_for_update().get(pk=solution.pk)


@transaction.atomic
def submit_listing(solution: Solution, content: ListingContent, *, user: User) -> bool:
    """A supplier (or the catalogue team on its behalf) asks for its listing to be reviewed. A public
    listing stays live while an edit of it is reviewed; a draft or unpublished one becomes "submitted"."""
    if not can_moderate(user):
        _require_editor(user, solution)
    solution = _locked(solution)
    problems = publication_problems(solution, content)
    if problems:
        raise PublicationRulesNotMet(problems)
    if solution.publication_state in (S.DRAFT, S.UNPUBLISHED):
        return _transition(solution, S.SUBMITTED, user=user)
    return False


@transaction.atomic
def request_listing_changes(solution: Solution, *, user: User, reason: str) -> bool:
    """The catalogue team sends a submitted listing back to its supplier, saying what to change."""
    _require_moderator(user)
    if not reason.strip():
        raise ReasonRequired("Say what the supplier needs to change.")
    solution = _locked(solution)
    if solution.publication_state != S.SUBMITTED:
        return False  # an edit of a live listing: it stays live as it was
    back_to = S.UNPUBLISHED if solution.published_at else S.DRAFT
    return _transition(solution, back_to, user=user, reason=reason)


@transaction.atomic
def withdraw_listing(solution: Solution, *, user: User) -> bool:
    """The supplier takes a submitted listing back out of review."""
    _require_editor(user, solution)
    solution = _locked(solution)
    if solution.publication_state != S.SUBMITTED:
        return False
    back_to = S.UNPUBLISHED if solution.published_at else S.DRAFT
    return _transition(solution, back_to, user=user, action=ListingAction.WITHDRAWN)


@transaction.atomic
def approve_listing(solution: Solution, content: ListingContent, *, user: User, comment: str = "") -> bool:
    """The catalogue team approves a reviewed draft: its content becomes the published content, the
    listing is published (one in remediation or suspended keeps that state) and counts as reviewed
    today. Returns whether the state changed."""
    _require_moderator(user)
    solution = _locked(solution)
    problems = publication_problems(solution, content)
    if problems:
        raise PublicationRulesNotMet(problems)
    apply_listing_content(solution, content, user=user)
    solution.refresh_from_db()
    solution.last_reviewed = timezone.localdate()
    solution.published_at = timezone.now()
    solution.save(update_fields=["last_reviewed", "published_at", "updated_at"])
    if solution.publication_state in (S.DRAFT, S.UNPUBLISHED):
        # Approved without passing through review (the catalogue team publishing directly).
        _transition(solution, S.SUBMITTED, user=user)
    snapshot = content.as_json()
    if solution.publication_state == S.SUBMITTED:
        return _transition(solution, S.PUBLISHED, user=user, reason=comment, published_content=snapshot)
    ListingStateChange.objects.create(
        solution=solution,
        action=ListingAction.APPROVED,
        from_state=solution.publication_state,
        to_state=solution.publication_state,
        reason=comment,
        published_content=snapshot,
        actor=user,
    )
    return False


def _moderate(to_state: str, action: str):
    @transaction.atomic
    def change(solution: Solution, *, user: User, reason: str) -> bool:
        _require_moderator(user)
        if not reason.strip():
            raise ReasonRequired("Give a reason: the supplier and the audit log will see it.")
        return _transition(_locked(solution), to_state, user=user, reason=reason.strip(), action=action)

    return change


suspend_listing = _moderate(S.SUSPENDED, ListingAction.SUSPENDED)
suspend_listing.__doc__ = "Hide a listing from the catalogue; its page stays and says why."
mark_listing_in_remediation = _moderate(S.IN_REMEDIATION, ListingAction.REMEDIATION)
mark_listing_in_remediation.__doc__ = "Keep a listing public with a warning while its supplier puts it right."
restore_listing = _moderate(S.PUBLISHED, ListingAction.RESTORED)
restore_listing.__doc__ = "Return a suspended or in-remediation listing to plain published."
unpublish_listing = _moderate(S.UNPUBLISHED, ListingAction.UNPUBLISHED)
unpublish_listing.__doc__ = (
    "Take a listing out of the catalogue altogether (its additional services with it)."
)


@transaction.atomic
def set_listing_url(solution: Solution, url: str) -> None:
    """Record where the CMS serves the listing's page (the CMS calls this when a page moves)."""
    Solution.objects.filter(pk=solution.pk).exclude(listing_url=url).update(listing_url=url)
