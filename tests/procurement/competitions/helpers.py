"""Shared set-up for the competition tests: an ICB (through a sub-ICB location) buying for three
practices with list sizes, a live framework, four awardable listings meeting C43 with different price
shapes plus one that is not accredited, all indexed, and a shortlist matching them."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Organisation, OrganisationType, Role, User
from catalogue.models import Capability, Framework, ProvisioningType, Solution
from procurement import services as procurement_services
from procurement.competitions import services
from procurement.competitions.models import Competition
from procurement.models import Shortlist
from search.indexing import reindex
from tests.factories import (
    CapabilityFactory,
    FrameworkFactory,
    MembershipFactory,
    OrganisationFactory,
    PracticeFactory,
    PriceFactory,
    SolutionFactory,
    SupplierFactory,
)

SEARCH = {"capability": ["C43"]}


@dataclass
class World:
    icb: Organisation
    practices: list[Organisation]
    buyer: User
    framework: Framework
    solutions: dict[str, Solution]  # name -> solution
    shortlist: Shortlist

    def ids(self, *names: str) -> list[str]:
        return [self.solutions[name].catalogue_id for name in names]


def build_world(*, accredited_extra: bool = False) -> World:
    icb = OrganisationFactory(name="Test ICB", org_type=OrganisationType.ICB, ods_code="QZZ")
    sub = OrganisationFactory(
        name="Test sub-ICB", org_type=OrganisationType.SUB_ICB_LOCATION, ods_code="99Z", parent=icb
    )
    practices = [
        PracticeFactory(name=name, ods_code=code, list_size=size, parent=sub)
        for name, code, size in (
            ("Alpha Surgery", "Y00001", 10_000),
            ("Beta Practice", "Y00002", 6_000),
            ("Gamma Medical Centre", "Y00003", 4_000),
        )
    ]
    buyer = MembershipFactory(organisation=icb, role=Role.BUYER, user__email="icb.buyer@example.nhs.uk").user
    framework = FrameworkFactory(code="LIVE001", name="Live framework", maximum_term_months=36)
    c43 = Capability.objects.filter(ref="C43").first() or CapabilityFactory(
        ref="C43", name="Online Consultation"
    )
    solutions = {}

    def listing(name: str, *, accredited: bool = True, **price):
        supplier = SupplierFactory(organisation__name=f"{name} Ltd")
        solution = SolutionFactory(
            supplier=supplier,
            name=name,
            frameworks=[framework],
            capabilities=[c43],
            is_accredited=accredited,
        )
        PriceFactory(solution=solution, **price)
        solutions[name] = solution
        return solution

    # Per patient per year: flat £1.00; flat £1.20; volume tiers (£1.50 to 5,000 patients, then £1.10);
    # a per-practice declarative price of £2,000 a year.
    listing("Flat One", tiers=[(1, None, "1.00")])
    listing("Flat Two", tiers=[(1, None, "1.20")])
    listing(
        "Tiered Three",
        price_type="tiered",
        calculation_type="volume",
        quantity_basis="per_service_recipient",
        tiers=[(1, 5000, "1.50"), (5001, None, "1.10")],
    )
    listing(
        "Practice Four",
        provisioning_type=ProvisioningType.DECLARATIVE,
        unit_description="per practice",
        range_description="practices",
        tiers=[(1, None, "2000")],
    )
    listing("Unaccredited Five", accredited=accredited_extra, tiers=[(1, None, "0.50")])
    reindex([s.pk for s in solutions.values()])
    shortlist = procurement_services.create_shortlist(
        user=buyer, organisation=icb, name="Online consultation", parameters=SEARCH
    )
    return World(icb, practices, buyer, framework, solutions, shortlist)


def start(world: World, **kwargs) -> Competition:
    return services.create_competition(
        organisation=world.icb, user=world.buyer, shortlist=world.shortlist, **kwargs
    )


def reasons_for(competition: Competition, keep: list[str]) -> dict[str, str]:
    return {
        row.catalogue_id: "Does not meet our needs"
        for row in competition.solutions.all()
        if row.catalogue_id not in keep
    }


def ready_competition(world: World, names=("Flat One", "Flat Two", "Tiered Three")) -> Competition:
    """A competition with three selected, all three practices, 36 months, price 60 / non-price 40."""
    competition = start(world)
    keep = world.ids(*names)
    services.select_solutions(
        competition, user=world.buyer, selected=keep, reasons=reasons_for(competition, keep)
    )
    services.set_recipients(competition, user=world.buyer, recipients=world.practices)
    services.set_contract_length(competition, user=world.buyer, months=36)
    competition.refresh_from_db()
    return competition


def default_price_entries(competition: Competition) -> dict:
    from procurement.competitions import results

    recipients = list(competition.recipients.all())
    entries = {}
    for row in results.selected_solutions(competition):
        price = results.default_price(row)
        entries[row.catalogue_id] = {
            "price": price["key"],
            "agreed_unit_price": "",
            "quantities": {r.ods_code: str(results.default_quantity(price, r)) for r in recipients},
        }
    return entries
