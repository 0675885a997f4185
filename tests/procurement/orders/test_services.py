"""create_order, the costs, and the lifecycle's service functions with their audit and signals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalogue.conformance.awards import NotAwardable
from procurement.models import AuditAction, AuditRecord
from procurement.orders import signals
from procurement.orders.lifecycle import IllegalTransition
from procurement.orders.models import Order, OrderStatus
from procurement.orders.services import (
    ItemDraft,
    accept_order,
    amend_order,
    complete_order,
    delete_order,
    terminate_order,
    update_item,
)
from tests.factories import MembershipFactory, OrganisationFactory

from .helpers import make_world, ready_order, start_order

pytestmark = pytest.mark.django_db


def audit_actions(order: Order) -> list[str]:
    """The order's own audit records (other apps' receivers add theirs, such as publication)."""
    return list(
        AuditRecord.objects.filter(subject_type="order", subject_id=order.pk, action__startswith="order_")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_create_order_copies_the_catalogue_and_prefills_from_list_sizes(world):
    order = start_order(
        world,
        items=[
            ItemDraft(price=world.per_patient, agreed_unit_price=Decimal("1.1")),
            ItemDraft(price=world.per_practice),
            ItemDraft(price=world.associated, quantity=2),
        ],
        description="Online consultation for Riverside",
    )
    assert order.status == OrderStatus.IN_PROGRESS
    assert order.call_off_id == f"C{order.number:06d}-01"
    assert order.solution_name == "Meadowbank Online"
    assert order.supplier_name == "Meadowbank Clinical Systems"
    assert order.supplier_contact_email == "sam@meadowbank.example.com"
    assert order.ordering_party_contact_email == world.buyer.email
    assert [r.list_size for r in order.recipients.order_by("list_size")] == [1000, 2000, 3000]
    patient, practice, training = order.items.order_by("position")
    assert patient.recipient_quantities == {p.ods_code: p.list_size for p in world.practices}
    assert patient.unit_price == Decimal("1.1") and patient.list_unit_price == Decimal("1.25")
    # A per-practice quantity is for the buyer to enter; training is the quantity given.
    assert set(practice.recipient_quantities.values()) == {None}
    assert training.quantity == 2 and training.item_type == "associated_service"

    # Later catalogue edits never change the order.
    world.per_patient.tiers.update(unit_price=Decimal("9.99"))
    world.solution.name = "Renamed"
    world.solution.save()
    order.refresh_from_db()
    assert order.solution_name == "Meadowbank Online"
    assert order.items.get(pk=patient.pk).list_unit_price == Decimal("1.25")
    assert audit_actions(order) == [AuditAction.ORDER_CREATED]


def test_costs_come_from_the_price_engine(world):
    order = start_order(
        world,
        items=[
            ItemDraft(price=world.per_patient),  # 6,000 patients x £1.25 a year
            ItemDraft(price=world.per_practice, quantities={p.ods_code: 1 for p in world.practices}),
            ItemDraft(price=world.associated, quantity=2),  # one-off
            ItemDraft(price=world.on_demand, quantity=1000),
        ],
    )
    on_demand = order.items.get(catalogue_price=world.on_demand)
    update_item(order, user=world.buyer, item_id=on_demand.pk, estimation_period="month")
    # 7,500 a year (625 a month) + 3 practices x £100 a month + 1,000 SMS x £0.035 a month.
    assert order.monthly_cost() == Decimal("960.00")
    assert order.yearly_cost() == Decimal("11520.00")
    assert order.one_off_cost() == Decimal("1300.00")
    assert order.total_cost() == Decimal("1300.00") + Decimal("960") * 36
    assert order.end_date == order.commencement_date.replace(
        year=order.commencement_date.year + 3
    ) - datetime.timedelta(days=1)


def test_order_numbers_are_unique_and_six_digits(world):
    first, second = start_order(world), start_order(world)
    assert second.number > first.number
    assert len(first.call_off_id) == len("C000123-01")


def test_create_order_refuses_wrong_buyer_bad_prices_terms_and_unawardable(world):
    other_buyer = MembershipFactory(organisation=OrganisationFactory()).user
    with pytest.raises(PermissionDenied):
        start_order(world, user=other_buyer)
    with pytest.raises(PermissionDenied):
        start_order(world, user=world.supplier_user)
    with pytest.raises(ValidationError, match="more than the list price"):
        start_order(world, items=[ItemDraft(price=world.per_patient, agreed_unit_price=Decimal("1.26"))])
    with pytest.raises(ValidationError, match="at most 4 decimal"):
        start_order(world, items=[ItemDraft(price=world.per_patient, agreed_unit_price=Decimal("1.00001"))])
    with pytest.raises(ValidationError, match="maximum term"):
        start_order(world, maximum_term_months=49)
    with pytest.raises(ValidationError, match="not practices of"):
        start_order(world, recipients=[*world.practices, make_world().practices[0]])
    other = make_world()
    with pytest.raises(ValidationError, match="not a published price"):
        start_order(world, items=[ItemDraft(price=other.per_patient)])
    world.solution.is_accredited = False
    world.solution.save()
    with pytest.raises(NotAwardable):
        start_order(world)
    assert not Order.objects.exists()


def test_lifecycle_complete_accept_amend_terminate_with_signals(world, django_capture_on_commit_callbacks):
    heard = []

    def listener(signal_name):
        def receive(sender, order, **kwargs):
            heard.append(
                (signal_name, order.call_off_id, kwargs.get("previous") and kwargs["previous"].call_off_id)
            )

        return receive

    receivers = {name: listener(name) for name in ("completed", "accepted", "terminated", "amended")}
    for name, receiver in receivers.items():
        getattr(signals, f"order_{name}").connect(receiver)
    try:
        order = ready_order(world)
        with pytest.raises(IllegalTransition, match="still in progress"):
            accept_order(order, user=world.supplier_user)
        with django_capture_on_commit_callbacks(execute=True):
            complete_order(order, user=world.buyer)
        with pytest.raises(IllegalTransition, match="already been completed"):
            complete_order(order, user=world.buyer)
        with pytest.raises(IllegalTransition, match="cannot delete"):
            delete_order(order, user=world.buyer)
        with pytest.raises(PermissionDenied):
            accept_order(order, user=world.buyer)
        with django_capture_on_commit_callbacks(execute=True):
            accept_order(order, user=world.supplier_user)

        amendment = amend_order(order, user=world.buyer)
        assert amendment.call_off_id == order.call_off_id[:-2] + "02"
        with pytest.raises(IllegalTransition, match="already has an amendment"):
            amend_order(order, user=world.buyer)
        order.refresh_from_db()
        assert order.status == OrderStatus.ACCEPTED  # live until the amendment is completed
        with django_capture_on_commit_callbacks(execute=True):
            complete_order(amendment, user=world.buyer)
        order.refresh_from_db()
        assert order.status == OrderStatus.SUPERSEDED
        with pytest.raises(IllegalTransition, match="superseded"):
            terminate_order(order, user=world.buyer, terminated_on=amendment.commencement_date, reason="x")

        with pytest.raises(ValidationError) as error:
            terminate_order(amendment, user=world.buyer, terminated_on=None, reason="")
        assert set(error.value.message_dict) == {"reason", "terminated_on"}
        with django_capture_on_commit_callbacks(execute=True):
            terminate_order(
                amendment,
                user=world.buyer,
                terminated_on=amendment.commencement_date,
                reason="Practice merger",
            )
        amendment.refresh_from_db()
        assert amendment.status == OrderStatus.TERMINATED
        assert amendment.termination_reason == "Practice merger"
    finally:
        for name, receiver in receivers.items():
            getattr(signals, f"order_{name}").disconnect(receiver)

    first, second = order.call_off_id, amendment.call_off_id
    assert heard == [
        ("completed", first, None),
        ("accepted", first, None),
        ("completed", second, None),
        ("amended", second, first),
        ("terminated", second, None),
    ]
    assert audit_actions(order) == [
        AuditAction.ORDER_CREATED,
        *[AuditAction.ORDER_CHANGED] * 1,  # delivery date and funding of its one item
        AuditAction.ORDER_COMPLETED,
        AuditAction.ORDER_ACCEPTED,
        AuditAction.ORDER_AMENDED,
        AuditAction.ORDER_CHANGED,  # superseded
    ]


def test_completion_needs_every_section(world):
    order = start_order(world, commencement_date=None)
    with pytest.raises(ValidationError) as error:
        complete_order(order, user=world.buyer)
    messages = error.value.messages
    assert "Enter a commencement date." in messages
    assert any("planned delivery date" in m for m in messages)
    assert any("funding source" in m for m in messages)
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS


def test_an_in_progress_order_can_be_deleted_and_its_audit_stays(world):
    order = start_order(world)
    pk = order.pk
    delete_order(order, user=world.buyer)
    assert not Order.objects.filter(pk=pk).exists()
    assert [
        r.action for r in AuditRecord.objects.filter(subject_type="order", subject_id=pk).order_by("pk")
    ] == [
        AuditAction.ORDER_CREATED,
        AuditAction.ORDER_DELETED,
    ]


def test_an_order_another_record_keeps_is_not_deleted_and_says_why(world):
    from django.apps import apps

    order = start_order(world, route="competition")
    # The competition that awarded it keeps it (its link is PROTECT).
    apps.get_model("competitions", "Competition").objects.create(
        organisation=world.organisation, name="GP online 2027", order=order
    )
    with pytest.raises(IllegalTransition, match="competition “GP online 2027” refers to it"):
        delete_order(order, user=world.buyer)
    assert Order.objects.filter(pk=order.pk).exists()
    assert audit_actions(order) == [AuditAction.ORDER_CREATED]


def test_a_new_order_cannot_start_in_the_past_but_an_amendment_of_a_running_one_can(world):
    order = ready_order(world)
    Order.objects.filter(pk=order.pk).update(commencement_date=datetime.date(2020, 1, 1))
    order.refresh_from_db()
    with pytest.raises(ValidationError, match="commencement date is in the past"):
        complete_order(order, user=world.buyer)
    Order.objects.filter(pk=order.pk).update(commencement_date=datetime.date.today())
    complete_order(order, user=world.buyer)
    # Months later, the running contract is amended.
    Order.objects.filter(pk=order.pk).update(commencement_date=datetime.date(2020, 1, 1))
    order.refresh_from_db()
    amendment = amend_order(order, user=world.buyer)
    complete_order(amendment, user=world.buyer)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUPERSEDED
