# ruff: noqa: F811 - pytest fixtures imported from shortlist_helpers are redefined as arguments
"""/buyer/: the acting organisation's shortlists, competitions, orders and practices with list sizes;
only for buyers, and linked from the header for them alone."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from accounts.models import OrganisationType, Role
from tests.factories import MembershipFactory, OrganisationFactory, PracticeFactory

from .shortlist_helpers import (  # noqa: F401 - fixtures
    catalogue_ids,
    other_buyer,
    other_practice,
    practice,
    practice_buyer,
    save_shortlist,
)

pytestmark = pytest.mark.django_db


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(soup_of(response).get_text(" ").split())


def practice_rows(response) -> list[list[str]]:
    table = soup_of(response).find(attrs={"data-testid": "practices"})
    if table is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")] for row in table.tbody.find_all("tr")
    ]


def test_a_practice_buyer_sees_their_shortlists_and_their_practice(
    client, catalogue_ids, practice_buyer, other_buyer
):
    organisation = practice_buyer.memberships.get().organisation
    save_shortlist(practice_buyer, organisation, name="Online triage")
    save_shortlist(other_buyer, other_buyer.memberships.get().organisation, name="Someone else's")
    client.force_login(practice_buyer)

    response = client.get("/buyer/")

    assert response.status_code == 200
    shortlists = soup_of(response).find(attrs={"data-testid": "shortlists"})
    links = [(a.get_text(strip=True), a["href"]) for a in shortlists.find_all("a")]
    assert links == [("Online triage", f"/shortlists/{organisation.shortlists.get().pk}/")]
    assert "Someone else's" not in text(response)
    assert "1 of 10 shortlists" in text(response)
    assert "No competitions yet." in text(response)
    assert "No orders yet." in text(response)
    assert practice_rows(response) == [["The Densham Surgery", "A81001", "7,500"]]


def test_empty_states(client, practice_buyer):
    client.force_login(practice_buyer)
    response = client.get("/buyer/")
    assert "No shortlists yet." in text(response)
    assert soup_of(response).find("a", string="Search the catalogue")["href"] == "/catalogue/"


def test_a_pcn_sees_its_member_practices(client):
    pcn = OrganisationFactory(name="Densham PCN", org_type=OrganisationType.PCN, ods_code="U12345")
    PracticeFactory(name="Beta Surgery", ods_code="A00002", pcn=pcn, list_size=4_000)
    PracticeFactory(name="Alpha Surgery", ods_code="A00001", pcn=pcn, list_size=None)
    PracticeFactory(name="Closed Surgery", ods_code="A00003", pcn=pcn, is_active=False)
    PracticeFactory(name="Not In It", ods_code="A00004")
    user = MembershipFactory(organisation=pcn, role=Role.BUYER).user
    client.force_login(user)

    response = client.get("/buyer/")

    assert practice_rows(response) == [
        ["Alpha Surgery", "A00001", "Not known"],
        ["Beta Surgery", "A00002", "4,000"],
    ]


def test_an_icb_sees_the_practices_of_its_sub_icb_locations_a_page_at_a_time(client):
    icb = OrganisationFactory(name="North ICB", org_type=OrganisationType.ICB, ods_code="QHM")
    sub_icb = OrganisationFactory(
        name="North sub-ICB", org_type=OrganisationType.SUB_ICB_LOCATION, ods_code="00L", parent=icb
    )
    for number in range(30):
        PracticeFactory(name=f"Surgery {number:02d}", ods_code=f"C{number:05d}", parent=sub_icb)
    PracticeFactory(name="Elsewhere Surgery", ods_code="D00001")
    admin = MembershipFactory(organisation=icb, role=Role.ORGANISATION_ADMIN).user
    client.force_login(admin)

    first = client.get("/buyer/")
    assert "The 30 practices you buy for" in text(first)
    assert len(practice_rows(first)) == 25
    assert practice_rows(first)[0][0] == "Surgery 00"
    second = client.get("/buyer/", {"page": "2"})
    assert [row[0] for row in practice_rows(second)] == [f"Surgery {n}" for n in range(25, 30)]
    # A page that is not a number shows the first, never an error.
    assert client.get("/buyer/", {"page": "abc"}).status_code == 200


def test_a_sub_icb_location_sees_its_practices(client):
    sub_icb = OrganisationFactory(
        name="South sub-ICB", org_type=OrganisationType.SUB_ICB_LOCATION, ods_code="16C"
    )
    PracticeFactory(name="South Surgery", ods_code="E00001", parent=sub_icb, list_size=12_345)
    client.force_login(MembershipFactory(organisation=sub_icb, role=Role.BUYER).user)
    assert practice_rows(client.get("/buyer/")) == [["South Surgery", "E00001", "12,345"]]


def test_a_supplier_is_refused_and_anonymous_is_sent_to_log_in(client, supplier_a_editor):
    response = client.get("/buyer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/buyer/")

    client.force_login(supplier_a_editor)
    assert client.get("/buyer/").status_code == 403


def test_the_header_links_to_the_dashboard_for_buyers_only(client, practice_buyer, supplier_a_editor):
    def dashboard_link(response):
        nav = soup_of(response).find("nav", attrs={"aria-label": "Menu"})
        return nav.find("a", string=lambda s: s and "Your dashboard" in s)

    assert dashboard_link(client.get("/catalogue/")) is None
    client.force_login(supplier_a_editor)
    assert dashboard_link(client.get("/catalogue/")) is None
    client.force_login(practice_buyer)
    assert dashboard_link(client.get("/catalogue/"))["href"] == "/buyer/"
    current = soup_of(client.get("/buyer/")).find("a", attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "Your dashboard"


def test_the_save_button_shows_for_buyers_only(client, catalogue_ids, practice_buyer):
    assert "Save this search as a shortlist" not in text(client.get("/catalogue/", {"q": "video"}))
    client.force_login(practice_buyer)
    page = soup_of(client.get("/catalogue/", {"q": "video", "capability": "C44"}))
    form = page.find("form", id="shortlist-form")
    assert form["action"] == "/shortlists/new/"
    assert form.find("input", attrs={"name": "search"})["value"] == "q=video&capability=C44"
