"""Issue 6's acceptance journey on the demo data (seed_demo, as `make run` loads it): the demo practice
manager searches the catalogue, compares three solutions with costs for their practice and saves the
search as a shortlist, which a supplier and another organisation's buyer cannot open. (The
commissioner's side, the same three for every practice of the ICB, is in test_compare_page.py.) Every
page passes axe-core's WCAG 2.2 AA checks (the `page` fixture fails the test otherwise)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Organisation
from catalogue.models import Solution
from tests.browser.helpers import log_in
from tests.browser.test_compare_page import DEMO_THREE, expected_total

pytestmark = pytest.mark.browser

SEARCH = "/catalogue/?q=GP+clinical+system"


def test_practice_manager_searches_compares_and_saves_a_shortlist_others_cannot_see(page, visit, click):
    call_command("seed_demo", stdout=StringIO())
    names = dict(Solution.objects.filter(catalogue_id__in=DEMO_THREE).values_list("catalogue_id", "name"))
    practice = Organisation.objects.get(ods_code="A81001")

    log_in(page, visit, click, "practice.manager@example.com")
    visit(SEARCH)
    for catalogue_id in DEMO_THREE:
        page.get_by_label(f"Add to compare: {names[catalogue_id]}", exact=True).check()
    click(page.get_by_role("button", name="Compare selected"))

    expect(page.get_by_test_id("recipients-summary")).to_contain_text("For 1 practice with")
    for catalogue_id in DEMO_THREE:
        expect(page.get_by_test_id(f"cost-{catalogue_id}").get_by_test_id("total")).to_have_text(
            expected_total(catalogue_id, [practice.list_size])
        )

    visit(SEARCH)
    click(page.get_by_role("button", name="Save this search as a shortlist"))
    page.get_by_label("Name").fill("Clinical system replacement")
    click(page.get_by_role("button", name="Save shortlist"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical system replacement")
    results = page.get_by_test_id("shortlist-results")
    for catalogue_id in DEMO_THREE:
        expect(results).to_contain_text(names[catalogue_id])
    shortlist_url = page.url

    click(page.get_by_role("button", name="Log out"))
    log_in(page, visit, click, "supplier.a@example.com")
    assert visit(shortlist_url).status == 403
    expect(page.get_by_text("Clinical system replacement")).to_have_count(0)

    click(page.get_by_role("button", name="Log out"))
    log_in(page, visit, click, "commissioner@example.com")  # a buyer, but of another organisation
    assert visit(shortlist_url).status == 404
    expect(page.get_by_text("Clinical system replacement")).to_have_count(0)
