"""Procurement's part of the demo, run after `seed_demo` (`manage.py seed_procurement_demo`, called by
`make run`): The Densham Surgery (A81001) has recorded its systems, so the demo practice manager sees
"Works with your systems" on listing pages, on compare and as a search filter straight away.

Catalogue's demo cannot do this (catalogue never imports procurement). Idempotent: a system already
recorded is left alone, so a second run changes nothing; one the user removed in the demo comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Organisation, User
from catalogue.models import Solution

from . import services
from .models import OrganisationSystem, Shortlist

DEMO_PRACTICE = "A81001"
DEMO_BUYER = "practice.manager@example.com"
# The real catalogue's EMIS Web GP as the principal clinical system; two real modules (EMIS's mobile
# working, Advanced's document management); and a dictation system that is not in the catalogue,
# recorded by name.
PRINCIPAL = "10000-001"
MODULES = ("10000-002", "10046-001")
NAMED_MODULES = ("Lexacom",)


@dataclass
class DemoSystemsResult:
    created: list[str]
    skipped: str = ""  # why nothing was done (the demo is not loaded)


def seed_demo_systems() -> DemoSystemsResult:
    organisation = Organisation.objects.filter(ods_code=DEMO_PRACTICE).first()
    user = User.objects.filter(email=DEMO_BUYER).first()
    if organisation is None or user is None:
        return DemoSystemsResult(
            [], skipped="the demo practice or its practice manager is missing: run seed_demo"
        )
    created = []
    with transaction.atomic():
        recorded = OrganisationSystem.objects.filter(organisation=organisation)
        listed = {
            s.catalogue_id: s
            for s in Solution.objects.published().filter(catalogue_id__in=(PRINCIPAL, *MODULES))
        }
        if not recorded.filter(is_principal=True).exists() and PRINCIPAL in listed:
            created.append(
                services.record_system(
                    organisation, user=user, solution=listed[PRINCIPAL], principal=True
                ).name
            )
        for catalogue_id in MODULES:
            solution = listed.get(catalogue_id)
            if solution is not None and not recorded.filter(solution=solution).exists():
                created.append(services.record_system(organisation, user=user, solution=solution).name)
        for name in NAMED_MODULES:
            if not recorded.filter(solution__isnull=True, name__iexact=name).exists():
                created.append(services.record_system(organisation, user=user, name=name).name)
    return DemoSystemsResult(created)


# --- Competitions: what the commissioner's call-off journey needs --------------------------------------

DEMO_COMMISSIONER = "commissioner@example.com"
DEMO_ICB = "QHM"
COMPETITION_SHORTLIST = "GP prescribing for our practices"
# Accredited listings meeting C14 (Prescribing): four demo listings, all awardable (accredited, on a
# live framework, published), with per-patient prices of different shapes, so a competition between
# three of them for a few practices has something to weigh.
COMPETITION_SEARCH = {"capability": ["C14"], "accredited": ["yes"]}
# A supplier editor for the demo supplier Fellside Health Systems (99007), so the demo can show the
# supplier accepting an order awarded to Fellside GP (the real suppliers' demo editors, supplier.a and
# supplier.b, have no accredited listing to win with).
DEMO_SUPPLIER_EDITOR = ("supplier.c@example.com", "Sam", "Lowther", "99007")


@dataclass
class DemoCompetitionResult:
    created: list[str]
    skipped: str = ""


def seed_demo_competition() -> DemoCompetitionResult:
    """The commissioner's shortlist to start a competition from, and the demo supplier's editor.
    Idempotent: a shortlist of that name, the user and the membership are made only if missing."""
    from accounts.models import Membership, Role
    from catalogue.demo import DEMO_PASSWORD
    from catalogue.models import Supplier

    organisation = Organisation.objects.filter(ods_code=DEMO_ICB).first()
    user = User.objects.filter(email=DEMO_COMMISSIONER).first()
    email, first_name, last_name, supplier_code = DEMO_SUPPLIER_EDITOR
    supplier = Supplier.objects.filter(code=supplier_code).select_related("organisation").first()
    if organisation is None or user is None or supplier is None:
        return DemoCompetitionResult(
            [], skipped="the demo ICB, its commissioner or supplier 99007 is missing: run seed_demo"
        )
    created = []
    with transaction.atomic():
        if not Shortlist.objects.filter(organisation=organisation, name=COMPETITION_SHORTLIST).exists():
            services.create_shortlist(
                user=user,
                organisation=organisation,
                name=COMPETITION_SHORTLIST,
                description="Accredited prescribing solutions to compete for the ICB's practices.",
                parameters=COMPETITION_SEARCH,
            )
            created.append(f"shortlist “{COMPETITION_SHORTLIST}”")
        editor = User.objects.filter(email=email).first()
        if editor is None:
            editor = User.objects.create_user(
                email, DEMO_PASSWORD, first_name=first_name, last_name=last_name
            )
            created.append(f"user {email}")
        _, made = Membership.objects.get_or_create(
            user=editor, organisation=supplier.organisation, role=Role.SUPPLIER_EDITOR
        )
        if made:
            created.append(f"{email} as supplier editor of {supplier.name}")
    return DemoCompetitionResult(created)


# --- Orders: a completed call-off for the commissioner's ICB ----------------------------------------------

DEMO_ORDER_DESCRIPTION = "Demo: prescribing for three practices"
DEMO_ORDER_RECIPIENTS = 3


@dataclass
class DemoOrderResult:
    call_off_id: str = ""
    skipped: str = ""  # why nothing was done (the demo is not loaded, or the order exists)


def seed_demo_order() -> DemoOrderResult:
    """A completed direct-award order of the ICB's for an accredited prescribing listing (per-patient
    price, three practices), so the orders dashboard, an order's summary and its exports have something
    to show. Not with Fellside (99007): the competition demo awards to Fellside, and its supplier's
    list of orders should show that award alone. Idempotent: nothing is made when an order with the
    demo's description exists."""
    import datetime

    from catalogue.models import ProvisioningType
    from procurement.orders import services as orders
    from procurement.orders.models import Order

    organisation = Organisation.objects.filter(ods_code=DEMO_ICB).first()
    user = User.objects.filter(email=DEMO_COMMISSIONER).first()
    if organisation is None or user is None:
        return DemoOrderResult(skipped="the demo ICB or its commissioner is missing: run seed_demo")
    existing = Order.objects.filter(organisation=organisation, description=DEMO_ORDER_DESCRIPTION).first()
    if existing is not None:
        return DemoOrderResult(existing.call_off_id, skipped=f"{existing.call_off_id} is already in place")
    candidates = (
        Solution.objects.published()
        .filter(is_accredited=True, capabilities__ref="C14")
        .exclude(supplier__code=DEMO_SUPPLIER_EDITOR[3])
        .distinct()
        .order_by("catalogue_id")
    )
    for solution in candidates:
        price = solution.prices.filter(
            is_published=True, provisioning_type=ProvisioningType.PER_PATIENT
        ).first()
        if price is not None and any(f.is_live() for f in solution.frameworks.all()):
            break
    else:
        return DemoOrderResult(skipped="no accredited prescribing listing with a per-patient price")
    practices = list(
        Organisation.objects.practices_of(organisation)
        .filter(list_size__isnull=False)  # per-patient quantities are list sizes
        .order_by("name")[:DEMO_ORDER_RECIPIENTS]
    )
    today = datetime.date.today()
    with transaction.atomic():
        order = orders.create_order(
            organisation=organisation,
            user=user,
            solution=solution,
            route="direct_award",
            recipients=practices,
            items=[orders.ItemDraft(price=price)],
            commencement_date=today + datetime.timedelta(days=30),
            initial_period_months=12,
            maximum_term_months=min(36, order_maximum(solution)),
            description=DEMO_ORDER_DESCRIPTION,
        )
        if not order.supplier_contact_email:
            orders.update_order(
                order,
                user=user,
                supplier_contact_name=f"{order.supplier_name} orders",
                supplier_contact_email="orders@supplier.example.com",
            )
        funding = (order.funding_types or ["Local funding"])[0]
        for item in order.items.all():
            orders.update_item(
                order,
                user=user,
                item_id=item.pk,
                planned_delivery_date=order.commencement_date + datetime.timedelta(days=14),
                funding_source=funding,
            )
        orders.complete_order(order, user=user)
    return DemoOrderResult(order.call_off_id)


def order_maximum(solution: Solution) -> int:
    """The maximum term of the framework create_order calls off from (the solution's first live one)."""
    return next((f.maximum_term_months for f in solution.frameworks.all() if f.is_live()), 36)
