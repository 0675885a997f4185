"""The CMS's public pages in a real browser: listing pages (with the supplier's rich content and a
screenshot, in remediation, suspended), a supplier page, the solutions index and both guidance pages.
Every page load is checked with axe-core for WCAG 2.2 AA by the `page` fixture (tests/browser/conftest.py).

The test settings keep uploaded files in memory (InMemoryStorage) and do not serve /media/, so these
tests use a URLconf that adds a view serving media from the default storage: the screenshot is a real
image the browser loads, and a missing one would fail the test as a 404.
"""

from __future__ import annotations

import mimetypes
import re

import pytest
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import path
from playwright.sync_api import expect

import config.urls
from catalogue import services
from catalogue.models import PublicationState
from cms.listings import ensure_listing_page
from cms.models import SupplierPage
from cms.setup import ensure_site
from tests.factories import SolutionFactory
from tests.factories.cms import approve_draft, make_image, rich_content
from tests.factories.listings import build_listing

pytestmark = pytest.mark.browser

SCREENSHOT_ALT = "The appointment book, showing free slots for Monday morning"


def serve_media(request, name: str):
    if not default_storage.exists(name):
        raise Http404(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(default_storage.open(name), content_type=content_type)


urlpatterns = [path("media/<path:name>", serve_media), *config.urls.urlpatterns]


@pytest.fixture
def site(transactional_db, settings):
    """The site as `manage.py setup_site` makes it, served with this module's URLconf (media too)."""
    settings.ROOT_URLCONF = __name__
    ensure_site()


def publish(solution):
    ensure_listing_page(solution)
    solution.refresh_from_db()
    return solution


def test_listing_page_with_rich_content_and_a_screenshot(page, visit, site, supplier_a, moderator):
    solution = build_listing(supplier_a)
    listing_page = ensure_listing_page(solution)
    approve_draft(listing_page, moderator, body=rich_content(make_image()))
    solution.refresh_from_db()

    response = visit(solution.listing_url)

    assert response.status == 200
    expect(page).to_have_title(re.compile(r"^Clinic Connect from Supplier A Ltd – GP IT Marketplace$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinic Connect")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link", name="Supplier A Ltd")).to_have_attribute(
        "href", "/solutions/supplier-a-ltd/"
    )
    screenshot = page.get_by_role("img", name=SCREENSHOT_ALT)
    expect(screenshot).to_be_visible()
    assert screenshot.evaluate("img => img.complete && img.naturalWidth") == 480
    expect(page.locator(".nhsuk-image__caption")).to_have_text("Free slots are shown in green.")
    expect(page.get_by_role("heading", name="Implementation approach")).to_be_visible()
    expect(page.get_by_text("£1.25 per patient per year", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="sales@supplier.example.com")).to_have_attribute(
        "href", "mailto:sales@supplier.example.com"
    )
    expect(page.get_by_role("link", name="Solutions", exact=True).first).to_have_attribute(
        "aria-current", "true"
    )


def test_listing_page_in_remediation(page, visit, site, supplier_a):
    solution = publish(build_listing(supplier_a, publication_state=PublicationState.IN_REMEDIATION))

    visit(solution.listing_url)

    expect(page.get_by_role("heading", name=re.compile("This solution is in remediation"))).to_be_visible()
    expect(page.get_by_role("heading", name="Prices")).to_be_visible()


def test_suspended_listing_page_says_why(page, visit, site, supplier_a, moderator):
    solution = publish(build_listing(supplier_a))
    services.suspend_listing(solution, user=moderator, reason="Its clinical safety case has lapsed.")

    visit(solution.listing_url)

    notice = page.get_by_test_id("suspended-notice")
    expect(notice.get_by_role("heading", level=2)).to_contain_text("This listing is suspended")
    expect(notice).to_contain_text("buyers cannot find it in the catalogue or order it")
    expect(notice).to_contain_text("Its clinical safety case has lapsed.")
    expect(page.get_by_role("heading", name="Key facts")).to_be_visible()
    expect(page.get_by_role("heading", name="Prices")).to_have_count(0)


def test_supplier_page_leads_to_its_listings(page, visit, click, site, supplier_a, supplier_b):
    publish(build_listing(supplier_a))
    publish(
        SolutionFactory(supplier=supplier_a, name="Hidden Draft", publication_state=PublicationState.DRAFT)
    )
    publish(SolutionFactory(supplier=supplier_b, name="Bravo Triage"))
    supplier_page = SupplierPage.objects.get(supplier=supplier_a)

    visit(supplier_page.url)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Supplier A Ltd")
    expect(page.get_by_role("link", name="Supplier A Ltd's website")).to_be_visible()
    expect(page.get_by_role("link", name="Hidden Draft")).to_have_count(0)
    expect(page.get_by_role("link", name="Bravo Triage")).to_have_count(0)
    click(page.get_by_role("link", name="Clinic Connect"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinic Connect")


def test_solutions_index_lists_listings_a_to_z(page, visit, click, site, supplier_a, supplier_b):
    publish(build_listing(supplier_a))
    publish(SolutionFactory(supplier=supplier_b, name="Bravo Triage"))
    publish(SolutionFactory(supplier=supplier_b, name="Paused", publication_state=PublicationState.SUSPENDED))

    visit("/")
    click(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Solutions"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Solutions")
    expect(page.get_by_role("link", name="Paused")).to_have_count(0)
    letters = page.get_by_role("navigation", name="Solutions A to Z")
    expect(letters.get_by_role("link")).to_have_count(2)
    letters.get_by_role("link", name="Solutions starting with C").click()
    expect(page).to_have_url(re.compile("#solutions-c$"))
    expect(page.get_by_role("link", name="search the catalogue")).to_have_attribute("href", "/catalogue/")
    click(page.get_by_role("link", name="Bravo Triage"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bravo Triage")


def test_guidance_pages(page, visit, click, site):
    visit("/")
    click(page.get_by_role("link", name="What accreditation means"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What accreditation means")
    expect(page.get_by_role("heading", name=re.compile("When a solution falls short"))).to_be_visible()

    click(page.get_by_role("navigation", name="Menu").get_by_role("link", name="How to buy"))
    expect(page.get_by_role("heading", level=1)).to_have_text("How to buy")
    expect(page.get_by_role("heading", name="Run a competition")).to_be_visible()
    expect(page.locator(".nhsuk-inset-text")).to_contain_text("We remind you 90 and 45 days")
    click(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("GP IT Futures"))
