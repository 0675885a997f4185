# ruff: noqa: F811 - pytest fixtures imported from works_with_helpers are redefined as arguments
"""Your systems (/buyer/systems/): a buyer records their organisation's principal clinical system and
modules (audited); bad input is explained; other organisations, suppliers and anonymous users cannot."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from procurement import services
from procurement.models import AuditRecord, OrganisationSystem
from tests.factories import MembershipFactory, SolutionFactory

from .works_with_helpers import (  # noqa: F401 - fixtures
    clinical,
    other_buyer,
    other_practice,
    practice,
    practice_buyer,
    types,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def recorded(organisation) -> list[tuple[str, bool, bool]]:
    return [
        (s.name, s.is_principal, s.solution_id is not None)
        for s in OrganisationSystem.objects.filter(organisation=organisation)
    ]


def test_a_buyer_records_the_principal_system_and_modules(client, clinical, practice, practice_buyer):
    module = SolutionFactory(name="Anywhere Consult", catalogue_id="10000-002")
    client.force_login(practice_buyer)

    assert "No systems recorded yet." in text(client.get("/buyer/systems/"))
    response = client.post("/buyer/systems/", {"form": "principal", "principal_solution": clinical.pk})
    assert response.status_code == 302
    client.post("/buyer/systems/", {"form": "module", "module": "10000-002"})
    client.post("/buyer/systems/", {"form": "module", "module": "docman 10", "module_not_listed": "on"})
    page = client.get("/buyer/systems/")

    assert recorded(practice) == [
        ("Meadowbank GP Clinical", True, True),
        ("Anywhere Consult", False, True),
        ("docman 10", False, False),
    ]
    assert "Principal clinical system Meadowbank GP Clinical" in text(page)
    assert "docman 10 Not in the catalogue" in text(page)
    actions = list(AuditRecord.objects.filter(organisation=practice).values_list("action", "subject_name"))
    assert sorted(actions) == sorted(
        [
            ("system_added", "Meadowbank GP Clinical"),
            ("system_added", "Anywhere Consult"),
            ("system_added", "docman 10"),
        ]
    )
    assert module.pk in OrganisationSystem.objects.values_list("solution_id", flat=True)


def test_a_new_principal_system_replaces_the_old_one(clinical, practice, practice_buyer):
    services.record_system(practice, user=practice_buyer, name="Vision", principal=True)
    services.record_system(practice, user=practice_buyer, solution=clinical)
    services.record_system(practice, user=practice_buyer, solution=clinical, principal=True)

    assert recorded(practice) == [("Meadowbank GP Clinical", True, True)]
    assert AuditRecord.objects.filter(action="system_removed", subject_name="Vision").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"form": "principal"}, "Choose your principal clinical system, or enter its name"),
        ({"form": "principal", "principal_solution": "999999"}, "Choose a clinical system from the list."),
        ({"form": "principal", "principal_solution": "abc"}, "Choose a clinical system from the list."),
        ({"form": "module", "module": "  "}, "Enter the solution ID or name of a system you run."),
        (
            {"form": "module", "module": "Nothing Like It"},
            "No listed solution has the ID or name “Nothing Like It”",
        ),
        ({"form": "module", "module": "x" * 101, "module_not_listed": "on"}, "100 characters or fewer"),
        ({"form": "module", "module": "Draft Thing"}, "No listed solution has the ID or name “Draft Thing”"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    client, clinical, practice, practice_buyer, data, message
):
    SolutionFactory(name="Draft Thing", publication_state="draft")
    client.force_login(practice_buyer)

    response = client.post("/buyer/systems/", data)

    assert response.status_code == 400
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert recorded(practice) == []


def test_the_same_system_twice_is_refused(client, clinical, practice, practice_buyer):
    client.force_login(practice_buyer)
    client.post("/buyer/systems/", {"form": "module", "module": clinical.name})

    response = client.post("/buyer/systems/", {"form": "module", "module": clinical.catalogue_id})

    assert response.status_code == 400
    assert "Meadowbank GP Clinical is already recorded." in text(response)
    assert len(recorded(practice)) == 1


def test_a_buyer_removes_a_system_but_not_another_organisations(
    client, practice, practice_buyer, other_practice, other_buyer
):
    ours = services.record_system(practice, user=practice_buyer, name="Docman")
    theirs = services.record_system(other_practice, user=other_buyer, name="Docman")
    client.force_login(practice_buyer)

    assert client.post(f"/buyer/systems/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/buyer/systems/{ours.pk}/remove/").status_code == 302

    assert recorded(practice) == []
    assert recorded(other_practice) == [("Docman", False, False)]
    assert AuditRecord.objects.filter(action="system_removed", organisation=practice).count() == 1


def test_another_organisations_systems_are_not_shown(
    client, practice, practice_buyer, other_practice, other_buyer
):
    services.record_system(other_practice, user=other_buyer, name="Their Secret System")
    client.force_login(practice_buyer)

    assert "Their Secret System" not in text(client.get("/buyer/systems/"))


def test_suppliers_and_anonymous_users_cannot(client, practice, practice_buyer, clinical):
    system = services.record_system(practice, user=practice_buyer, name="Docman")
    supplier_editor = MembershipFactory(
        organisation=clinical.supplier.organisation, role=Role.SUPPLIER_EDITOR
    ).user

    anonymous = client.get("/buyer/systems/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client.post(f"/buyer/systems/{system.pk}/remove/").status_code == 302

    client.force_login(supplier_editor)
    assert client.get("/buyer/systems/").status_code == 403
    assert (
        client.post(
            "/buyer/systems/", {"form": "module", "module": "x", "module_not_listed": "on"}
        ).status_code
        == 403
    )
    assert client.post(f"/buyer/systems/{system.pk}/remove/").status_code == 403
    assert recorded(practice) == [("Docman", False, False)]


def test_the_service_refuses_someone_who_does_not_buy_for_the_organisation(practice, other_buyer):
    with pytest.raises(PermissionDenied):
        services.record_system(practice, user=other_buyer, name="Docman")
    with pytest.raises(ValidationError):
        services.record_system(practice, user=other_buyer)
    assert recorded(practice) == []


def test_the_dashboard_links_to_your_systems(client, practice_buyer):
    client.force_login(practice_buyer)
    page = BeautifulSoup(client.get("/buyer/").content, "html.parser")
    assert page.find("a", string="Your systems")["href"] == "/buyer/systems/"
