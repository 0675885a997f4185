# ruff: noqa: F811 - pytest fixtures imported from works_with_helpers are redefined as arguments
""" "Works with your systems" where buyers meet solutions: the listing pages (the CMS's and the
catalogue's own, through catalogue.extensions' listing panels), the compare page and the search."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from accounts.models import Role
from catalogue.models import PublicationState
from cms.listings import ensure_listing_page
from cms.setup import ensure_site
from procurement import services
from search.indexing import reindex
from tests.factories import MembershipFactory, SolutionFactory
from tests.factories.listings import build_listing

from .works_with_helpers import (  # noqa: F401 - fixtures
    clinical,
    integrate,
    other_buyer,
    other_practice,
    practice,
    practice_buyer,
    types,
)

pytestmark = pytest.mark.django_db
PANEL_LINE = "IM1 Bulk: consumes, connects to EMIS Web (as the supplier states)"


def panel(response) -> str | None:
    found = BeautifulSoup(response.content, "html.parser").find(attrs={"data-testid": "works-with"})
    return None if found is None else " ".join(found.get_text(" ").split())


@pytest.fixture
def listing(db, supplier_a):
    """A published listing with a CMS page; it consumes IM1 Bulk and names EMIS Web."""
    ensure_site()
    solution = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    ensure_listing_page(solution)
    solution.refresh_from_db()
    assert solution.listing_url
    return solution


def test_a_buyer_who_recorded_their_systems_sees_how_a_listing_connects(
    client, listing, practice, practice_buyer
):
    services.record_system(practice, user=practice_buyer, name="EMIS Web", principal=True)
    client.force_login(practice_buyer)

    response = client.get(listing.listing_url)

    assert response.status_code == 200
    assert panel(response) == f"Information: Works with your systems {PANEL_LINE} Your systems"


def test_a_listing_that_does_not_connect_says_so(client, listing, practice, practice_buyer):
    services.record_system(practice, user=practice_buyer, name="Vision", principal=True)
    client.force_login(practice_buyer)

    assert "declares no integration with the systems you recorded" in panel(client.get(listing.listing_url))


def test_no_panel_for_anyone_else(client, listing, practice, practice_buyer, other_buyer, supplier_a_editor):
    services.record_system(practice, user=practice_buyer, name="EMIS Web", principal=True)

    assert panel(client.get(listing.listing_url)) is None  # anonymous
    client.force_login(other_buyer)  # another practice, which recorded nothing
    assert panel(client.get(listing.listing_url)) is None
    client.force_login(supplier_a_editor)
    assert panel(client.get(listing.listing_url)) is None


def test_the_catalogues_own_page_shows_it_too(client, supplier_a, practice, practice_buyer):
    solution = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    assert not solution.listing_url
    services.record_system(practice, user=practice_buyer, name="Emis Web GP", principal=True)
    client.force_login(practice_buyer)

    response = client.get(f"/solutions/{solution.catalogue_id}/")

    assert response.status_code == 200
    assert "IM1 Bulk: consumes, connects to Emis Web GP (as the supplier states)" in panel(response)


def test_a_supplier_member_is_not_a_buyer(client, listing, supplier_a):
    # An organisation admin of a supplier may not record systems, so sees no panel either.
    admin = MembershipFactory(organisation=supplier_a.organisation, role=Role.ORGANISATION_ADMIN).user
    client.force_login(admin)
    assert client.get("/buyer/systems/").status_code == 403
    assert panel(client.get(listing.listing_url)) is None


# --- The catalogue search: "Works with our systems" ---------------------------------------------------


@pytest.fixture
def indexed(db, types, clinical):
    """Three public listings, indexed: one consumes what our clinical system provides, one names
    EMIS Web, one connects to neither."""
    consumer = SolutionFactory(name="Triage Online")
    integrate(consumer, types, "IM1 Transactional", "consumer")
    named = SolutionFactory(name="Consult Anywhere")
    integrate(named, types, "IM1 Bulk", "consumer", integrates_with="EMIS Web, SystmOne")
    unrelated = SolutionFactory(name="Bulk Reports")
    integrate(unrelated, types, "NHS App Online Consultations", "consumer")
    reindex([clinical.pk, consumer.pk, named.pk, unrelated.pk])
    return {"consumer": consumer, "named": named, "unrelated": unrelated}


def result_names(response) -> set[str]:
    return {result["name"] for result in response.json()["results"]}


def test_a_buyer_filters_the_search_by_what_works_with_their_systems(
    client, indexed, clinical, practice, practice_buyer
):
    services.record_system(practice, user=practice_buyer, solution=clinical, principal=True)
    client.force_login(practice_buyer)

    everything = client.get("/api/v1/search/")
    works_with = client.get("/api/v1/search/", {"works_with": "yes"})
    page = client.get("/catalogue/", {"works_with": "yes"})

    assert everything.json()["total"] == 4
    assert works_with.status_code == 200
    assert result_names(works_with) == {"Triage Online"}
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("input", id="restriction-works_with").has_attr("checked")
    assert "Triage Online" in page.content.decode()
    assert "Bulk Reports" not in page.content.decode()


def test_a_principal_system_recorded_by_name_finds_what_names_it(client, indexed, practice, practice_buyer):
    services.record_system(practice, user=practice_buyer, name="EMIS Web", principal=True)
    client.force_login(practice_buyer)

    assert result_names(client.get("/api/v1/search/", {"works_with": "yes"})) == {"Consult Anywhere"}


def test_the_filter_is_offered_only_to_buyers_who_recorded_systems(
    client, indexed, practice, practice_buyer, other_buyer
):
    services.record_system(practice, user=practice_buyer, name="EMIS Web", principal=True)
    message = "Only a signed-in buyer whose organisation has recorded its systems"

    anonymous = client.get("/api/v1/search/", {"works_with": "yes"})
    assert anonymous.status_code == 400
    assert message in anonymous.json()["works_with"][0]
    page = client.get("/catalogue/", {"works_with": "yes"})
    assert page.status_code == 400
    assert message in page.content.decode()
    assert b"restriction-works_with" not in client.get("/catalogue/").content

    client.force_login(other_buyer)  # their practice recorded nothing: ours are not theirs
    assert client.get("/api/v1/search/", {"works_with": "yes"}).status_code == 400
    assert b"restriction-works_with" not in client.get("/catalogue/").content

    client.force_login(practice_buyer)
    assert b"restriction-works_with" in client.get("/catalogue/").content
    bad = client.get("/api/v1/search/", {"works_with": "maybe"})
    assert bad.status_code == 400
    assert bad.json() == {"works_with": ["“maybe” is not a choice for works_with: use yes, or leave it out."]}


# --- The compare page -----------------------------------------------------------------------------------


def compare_section(response):
    return BeautifulSoup(response.content, "html.parser").find(attrs={"data-testid": "section-works_with"})


def test_compare_has_a_works_with_row_per_solution(client, indexed, clinical, practice, practice_buyer):
    services.record_system(practice, user=practice_buyer, solution=clinical, principal=True)
    client.force_login(practice_buyer)
    solutions = [clinical, indexed["consumer"], indexed["unrelated"]]

    response = client.get("/compare/", {"solution": [s.catalogue_id for s in solutions]})

    assert response.status_code == 200
    section = compare_section(response)
    row = section.find("tbody").find("tr")
    assert row.find("th").get_text(strip=True) == "Works with your systems"
    cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]
    assert cells == [
        "You already run this",
        "Works with your systems IM1 Transactional: consumes, Meadowbank GP Clinical provides",
        "No integration with your systems declared",
    ]
    assert section.find("a", string="Change your systems")["href"] == "/buyer/systems/"
    csv = client.get("/compare/comparison.csv", {"solution": [s.catalogue_id for s in solutions]})
    assert "IM1 Transactional: consumes, Meadowbank GP Clinical provides" in csv.content.decode()


def test_compare_offers_a_buyer_without_systems_a_link_and_others_nothing(
    client, indexed, practice_buyer, supplier_a_editor
):
    query = {"solution": [indexed["consumer"].catalogue_id, indexed["named"].catalogue_id]}

    assert compare_section(client.get("/compare/", query)) is None  # anonymous
    client.force_login(supplier_a_editor)
    assert compare_section(client.get("/compare/", query)) is None
    client.force_login(practice_buyer)
    section = compare_section(client.get("/compare/", query))
    assert section.find("a", string="Record your systems")["href"] == "/buyer/systems/"
    assert section.find("table") is None
