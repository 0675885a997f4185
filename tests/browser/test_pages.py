"""The first pages in a real browser: they render, work with the NHS.UK frontend JavaScript, and pass
axe-core's WCAG 2.2 AA checks (the `page` fixture fails the test on any violation)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalogue.models import PublicationState
from search.indexing import rebuild
from tests.factories import CapabilityFactory, PriceFactory, SolutionFactory, UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.factories.listings import build_listing

pytestmark = pytest.mark.browser


def test_home_page_shows_the_foundation_capabilities(page, visit, home_page):
    capabilities = [
        CapabilityFactory(ref="C1", name="Appointments Management – GP", is_foundation=True),
        CapabilityFactory(ref="C10", name="Referral Management", is_foundation=True),
    ]
    CapabilityFactory(ref="C99", name="Not a foundation capability", is_foundation=False)
    SolutionFactory(publication_state=PublicationState.PUBLISHED)

    response = visit("/")

    assert response.status == 200
    expect(page).to_have_title(re.compile("GP IT Marketplace"))
    expect(page.get_by_role("heading", level=1)).to_have_text(home_page.heading)
    for capability in capabilities:
        expect(page.get_by_role("heading", name=capability.name)).to_be_visible()
    expect(page.get_by_text("Not a foundation capability")).to_have_count(0)
    expect(page.get_by_label("Search the catalogue")).to_be_visible()
    expect(page.get_by_test_id("solution-count")).to_contain_text("1 published solution")

    # The skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()


def test_solution_page_shows_its_price_in_plain_words(page, visit, home_page, supplier_a):
    solution = build_listing(supplier_a, publication_state=PublicationState.IN_REMEDIATION, is_demo=True)
    PriceFactory(
        solution=solution,
        price_type="tiered",
        calculation_type="volume",
        provisioning_type="on_demand",
        unit_description="per user",
        range_description="users",
        time_unit="month",
        tiers=[(1, 99, "1.00"), (100, None, "0.80")],
    )

    response = visit(solution.get_absolute_url())

    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinic Connect")
    expect(page.get_by_text("£1.25 per patient per year", exact=True).first).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Price tiers"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("in remediation"))).to_be_visible()
    expect(page.locator(".app-demo-tag").first).to_have_text("Demo data")


def test_supplier_sees_its_draft_with_a_notice(page, visit, click, home_page, supplier_a, supplier_a_editor):
    solution = build_listing(supplier_a, publication_state=PublicationState.DRAFT)

    visit(f"/accounts/login/?next={solution.get_absolute_url()}")
    page.get_by_label("Email address").fill(supplier_a_editor.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    click(page.get_by_role("button", name="Log in"))

    expect(page).to_have_url(re.compile(re.escape(solution.get_absolute_url()) + "$"))
    expect(page.get_by_role("region", name="Important")).to_contain_text("This listing is not public")


def test_log_in_and_out(page, visit, click, home_page):
    user = UserFactory()

    visit("/accounts/login/")
    page.get_by_label("Email address").fill(user.email.upper())
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    click(page.get_by_role("button", name="Log in"))

    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(user.email)

    click(page.get_by_role("button", name="Log out"))
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_wrong_password_shows_the_error_summary(page, visit, click):
    user = UserFactory()

    visit("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    click(page.get_by_role("button", name="Log in"))

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    # NHS.UK frontend moves focus to the summary, so screen reader users hear it first.
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile("Enter a correct email address and password"))
    link.click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_page_not_found(page, visit):
    response = visit("/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_the_harness_reports_violations(page, page_audit):
    """The accessibility check is not vacuous: a page with a known fault is reported."""
    page.set_content(
        '<html lang="en"><head><title>Fault</title></head><body><main><img src="x.png"></main></body></html>'
    )
    page_audit.wait(page, finished_at_least=1)

    assert [violation["id"] for _, violation in page_audit.violations] == ["image-alt"]
    page_audit.violations.clear()
    page_audit.problems.clear()  # x.png is not there either


def test_the_home_page_search_box_leads_to_the_catalogue(page, visit, click, home_page, supplier_a):
    SolutionFactory(supplier=supplier_a, name="Consult Online", publication_state=PublicationState.PUBLISHED)
    SolutionFactory(
        supplier=supplier_a,
        name="Scan Docs",
        summary="Scans letters.",
        description="Files letters in the record.",
        features=["Scanning"],
        publication_state=PublicationState.PUBLISHED,
    )
    rebuild()  # the search index (kept current by tasks on the catalogue's events, which factories skip)

    visit("/")
    page.get_by_label("Search the catalogue").fill("consult")
    # click() waits for each new page's accessibility check, which a click away would interrupt.
    click(page.get_by_role("button", name="Search"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue")
    expect(page.get_by_role("link", name="Consult Online")).to_be_visible()
    expect(page.get_by_role("link", name="Scan Docs")).to_have_count(0)
    click(page.get_by_role("link", name="Consult Online"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consult Online")


def test_header_menu_at_phone_width(page, visit, home_page):
    """At phone width the NHS header moves the links that do not fit into its "More" menu: once it is
    opened from the keyboard, every link is visible and on the screen."""
    page.set_viewport_size({"width": 360, "height": 800})

    visit("/")

    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name=re.compile("More"))
    expect(toggle).to_be_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    for name in ["Home", "Solutions", "How to buy", "API documentation"]:
        link = menu.get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (name, box)
