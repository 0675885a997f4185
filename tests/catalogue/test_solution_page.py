"""The catalogue's own page of a solution (for a solution the CMS has not made a listing page for): its
facts, its prices in plain words, who may see which states, and a query count that does not grow with
the listing. The facts include (catalogue/includes/solution_facts.html) is shared with the CMS's listing
page, which renders supplier-owned sections from the page's content: see tests/cms/test_public_pages.py."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.listing_content import ListingContent
from catalogue.models import (
    CalculationType,
    EpicLevel,
    PriceType,
    ProvisioningType,
    PublicationState,
    TimeUnit,
)
from tests.factories import (
    AdditionalServiceFactory,
    AssociatedServiceFactory,
    CapabilityFactory,
    PriceFactory,
    SolutionClientApplicationFactory,
    SolutionFactory,
    SupplierContactFactory,
)
from tests.factories.listings import add_epics, add_prices, build_listing

pytestmark = pytest.mark.django_db

NOT_PUBLIC = [
    PublicationState.DRAFT,
    PublicationState.SUBMITTED,
    PublicationState.SUSPENDED,
    PublicationState.UNPUBLISHED,
]


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def listing(supplier_a):
    return build_listing(supplier_a)


def test_published_listing_shows_its_facts(client, listing):
    response = client.get(listing.get_absolute_url())

    assert response.status_code == 200
    text = text_of(response)
    for expected in [
        "Clinic Connect",
        "Supplier A Ltd",
        "Lets patients consult their practice online.",
        "A longer description of what the solution does.",
        "Online triage",
        "GP IT Futures (NHSDGP001)",
        "C1 Appointments Management – GP",
        "Must",
        "S24",
        "GP Connect standard",
        "IM1 Bulk",
        "Uses it",
        "EMIS Web",
        "Public cloud",
        "Browser-based",
        "Extra reports",
        "On-site training",
        "£650.00 per day",
        "Usually two weeks from the order.",
        "Type 1: service levels for clinical systems",
        "Video consultations next spring.",
        "Pat Contact",
        "sales@supplier.example.com",
    ]:
        assert expected in text, expected
    assert "This solution is in remediation" not in text
    assert "This listing is not public" not in text
    assert "Demo data" not in text


def test_contacts_have_email_links(client, supplier_a):
    solution = build_listing(supplier_a)
    SupplierContactFactory(
        supplier=supplier_a,
        solution=solution,
        name="Sam Sales",
        department="New business",
        email="sam@supplier.example.com",
        phone="0113 496 0000",
    )

    soup = BeautifulSoup(client.get(solution.get_absolute_url()).content, "html.parser")

    contacts = soup.find(attrs={"data-testid": "supplier-contacts"})
    rows = {
        row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
        for row in contacts.select(".nhsuk-summary-list__row")
    }
    assert rows == {
        "Name": "Sam Sales",
        "Department": "New business",
        "Email": "sam@supplier.example.com",
        "Phone": "0113 496 0000",
    }
    assert contacts.find("a", href="mailto:sam@supplier.example.com")
    assert "Pat Contact" not in contacts.get_text()  # the listing's own contact, not the supplier's


def test_client_application_requirements_are_in_words(client, supplier_a):
    solution = SolutionFactory(
        supplier=supplier_a,
        client_application_details={
            "BrowsersSupported": ["Google Chrome", "Microsoft Edge"],
            "minimum_connection_speed": "2Mbps",
            "MobileResponsive": True,
        },
    )
    SolutionClientApplicationFactory(solution=solution)

    soup = BeautifulSoup(client.get(solution.get_absolute_url()).content, "html.parser")

    section = soup.find("h2", string="Client applications").find_parent(class_="app-section")
    rows = [
        (row.dt.get_text(strip=True), row.dd.get_text(strip=True))
        for row in section.select(".nhsuk-summary-list__row")
    ]
    # In the order PostgreSQL's jsonb keeps the keys, which is not the order they were written in.
    assert sorted(rows) == [
        ("Browsers supported", "Google Chrome, Microsoft Edge"),
        ("Minimum connection speed", "2Mbps"),
        ("Mobile responsive", "Yes"),
    ]
    assert [li.get_text(strip=True) for li in section.select("li")] == ["Browser-based"]


def test_supplier_owned_sections_come_from_the_content_not_the_solution(rf, supplier_a):
    """The facts include renders what the supplier owns from `content` (on a listing page, possibly a
    draft) and only what the catalogue owns from `solution`: given a full listing and empty content,
    every supplier-owned section is empty and every catalogue-owned one is full."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from catalogue.models import Solution

    solution = Solution.objects.with_facts().get(pk=build_listing(supplier_a).pk)
    request = rf.get("/")
    request.user = AnonymousUser()

    html = render_to_string(
        "catalogue/solution_detail.html", {"solution": solution, "content": ListingContent()}, request
    )

    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    for catalogue_owned in [
        "Clinic Connect",
        solution.catalogue_id,
        "GP IT Futures (NHSDGP001)",
        "C1 Appointments Management – GP",
        "S24",
        "GP Connect standard",
    ]:
        assert catalogue_owned in text, catalogue_owned
    for supplier_owned in [
        "Lets patients consult their practice online.",
        "A longer description",
        "Online triage",
        "£1.25",
        "Public cloud",
        "Browser-based",
        "EMIS Web",
        "Extra reports",
        "On-site training",
        "Usually two weeks",
        "Type 1",
        "Video consultations",
        "Pat Contact",
    ]:
        assert supplier_owned not in text, supplier_owned
    for empty in [
        "The supplier has not provided a description.",
        "The supplier has not published a list price for this solution.",
        "No integrations recorded.",
        "No hosting options recorded.",
        "No client application types recorded.",
        "This solution has no additional services.",
        "The supplier offers no associated services with this solution.",
        "The supplier has not said how long implementation takes.",
        "The supplier has not said which service level agreement applies.",
        "The supplier has not published a roadmap here.",
        "No contact details published.",
    ]:
        assert empty in text, empty


def test_price_is_in_plain_words(client, listing):
    response = client.get(listing.get_absolute_url())

    assert "£1.25 per patient per year" in text_of(response)


def test_tiered_price_has_a_table_of_tiers(client, supplier_a):
    solution = SolutionFactory(supplier=supplier_a)
    PriceFactory(
        solution=solution,
        price_type=PriceType.TIERED,
        calculation_type=CalculationType.VOLUME,
        provisioning_type=ProvisioningType.ON_DEMAND,
        unit_description="per user",
        range_description="users",
        time_unit=TimeUnit.PER_MONTH,
        tiers=[(1, 999, "1.00"), (1000, None, "0.75")],
    )

    soup = BeautifulSoup(client.get(solution.get_absolute_url()).content, "html.parser")

    table = soup.find("caption", string=lambda s: s and "Price tiers" in s).find_parent("table")
    rows = [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in table.tbody.find_all("tr")]
    assert rows == [
        ["1 to 999 users", "£1.00 per user per month"],
        ["1,000 or more users", "£0.75 per user per month"],
    ]
    assert "from £0.75 per user per month (tiered, volume)" in soup.get_text()


def test_in_remediation_listing_is_public_with_a_warning(client, supplier_a):
    solution = build_listing(supplier_a, publication_state=PublicationState.IN_REMEDIATION)

    response = client.get(solution.get_absolute_url())

    assert response.status_code == 200
    assert "This solution is in remediation" in text_of(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(attrs={"data-testid": "remediation-warning"})


def test_demo_listing_is_tagged(client, supplier_a):
    solution = SolutionFactory(supplier=supplier_a, is_demo=True)

    soup = BeautifulSoup(client.get(solution.get_absolute_url()).content, "html.parser")

    assert soup.find(class_="app-demo-tag").get_text(strip=True) == "Demo data"


@pytest.mark.parametrize("state", NOT_PUBLIC)
@pytest.mark.parametrize("viewer", ["anonymous", "buyer", "supplier_b_editor"])
def test_listing_that_is_not_public_is_not_found_by_others(client, request, supplier_a, state, viewer):
    solution = SolutionFactory(supplier=supplier_a, publication_state=state)
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    response = client.get(solution.get_absolute_url())

    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert solution.name not in text_of(response)


@pytest.mark.parametrize("state", NOT_PUBLIC)
@pytest.mark.parametrize("viewer", ["supplier_a_editor", "moderator"])
def test_listing_that_is_not_public_is_shown_to_its_supplier_and_the_catalogue_team(
    client, request, supplier_a, state, viewer
):
    solution = build_listing(supplier_a, publication_state=state)
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(solution.get_absolute_url())

    assert response.status_code == 200
    text = text_of(response)
    assert "This listing is not public" in text
    assert PublicationState(state).label.lower() in text


def test_unknown_solution_is_not_found(client):
    assert client.get("/solutions/99999-999/").status_code == 404


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("viewer", ["anonymous", "supplier_a_editor"])
def test_query_count_does_not_grow_with_the_listing(
    client, request, supplier_a, viewer, django_assert_max_num_queries
):
    small = build_listing(supplier_a, epics=1, prices=1)
    large = build_listing(supplier_a, epics=8, prices=4)
    add_epics(large, CapabilityFactory(), 5, level=EpicLevel.SHOULD)
    add_prices(
        large,
        3,
        price_type=PriceType.TIERED,
        calculation_type=CalculationType.CUMULATIVE,
        tiers=[(1, 10, "2"), (11, 100, "1.5"), (101, None, "1")],
    )
    for _ in range(3):
        add_prices(AdditionalServiceFactory(solution=large), 3)
        associated = AssociatedServiceFactory(supplier=supplier_a)
        associated.solutions.add(large)
        add_prices(associated, 2)
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    client.get(small.get_absolute_url())  # warm per-process caches (Wagtail's site root paths)
    small_count = count_queries(client, small.get_absolute_url())
    large_count = count_queries(client, large.get_absolute_url())

    assert large_count == small_count
    # The listing and its relations (22, whatever their size), the epics' levels (1), the conformance
    # section (5), and for a signed-in user the session, the user, the role check and Wagtail's user bar
    # permission checks (5) and the organisation they act for, shown in the header (1).
    with django_assert_max_num_queries(27 if viewer == "anonymous" else 33):
        client.get(large.get_absolute_url())
