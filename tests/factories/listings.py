"""Whole listings for tests that need something in every section of a solution's page or API detail."""

from __future__ import annotations

from decimal import Decimal

from catalogue.models import EpicLevel, IntegrationDirection, ProvisioningType

from .catalogue import (
    AdditionalServiceFactory,
    AssociatedServiceFactory,
    CapabilityEpicFactory,
    CapabilityFactory,
    EpicFactory,
    FrameworkFactory,
    HostingOptionFactory,
    IntegrationFactory,
    IntegrationTypeFactory,
    PriceFactory,
    SolutionClientApplicationFactory,
    SolutionEpicFactory,
    SolutionFactory,
    SolutionIntegrationFactory,
    StandardFactory,
    SupplierContactFactory,
)


def add_epics(solution, capability, count: int, level=EpicLevel.MUST):
    for _ in range(count):
        epic = EpicFactory()
        CapabilityEpicFactory(capability=capability, epic=epic, level=level)
        SolutionEpicFactory(solution=solution, capability=capability, epic=epic)


def add_prices(item, count: int, **kwargs):
    """`count` list prices on a solution, additional service or associated service."""
    owner = {
        "Solution": "solution",
        "AdditionalService": "additional_service",
        "AssociatedService": "associated_service",
    }[type(item).__name__]
    for _ in range(count):
        PriceFactory(**{"solution": None, owner: item, **kwargs})


def build_listing(supplier, *, epics: int = 1, prices: int = 1, **solution_fields):
    """A listing with something in every section."""
    capability = CapabilityFactory(ref="C1", name="Appointments Management – GP", is_foundation=True)
    solution = SolutionFactory(
        supplier=supplier,
        name=solution_fields.pop("name", "Clinic Connect"),
        frameworks=[FrameworkFactory(code="NHSDGP001", name="GP IT Futures")],
        capabilities=[capability],
        sla_type="type_1",
        implementation_timescales="Usually two weeks from the order.",
        roadmap="Video consultations next spring.",
        **solution_fields,
    )
    add_epics(solution, capability, epics)
    solution.standards.add(StandardFactory(ref="S24", name="GP Connect standard"))
    SolutionIntegrationFactory(
        solution=solution,
        integration_type=IntegrationTypeFactory(integration=IntegrationFactory(name="IM1"), name="Bulk"),
        direction=IntegrationDirection.CONSUMER,
        integrates_with="EMIS Web",
    )
    HostingOptionFactory(solution=solution)
    SolutionClientApplicationFactory(solution=solution)
    SupplierContactFactory(supplier=supplier, name="Pat Contact", email="sales@supplier.example.com")
    add_prices(solution, prices)
    additional = AdditionalServiceFactory(solution=solution, name="Extra reports")
    add_prices(additional, prices, unit_description="per practice")
    associated = AssociatedServiceFactory(supplier=supplier, name="On-site training")
    associated.solutions.add(solution)
    add_prices(
        associated,
        prices,
        provisioning_type=ProvisioningType.ON_DEMAND,
        unit_description="per day",
        time_unit="",
        tiers=[(1, None, Decimal("650"))],
    )
    return solution
