"""Shortlists in a real browser: the demo practice manager searches the catalogue, saves the search as
a shortlist, finds it on their dashboard; the demo supplier cannot open it. Every page passes axe-core's
WCAG 2.2 AA checks (the `page` fixture fails the test otherwise)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import OrganisationType, Role
from catalogue.demo import DEMO_PASSWORD
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory, OrganisationFactory, PracticeFactory, UserFactory
from tests.search.catalogue import build_search_catalogue

pytestmark = pytest.mark.browser


def demo_users():
    """The demo's practice manager and supplier editor as catalogue/demo.py makes them (seed_demo is too
    slow to run for one test)."""
    practice = PracticeFactory(name="The Densham Surgery", ods_code="A81001", list_size=8_812)
    manager = UserFactory(email="practice.manager@example.com", password=DEMO_PASSWORD)
    MembershipFactory(user=manager, organisation=practice, role=Role.BUYER)
    emis = OrganisationFactory(name="EMIS Health", org_type=OrganisationType.SUPPLIER, ods_code=None)
    supplier = UserFactory(email="supplier.a@example.com", password=DEMO_PASSWORD)
    MembershipFactory(user=supplier, organisation=emis, role=Role.SUPPLIER_EDITOR)
    return manager, supplier


def test_a_practice_manager_saves_a_search_and_a_supplier_cannot_open_it(page, visit, click, home_page):
    build_search_catalogue()
    demo_users()

    log_in(page, visit, click, "practice.manager@example.com")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    visit("/catalogue/?q=consultation")
    page.get_by_role("group", name="Capabilities").get_by_label(
        re.compile(r"^C43 Online Consultation")
    ).check()
    click(page.get_by_role("button", name="Apply filters"))
    expect(page.get_by_role("status")).to_contain_text("2 results")

    click(page.get_by_role("button", name="Save this search as a shortlist"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Save this search as a shortlist")
    expect(page.get_by_test_id("matching")).to_contain_text("2 solutions match now")

    click(page.get_by_role("button", name="Save shortlist"))  # no name yet
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a name for the shortlist.")
    page.get_by_label("Name").fill("Online triage")
    page.get_by_label("Description (optional)").fill("For the winter pressures bid.")
    click(page.get_by_role("button", name="Save shortlist"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Online triage")
    expect(page.get_by_test_id("shortlist-results").get_by_role("heading", level=3)).to_have_text(
        ["Consultly Online", "Triageflow"]
    )
    shortlist_url = page.url
    click(page.get_by_role("button", name="Turn on email alerts"))
    expect(page.get_by_role("button", name="Stop email alerts")).to_be_visible()

    click(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    expect(page.get_by_test_id("shortlists").get_by_role("link", name="Online triage")).to_be_visible()
    expect(page.get_by_test_id("practices")).to_contain_text("8,812")

    click(page.get_by_role("button", name="Log out"))
    log_in(page, visit, click, "supplier.a@example.com")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    response = visit(shortlist_url)
    assert response.status == 403
    expect(page.get_by_text("Online triage")).to_have_count(0)
    response = visit("/buyer/")
    assert response.status == 403
