"""Every change to procurement records happens here: each function takes the acting user as a keyword
argument, runs in one transaction, checks permission, changes, writes an AuditRecord and schedules its
side effects (email) for after the commit, so a rolled-back change emails no one."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.loader import render_to_string

from accounts.emails import queue_email
from accounts.models import Organisation
from catalogue.models import Solution

from . import saved_searches
from .models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_SHORTLISTS_PER_ORGANISATION,
    MAX_SYSTEMS_PER_ORGANISATION,
    NAME_MAX_LENGTH,
    SYSTEM_NAME_MAX_LENGTH,
    AuditAction,
    AuditRecord,
    OrganisationSystem,
    Shortlist,
    ShortlistMatch,
    ShortlistSubscription,
)
from .querysets import BUYING_ROLES, can_buy_for

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

LIMIT_MESSAGE = (
    f"Your organisation already has {MAX_SHORTLISTS_PER_ORGANISATION} shortlists, the most it can keep. "
    "Delete one you no longer need before saving another."
)


class ShortlistLimitReached(ValidationError):
    """The organisation already keeps the most shortlists it may."""


def audit(
    action: str,
    subject: models.Model,
    *,
    user: User | None,
    details: dict | None = None,
    subject_name: str | None = None,
) -> AuditRecord:
    """Record an action on any procurement record that belongs to an organisation (a shortlist,
    competition, order...). The subject type is the model name, so one audit page per record can
    find its history; `details` may hold {"before": ..., "after": ...} (JSON-serialisable)."""
    if subject_name is None:
        subject_name = str(getattr(subject, "name", subject))
    return AuditRecord.objects.create(
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        organisation_id=subject.organisation_id,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        subject_name=subject_name[:255],
        details=details or {},
    )


def _check_can_buy_for(user: User, organisation: Organisation) -> None:
    if not can_buy_for(user, organisation):
        raise PermissionDenied("You cannot manage shortlists for this organisation.")


def _clean_text(name: str, description: str) -> tuple[str, str]:
    """The name and description as stored; errors name the field, as a form would."""
    name, description = (name or "").strip(), (description or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the shortlist."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"The name must be {NAME_MAX_LENGTH} characters or fewer."
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = f"The description must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer."
    if errors:
        raise ValidationError(errors)
    return name, description


def create_shortlist(
    *,
    user: User,
    organisation: Organisation,
    name: str,
    parameters: Mapping,
    description: str = "",
) -> Shortlist:
    """Save a search as a shortlist of `organisation`. `parameters` are raw search parameters (such as
    /catalogue/'s query string); they are validated and normalised here (InvalidSearch if bad).

    The organisation's row is locked while counting, so two saves at once cannot both pass the limit
    of MAX_SHORTLISTS_PER_ORGANISATION. The solutions matching now are recorded as known, so an alert
    only ever announces solutions that start matching later."""
    name, description = _clean_text(name, description)
    normalised = saved_searches.normalise(parameters)
    with transaction.atomic():
        _check_can_buy_for(user, organisation)
        Organisation.objects.select_for_update().only("pk").get(pk=organisation.pk)
        if Shortlist.objects.for_organisation(organisation).count() >= MAX_SHORTLISTS_PER_ORGANISATION:
            raise ShortlistLimitReached(LIMIT_MESSAGE, code="limit")
        shortlist = Shortlist.objects.create(
            organisation=organisation,
            name=name,
            description=description,
            parameters=normalised,
            created_by=user,
        )
        known = saved_searches.matching_ids(normalised)
        ShortlistMatch.objects.bulk_create(
            [ShortlistMatch(shortlist=shortlist, solution_id=solution_id) for solution_id in known],
            ignore_conflicts=True,
        )
        audit(
            AuditAction.SHORTLIST_CREATED,
            shortlist,
            user=user,
            details={"parameters": normalised, "matching": len(known)},
        )
    return shortlist


def update_shortlist(shortlist: Shortlist, *, user: User, name: str, description: str = "") -> Shortlist:
    """Rename a shortlist or change its description (its search stays as saved)."""
    name, description = _clean_text(name, description)
    with transaction.atomic():
        locked = Shortlist.objects.select_for_update().get(pk=shortlist.pk)
        _check_can_buy_for(user, locked.organisation)
        changes = {
            field: [old, new]
            for field, old, new in (
                ("name", locked.name, name),
                ("description", locked.description, description),
            )
            if old != new
        }
        if changes:
            locked.name, locked.description = name, description
            locked.save(update_fields=["name", "description", "updated_at"])
            audit(AuditAction.SHORTLIST_CHANGED, locked, user=user, details=changes)
    return locked


def delete_shortlist(shortlist: Shortlist, *, user: User) -> None:
    """Delete a shortlist (it is a working paper, not an order). The audit record keeps its name and
    search, since the shortlist itself is gone."""
    with transaction.atomic():
        locked = Shortlist.objects.select_for_update().get(pk=shortlist.pk)
        _check_can_buy_for(user, locked.organisation)
        audit(
            AuditAction.SHORTLIST_DELETED,
            locked,
            user=user,
            details={"parameters": locked.parameters, "description": locked.description},
        )
        locked.delete()


def set_alerts(shortlist: Shortlist, *, user: User, enabled: bool) -> bool:
    """Turn the user's own email alerts for a shortlist on or off. Returns whether anything changed."""
    with transaction.atomic():
        _check_can_buy_for(user, shortlist.organisation)
        if enabled:
            _, changed = ShortlistSubscription.objects.get_or_create(shortlist=shortlist, user=user)
        else:
            changed = bool(ShortlistSubscription.objects.filter(shortlist=shortlist, user=user).delete()[0])
        if changed:
            audit(AuditAction.ALERTS_ON if enabled else AuditAction.ALERTS_OFF, shortlist, user=user)
    return changed


def subscribers(shortlist: Shortlist) -> list[User]:
    """Subscribers who may still see the shortlist: active, and still buying for its organisation (a
    member who has left is never emailed about it)."""
    from accounts.models import User

    return list(
        User.objects.filter(
            shortlist_subscriptions__shortlist=shortlist,
            is_active=True,
            memberships__organisation_id=shortlist.organisation_id,
            memberships__role__in=BUYING_ROLES,
        )
        .distinct()
        .order_by("email")
    )


def announce_new_matches(shortlist: Shortlist) -> list[Solution]:
    """Email the shortlist's subscribers about solutions that match it now and that it has never
    announced (nor known at creation). Each is recorded before it is announced, under the unique
    (shortlist, solution) constraint: of two runs at once, only the one that recorded a solution
    announces it. Returns the solutions announced."""
    recipients = subscribers(shortlist)
    if not recipients:
        return []
    matching = saved_searches.matching_ids(shortlist.parameters)
    known = set(ShortlistMatch.objects.filter(shortlist=shortlist).values_list("solution_id", flat=True))
    candidates = [solution_id for solution_id in matching if solution_id not in known]
    if not candidates:
        return []
    with transaction.atomic():
        new_ids = []
        for solution_id in candidates:
            # get_or_create in its own savepoint: a concurrent run's row makes this one a no-op.
            _, created = ShortlistMatch.objects.get_or_create(
                shortlist=shortlist, solution_id=solution_id, defaults={"announced": True}
            )
            if created:
                new_ids.append(solution_id)
        solutions = list(
            Solution.objects.published()
            .filter(pk__in=new_ids)
            .select_related("supplier__organisation")
            .order_by("name")
        )
        if not solutions:
            return []
        audit(
            AuditAction.ALERT_SENT,
            shortlist,
            user=None,
            details={
                "solutions": [solution.catalogue_id for solution in solutions],
                "recipients": [user.email for user in recipients],
            },
        )
        context = {
            "shortlist": shortlist,
            "solutions": solutions,
            "base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        }
        count = len(solutions)
        subject = (
            f"{count} new solution{'s' if count != 1 else ''} match{'es' if count == 1 else ''} "
            f"your shortlist “{shortlist.name}”"
        )
        queue_email(
            [user.email for user in recipients],
            subject,
            render_to_string("procurement/buying/email/new_matches.txt", context),
        )
    return solutions


def shortlists_to_alert() -> list[int]:
    return list(Shortlist.objects.with_subscribers().values_list("pk", flat=True))


# --- "Works with what we have": the systems an organisation already runs ------------------------------


def _audit_system(action: str, system: OrganisationSystem, *, user: User, details: dict) -> AuditRecord:
    return AuditRecord.objects.create(
        action=action,
        actor=user if user.is_authenticated else None,
        organisation_id=system.organisation_id,
        subject_type="organisation_system",
        subject_id=system.pk,
        subject_name=system.name,
        details=details,
    )


def _check_can_record_systems(user: User, organisation: Organisation) -> None:
    # Buyers and organisation admins of the organisation: the same people who shortlist for it.
    if not can_buy_for(user, organisation):
        raise PermissionDenied("You cannot record the systems of this organisation.")


def record_system(
    organisation: Organisation,
    *,
    user: User,
    solution: Solution | None = None,
    name: str = "",
    principal: bool = False,
) -> OrganisationSystem:
    """Record a system the organisation runs: a catalogue `solution`, or by `name` when it is not in
    the catalogue. With `principal`, it becomes the principal clinical system and the previous one is
    removed (an organisation has one); a module already recorded is promoted rather than repeated.

    The organisation's row is locked, so two people recording at once cannot pass the limit or add
    the same system twice. Errors name the form field ("system")."""
    name = " ".join((name or "").split())
    if solution is None and not name:
        raise ValidationError({"system": "Choose a system from the catalogue or enter its name."})
    if solution is not None and name:
        raise ValidationError({"system": "Choose a system from the catalogue or enter a name, not both."})
    if len(name) > SYSTEM_NAME_MAX_LENGTH:
        raise ValidationError({"system": f"The name must be {SYSTEM_NAME_MAX_LENGTH} characters or fewer."})
    with transaction.atomic():
        _check_can_record_systems(user, organisation)
        Organisation.objects.select_for_update().only("pk").get(pk=organisation.pk)
        if (
            solution is not None
            and not Solution.objects.visible_to(user).published().filter(pk=solution.pk).exists()
        ):
            raise ValidationError({"system": "That solution is not listed in the catalogue."})
        systems = OrganisationSystem.objects.filter(organisation_id=organisation.pk)
        if solution is not None:
            existing = systems.filter(solution_id=solution.pk).first()
        else:
            existing = systems.filter(solution__isnull=True, name__iexact=name).first()
        if existing is not None and (existing.is_principal or not principal):
            raise ValidationError({"system": f"{existing.name} is already recorded."})
        if existing is None and systems.count() >= MAX_SYSTEMS_PER_ORGANISATION:
            raise ValidationError(
                {
                    "system": f"Your organisation already has {MAX_SYSTEMS_PER_ORGANISATION} systems "
                    "recorded. Remove one you no longer run first."
                }
            )
        if principal:
            for old in systems.filter(is_principal=True):
                _audit_system(
                    AuditAction.SYSTEM_REMOVED, old, user=user, details={"principal": True, "replaced": True}
                )
                old.delete()
        if existing is not None:
            # A module that becomes the principal clinical system.
            existing.is_principal = True
            existing.save(update_fields=["is_principal"])
            system = existing
        else:
            system = OrganisationSystem.objects.create(
                organisation=organisation,
                solution=solution,
                name=solution.name if solution is not None else name,
                is_principal=principal,
                created_by=user,
            )
        _audit_system(
            AuditAction.SYSTEM_ADDED,
            system,
            user=user,
            details={
                "principal": principal,
                "solution": solution.catalogue_id if solution is not None else None,
            },
        )
    return system


def remove_system(system: OrganisationSystem, *, user: User) -> None:
    """Stop recording a system (the organisation no longer runs it)."""
    with transaction.atomic():
        locked = (
            OrganisationSystem.objects.select_for_update().select_related("organisation").get(pk=system.pk)
        )
        _check_can_record_systems(user, locked.organisation)
        _audit_system(
            AuditAction.SYSTEM_REMOVED,
            locked,
            user=user,
            details={"principal": locked.is_principal, "solution_id": locked.solution_id},
        )
        locked.delete()
