"""Conformance in a real browser: a listing page's accreditation and test results (with the pass-rate
chart) and a report's evidence page. Every page load is checked with axe-core for WCAG 2.2 AA by the
`page` fixture; the listing page is checked again with its expanders open, so the tables inside them
are checked too.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalogue.conformance.ingest import ImportedCase, record_imported_results
from catalogue.models import CapabilityEpic, EpicLevel, PublicationState, Standard, StandardType
from cms.listings import ensure_listing_page
from cms.setup import ensure_site
from tests.factories import CapabilityEpicFactory, CapabilityFactory, EpicFactory, StandardFactory
from tests.factories.listings import add_epics, build_listing

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db):
    ensure_site()


@pytest.fixture
def tested_listing(site, supplier_a):
    """A published listing with a page: C1 met, C2 partially met, results in 12 reports over a year
    (the oldest lapsed), and a result for a draft solution in the latest report."""
    solution = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    c1 = solution.capabilities.get()
    add_epics(solution, c1, 1, level=EpicLevel.MAY)
    c2 = CapabilityFactory(ref="C2", name="Online Consultation")
    solution.capabilities.add(c2)
    c2_musts = [
        CapabilityEpicFactory(capability=c2, epic=EpicFactory(), level=EpicLevel.MUST).epic.code
        for _ in range(2)
    ]
    StandardFactory(ref="S25", name="Clinical Safety", standard_type=StandardType.OVERARCHING)
    draft = build_listing(supplier_a, publication_state=PublicationState.DRAFT)
    codes = [
        *CapabilityEpic.objects.filter(capability__in=[c1, c2], level=EpicLevel.MUST)
        .order_by("epic__code")
        .values_list("epic__code", flat=True),
        *solution.epics.values_list("code", flat=True),
        *Standard.objects.values_list("ref", flat=True),
    ]
    start = timezone.now() - datetime.timedelta(days=400)
    report = None
    for number in range(12):
        failing = {c2_musts[1]} if number == 11 else set(codes[: number % 3])
        cases = [
            ImportedCase(
                solution.catalogue_id,
                code,
                "failed" if code in failing else "passed",
                start + datetime.timedelta(days=35 * number),
                name=f"{code} check",
                message="Expected 200, got 500." if code in failing else "",
            )
            for code in codes
        ]
        cases.append(ImportedCase(draft.catalogue_id, codes[0], "passed", cases[0].executed_at, name="Draft"))
        report = record_imported_results(f"run-{number}", cases, harness_name="GPIT Standards Test Harness")
    ensure_listing_page(solution)
    solution.refresh_from_db()
    return solution, report


def test_listing_page_with_conformance_and_the_chart(page, visit, click, page_audit, tested_listing):
    solution, _ = tested_listing

    visit(solution.listing_url)

    expect(page.get_by_test_id("accreditation")).to_contain_text("Not accredited")
    section = page.get_by_test_id("conformance")
    expect(section.get_by_role("heading", name="Accreditation and test results")).to_be_visible()
    chart = section.get_by_role("img", name="Pass rate of Clinic Connect by report, oldest to newest")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_description(re.compile(r"^12 reports from .* Lowest \d"))
    # Open every expander, then check the page again with the tables inside them showing.
    for summary in section.locator("summary").all():
        summary.click()
    expect(section.get_by_test_id("pass-rate-table")).to_be_visible()
    expect(section.get_by_role("link", name="Report with the result for S25")).to_be_visible()
    page_audit.on_load(page)

    click(section.get_by_role("link", name="Report with the result for S25"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("run-11")


def test_evidence_page(page, visit, click, tested_listing):
    solution, report = tested_listing

    visit(f"/conformance/reports/{report.pk}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("GPIT Standards Test Harness, run run-11")
    expect(page.get_by_test_id("imported-notice")).to_contain_text("This is not a test harness run")
    expect(page.get_by_role("cell", name="Draft", exact=True)).to_have_count(0)
    page.get_by_label("Solution ID").fill(solution.catalogue_id)
    click(page.get_by_role("button", name="Show results"))
    expect(page.get_by_test_id("results-count")).to_contain_text(
        f"for Clinic Connect ({solution.catalogue_id})"
    )
    expect(page.get_by_role("link", name="Show all results in this report")).to_be_visible()
