"""Shared set-up for the shortlist and dashboard tests: buyers of two practices, a supplier editor, and
the small search catalogue (tests/search/catalogue.py) indexed."""

from __future__ import annotations

import pytest

from accounts.models import Role
from catalogue.models import Capability
from procurement import services
from procurement.models import Shortlist
from search.indexing import reindex
from tests.factories import MembershipFactory, PracticeFactory, SolutionFactory, SupplierFactory
from tests.search.catalogue import build_search_catalogue

C43_SEARCH = {"q": "consultation", "capability": "C43"}


def save_shortlist(user, organisation, name="Online consultation", parameters=None) -> Shortlist:
    return services.create_shortlist(
        user=user,
        organisation=organisation,
        name=name,
        description="For the practice's online triage.",
        parameters=C43_SEARCH if parameters is None else parameters,
    )


def publish_c43_listing(name: str, **fields):
    """A new public listing meeting C43 ("online consultation"), indexed as the catalogue's events
    would index it."""
    supplier = fields.pop("supplier", None) or SupplierFactory(organisation__name="Newcomer Ltd")
    solution = SolutionFactory(
        supplier=supplier,
        name=name,
        summary=fields.pop("summary", "Online consultation for busy practices."),
        capabilities=[Capability.objects.get(ref="C43")],
        **fields,
    )
    reindex([solution.pk])
    return solution


# Fixtures, imported by the test modules that use them (no conftest: other areas share this folder).


@pytest.fixture
def catalogue_ids(db):
    return build_search_catalogue()


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
