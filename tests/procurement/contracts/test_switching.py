"""Switching: a commissioner's contracts ending in the next 12 months (its own and its practices'), by
capability and by practice, and "start a replacement call-off", which opens a competition pre-filled
from the old order. Permissions: another organisation's buyer gets 404, a supplier 403, anonymous users
the login page."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from accounts.models import Role
from catalogue.models import Capability
from procurement.competitions.models import Competition
from procurement.contracts.models import Replacement
from procurement.models import Shortlist
from procurement.orders.models import Order, add_months
from search.indexing import reindex
from tests.factories import CapabilityFactory, MembershipFactory, SolutionFactory, SupplierFactory
from tests.procurement.orders.helpers import make_world, ready_order

from .helpers import complete

URL = "/contracts/ending/"


def ending_in(order: Order, days: int) -> Order:
    """Move a completed order's start back so that it ends `days` from today (set-up only)."""
    today = timezone.localdate()
    start = add_months(today + datetime.timedelta(days=days + 1), -order.maximum_term_months)
    Order.objects.filter(pk=order.pk).update(commencement_date=start)
    order.refresh_from_db()
    assert order.end_date == today + datetime.timedelta(days=days)
    return order


@pytest.fixture
def switching(db, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    world = make_world()
    c43 = CapabilityFactory(ref="C43", name="Online Consultation")
    c5 = CapabilityFactory(ref="C5", name="Appointments Management - GP")
    world.solution.capabilities.set([c43, c5])
    rival = SolutionFactory(
        supplier=SupplierFactory(organisation__name="Rival Health Ltd"),
        name="Rival Consult",
        frameworks=[world.framework],
        capabilities=[c43, c5],
    )
    reindex([world.solution.pk, rival.pk])

    practice = world.practices[0]
    practice_buyer = MembershipFactory(organisation=practice, role=Role.BUYER).user
    practice_world = dataclasses.replace(
        world, organisation=practice, buyer=practice_buyer, practices=[practice]
    )
    orders = {
        "soon": ending_in(complete(world, capture), 120),
        "practice": ending_in(complete(practice_world, capture), 300),
        "later": ending_in(complete(world, capture), 500),
        "ended": ending_in(complete(world, capture), -5),
    }
    ready_order(world)  # in progress: not a contract
    return world, orders


def page(client) -> BeautifulSoup:
    response = client.get(URL)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def rows(soup, testid: str) -> list[str]:
    found = soup.find(attrs={"data-testid": testid})
    if found is None:
        return []
    items = (
        found.find_all("tr")[1:]
        if found.name == "table"
        else found.find_all(class_="nhsuk-summary-list__row")
    )
    return [" ".join(item.get_text(" ").split()) for item in items]


def test_the_commissioner_sees_its_and_its_practices_contracts_ending_within_12_months(client, switching):
    world, orders = switching
    client.force_login(world.buyer)
    soup = page(client)
    contracts = rows(soup, "ending-contracts")
    assert [row.split()[1] for row in contracts] == [
        orders["soon"].call_off_id,
        orders["practice"].call_off_id,
    ]
    assert world.practices[0].name in contracts[1]  # the practice's own order
    by_capability = rows(soup, "by-capability")
    assert [row.split(" ", 1)[0] for row in by_capability] == ["C5", "C43"]
    assert all(
        orders["soon"].call_off_id in row and orders["practice"].call_off_id in row for row in by_capability
    )
    by_practice = {row.split(" (")[0]: row for row in rows(soup, "by-practice")}
    assert set(by_practice) == {p.name for p in world.practices}
    assert orders["practice"].call_off_id in by_practice[world.practices[0].name]
    assert orders["practice"].call_off_id not in by_practice[world.practices[1].name]
    # Linked from the dashboard.
    assert URL in client.get("/buyer/").content.decode()


def test_a_replacement_call_off_opens_a_competition_pre_filled_from_the_old_order(client, switching):
    world, orders = switching
    old = orders["soon"]
    client.force_login(world.buyer)
    response = client.post(f"/contracts/ending/{old.pk}/replace/")
    assert response.status_code == 302
    competition = Competition.objects.get()
    assert competition.organisation == world.organisation
    assert set(competition.recipients.all()) == set(world.practices)  # the old order's recipients
    assert competition.maximum_term_months == old.maximum_term_months
    assert sorted(competition.search_parameters["capability"]) == ["C43", "C5"]
    assert {row.solution_id for row in competition.solutions.all()} == {
        s.pk for s in Capability.objects.get(ref="C43").solutions.all()
    }
    assert Shortlist.objects.get().organisation == world.organisation

    # Pressed again (a double submit): the same competition, nothing new.
    again = client.post(f"/contracts/ending/{old.pk}/replace/")
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Competition.objects.count() == 1 and Shortlist.objects.count() == 1
    assert Replacement.objects.get().old_order == old
    assert "Replacement call-off started" in " ".join(rows(page(client), "ending-contracts"))


def test_only_contracts_on_the_page_can_be_replaced(client, switching):
    world, orders = switching
    client.force_login(world.buyer)
    for order in (orders["later"], orders["ended"]):
        assert client.post(f"/contracts/ending/{order.pk}/replace/").status_code == 404
    assert client.post("/contracts/ending/999999/replace/").status_code == 404
    assert client.get(f"/contracts/ending/{orders['soon'].pk}/replace/").status_code == 405
    assert Competition.objects.count() == 0


def test_when_no_competition_can_start_the_page_says_why_and_nothing_is_saved(client, switching):
    world, orders = switching
    for number in range(10):  # the organisation's shortlist limit
        Shortlist.objects.create(organisation=world.organisation, name=f"Full {number}", parameters={})
    client.force_login(world.buyer)
    response = client.post(f"/contracts/ending/{orders['soon'].pk}/replace/")
    assert response.status_code == 400
    summary = BeautifulSoup(response.content, "html.parser").find(class_="nhsuk-error-summary")
    assert orders["soon"].call_off_id in summary.get_text()
    assert Competition.objects.count() == 0 and not Replacement.objects.exists()


def test_permissions(client, switching):
    world, orders = switching
    old = orders["soon"]
    replace = f"/contracts/ending/{old.pk}/replace/"

    # Anonymous: the login page, for the page and for the action.
    for response in (client.get(URL), client.post(replace)):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    # A supplier (even the one holding the contract): 403.
    client.force_login(world.supplier_user)
    assert client.get(URL).status_code == 403
    assert client.post(replace).status_code == 403

    # Another organisation's buyer: sees none of these contracts, and cannot replace one (404).
    other = MembershipFactory(role=Role.BUYER).user
    client.force_login(other)
    assert rows(page(client), "ending-contracts") == []
    assert client.post(replace).status_code == 404

    # A practice's buyer sees the practice's own contract only, not the commissioner's.
    practice_buyer = orders["practice"].organisation.memberships.get().user
    client.force_login(practice_buyer)
    assert [row.split()[1] for row in rows(page(client), "ending-contracts")] == [
        orders["practice"].call_off_id
    ]
    assert client.post(replace).status_code == 404
    assert Competition.objects.count() == 0
