"""The public pages of the CMS: listing pages, supplier pages, the solutions index and the guidance pages.

The site is built the way `manage.py setup_site` builds it (`cms.setup.ensure_site`), listings come from
the catalogue's factories and get their pages from `cms.listings.ensure_listing_page`, and changes of
state go through the catalogue's services, with their on-commit events run so the CMS mirrors them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue import services
from catalogue.listing_content import PriceContent
from catalogue.models import (
    CalculationType,
    EpicLevel,
    PriceType,
    ProvisioningType,
    PublicationState,
    Solution,
    TimeUnit,
)
from catalogue.pricing import Tier
from cms.listings import content_of, ensure_listing_page, fill_page
from cms.models import GuidancePage, HomePage, ListingPage, SupplierPage
from cms.setup import ensure_site
from tests.factories import (
    AdditionalServiceFactory,
    AssociatedServiceFactory,
    CapabilityFactory,
    IntegrationTypeFactory,
    SolutionFactory,
    SolutionIntegrationFactory,
    SupplierContactFactory,
)
from tests.factories.cms import approve_draft, make_image, rich_content
from tests.factories.listings import add_epics, add_prices, build_listing

pytestmark = pytest.mark.django_db

SUSPENSION_REASON = "Its clinical safety case has lapsed. The supplier is renewing it."


def listing_with_page(supplier, **fields) -> tuple[Solution, ListingPage]:
    solution = build_listing(supplier, **fields)
    page = ensure_listing_page(solution)
    solution.refresh_from_db()
    return solution, page


def text_of(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def get_page(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


def assert_headings_in_order(soup) -> None:
    """One <h1>, first, and no heading more than one level below the one before it."""
    levels = [int(h.name[1]) for h in soup.find("main").find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in pairwise(levels):
        assert after <= before + 1, levels


def breadcrumb(soup) -> list[tuple[str, str | None]]:
    items = soup.select(".nhsuk-breadcrumb__list-item")
    return [(item.get_text(strip=True), item.a["href"] if item.a else None) for item in items]


@pytest.fixture
def site(db):
    ensure_site()
    return HomePage.objects.get()


# --- Listing pages -------------------------------------------------------------------------------


def test_listing_page_shows_the_facts_and_prices_in_plain_words(client, site, supplier_a):
    solution, _ = listing_with_page(supplier_a)
    assert solution.listing_url == "/solutions/supplier-a-ltd/clinic-connect/"

    response = client.get(solution.listing_url)

    assert response.status_code == 200
    assert "cms/listing_page.html" in [template.name for template in response.templates]
    soup = BeautifulSoup(response.content, "html.parser")
    h1 = soup.find("h1")
    assert h1.select_one(".nhsuk-caption-xl").get_text(strip=True).startswith("Supplier A Ltd")
    assert "Clinic Connect" in h1.get_text()
    text = text_of(soup)
    for expected in [
        "Lets patients consult their practice online.",
        "A longer description of what the solution does.",
        "Online triage",
        "GP IT Futures (NHSDGP001)",
        "C1 Appointments Management – GP",
        "Must",
        "S24 GP Connect standard",
        "IM1 Bulk",
        "Connects to EMIS Web",
        "Public cloud",
        "Browser-based",
        "Extra reports",
        "On-site training",
        "£650.00 per day",
        "Usually two weeks from the order.",
        "Type 1: service levels for clinical systems",
        "Video consultations next spring.",
        "Not reviewed yet",
    ]:
        assert expected in text, expected
    prices = soup.find("h2", string="Prices").find_parent(class_="app-section")
    assert "£1.25 per patient per year" in text_of(prices)
    assert "This solution is in remediation" not in text
    assert "This listing is suspended" not in text
    assert "This is a preview of your draft" not in text
    assert not soup.find(attrs={"data-testid": "listing-body"})  # nothing in page.body yet
    assert breadcrumb(soup) == [
        ("Home", "/"),
        ("Solutions", "/solutions/"),
        ("Supplier A Ltd", "/solutions/supplier-a-ltd/"),
        ("Clinic Connect", None),
    ]
    assert soup.select_one(".nhsuk-breadcrumb__list-item[aria-current=page]").get_text(strip=True) == (
        "Clinic Connect"
    )
    assert_headings_in_order(soup)


def test_listing_page_shows_the_listings_contacts(client, site, supplier_a):
    solution = build_listing(supplier_a)
    SupplierContactFactory(
        supplier=supplier_a,
        solution=solution,
        name="Sam Sales",
        department="New business",
        email="sam@supplier.example.com",
        phone="0113 496 0000",
    )
    ensure_listing_page(solution)
    solution.refresh_from_db()

    soup = get_page(client, solution.listing_url)

    contacts = soup.find(attrs={"data-testid": "supplier-contacts"})
    assert contacts.find("h2").get_text(strip=True) == "Contact the supplier"
    text = text_of(contacts)
    for expected in ["Sam Sales", "New business", "0113 496 0000"]:
        assert expected in text
    assert contacts.find("a", href="mailto:sam@supplier.example.com").get_text(strip=True) == (
        "sam@supplier.example.com"
    )
    # The listing's own contact replaces the supplier's general one.
    assert "Pat Contact" not in text


def test_last_reviewed_date_is_shown(client, site, supplier_a):
    solution, _ = listing_with_page(supplier_a, last_reviewed=datetime.date(2025, 3, 4))

    soup = get_page(client, solution.listing_url)

    assert (
        soup.find(attrs={"data-testid": "last-reviewed"}).get_text(strip=True) == "Last reviewed 4 March 2025"
    )


def test_in_remediation_listing_page_has_the_warning(client, site, supplier_a):
    solution, _ = listing_with_page(supplier_a, publication_state=PublicationState.IN_REMEDIATION)

    soup = get_page(client, solution.listing_url)

    warning = soup.find(attrs={"data-testid": "remediation-warning"})
    assert "nhsuk-card--warning" in warning["class"]
    assert "This solution is in remediation" in warning.find("h2").get_text()
    assert "You can still buy it" in text_of(warning)
    assert "£1.25 per patient per year" in text_of(soup)


def test_suspended_listing_page_says_why_and_offers_nothing_to_buy(
    client, site, supplier_a, moderator, django_capture_on_commit_callbacks
):
    solution, page = listing_with_page(supplier_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_listing(solution, user=moderator, reason=SUSPENSION_REASON)
    page.refresh_from_db()
    assert page.live  # the CMS keeps a suspended listing's page up, to say why

    soup = get_page(client, solution.listing_url)

    notice = soup.find(attrs={"data-testid": "suspended-notice"})
    assert notice.find("h2").get_text(" ", strip=True).endswith("This listing is suspended")
    notice_text = text_of(notice)
    assert "buyers cannot find it in the catalogue or order it" in notice_text
    assert f"on {timezone.localdate():%-d %B %Y}" in notice_text
    assert text_of(notice.find(attrs={"data-testid": "suspension-reason"})) == SUSPENSION_REASON
    # The basic facts stay; nothing that could be bought or ordered is shown.
    text = text_of(soup)
    assert "Solution ID" in text and solution.catalogue_id in text
    assert "GP IT Futures (NHSDGP001)" in text
    for absent in ["£1.25 per patient per year", "£650.00 per day", "Extra reports", "On-site training"]:
        assert absent not in text, absent
    assert [text_of(h2) for h2 in soup.find("main").find_all("h2")] == [
        "Important: This listing is suspended",
        "Key facts",
    ]
    assert_headings_in_order(soup)


def test_suspension_reason_is_the_latest_suspensions(
    client, site, supplier_a, moderator, django_capture_on_commit_callbacks
):
    """Suspended, restored, suspended again: the page gives the second reason, not the first."""
    solution, _ = listing_with_page(supplier_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_listing(solution, user=moderator, reason="First reason.")
        services.restore_listing(solution, user=moderator, reason="Put right.")
        services.suspend_listing(solution, user=moderator, reason="Second reason.")

    soup = get_page(client, solution.listing_url)

    assert text_of(soup.find(attrs={"data-testid": "suspension-reason"})) == "Second reason."
    assert "First reason." not in text_of(soup)


def test_suspended_listing_without_a_recorded_reason(client, site, supplier_a):
    """A listing loaded as suspended (seeding, imports) has no suspension record: the page still says
    it is suspended, and that no reason was published."""
    solution, _ = listing_with_page(supplier_a, publication_state=PublicationState.SUSPENDED)

    soup = get_page(client, solution.listing_url)

    notice = soup.find(attrs={"data-testid": "suspended-notice"})
    assert "buyers cannot find it in the catalogue or order it" in text_of(notice)
    assert "The catalogue team has not published a reason." in text_of(notice)
    assert "£1.25 per patient per year" not in text_of(soup)


def test_unpublished_listing_page_is_not_found(
    client, site, supplier_a, moderator, django_capture_on_commit_callbacks
):
    solution, _ = listing_with_page(supplier_a)
    url = solution.listing_url
    get_page(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish_listing(solution, user=moderator, reason="The supplier left the framework.")

    soup = get_page(client, url, status=404)
    assert "Clinic Connect" not in text_of(soup)


def test_draft_listing_has_no_public_page(client, site, supplier_a):
    solution = build_listing(supplier_a, publication_state=PublicationState.DRAFT)
    page = ensure_listing_page(solution)

    assert not page.live
    get_page(client, "/solutions/supplier-a-ltd/clinic-connect/", status=404)


def test_listing_page_renders_the_suppliers_rich_content(client, site, supplier_a, moderator):
    solution, page = listing_with_page(supplier_a)
    image = make_image()
    approve_draft(page, moderator, body=rich_content(image))
    solution.refresh_from_db()

    soup = get_page(client, solution.listing_url)

    body = soup.find(attrs={"data-testid": "listing-body"})
    assert body.find("h2").get_text(strip=True) == "About Clinic Connect"
    assert [h3.get_text(" ", strip=True) for h3 in body.find_all("h3")] == [
        "Book from any device",
        "Case study : Fewer calls at 8am",
        "Implementation approach",
    ]
    figure = body.find("figure", class_="nhsuk-image")
    img = figure.find("img")
    assert img["alt"] == "The appointment book, showing free slots for Monday morning"
    assert "nhsuk-image__img" in img["class"]
    assert img["src"].startswith("/media/images/")
    assert figure.find("figcaption").get_text(strip=True) == "Free slots are shown in green."
    text = text_of(body)
    for expected in [
        "Patients book online at any hour.",
        "Riverside Surgery",
        "Morning calls fell by a third in two months.",
        "Our phones are quiet at last.",
        "Practice manager, Riverside Surgery",
        "We migrate your appointment book in a day.",
    ]:
        assert expected in text, expected
    assert body.find("blockquote")
    # Approval counts as a review.
    assert f"Last reviewed {timezone.localdate():%-d %B %Y}" in text_of(soup)
    assert_headings_in_order(soup)


def test_preview_shows_the_draft_not_the_published_listing(site, supplier_a):
    solution, page = listing_with_page(supplier_a)
    draft = page.get_latest_revision_as_object()
    content = content_of(draft)
    fill_page(
        draft,
        replace(
            content,
            summary="A new summary, not approved yet.",
            prices=(
                PriceContent(
                    provisioning_type=ProvisioningType.PER_PATIENT,
                    unit_description="per patient",
                    tiers=(Tier(1, None, Decimal("2.10")),),
                    time_unit=TimeUnit.PER_YEAR,
                ),
            ),
            contacts=(replace(content.contacts[0], name="Drew Draft", email="drew@supplier.example.com"),),
        ),
    )

    response = draft.make_preview_request()

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    banner = soup.find(attrs={"data-testid": "preview-banner"})
    assert "This is a preview of your draft" in text_of(banner)
    text = text_of(soup)
    assert "A new summary, not approved yet." in text
    assert "£2.10 per patient per year" in text
    assert "£1.25 per patient per year" not in text
    assert "Drew Draft" in text and "Pat Contact" not in text
    # The catalogue and the live page are untouched until the draft is approved.
    solution.refresh_from_db()
    assert solution.summary == "Lets patients consult their practice online."


def test_a_new_service_in_a_draft_has_no_id_yet(site, supplier_a):
    _, page = listing_with_page(supplier_a)
    draft = page.get_latest_revision_as_object()
    content = content_of(draft)
    new_service = replace(content.additional_services[0], name="Brand new reports", catalogue_id="")
    fill_page(draft, replace(content, additional_services=(*content.additional_services, new_service)))

    soup = BeautifulSoup(draft.make_preview_request().content, "html.parser")

    section = soup.find("h2", string="Additional services").find_parent(class_="app-section")
    text = text_of(section)
    assert "Brand new reports" in text
    assert "New additional service: it gets its ID when it is published" in text
    existing = content.additional_services[0].catalogue_id
    assert existing and f"Additional service ID: {existing}" in text


def test_tiered_price_from_a_page_has_its_table_of_tiers(site, supplier_a):
    _, page = listing_with_page(supplier_a)
    draft = page.get_latest_revision_as_object()
    tiered = PriceContent(
        provisioning_type=ProvisioningType.ON_DEMAND,
        unit_description="per user",
        range_description="users",
        tiers=(Tier(1000, None, Decimal("0.75")), Tier(1, 999, Decimal("1.00"))),
        time_unit=TimeUnit.PER_MONTH,
        calculation_type=CalculationType.VOLUME,
    )
    fill_page(draft, replace(content_of(draft), prices=(tiered,)))

    soup = BeautifulSoup(draft.make_preview_request().content, "html.parser")

    table = soup.find("caption", string=lambda s: s and "Price tiers" in s).find_parent("table")
    rows = [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in table.tbody.find_all("tr")]
    assert rows == [
        ["1 to 999 users", "£1.00 per user per month"],
        ["1,000 or more users", "£0.75 per user per month"],
    ]
    assert "from £0.75 per user per month (tiered, volume)" in text_of(soup)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("viewer", ["anonymous", "supplier_a_editor"])
def test_listing_page_query_count_does_not_grow_with_the_listing(
    client, request, site, supplier_a, moderator, viewer, django_assert_max_num_queries
):
    """Epics, prices, tiers, services, contacts and rich-content blocks (other than screenshots, whose
    renditions Wagtail looks up one by one) cost no query each."""
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
    SupplierContactFactory(supplier=supplier_a, solution=large, name="A second contact")
    small_page = ensure_listing_page(small)
    large_page = ensure_listing_page(large)
    approve_draft(small_page, moderator, body=rich_content()[:1])
    approve_draft(large_page, moderator, body=rich_content() * 4)
    small.refresh_from_db()
    large.refresh_from_db()
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    client.get(small.listing_url)  # warm per-process caches (Wagtail's site root paths)
    small_count = count_queries(client, small.listing_url)
    large_count = count_queries(client, large.listing_url)

    assert large_count == small_count
    # Site and routing (8), view restrictions (2), the page's solution in ListingPage.serve (1), the
    # solution with its facts (20), the integration in the page's content and its type (2), the
    # breadcrumb's ancestors (1), the conformance section (5). Signed in: the session, the user, the
    # role check and Wagtail's user bar permission checks on top.
    with django_assert_max_num_queries(38 if viewer == "anonymous" else 45):
        client.get(large.listing_url)


def test_listing_page_query_count_does_not_grow_with_integrations(client, site, supplier_a):
    small = build_listing(supplier_a)
    large = build_listing(supplier_a)
    for _ in range(3):
        SolutionIntegrationFactory(solution=large, integration_type=IntegrationTypeFactory())
    for solution in (small, large):
        ensure_listing_page(solution)
        solution.refresh_from_db()

    client.get(small.listing_url)

    assert count_queries(client, large.listing_url) == count_queries(client, small.listing_url)


# --- Supplier pages and the solutions index -------------------------------------------------------


def make_listings(supplier_a, supplier_b):
    """Listings in every state, with their pages, for two suppliers."""
    made = {
        "Clinic Connect": build_listing(supplier_a),
        "Appointments Plus": SolutionFactory(supplier=supplier_a, name="Appointments Plus"),
        "Remedy Notes": SolutionFactory(
            supplier=supplier_a, name="Remedy Notes", publication_state=PublicationState.IN_REMEDIATION
        ),
        "Hidden Draft": SolutionFactory(
            supplier=supplier_a, name="Hidden Draft", publication_state=PublicationState.DRAFT
        ),
        "Old Records": SolutionFactory(
            supplier=supplier_a, name="Old Records", publication_state=PublicationState.UNPUBLISHED
        ),
        "Paused Pharmacy": SolutionFactory(
            supplier=supplier_a, name="Paused Pharmacy", publication_state=PublicationState.SUSPENDED
        ),
        "Bravo Triage": SolutionFactory(supplier=supplier_b, name="Bravo Triage"),
        "zeta scheduling": SolutionFactory(supplier=supplier_b, name="zeta scheduling"),
        "111 Connect": SolutionFactory(supplier=supplier_b, name="111 Connect"),
    }
    for solution in made.values():
        ensure_listing_page(solution)
        solution.refresh_from_db()
    return made


PUBLIC_OF_A = ["Appointments Plus", "Clinic Connect", "Remedy Notes"]
NOT_PUBLIC = ["Hidden Draft", "Old Records", "Paused Pharmacy"]


def test_supplier_page_lists_only_its_public_listings(client, site, supplier_a, supplier_b):
    supplier_a.address = "1 Example Street\nLeeds\nLS1 1AA"
    supplier_a.save()
    listings = make_listings(supplier_a, supplier_b)
    supplier_page = SupplierPage.objects.get(supplier=supplier_a)

    response = client.get(supplier_page.url)

    assert response.status_code == 200
    assert "cms/supplier_page.html" in [template.name for template in response.templates]
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Supplier A Ltd" in soup.find("h1").get_text()
    text = text_of(soup)
    assert "A supplier for tests." in text
    assert "1 Example Street Leeds LS1 1AA" in text
    assert (
        soup.find("a", href="https://supplier.example.com/").get_text(strip=True)
        == "Supplier A Ltd's website"
    )
    cards = soup.find(attrs={"data-testid": "supplier-listings"}).select(".nhsuk-card__link")
    assert [(card.get_text(strip=True), card["href"]) for card in cards] == [
        (name, listings[name].listing_url) for name in PUBLIC_OF_A
    ]
    assert all(listings[name].listing_url.startswith(supplier_page.url) for name in PUBLIC_OF_A)
    for name in [*NOT_PUBLIC, "Bravo Triage"]:
        assert name not in text, name
    assert "In remediation" in text
    assert breadcrumb(soup) == [("Home", "/"), ("Solutions", "/solutions/"), ("Supplier A Ltd", None)]
    assert_headings_in_order(soup)


def test_solutions_index_lists_public_listings_a_to_z(client, site, supplier_a, supplier_b):
    listings = make_listings(supplier_a, supplier_b)

    response = client.get("/solutions/")

    assert response.status_code == 200
    assert "cms/solutions_index_page.html" in [template.name for template in response.templates]
    soup = BeautifulSoup(response.content, "html.parser")
    items = soup.select(".app-listing-list__item")
    names = [item.find("a").get_text(strip=True) for item in items]
    assert names == [
        "111 Connect",
        "Appointments Plus",
        "Bravo Triage",
        "Clinic Connect",
        "Remedy Notes",
        "zeta scheduling",
    ]
    for item in items:
        name = item.find("a").get_text(strip=True)
        assert item.find("a")["href"] == listings[name].listing_url
        supplier = "Supplier A Ltd" if name in PUBLIC_OF_A else "Supplier B Ltd"
        assert f"from {supplier}" in text_of(item)
    assert [text_of(h2) for h2 in soup.find("main").find_all("h2")] == ["0-9", "A", "B", "C", "R", "Z"]
    letters = soup.find("nav", attrs={"aria-label": "Solutions A to Z"}).find_all("a")
    assert [link["href"] for link in letters] == [
        "#solutions-0-9",
        "#solutions-a",
        "#solutions-b",
        "#solutions-c",
        "#solutions-r",
        "#solutions-z",
    ]
    assert all(soup.find(id=link["href"][1:]) for link in letters)
    text = text_of(soup)
    for name in NOT_PUBLIC:
        assert name not in text, name
    assert "There are 6 solutions in the catalogue." in text
    assert soup.find("a", href="/catalogue/").get_text(strip=True) == "search the catalogue"
    assert_headings_in_order(soup)


def test_solutions_index_without_listings(client, site):
    soup = get_page(client, "/solutions/")

    assert "There are no solutions in the catalogue yet." in text_of(soup)
    assert not soup.select(".app-listing-list__item")


# --- Guidance pages and the home page -------------------------------------------------------------


def test_guidance_pages_render_their_blocks(client, site):
    soup = get_page(client, "/how-to-buy/")
    assert soup.find("h1").get_text(strip=True) == "How to buy"
    assert "How practices, PCNs and ICBs call off solutions" in soup.select_one("p.nhsuk-body-l").get_text()
    assert [h2.get_text(strip=True) for h2 in soup.find("main").find_all("h2")] == [
        "Choose your route by the value of the contract",
        "Run a competition",
        "Place the order",
    ]
    inset = soup.select_one(".nhsuk-inset-text")
    assert "We remind you 90 and 45 days before a contract ends" in text_of(inset)
    assert inset.select_one(".nhsuk-u-visually-hidden").get_text(strip=True) == "Information:"
    assert "up to £40,000" in text_of(soup)
    assert breadcrumb(soup) == [("Home", "/"), ("How to buy", None)]
    assert_headings_in_order(soup)

    soup = get_page(client, "/accreditation/")
    warning = soup.select_one(".nhsuk-card--warning")
    assert text_of(warning.find("h2")) == "Important: When a solution falls short"
    assert "A suspended listing is hidden from search" in text_of(warning)
    assert_headings_in_order(soup)


def test_guidance_details_block_is_an_nhs_expander(client, site):
    home = HomePage.objects.get()
    page = home.add_child(
        instance=GuidancePage(
            title="Frequently asked questions",
            slug="faq",
            summary="Answers to common questions.",
            body=[
                {"type": "heading", "value": "Orders"},
                {
                    "type": "details",
                    "value": {
                        "summary": "Can I pay less than the list price?",
                        "text": "<p>Yes: you may agree a lower price, never a higher one.</p>",
                    },
                },
                {
                    "type": "warning",
                    "value": {"heading": "Important dates", "text": "<p>Contracts end after 36 months.</p>"},
                },
            ],
        )
    )
    page.save_revision().publish()

    soup = get_page(client, "/faq/")

    details = soup.find("details", class_="nhsuk-details")
    assert details.select_one("summary .nhsuk-details__summary-text").get_text(strip=True) == (
        "Can I pay less than the list price?"
    )
    assert "you may agree a lower price" in text_of(details.select_one(".nhsuk-details__text"))
    # A heading that already says "Important" is not prefixed with it again.
    assert text_of(soup.select_one(".nhsuk-card--warning h2")) == "Important dates"


def test_home_page_links_to_the_guidance_and_the_solutions(client, site, supplier_a):
    listing_with_page(supplier_a)

    soup = get_page(client, "/")

    guidance = soup.find(attrs={"data-testid": "guidance-pages"})
    assert [(a.get_text(strip=True), a["href"]) for a in guidance.find_all("a")] == [
        ("How to buy", "/how-to-buy/"),
        ("What accreditation means", "/accreditation/"),
    ]
    assert soup.find(attrs={"data-testid": "browse-solutions"})["href"] == "/solutions/"
    menu = soup.find("nav", attrs={"aria-label": "Menu"})
    assert [a.get_text(strip=True) for a in menu.find_all("a")][:3] == ["Home", "Solutions", "How to buy"]
    for link in soup.find_all("a", href=True):
        href = link["href"]
        assert link.get_text(strip=True) or link.get("aria-label"), f"empty link to {href}"
        if href.startswith("/") and not href.startswith("/static/"):
            assert client.get(href).status_code == 200, href


def test_navigation_marks_the_current_section(client, site, supplier_a):
    solution, _ = listing_with_page(supplier_a)

    def current(url):
        menu = get_page(client, url).find("nav", attrs={"aria-label": "Menu"})
        return [
            (a.get_text(strip=True), a["aria-current"])
            for a in menu.find_all("a", attrs={"aria-current": True})
        ]

    assert current("/solutions/") == [("Solutions", "page")]
    assert current(solution.listing_url) == [("Solutions", "true")]
    assert current("/how-to-buy/") == [("How to buy", "page")]
    assert current("/accreditation/") == []
