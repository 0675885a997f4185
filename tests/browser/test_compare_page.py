"""Comparing solutions in a real browser: anonymously from the search page with a typed list size, and
as the demo's practice manager and commissioner with their own practices. Every page passes axe-core's
WCAG 2.2 AA checks (the `page` fixture fails the test otherwise)."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Organisation
from catalogue.models import Solution
from catalogue.pricing import calculate_cost, format_money, to_pence
from procurement.compare.costs import price_for_comparison
from tests.browser.helpers import log_in
from tests.search.catalogue import build_search_catalogue

pytestmark = pytest.mark.browser

# Three demo listings with per-patient prices of three shapes: tiered volume per practice, a fixed
# price per list-size band, and a flat price per patient (a real listing).
DEMO_THREE = ("99002-001", "99007-001", "10000-001")


def expected_total(catalogue_id: str, sizes: list[int], term: int = 36) -> str:
    solution = Solution.objects.prefetch_related("prices__tiers").get(catalogue_id=catalogue_id)
    solution.list_prices = [p for p in solution.prices.all() if p.is_published]
    price, _ = price_for_comparison(solution)
    return format_money(to_pence(calculate_cost(price, sizes, term).total))


def open_practices(page) -> None:
    """Unfold the practices list (folded away so the costs come first)."""
    page.get_by_text(re.compile(r"^Practices and list sizes \(\d+ of \d+ included\)")).click()


def money(text: str) -> Decimal:
    return Decimal(re.sub(r"[£,\s]", "", text))


def test_anonymous_compare_from_the_search_page_with_a_typed_list_size(page, visit, click):
    build_search_catalogue()

    visit("/catalogue/?q=consultation")
    page.get_by_label(re.compile("^Add to compare: Consultly Online")).check()
    page.get_by_label(re.compile("^Add to compare: Triageflow")).check()
    click(page.get_by_role("button", name="Compare selected"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Compare solutions")
    expect(page.get_by_test_id("compared")).to_contain_text("Consultly Online")
    expect(page.get_by_test_id("compared")).to_contain_text("Triageflow")
    expect(page.get_by_test_id("no-costs")).to_be_visible()

    page.get_by_label("Practice list size").fill("8,000")
    click(page.get_by_role("button", name="Update costs"))

    table = page.get_by_test_id("cost-table")
    online = Solution.objects.get(name="Consultly Online").catalogue_id
    triage = Solution.objects.get(name="Triageflow").catalogue_id
    # £1.00 a patient a year; £1.20 a patient (the volume tier for 8,000) a year; for 36 months.
    expect(table.get_by_test_id(f"cost-{online}").get_by_test_id("total")).to_have_text("£24,000.00")
    expect(table.get_by_test_id(f"cost-{triage}").get_by_test_id("total")).to_have_text("£28,800.00")
    expect(page.get_by_test_id("cost-chart").locator("svg")).to_be_visible()
    expect(page.get_by_label("Link to this comparison")).to_have_value(re.compile(r"list_size=8%2C000"))

    # A bad term is explained, next to the field and in the summary.
    page.get_by_label("Term in months").fill("99")
    click(page.get_by_role("button", name="Update costs"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a term of 1 to 36 months")


def test_demo_buyers_compare_three_solutions_for_their_practices(page, visit, click):
    call_command("seed_demo", stdout=StringIO())
    query = "&".join(f"solution={sid}" for sid in DEMO_THREE)

    # The practice manager: their practice only, at its registered list size.
    practice = Organisation.objects.get(ods_code="A81001")
    log_in(page, visit, click, "practice.manager@example.com")
    visit(f"/compare/?{query}")
    expect(page.get_by_test_id("practices-details")).to_contain_text("(1 of 1 included)")
    open_practices(page)
    practices = page.get_by_test_id("practices")
    expect(practices.get_by_role("checkbox")).to_have_count(1)
    expect(
        practices.get_by_role("checkbox", name=re.compile(r"Densham Surgery \(A81001\)", re.I))
    ).to_be_checked()
    expect(page.get_by_label(re.compile("^List size of"))).to_have_value(str(practice.list_size))
    table = page.get_by_test_id("cost-table")
    practice_totals = {}
    for sid in DEMO_THREE:
        cell = table.get_by_test_id(f"cost-{sid}").get_by_test_id("total")
        expect(cell).to_have_text(expected_total(sid, [practice.list_size]))
        practice_totals[sid] = money(cell.inner_text())
    click(page.get_by_role("button", name="Log out"))

    # The commissioner: every practice of the ICB with a known list size, so more than one practice costs.
    icb = Organisation.objects.get(ods_code="QHM")
    sizes = list(
        Organisation.objects.practices_of(icb)
        .filter(list_size__isnull=False)
        .values_list("list_size", flat=True)
    )
    assert len(sizes) > 1
    log_in(page, visit, click, "commissioner@example.com")
    visit(f"/compare/?{query}")
    open_practices(page)
    expect(page.get_by_test_id("practices").get_by_role("checkbox")).to_have_count(
        Organisation.objects.practices_of(icb).count()
    )
    expect(page.get_by_test_id("recipients-summary")).to_contain_text(f"For {len(sizes)} practices")
    icb_totals = {}
    for sid in DEMO_THREE:
        cell = page.get_by_test_id(f"cost-{sid}").get_by_test_id("total")
        expect(cell).to_have_text(expected_total(sid, sizes))
        icb_totals[sid] = money(cell.inner_text())
        assert icb_totals[sid] > practice_totals[sid]

    # A bigger list size costs more for every solution.
    # (A practice under 5,000 patients, so the banded price moves up a band too.)
    small = Organisation.objects.practices_of(icb).filter(list_size__lt=5000).order_by("name").first()
    page.locator(f"#size-{small.ods_code}").fill("60000")
    click(page.get_by_role("button", name="Update costs"))
    for sid in DEMO_THREE:
        cell = page.get_by_test_id(f"cost-{sid}").get_by_test_id("total")
        expect(cell).not_to_have_text(format_money(icb_totals[sid]))
        assert money(cell.inner_text()) > icb_totals[sid]
