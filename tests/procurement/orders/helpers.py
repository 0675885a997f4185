"""Shared set-up for the order tests: a sub-ICB location with three practices and a buyer, an
accredited solution on a live framework with a per-patient price, a tiered per-practice price, an
on-demand price, an additional service and an associated service."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import OrganisationType, Role
from catalogue.models import Price
from procurement.orders.models import Order
from procurement.orders.services import ItemDraft, create_order, update_item
from tests.factories import (
    AdditionalServiceFactory,
    AssociatedServiceFactory,
    FrameworkFactory,
    MembershipFactory,
    OrganisationFactory,
    PracticeFactory,
    PriceFactory,
    SolutionFactory,
    SupplierContactFactory,
    SupplierFactory,
)


@dataclass
class World:
    organisation: object
    practices: list
    buyer: object
    solution: object
    supplier: object
    supplier_user: object
    framework: object
    per_patient: Price
    per_practice: Price
    on_demand: Price
    additional: Price
    associated: Price


def make_world(*, practices: int = 3, prefix: str = "Z") -> World:
    icb = OrganisationFactory(org_type=OrganisationType.ICB)
    sub_icb = OrganisationFactory(org_type=OrganisationType.SUB_ICB_LOCATION, parent=icb, name="Riverside")
    members = [PracticeFactory(parent=sub_icb, list_size=1000 * (n + 1)) for n in range(practices)]
    buyer = MembershipFactory(organisation=sub_icb, role=Role.BUYER).user
    framework = FrameworkFactory(
        maximum_term_months=48, funding_types=["Central funding", "Local funding"], code="NHSDGP001"
    )
    supplier = SupplierFactory(organisation__name="Meadowbank Clinical Systems", address="1 High St, Leeds")
    supplier_user = MembershipFactory(organisation=supplier.organisation, role=Role.SUPPLIER_EDITOR).user
    solution = SolutionFactory(supplier=supplier, name="Meadowbank Online", frameworks=[framework])
    solution.is_accredited = True
    solution.save(update_fields=["is_accredited"])
    SupplierContactFactory(supplier=supplier, name="Sam Seller", email="sam@meadowbank.example.com")
    per_patient = PriceFactory(solution=solution, tiers=[(1, None, "1.2500")])
    per_practice = PriceFactory(
        solution=solution,
        provisioning_type="declarative",
        quantity_basis="per_service_recipient",
        unit_description="per practice",
        range_description="practices",
        time_unit="month",
        price_type="tiered",
        calculation_type="volume",
        tiers=[(1, 9, "100"), (10, None, "80")],
    )
    on_demand = PriceFactory(
        solution=solution,
        provisioning_type="on_demand",
        quantity_basis="per_solution",
        unit_description="per SMS fragment",
        range_description="fragments",
        time_unit="",
        tiers=[(1, None, "0.0350")],
    )
    additional = PriceFactory(
        solution=None,
        additional_service=AdditionalServiceFactory(solution=solution, name="Video consultations"),
        provisioning_type="declarative",
        unit_description="per licence",
        time_unit="month",
        tiers=[(1, None, "15")],
    )
    service = AssociatedServiceFactory(supplier=supplier, name="Training day")
    service.solutions.add(solution)
    associated = PriceFactory(
        solution=None,
        associated_service=service,
        provisioning_type="declarative",
        unit_description="per day",
        time_unit="",
        tiers=[(1, None, "650")],
    )
    return World(
        sub_icb, members, buyer, solution, supplier, supplier_user, framework,
        per_patient, per_practice, on_demand, additional, associated,
    )  # fmt: skip


def start_order(world: World, **kwargs) -> Order:
    defaults = {
        "organisation": world.organisation,
        "user": world.buyer,
        "solution": world.solution,
        "route": "direct_award",
        "recipients": world.practices,
        "items": [ItemDraft(price=world.per_patient)],
        "commencement_date": timezone.localdate() + datetime.timedelta(days=30),
        "initial_period_months": 12,
        "maximum_term_months": 36,
    }
    defaults.update(kwargs)
    return create_order(**defaults)


def ready_order(world: World, **kwargs) -> Order:
    """An order with every section complete, ready to be completed."""
    order = start_order(world, **kwargs)
    for item in order.items.all():
        update_item(
            order,
            user=world.buyer,
            item_id=item.pk,
            planned_delivery_date=order.commencement_date + datetime.timedelta(days=7),
            funding_source="Central funding",
        )
    return Order.objects.get(pk=order.pk)


def money(value: str) -> Decimal:
    return Decimal(value)
