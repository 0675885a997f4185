"""Shared set-up for the "works with what we have" tests: the real integration types (from the
reference data's integrations.csv), a clinical system providing IM1 and GP Connect, and candidates."""

from __future__ import annotations

import pytest

from accounts.models import Role
from catalogue.models import Capability, IntegrationType
from catalogue.reference import REFERENCE_DIR, read_csv
from tests.factories import (
    CapabilityFactory,
    IntegrationFactory,
    IntegrationTypeFactory,
    MembershipFactory,
    PracticeFactory,
    SolutionFactory,
    SolutionIntegrationFactory,
    SupplierFactory,
)


def real_integration_types() -> dict[str, IntegrationType]:
    """Every integration type of the real model, by "IM1 Transactional" and the like."""
    types = {}
    for row in read_csv(REFERENCE_DIR / "integrations.csv"):
        integration = IntegrationFactory(name=row["integration"])
        types[f"{row['integration']} {row['type']}"] = IntegrationTypeFactory(
            integration=integration, name=row["type"]
        )
    return types


def integrate(solution, types, name: str, direction: str, integrates_with: str = "") -> None:
    SolutionIntegrationFactory(
        solution=solution, integration_type=types[name], direction=direction, integrates_with=integrates_with
    )


@pytest.fixture
def types(db) -> dict[str, IntegrationType]:
    return real_integration_types()


@pytest.fixture
def clinical(types):
    """A clinical system (C13 and C15) providing IM1 Transactional and GP Connect Access Record HTML."""
    c13 = Capability.objects.filter(ref="C13").first() or CapabilityFactory(
        ref="C13", name="Patient Information Maintenance - GP"
    )
    c15 = Capability.objects.filter(ref="C15").first() or CapabilityFactory(
        ref="C15", name="Recording Consultations - GP"
    )
    solution = SolutionFactory(
        name="Meadowbank GP Clinical",
        supplier=SupplierFactory(organisation__name="Meadowbank Clinical Systems"),
        capabilities=[c13, c15],
    )
    integrate(solution, types, "IM1 Transactional", "provider")
    integrate(solution, types, "GP Connect Access Record HTML", "provider")
    integrate(solution, types, "GP Connect Send Document", "consumer")
    return solution


@pytest.fixture
def practice(db):
    return PracticeFactory(name="The Densham Surgery", ods_code="A81001", list_size=7_500)


@pytest.fixture
def practice_buyer(practice):
    return MembershipFactory(organisation=practice, role=Role.BUYER, user__email="buyer@densham.example").user


@pytest.fixture
def other_practice(db):
    return PracticeFactory(name="Other Surgery", ods_code="B82002")


@pytest.fixture
def other_buyer(other_practice):
    return MembershipFactory(organisation=other_practice, role=Role.BUYER).user
