"""`seed_procurement_demo`: the demo practice's systems are recorded once, and the demo catalogue then
has solutions that work with them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Organisation
from catalogue.demo import seed_demo
from procurement.models import OrganisationSystem
from procurement.works_with import OurSystems, integrating_solution_ids

pytestmark = pytest.mark.django_db


def test_the_demo_practice_records_its_systems_once_and_some_listings_work_with_them():
    seed_demo()
    practice = Organisation.objects.get(ods_code="A81001")

    first, second = StringIO(), StringIO()
    call_command("seed_procurement_demo", stdout=first)
    call_command("seed_procurement_demo", stdout=second)

    systems = [
        (s.name, s.is_principal, s.solution.catalogue_id if s.solution else None)
        for s in OrganisationSystem.objects.filter(organisation=practice)
    ]
    assert systems == [
        ("Emis Web GP", True, "10000-001"),
        ("Anywhere Consult", False, "10000-002"),
        ("Docman 10", False, "10046-001"),
        ("Lexacom", False, None),
    ]
    assert "Recorded for A81001: Emis Web GP, Anywhere Consult, Docman 10, Lexacom." in first.getvalue()
    assert "already recorded" in second.getvalue()
    # The demo's consumers say they connect to "EMIS Web, SystmOne".
    assert len(integrating_solution_ids(OurSystems.of(practice))) >= 3


def test_without_the_demo_it_does_nothing():
    out = StringIO()
    call_command("seed_procurement_demo", stdout=out)
    assert "Nothing to do" in out.getvalue()
    assert not OrganisationSystem.objects.exists()
