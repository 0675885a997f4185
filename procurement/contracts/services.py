"""Contracts' state changes: publishing OCDS releases, sending order notifications once, flagging and
clearing compliance problems, and starting a replacement call-off. Each runs in a transaction, locks
what races could touch, records an audit entry on the order, and queues email on commit.

Publication and notifications are called from Celery tasks (tasks.py) that receivers of the orders'
signals and the catalogue's events queue, so they are idempotent: each is keyed by a unique record
(PublishedRelease per order and kind, SentNotification per order, kind and days).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.emails import queue_email
from accounts.models import Membership, Organisation, Role
from catalogue.models import Solution
from procurement import services as procurement_services
from procurement.models import AuditAction
from procurement.orders.models import Order, OrderStatus, add_months
from procurement.querysets import BUYING_ROLES, can_buy_for

from . import ocds
from .models import (
    ComplianceFlag,
    NotificationKind,
    PublishedRelease,
    ReleaseKind,
    Replacement,
    SentNotification,
)

if TYPE_CHECKING:
    from accounts.models import User
    from procurement.competitions.models import Competition

logger = logging.getLogger(__name__)

LIVE_STATUSES = (OrderStatus.COMPLETED, OrderStatus.ACCEPTED)
#: Contract-end reminders, in days before the end date (the real service's).
REMINDER_DAYS = (90, 45)
#: The switching page looks this far ahead.
SWITCHING_MONTHS = 12
SUPPLIER_ROLES = (Role.SUPPLIER_EDITOR, Role.ORGANISATION_ADMIN)


def site_url(path: str) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def competition_url(competition: Competition) -> str:
    """The competition's page; the buyer's dashboard if the competitions app serves no page for it."""
    try:
        return competition.get_absolute_url()
    except NoReverseMatch:
        return reverse("procurement:dashboard") + "#competitions"


def order_url(order: Order) -> str:
    """The order's page; the orders dashboard if the orders app serves no page for it."""
    try:
        return order.get_absolute_url()
    except NoReverseMatch:
        return reverse("procurement:dashboard") + "#orders"


# --- Open contracting ----------------------------------------------------------------------------------

RELEASE_TAGS = {
    ReleaseKind.AWARD: ocds.AWARD_TAGS,
    ReleaseKind.AMENDMENT: ocds.AMENDMENT_TAGS,
    ReleaseKind.TERMINATION: ocds.TERMINATION_TAGS,
}


def release_items(order: Order) -> list[dict[str, Any]]:
    """What was bought, as plain rows for the release: the total quantity across recipients, the unit
    and the agreed unit price (of the first tier)."""
    recipients = list(order.recipients.all())
    rows = []
    for item in order.items.all():
        unit = item.unit_description
        if item.effective_time_unit:
            unit = f"{unit} per {item.effective_time_unit}"
        rows.append(
            {
                "id": item.catalogue_id,
                "description": f"{item.name} ({item.get_item_type_display().lower()})",
                "quantity": item.total_quantity(recipients),
                "unit": unit,
                "unit_price": item.unit_price,
            }
        )
    return rows


def _kind_allowed(order: Order, kind: str) -> bool:
    if kind == ReleaseKind.TERMINATION:
        return order.status == OrderStatus.TERMINATED
    # An award (or an amendment's award) once the buyer has completed the order: never in progress.
    if order.status == OrderStatus.IN_PROGRESS or order.completed_at is None:
        return False
    return (kind == ReleaseKind.AMENDMENT) == (order.previous_id is not None)


def publish_release(order_id: int, kind: str) -> PublishedRelease | None:
    """Publish the OCDS release of `kind` for an order, once. Returns the release (the one already
    published, if any), or None when the order is not in a state that is published (an order in
    progress is never published)."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("organisation", "framework", "supplier__organisation", "solution")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            return None
        existing = PublishedRelease.objects.filter(order=order, kind=kind).first()
        if existing is not None:
            return existing
        if not _kind_allowed(order, kind):
            return None
        previous_release_id = None
        if kind == ReleaseKind.AMENDMENT:
            previous = (
                PublishedRelease.objects.filter(order_id=order.previous_id).order_by("-published_at").first()
            )
            previous_release_id = previous.release_id if previous else None
        now = timezone.now()
        date = now if kind == ReleaseKind.TERMINATION else order.completed_at
        release = ocds.build_release(
            order,
            tags=RELEASE_TAGS[kind],
            date=date,
            item_rows=release_items(order),
            framework_uri=site_url(reverse("api:framework-detail", kwargs={"code": order.framework.code})),
            contract_status="terminated" if kind == ReleaseKind.TERMINATION else "active",
            previous_release_id=previous_release_id,
        )
        published = PublishedRelease.objects.create(
            order=order,
            organisation_id=order.organisation_id,
            kind=kind,
            ocid=release["ocid"],
            release_id=release["id"],
            published_at=now,
            release=release,
        )
        procurement_services.audit(
            AuditAction.AWARD_PUBLISHED,
            order,
            user=None,
            details={"ocid": published.ocid, "release": published.release_id, "tag": release["tag"]},
        )
    return published


# --- Notifications --------------------------------------------------------------------------------------


def buyer_addresses(order: Order) -> list[str]:
    """Who hears about an order on the buyer's side: the organisation's active buyers and admins, and the
    ordering party's contact named on the order."""
    addresses = list(
        Membership.objects.filter(
            organisation_id=order.organisation_id, role__in=BUYING_ROLES, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if order.ordering_party_contact_email:
        addresses.append(order.ordering_party_contact_email)
    return sorted({address.lower() for address in addresses if address})


def supplier_addresses(order: Order) -> list[str]:
    """The supplier's active editors and admins, and its contact named on the order."""
    addresses = list(
        Membership.objects.filter(
            organisation_id=order.supplier_id, role__in=SUPPLIER_ROLES, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if order.supplier_contact_email:
        addresses.append(order.supplier_contact_email)
    return sorted({address.lower() for address in addresses if address})


def notify_once(
    order: Order, kind: str, *, to: Sequence[str], subject: str, body: str, days_before: int = 0
) -> bool:
    """Send one notification about an order unless it has been sent: True if this call sent it. The
    unique SentNotification row decides, so two runs at once send it once (the second waits on the
    first's insert and then finds it). Nobody to tell: nothing is recorded, so it is tried again."""
    if not to:
        logger.warning("No one to notify (%s) about order %s", kind, order.call_off_id)
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentNotification.objects.create(
                    order=order, kind=kind, days_before=days_before, recipient_count=len(to)
                )
        except IntegrityError:
            return False
        queue_email(list(to), subject, body)
        procurement_services.audit(
            AuditAction.NOTIFICATION_SENT,
            order,
            user=None,
            details={"notification": kind, "days_before": days_before, "recipients": len(to)},
        )
    return True


def _order_lines(order: Order) -> list[str]:
    end = order.end_date
    return [
        f"Order: {order.call_off_id}",
        f"Solution: {order.solution_name} ({order.supplier_name})",
        f"Ordering party: {order.organisation.name}"
        + (f" ({order.organisation.ods_code})" if order.organisation.ods_code else ""),
        f"Commencement date: {order.commencement_date:%d %B %Y}" if order.commencement_date else "",
        f"End date: {end:%d %B %Y}" if end else "",
        f"Estimated cost over the whole term: £{order.total_cost():,.2f}",
    ]


def notify_supplier_of_order(order_id: int) -> bool:
    order = Order.objects.select_related("organisation").filter(pk=order_id).first()
    if order is None or order.status not in (*LIVE_STATUSES, OrderStatus.SUPERSEDED):
        return False
    body = "\n".join(
        [
            f"{order.organisation.name} has placed an order with you on the GP IT Marketplace.",
            "",
            *[line for line in _order_lines(order) if line],
            "",
            f"Review and accept it: {site_url(order_url(order))}",
        ]
    )
    return notify_once(
        order,
        NotificationKind.NEW_ORDER,
        to=supplier_addresses(order),
        subject=f"New order {order.call_off_id}: {order.solution_name}",
        body=body,
    )


def notify_buyer_of_acceptance(order_id: int) -> bool:
    order = Order.objects.select_related("organisation").filter(pk=order_id).first()
    if order is None or order.accepted_at is None:
        return False
    body = "\n".join(
        [
            f"{order.supplier_name} has accepted order {order.call_off_id}.",
            "",
            *[line for line in _order_lines(order) if line],
            "",
            f"See the order: {site_url(order_url(order))}",
        ]
    )
    return notify_once(
        order,
        NotificationKind.ACCEPTED,
        to=buyer_addresses(order),
        subject=f"Order {order.call_off_id} accepted by {order.supplier_name}",
        body=body,
    )


def reminder_due(order: Order, today: datetime.date) -> int | None:
    """Which end reminder an order is due, if any: 90 days before the end, then 45. A contract first seen
    inside 45 days gets only the 45-day one; a past end date gets none."""
    end = order.end_date
    if end is None:
        return None
    remaining = (end - today).days
    if remaining < 0:
        return None
    for days in sorted(REMINDER_DAYS):
        if remaining <= days:
            return days
    return None


def send_contract_end_reminders(today: datetime.date | None = None) -> int:
    """Remind buyers of live contracts ending in 90 (then 45) days. Each reminder is sent once per order;
    a day the task did not run is caught up the next time. Returns how many were sent."""
    today = today or timezone.localdate()
    longest_term = 121  # months: no framework allows more than 120
    candidates = Order.objects.filter(
        status__in=LIVE_STATUSES,
        commencement_date__isnull=False,
        maximum_term_months__isnull=False,
        commencement_date__lte=today + datetime.timedelta(days=max(REMINDER_DAYS)),
        commencement_date__gt=add_months(today, -longest_term),
    ).select_related("organisation")
    sent = 0
    for order in candidates.iterator(chunk_size=500):
        days = reminder_due(order, today)
        if days is None:
            continue
        end = order.end_date
        body = "\n".join(
            [
                f"Order {order.call_off_id} ends in {(end - today).days} days, on {end:%d %B %Y}.",
                "",
                *[line for line in _order_lines(order) if line],
                "",
                "If you still need it, start a replacement call-off in good time:",
                site_url(reverse("contracts:ending")),
            ]
        )
        try:
            sent += notify_once(
                order,
                NotificationKind.END_REMINDER,
                days_before=days,
                to=buyer_addresses(order),
                subject=f"Contract {order.call_off_id} ends on {end:%d %B %Y}",
                body=body,
            )
        except Exception:  # one order's failure must not stop the others' reminders
            logger.exception("End reminder failed for order %s", order.pk)
    return sent


# --- Continuous compliance -------------------------------------------------------------------------


def live_orders_of(solution_id: int, today: datetime.date | None = None) -> list[Order]:
    """Orders under which the solution is in use now: completed or accepted, and not ended."""
    today = today or timezone.localdate()
    orders = Order.objects.filter(solution_id=solution_id, status__in=LIVE_STATUSES).select_related(
        "organisation"
    )
    return [order for order in orders if order.end_date is None or order.end_date >= today]


def review_compliance(
    solution_id: int, *, accredited: bool, was_accredited: bool, lapsed: Iterable[str] = (), reason: str = ""
) -> tuple[int, int]:
    """React to a change in a solution's conformance. Not accredited: flag each live order (once; an open
    flag stays open) and email its buyers. Accredited again: resolve the open flags. Returns (flagged,
    resolved)."""
    solution = Solution.objects.filter(pk=solution_id).first()
    if solution is None:
        return 0, 0
    lapsed = sorted(lapsed)
    if accredited:
        return 0, resolve_compliance_flags(solution)
    if reason == "lapse" and lapsed:
        shown = ", ".join(lapsed[:10]) + (" and others" if len(lapsed) > 10 else "")
        why = f"results lapsed ({shown}) and it is no longer accredited"
    else:
        why = "it lost its accreditation (a test run failed or a requirement is no longer met)"
    flagged = 0
    for order in live_orders_of(solution_id):
        flagged += flag_order(order, solution, why=why, lapsed=lapsed, lost=was_accredited)
    return flagged, 0


def flag_order(order: Order, solution: Solution, *, why: str, lapsed: list[str], lost: bool) -> bool:
    """Open a compliance flag on a live order unless one is open; email its buyers. True if flagged."""
    with transaction.atomic():
        Order.objects.select_for_update().only("pk").get(pk=order.pk)
        if ComplianceFlag.objects.open().filter(order=order).exists():
            return False
        reason = f"{order.solution_name}: {why}."
        flag = ComplianceFlag.objects.create(
            order=order,
            organisation_id=order.organisation_id,
            solution=solution,
            reason=reason[:500],
            lost_accreditation=lost,
            lapsed=lapsed,
        )
        procurement_services.audit(
            AuditAction.COMPLIANCE_FLAGGED,
            order,
            user=None,
            details={"before": "compliant", "after": "flagged", "reason": flag.reason, "lapsed": lapsed},
        )
        body = "\n".join(
            [
                f"A solution under your contract {order.call_off_id} is no longer compliant:",
                reason,
                "",
                "It cannot be awarded new call-offs until it is accredited again. Your order stands; talk to "
                "the supplier about when it will be, and consider whether to replace it.",
                "",
                f"Your dashboard: {site_url(reverse('procurement:dashboard'))}",
            ]
        )
        queue_email(
            buyer_addresses(order), f"Compliance problem: {order.solution_name} ({order.call_off_id})", body
        )
    return True


def resolve_compliance_flags(solution: Solution) -> int:
    """Close the open flags of a solution that is accredited again (the flags are kept, resolved)."""
    resolved = 0
    with transaction.atomic():
        flags = (
            ComplianceFlag.objects.open()
            .filter(solution=solution)
            .select_for_update()
            .select_related("order")
        )
        now = timezone.now()
        for flag in flags:
            flag.resolved_at = now
            flag.save(update_fields=["resolved_at"])
            procurement_services.audit(
                AuditAction.COMPLIANCE_FLAGGED,
                flag.order,
                user=None,
                details={"before": "flagged", "after": "resolved", "reason": "accredited again"},
            )
            resolved += 1
    return resolved


# --- Switching ----------------------------------------------------------------------------------------


def switching_organisations(organisation: Organisation) -> QuerySet[Organisation]:
    """The organisation and the practices it buys for: whose contracts its switching page shows."""
    practice_ids = Organisation.objects.practices_of(organisation).values("pk")
    return Organisation.objects.filter(pk=organisation.pk) | Organisation.objects.filter(pk__in=practice_ids)


def contracts_ending(organisation: Organisation, today: datetime.date | None = None) -> list[Order]:
    """Live contracts of the organisation and its practices ending within the next 12 months, soonest
    first."""
    today = today or timezone.localdate()
    horizon = add_months(today, SWITCHING_MONTHS)
    orders = (
        Order.objects.filter(
            organisation__in=switching_organisations(organisation),
            status__in=LIVE_STATUSES,
            commencement_date__isnull=False,
            maximum_term_months__isnull=False,
            commencement_date__lte=horizon,
        )
        .select_related("organisation", "solution", "framework")
        .prefetch_related("recipients", "solution__capabilities")
    )
    ending = [order for order in orders if today <= order.end_date <= horizon]
    return sorted(ending, key=lambda order: (order.end_date, order.number, order.revision))


def start_replacement(*, user: User, organisation: Organisation, order: Order) -> Competition:
    """Start a replacement call-off for a contract that ends soon: a shortlist of the solutions with all
    the old solution's capabilities on its framework, and a competition from it for the old order's
    recipients and term. Pressed twice, it returns the competition it opened the first time. Raises
    PermissionDenied, or ValidationError (the shortlist limit, a competition that cannot start)."""
    from procurement.competitions.services import create_competition

    with transaction.atomic():
        if not can_buy_for(user, organisation):
            raise PermissionDenied("Only the organisation's buyers can start a replacement call-off.")
        order = Order.objects.select_for_update(of=("self",)).select_related("framework").get(pk=order.pk)
        existing = Replacement.objects.filter(old_order=order).select_related("competition").first()
        if existing is not None:
            return existing.competition
        if order not in contracts_ending(organisation):
            raise ValidationError("Only a live contract ending in the next 12 months can be replaced here.")
        refs = sorted(order.solution.capabilities.values_list("ref", flat=True))
        if not refs:
            raise ValidationError("The old solution lists no capabilities to search for.")
        name = f"Replacement for {order.call_off_id} {order.solution_name}"[:100]
        shortlist = procurement_services.create_shortlist(
            user=user,
            organisation=organisation,
            name=name,
            description=f"Solutions with the capabilities of {order.solution_name} ({', '.join(refs)}).",
            parameters={"capability": refs, "framework": [order.framework.code]},
        )
        recipients = [
            recipient.organisation
            for recipient in order.recipients.select_related("organisation")
            if recipient.organisation is not None and recipient.organisation.is_active
        ]
        term = order.maximum_term_months
        if term and order.framework.maximum_term_months:
            term = min(term, order.framework.maximum_term_months)
        competition = create_competition(
            organisation=organisation,
            user=user,
            shortlist=shortlist,
            name=name,
            recipients=recipients,
            maximum_term_months=term,
        )
        Replacement.objects.create(
            old_order=order, competition=competition, organisation=organisation, created_by=user
        )
    return competition
