"""Every change to an order happens here. Each function takes the acting user as a keyword argument,
runs in one transaction, locks the order row, checks permission and the lifecycle (lifecycle.py),
changes, writes an AuditRecord with what changed, and sends its signal with transaction.on_commit, so
a rolled-back change announces nothing.

Errors: PermissionDenied (not this user's order to change), ValidationError (bad input, with field
names where a form shows them), IllegalTransition (a ValidationError: the status forbids it),
NotAwardable (the solution may not be awarded now).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from accounts.models import Membership, Organisation
from catalogue.conformance.awards import NotAwardable, ensure_awardable
from catalogue.models import Framework, Price, Solution
from catalogue.pricing import sorted_tiers
from procurement.models import AuditAction
from procurement.querysets import can_buy_for
from procurement.services import audit

from . import lifecycle, signals, tasklist
from .models import (
    TERMINATION_REASON_MAX_LENGTH,
    CallOffNumber,
    ItemType,
    Order,
    OrderItem,
    OrderRecipient,
    OrderStatus,
    Route,
)

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "ItemDraft",
    "NotAwardable",
    "accept_order",
    "add_item",
    "amend_order",
    "complete_order",
    "create_order",
    "delete_order",
    "record_export",
    "remove_item",
    "set_recipients",
    "terminate_order",
    "update_item",
    "update_order",
]

PRICE_DECIMALS = 4
# The order fields a section form may change through update_order (the rest have their own functions).
EDITABLE_FIELDS = frozenset(
    {
        "description",
        "ordering_party_contact_name",
        "ordering_party_contact_email",
        "ordering_party_contact_phone",
        "supplier_contact_name",
        "supplier_contact_email",
        "supplier_contact_phone",
        "commencement_date",
        "initial_period_months",
        "maximum_term_months",
    }
)


@dataclass(frozen=True)
class ItemDraft:
    price: Price  # catalogue Price of the solution, an additional or associated service
    agreed_unit_price: Decimal | None = None  # a negotiated price for a flat price (None = list price)
    quantities: Mapping[str, int] | None = None  # ODS code -> quantity for per-recipient items
    quantity: int | None = None  # per-solution / declarative quantity


# --- Checks -------------------------------------------------------------------------------------------


def _check_buyer(user: User, order_or_organisation: Order | Organisation) -> None:
    organisation = getattr(order_or_organisation, "organisation", order_or_organisation)
    if not can_buy_for(user, organisation):
        raise PermissionDenied("You cannot manage orders for this organisation.")


def _check_supplier(user: User, order: Order) -> None:
    if not (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=order.supplier_id).exists()
    ):
        raise PermissionDenied("Only the supplier's own users can accept this order.")


def _locked(order: Order) -> Order:
    """The order's row, locked until the transaction ends: the one way two requests are serialised."""
    return Order.objects.select_for_update().get(pk=order.pk)


def clean_price(value: Any, list_price: Decimal, *, field: str = "price") -> Decimal:
    """An agreed unit price: a number of pounds with at most four decimals, not negative, and never
    above the list price."""
    try:
        price = Decimal(str(value).strip().lstrip("£").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Enter a price in pounds, such as 1.25."}) from None
    if not price.is_finite():
        raise ValidationError({field: "Enter a price in pounds, such as 1.25."})
    if price < 0:
        raise ValidationError({field: "A price cannot be negative."})
    if -price.as_tuple().exponent > PRICE_DECIMALS and price != price.quantize(Decimal("0.0001")):
        raise ValidationError({field: f"A price can have at most {PRICE_DECIMALS} decimal places."})
    if price > list_price:
        raise ValidationError(
            {field: f"The price cannot be more than the list price (£{list_price.normalize():f})."}
        )
    return price.quantize(Decimal("0.0001"))


def clean_term(
    framework_maximum: int, initial_period: int | None, maximum_term: int | None
) -> dict[str, str]:
    errors = {}
    if maximum_term is not None and not 0 < maximum_term <= framework_maximum:
        errors["maximum_term_months"] = (
            f"The maximum term must be between 1 and {framework_maximum} months (the framework's maximum)."
        )
    if initial_period is not None and initial_period < 1:
        errors["initial_period_months"] = "The initial period must be at least 1 month."
    elif initial_period is not None and maximum_term is not None and initial_period > maximum_term:
        errors["initial_period_months"] = "The initial period cannot be longer than the maximum term."
    return errors


def _live_framework(solution: Solution) -> Framework:
    """The framework the order is called off from: the solution's live framework (the first by name
    when several are live). NotAwardable when none is, with the reasons."""
    for framework in solution.frameworks.all():
        if framework.is_live():
            return framework
    ensure_awardable(solution)  # raises, saying why
    raise NotAwardable(["it is on no framework that is live"])


def _item_type(price: Price) -> str:
    if price.solution_id:
        return ItemType.SOLUTION
    if price.additional_service_id:
        return ItemType.ADDITIONAL_SERVICE
    return ItemType.ASSOCIATED_SERVICE


def orderable_prices(solution: Solution) -> Q:
    """The published prices an order for `solution` may include: the solution's own, its published
    additional services' and the published associated services that go with it."""
    return Q(is_published=True) & (
        Q(solution=solution)
        | Q(additional_service__solution=solution, additional_service__publication_state__in=_PUBLIC)
        | Q(associated_service__solutions=solution, associated_service__publication_state__in=_PUBLIC)
    )


_PUBLIC = ("published", "in_remediation")


# --- Creating an order --------------------------------------------------------------------------------


def _snapshot_recipient(order: Order, practice: Organisation) -> OrderRecipient:
    return OrderRecipient(
        order=order,
        organisation=practice,
        ods_code=practice.ods_code or "",
        name=practice.name,
        list_size=practice.list_size,
    )


def _check_recipients(organisation: Organisation, recipients: Sequence[Organisation]) -> list[Organisation]:
    codes = {r.pk for r in recipients}
    practices = list(Organisation.objects.practices_of(organisation).filter(pk__in=codes))
    if len(practices) != len(codes):
        known = {p.pk for p in practices}
        names = ", ".join(sorted(str(r) for r in recipients if r.pk not in known))
        raise ValidationError({"recipients": f"These are not practices of {organisation.name}: {names}."})
    return practices


def _build_item(order: Order, draft: ItemDraft, recipients: list[OrderRecipient], position: int) -> OrderItem:
    price = draft.price
    tiers = sorted_tiers(price.tiers.all())
    if not tiers:
        raise ValidationError({"items": f"The price {price} has no tiers, so it cannot be ordered."})
    item_owner = price.item
    copied = [
        {"lower": t.lower, "upper": t.upper, "list_price": str(t.unit_price), "price": str(t.unit_price)}
        for t in tiers
    ]
    if draft.agreed_unit_price is not None:
        if price.price_type != "flat":
            raise ValidationError({"items": "A negotiated price for a tiered price is agreed tier by tier."})
        copied[0]["price"] = str(
            clean_price(draft.agreed_unit_price, Decimal(tiers[0].unit_price), field="items")
        )
    item = OrderItem(
        order=order,
        item_type=_item_type(price),
        catalogue_price=price,
        catalogue_id=item_owner.catalogue_id,
        name=item_owner.name,
        price_type=price.price_type,
        calculation_type=price.calculation_type,
        provisioning_type=price.provisioning_type,
        quantity_basis=price.quantity_basis,
        unit_description=price.unit_description,
        range_description=price.range_description,
        time_unit=price.time_unit,
        tiers=copied,
        position=position,
    )
    codes = {r.ods_code for r in recipients}
    if item.is_per_recipient:
        given = dict(draft.quantities or {})
        unknown = sorted(set(given) - codes)
        if unknown:
            raise ValidationError(
                {"items": f"Quantities for practices not in the order: {', '.join(unknown)}."}
            )
        item.recipient_quantities = {r.ods_code: _default_quantity(item, r, given) for r in recipients}
    else:
        if draft.quantity is not None and draft.quantity < 1:
            raise ValidationError({"items": f"The quantity of {item.name} must be at least 1."})
        item.quantity = draft.quantity
    return item


def _default_quantity(item: OrderItem, recipient: OrderRecipient, given: Mapping[str, int]) -> int | None:
    """A per-recipient quantity: the one given, else the list size for a per-patient price, else none
    (the buyer enters it)."""
    if recipient.ods_code in given:
        quantity = int(given[recipient.ods_code])
        if quantity < 0:
            raise ValidationError({"items": "A quantity cannot be negative."})
        return quantity
    if item.provisioning_type == "per_patient":
        return recipient.list_size
    return None


def create_order(
    *,
    organisation: Organisation,
    user: User,
    solution: Solution,
    route: str,
    recipients: Sequence[Organisation] = (),
    items: Sequence[ItemDraft] = (),
    commencement_date: datetime.date | None = None,
    initial_period_months: int | None = None,
    maximum_term_months: int | None = None,
    description: str = "",
) -> Order:
    """Start an order (in progress) for `solution`, as competitions and direct awards do when they award.

    Checks that the user buys for the organisation and that the solution may be awarded on a live
    framework; copies names and prices; pre-fills the contacts (the user; the listing's contact), the
    recipients with their list sizes, and per-patient quantities from list sizes."""
    if route not in Route.values:
        raise ValidationError({"route": f"Unknown route {route!r}."})
    description = (description or "").strip()[:100]
    with transaction.atomic():
        _check_buyer(user, organisation)
        framework = _live_framework(solution)
        ensure_awardable(solution, framework)
        errors = clean_term(framework.maximum_term_months, initial_period_months, maximum_term_months)
        if errors:
            raise ValidationError(errors)
        practices = _check_recipients(organisation, recipients)
        allowed_prices = set(Price.objects.filter(orderable_prices(solution)).values_list("pk", flat=True))
        for draft in items:
            if draft.price.pk not in allowed_prices:
                raise ValidationError(
                    {"items": f"{draft.price} is not a published price of {solution.name}."}
                )

        supplier = solution.supplier
        contacts = solution.listing_contacts()
        contact = contacts[0] if contacts else None
        number = CallOffNumber.objects.create().pk
        order = Order.objects.create(
            number=number,
            revision=1,
            organisation=organisation,
            route=route,
            description=description or f"{solution.name} for {organisation.name}"[:100],
            solution=solution,
            framework=framework,
            supplier=supplier,
            solution_name=solution.name,
            solution_catalogue_id=solution.catalogue_id,
            supplier_name=supplier.name,
            framework_name=str(framework),
            framework_maximum_term_months=framework.maximum_term_months,
            funding_types=list(framework.funding_types or []),
            ordering_party_contact_name=user.get_full_name(),
            ordering_party_contact_email=user.email,
            supplier_contact_name=contact.name if contact else "",
            supplier_contact_email=contact.email if contact else "",
            supplier_contact_phone=contact.phone if contact else "",
            supplier_address=supplier.address,
            commencement_date=commencement_date,
            initial_period_months=initial_period_months,
            maximum_term_months=maximum_term_months,
            created_by=user,
        )
        order_recipients = OrderRecipient.objects.bulk_create(
            [_snapshot_recipient(order, practice) for practice in practices]
        )
        OrderItem.objects.bulk_create(
            [_build_item(order, draft, order_recipients, position) for position, draft in enumerate(items)]
        )
        audit(
            AuditAction.ORDER_CREATED,
            order,
            user=user,
            details={
                "route": route,
                "solution": solution.catalogue_id,
                "framework": framework.code,
                "recipients": [r.ods_code for r in order_recipients],
                "items": [draft.price.pk for draft in items],
            },
        )
    return order


# --- Changing an order in progress --------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


def _start_edit(order: Order, user: User) -> Order:
    locked = _locked(order)
    _check_buyer(user, locked)
    lifecycle.check(locked, "edit")
    return locked


def update_order(order: Order, *, user: User, **changes: Any) -> Order:
    """Change some of an in-progress order's own fields (a task-list section's form). Audits the
    before and after of each field that really changed."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable through update_order: {sorted(unknown)}")
    with transaction.atomic():
        locked = _start_edit(order, user)
        merged = {field: changes.get(field, getattr(locked, field)) for field in EDITABLE_FIELDS}
        errors = clean_term(
            locked.framework_maximum_term_months,
            merged["initial_period_months"],
            merged["maximum_term_months"],
        )
        if errors:
            raise ValidationError(errors)
        if "description" in changes and not (changes["description"] or "").strip():
            raise ValidationError({"description": "Enter a description of the order."})
        before, after = {}, {}
        for field, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(locked, field) != value:
                before[field], after[field] = _json(getattr(locked, field)), _json(value)
                setattr(locked, field, value)
        if after:
            locked.save(update_fields=[*after, "updated_at"])
            audit(AuditAction.ORDER_CHANGED, locked, user=user, details={"before": before, "after": after})
    return locked


def set_recipients(order: Order, *, user: User, practices: Sequence[Organisation]) -> Order:
    """Replace the order's service recipients with `practices` (the organisation's practices only).
    Per-patient quantities of new recipients start at their list sizes; removed recipients' quantities
    go."""
    with transaction.atomic():
        locked = _start_edit(order, user)
        chosen = _check_recipients(locked.organisation, practices)
        if not chosen:
            raise ValidationError({"recipients": "Choose at least one service recipient."})
        current = {r.ods_code: r for r in locked.recipients.all()}
        wanted = {p.ods_code: p for p in chosen}
        removed = sorted(set(current) - set(wanted))
        added = sorted(set(wanted) - set(current))
        if not removed and not added:
            return locked
        OrderRecipient.objects.filter(order=locked, ods_code__in=removed).delete()
        new = OrderRecipient.objects.bulk_create(
            [_snapshot_recipient(locked, wanted[code]) for code in added]
        )
        for item in locked.items.all():
            if not item.is_per_recipient:
                continue
            quantities = {code: q for code, q in item.recipient_quantities.items() if code not in removed}
            for recipient in new:
                quantities[recipient.ods_code] = _default_quantity(item, recipient, {})
            item.recipient_quantities = quantities
            item.save(update_fields=["recipient_quantities"])
        locked.save(update_fields=["updated_at"])
        audit(
            AuditAction.ORDER_CHANGED,
            locked,
            user=user,
            details={"before": {"recipients": sorted(current)}, "after": {"recipients": sorted(wanted)}},
        )
    return locked


def add_item(order: Order, *, user: User, price: Price) -> OrderItem:
    """Add an item at its list price (the catalogue solution, an additional or associated service)."""
    with transaction.atomic():
        locked = _start_edit(order, user)
        if not Price.objects.filter(orderable_prices(locked.solution), pk=price.pk).exists():
            raise ValidationError({"price": "Choose a published price of this solution or its services."})
        if locked.items.filter(catalogue_price=price).exists():
            raise ValidationError({"price": "That item is already in the order."})
        recipients = list(locked.recipients.all())
        position = locked.items.count()
        item = _build_item(locked, ItemDraft(price=price), recipients, position)
        item.save()
        locked.save(update_fields=["updated_at"])
        audit(
            AuditAction.ORDER_CHANGED,
            locked,
            user=user,
            details={"before": {}, "after": {"item_added": f"{item.catalogue_id} {item.name}"}},
        )
    return item


def remove_item(order: Order, *, user: User, item_id: int) -> None:
    with transaction.atomic():
        locked = _start_edit(order, user)
        item = locked.items.filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item": "That item is not in the order."})
        audit(
            AuditAction.ORDER_CHANGED,
            locked,
            user=user,
            details={"before": {"item": f"{item.catalogue_id} {item.name}"}, "after": {"item_removed": True}},
        )
        item.delete()
        locked.save(update_fields=["updated_at"])


def update_item(
    order: Order,
    *,
    user: User,
    item_id: int,
    prices: Sequence[Any] | None = None,
    quantity: int | None = None,
    recipient_quantities: Mapping[str, int] | None = None,
    estimation_period: str | None = None,
    planned_delivery_date: datetime.date | None = None,
    funding_source: str | None = None,
) -> OrderItem:
    """Change one item: its agreed price per tier (never above the list price), its quantities, its
    estimation period, planned delivery date or funding source. Arguments left None are unchanged."""
    with transaction.atomic():
        locked = _start_edit(order, user)
        item = locked.items.filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item": "That item is not in the order."})
        before = {
            "tiers": [t["price"] for t in item.tiers],
            "quantity": item.quantity,
            "recipient_quantities": dict(item.recipient_quantities),
            "estimation_period": item.estimation_period,
            "planned_delivery_date": _json(item.planned_delivery_date),
            "funding_source": item.funding_source,
        }
        errors: dict[str, str] = {}
        if prices is not None:
            if len(prices) != len(item.tiers):
                raise ValidationError({"price": "Enter a price for each tier."})
            tiers = [dict(t) for t in item.tiers]
            for number, (tier, value) in enumerate(zip(tiers, prices, strict=True)):
                field = "price" if number == 0 else f"price_{number}"
                try:
                    tier["price"] = str(clean_price(value, Decimal(tier["list_price"]), field=field))
                except ValidationError as error:
                    errors.update({k: v[0] for k, v in error.message_dict.items()})
            item.tiers = tiers
        if quantity is not None:
            if quantity < 1:
                errors["quantity"] = "The quantity must be at least 1."
            item.quantity = quantity
        if recipient_quantities is not None:
            codes = set(locked.recipients.values_list("ods_code", flat=True))
            if set(recipient_quantities) - codes:
                errors["quantities"] = "Quantities can only be given for the order's service recipients."
            if any(q is None or q < 1 for q in recipient_quantities.values()):
                errors["quantities"] = "Enter a quantity of at least 1 for each service recipient."
            item.recipient_quantities = {**item.recipient_quantities, **recipient_quantities}
        if estimation_period is not None:
            if estimation_period not in ("month", "year"):
                errors["estimation_period"] = "Choose per month or per year."
            item.estimation_period = estimation_period
        if planned_delivery_date is not None:
            end = locked.end_date
            if locked.commencement_date and planned_delivery_date < locked.commencement_date:
                errors["planned_delivery_date"] = (
                    "The planned delivery date must be on or after the commencement date."
                )
            elif end and planned_delivery_date > end:
                errors["planned_delivery_date"] = (
                    f"The planned delivery date must be before the end date ({end:%-d %B %Y})."
                )
            item.planned_delivery_date = planned_delivery_date
        if funding_source is not None:
            if locked.funding_types and funding_source not in locked.funding_types:
                errors["funding_source"] = "Choose one of the framework's funding sources."
            elif not funding_source.strip():
                errors["funding_source"] = "Choose a funding source."
            item.funding_source = funding_source.strip()
        if errors:
            raise ValidationError(errors)
        after = {
            "tiers": [t["price"] for t in item.tiers],
            "quantity": item.quantity,
            "recipient_quantities": dict(item.recipient_quantities),
            "estimation_period": item.estimation_period,
            "planned_delivery_date": _json(item.planned_delivery_date),
            "funding_source": item.funding_source,
        }
        changed = {key for key in after if after[key] != before[key]}
        if changed:
            item.save()
            locked.save(update_fields=["updated_at"])
            audit(
                AuditAction.ORDER_CHANGED,
                locked,
                user=user,
                details={
                    "item": f"{item.catalogue_id} {item.name}",
                    "before": {key: before[key] for key in changed},
                    "after": {key: after[key] for key in changed},
                },
            )
    return item


# --- Lifecycle ----------------------------------------------------------------------------------------


def complete_order(order: Order, *, user: User) -> Order:
    """Complete an in-progress order: exactly once, however many requests arrive at once. The row lock
    makes a second request wait for the first to commit, then see `completed` and be refused.

    Every task-list section must be complete and the solution still awardable on the order's framework.
    Completing an amendment supersedes the revision it amends."""
    with transaction.atomic():
        locked = _locked(order)
        _check_buyer(user, locked)
        transition = lifecycle.check(locked, "complete")
        problems = tasklist.completion_problems(locked)
        if problems:
            raise ValidationError(problems)
        ensure_awardable(locked.solution, locked.framework)
        locked.status = transition.to
        locked.completed_at = timezone.now()
        locked.completed_by = user
        locked.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
        audit(
            AuditAction.ORDER_COMPLETED,
            locked,
            user=user,
            details={
                "before": {"status": OrderStatus.IN_PROGRESS},
                "after": {"status": locked.status},
                "total_cost": str(locked.total_cost()),
            },
        )
        previous = None
        if locked.previous_id:
            previous = Order.objects.select_for_update().get(pk=locked.previous_id)
            before = previous.status
            previous.status = lifecycle.check(previous, "supersede").to
            previous.save(update_fields=["status", "updated_at"])
            audit(
                AuditAction.ORDER_CHANGED,
                previous,
                user=user,
                details={
                    "before": {"status": before},
                    "after": {"status": previous.status},
                    "superseded_by": locked.call_off_id,
                },
            )
        transaction.on_commit(lambda: signals.order_completed.send(sender=Order, order=locked))
        if previous is not None:
            transaction.on_commit(
                lambda: signals.order_amended.send(sender=Order, order=locked, previous=previous)
            )
    return locked


def accept_order(order: Order, *, user: User) -> Order:
    """The supplier accepts a completed order."""
    with transaction.atomic():
        locked = _locked(order)
        _check_supplier(user, locked)
        transition = lifecycle.check(locked, "accept")
        locked.status = transition.to
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
        audit(
            AuditAction.ORDER_ACCEPTED,
            locked,
            user=user,
            details={"before": {"status": OrderStatus.COMPLETED}, "after": {"status": locked.status}},
        )
        transaction.on_commit(lambda: signals.order_accepted.send(sender=Order, order=locked))
    return locked


def terminate_order(order: Order, *, user: User, terminated_on: datetime.date, reason: str) -> Order:
    """End a live order early, on a date, for a reason (both required)."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Enter the reason for terminating the order."
    elif len(reason) > TERMINATION_REASON_MAX_LENGTH:
        errors["reason"] = f"The reason must be {TERMINATION_REASON_MAX_LENGTH:,} characters or fewer."
    if terminated_on is None:
        errors["terminated_on"] = "Enter the date the order ends."
    with transaction.atomic():
        locked = _locked(order)
        _check_buyer(user, locked)
        before = locked.status
        transition = lifecycle.check(locked, "terminate")
        if terminated_on and locked.commencement_date and terminated_on < locked.commencement_date:
            errors["terminated_on"] = "The termination date cannot be before the commencement date."
        if errors:
            raise ValidationError(errors)
        locked.status = transition.to
        locked.terminated_on = terminated_on
        locked.termination_reason = reason
        locked.save(update_fields=["status", "terminated_on", "termination_reason", "updated_at"])
        audit(
            AuditAction.ORDER_TERMINATED,
            locked,
            user=user,
            details={
                "before": {"status": before},
                "after": {"status": locked.status, "terminated_on": str(terminated_on), "reason": reason},
            },
        )
        transaction.on_commit(lambda: signals.order_terminated.send(sender=Order, order=locked))
    return locked


def amend_order(order: Order, *, user: User) -> Order:
    """Start an amendment: the next revision (C000123-02), in progress, a copy of this one. This
    revision stays live until the amendment is completed, which supersedes it; only one amendment can
    be in progress at a time."""
    with transaction.atomic():
        locked = _locked(order)
        _check_buyer(user, locked)
        lifecycle.check(locked, "amend")
        pending = Order.objects.filter(previous=locked).first()
        if pending is not None:
            raise lifecycle.IllegalTransition(
                f"Order {locked.call_off_id} already has an amendment in progress: {pending.call_off_id}.",
                code="illegal_amend",
            )
        if locked.revision >= 99:
            raise lifecycle.IllegalTransition("An order can have at most 99 revisions.", code="illegal_amend")
        recipients = list(locked.recipients.all())
        items = list(locked.items.all())
        new = Order.objects.get(pk=locked.pk)
        new.pk = None
        new.id = None
        new._state.adding = True
        new.revision = locked.revision + 1
        new.previous = locked
        new.status = OrderStatus.IN_PROGRESS
        new.created_by = user
        new.completed_at = new.completed_by = new.accepted_at = new.accepted_by = None
        new.terminated_on = None
        new.termination_reason = ""
        new.save()
        for recipient in recipients:
            recipient.pk = None
            recipient.order = new
        OrderRecipient.objects.bulk_create(recipients)
        for item in items:
            item.pk = None
            item.order = new
        OrderItem.objects.bulk_create(items)
        audit(AuditAction.ORDER_AMENDED, locked, user=user, details={"amendment": new.call_off_id})
        audit(AuditAction.ORDER_CREATED, new, user=user, details={"amends": locked.call_off_id})
    return new


def delete_order(order: Order, *, user: User) -> None:
    """Delete an in-progress order (a completed one never). Its audit trail stays, with what it was."""
    with transaction.atomic():
        locked = _locked(order)
        _check_buyer(user, locked)
        lifecycle.check(locked, "delete")
        audit(
            AuditAction.ORDER_DELETED,
            locked,
            user=user,
            details={
                "before": {"status": locked.status, "call_off_id": locked.call_off_id},
                "after": {"status": "deleted"},
                "solution": locked.solution_catalogue_id,
                "items": [f"{i.catalogue_id} {i.name}" for i in locked.items.all()],
                "recipients": [r.ods_code for r in locked.recipients.all()],
            },
        )
        try:
            with transaction.atomic():
                locked.delete()
        except ProtectedError as error:
            # Another record keeps it, such as the competition that awarded it: say which, change nothing.
            holders = sorted({f"{obj._meta.verbose_name} “{obj}”" for obj in error.protected_objects})
            raise lifecycle.IllegalTransition(
                f"You cannot delete order {locked.call_off_id}: {', '.join(holders)} refers to it.",
                code="illegal_delete",
            ) from None


def record_export(order: Order, *, user: User, export_format: str) -> None:
    """Record that someone downloaded the order (who has seen the contract is part of its history)."""
    audit(AuditAction.ORDER_EXPORTED, order, user=user, details={"format": export_format})
