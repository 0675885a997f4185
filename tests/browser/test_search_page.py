"""The catalogue search in a real browser: from the home page with a typo, through a facet, to a
listing; type-ahead; errors; and the same search with JavaScript turned off. Every page the `page`
fixture loads passes axe-core's WCAG 2.2 AA checks (the fixture fails the test otherwise)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.search.catalogue import build_search_catalogue

pytestmark = pytest.mark.browser


def result_links(page):
    return page.get_by_test_id("search-results").get_by_role("heading", level=3).get_by_role("link")


def test_search_with_a_typo_filter_and_open_a_listing(page, visit, click, home_page):
    build_search_catalogue()

    visit("/")
    page.get_by_label("Search the catalogue").fill("consultaton")
    click(page.get_by_role("button", name="Search"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue")
    expect(page.get_by_test_id("corrected-text")).to_have_text("Showing results for consultation")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\s*3 results for “consultation”"))
    expect(result_links(page)).to_have_count(3)

    capabilities = page.get_by_role("group", name="Capabilities")
    capabilities.get_by_label(re.compile(r"^C43 Online Consultation")).check()
    click(page.get_by_role("button", name="Apply filters"))

    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\s*2 results for “consultation”"))
    expect(page).to_have_url(re.compile(r"capability=C43"))
    expect(page.get_by_role("group", name="Capabilities").get_by_label(re.compile("^C43"))).to_be_checked()
    expect(result_links(page)).to_have_text(["Consultly Online", "Triageflow"])
    expect(page.get_by_role("link", name="Consultly Video")).to_have_count(0)

    click(page.get_by_role("link", name="Triageflow"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Triageflow")


def test_type_ahead_suggests_names(page, visit):
    build_search_catalogue()

    visit("/catalogue/")
    box = page.get_by_label("Search the catalogue")
    expect(box).to_have_attribute("list", "catalogue-search-suggestions")  # added by the script
    box.fill("consul")

    options = page.locator("#catalogue-search-suggestions option")
    expect(options).to_have_count(3)
    assert [options.nth(i).get_attribute("value") for i in range(3)] == [
        "Consultly Online",
        "Consultly Video",
        "Consultly Ltd",
    ]


def test_prices_sorts_and_the_error_summary(page, visit, click):
    build_search_catalogue()

    visit("/catalogue/")
    page.get_by_label("Maximum first-year price").fill("9000")
    click(page.get_by_role("button", name="Apply filters"))

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    summary.get_by_role("link", name=re.compile("Enter a list size to filter by price")).click()
    expect(page.get_by_label("Maximum first-year price")).to_be_focused()

    page.get_by_label("Practice list size").fill("8,000")
    click(page.get_by_role("button", name="Apply filters"))
    expect(page.get_by_role("status")).to_contain_text("2 results")
    page.get_by_label("Sort by").select_option("price")
    click(page.get_by_role("button", name="Sort"))

    expect(page.get_by_label("Sort by")).to_have_value("price")
    expect(result_links(page)).to_have_text(["Prescribe Right", "Consultly Online"])
    expect(page.get_by_test_id("price").first).to_have_text(
        re.compile(r"First-year cost for 8,000 patients: £4,000\.00")
    )
    expect(page.get_by_text("In remediation")).to_be_visible()


def test_the_search_works_without_javascript(browser, live_server, transactional_db):
    """No script runs (so no type-ahead, and no axe either): the plain forms do everything."""
    build_search_catalogue()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/catalogue/")
        expect(result_links(page)).to_have_count(4)

        page.get_by_label("Search the catalogue").fill("consultaton")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_test_id("corrected-text")).to_have_text("Showing results for consultation")

        page.get_by_role("group", name="Capabilities").get_by_label(re.compile("^C43")).check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_role("status")).to_contain_text("2 results")
        expect(page).to_have_url(re.compile(r"q=consultaton&.*capability=C43"))

        # "Add to compare" belongs to the compare form, though it sits inside the search form's results.
        page.get_by_label(re.compile(r"^Add to compare\W+Consultly Online$")).check()
        page.get_by_label(re.compile(r"^Add to compare\W+Triageflow$")).check()
        page.get_by_role("button", name="Compare selected").click()
        expect(page).to_have_url(re.compile(r"/compare/\?solution=99000-001&solution=99001-001$"))
    finally:
        context.close()
