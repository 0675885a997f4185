"""What the public sees of conformance: the accreditation and test results on a listing page (live,
preview and the catalogue's own page), the pass-rate chart, the evidence page of a report, and the
catalogue team's "Lost accreditation" filter of the Listings queue.

Results are made the way the service makes them, through `record_imported_results`, which stores them
as a report and applies them (current results, capability statuses, accreditation).
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from catalogue.conformance import status as rules
from catalogue.conformance.chart import label_indexes, pass_rate_svg
from catalogue.conformance.display import MAX_RUNS, conformance_view
from catalogue.conformance.ingest import ImportedCase, record_imported_results
from catalogue.models import CapabilityEpic, EpicLevel, PublicationState, Solution, Standard, StandardType
from cms.listings import ensure_listing_page
from cms.setup import ensure_site
from tests.factories import CapabilityEpicFactory, CapabilityFactory, EpicFactory, StandardFactory
from tests.factories.listings import add_epics, build_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    """The home page, solutions index and guidance pages, as `manage.py setup_site` makes them."""
    ensure_site()


HARNESS = "GPIT Standards Test Harness"


# --- Helpers ------------------------------------------------------------------------------------------


def text_of(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def day(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y")


def get_soup(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


def record(run_id: str, solution, outcomes: dict[str, str], at: datetime.datetime, **kwargs):
    """A report of `solution`'s results: requirement code -> passed/failed/skipped."""
    cases = [
        ImportedCase(
            solution.catalogue_id, code, outcome, at, name=f"{code} test", message=f"{code} {outcome}"
        )
        for code, outcome in outcomes.items()
    ]
    return record_imported_results(run_id, cases, harness_name=kwargs.pop("harness_name", HARNESS), **kwargs)


class Listing:
    """A published listing with a page: C1 (one MUST epic, one claimed MAY epic) and C2 (two MUST
    epics), the claimed standard S24 and the overarching standard S25."""

    def __init__(self, supplier, name: str = "", **fields):
        self.solution = build_listing(supplier, **fields)
        if name:
            self.solution.name = name
            self.solution.save(update_fields=["name"])
        self.c1 = self.solution.capabilities.get()
        self.c1_must = self.solution.solution_epics.get().epic
        add_epics(self.solution, self.c1, 1, level=EpicLevel.MAY)
        self.c1_may = self.solution.solution_epics.exclude(epic=self.c1_must).get().epic
        self.c2 = CapabilityFactory(ref="C2", name="Online Consultation")
        self.solution.capabilities.add(self.c2)
        self.c2_musts = [
            CapabilityEpicFactory(capability=self.c2, epic=EpicFactory(), level=EpicLevel.MUST).epic
            for _ in range(2)
        ]
        self.s24 = self.solution.standards.get()
        self.s25 = StandardFactory(
            ref="S25", name="Clinical Safety", standard_type=StandardType.OVERARCHING, version=""
        )

    def all_passed(self) -> dict[str, str]:
        """Every requirement passed: the MUST epics of its capabilities (the factories share C1 and C2
        between listings, so there may be more than its own), its claimed epics and standards, and the
        overarching standards."""
        capabilities = self.solution.capabilities.all()
        codes = [
            *CapabilityEpic.objects.filter(capability__in=capabilities, level=EpicLevel.MUST)
            .order_by("epic__code")
            .values_list("epic__code", flat=True),
            *self.solution.epics.values_list("code", flat=True),
            *self.solution.standards.values_list("ref", flat=True),
            *Standard.objects.filter(standard_type=StandardType.OVERARCHING).values_list("ref", flat=True),
        ]
        return dict.fromkeys(codes, "passed")

    def page(self):
        page = ensure_listing_page(self.solution)
        self.solution.refresh_from_db()
        return page


@pytest.fixture
def listing(site, supplier_a) -> Listing:
    listing = Listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    listing.page()
    return listing


def section(soup) -> BeautifulSoup:
    return soup.find(attrs={"data-testid": "conformance"})


def capability_block(soup, ref: str):
    return soup.find(attrs={"data-testid": f"capability-{ref}"})


def tag_of(element) -> str:
    return element.select_one(".nhsuk-tag").get_text(strip=True)


# --- The listing page -----------------------------------------------------------------------------


def test_capabilities_met_and_partially_met_with_epic_dates_and_evidence(client, listing):
    at = timezone.now() - datetime.timedelta(days=10)
    outcomes = listing.all_passed() | {listing.c2_musts[1].code: "failed"}
    report = record("run-1", listing.solution, outcomes, at)

    soup = get_soup(client, listing.solution.listing_url)

    c1, c2 = capability_block(soup, "C1"), capability_block(soup, "C2")
    assert tag_of(c1) == "Met"
    assert "nhsuk-tag--green" in c1.select_one(".nhsuk-tag")["class"]
    assert '1 of 1 "must" epic passed' in text_of(c1)
    assert f"Latest result {day(at)}" in text_of(c1)
    assert tag_of(c2) == "Partially met"
    assert "nhsuk-tag--orange" in c2.select_one(".nhsuk-tag")["class"]
    assert '1 of 2 "must" epics passed' in text_of(c2)
    # Each MUST epic and the claimed MAY one, with its result, date and a link to the report.
    rows = {row["data-testid"]: row for row in c1.select("tbody tr")}
    assert list(rows) == [f"epic-{listing.c1_must.code}", f"epic-{listing.c1_may.code}"]
    must_cells = [text_of(td) for td in rows[f"epic-{listing.c1_must.code}"].find_all("td")]
    assert must_cells[1:4] == ["Must", "Passed", day(at)]
    assert [text_of(td) for td in rows[f"epic-{listing.c1_may.code}"].find_all("td")][1:3] == [
        "May",
        "Passed",
    ]
    failed = c2.find(attrs={"data-testid": f"epic-{listing.c2_musts[1].code}"})
    assert tag_of(failed) == "Failed"
    links = [a["href"] for a in section(soup).select("a[href*='/conformance/reports/']")]
    assert links and all(
        href == f"/conformance/reports/{report.pk}/?solution={listing.solution.catalogue_id}"
        for href in links
    )
    assert client.get(links[0]).status_code == 200
    # Partially met is not accredited, and the page says why.
    assert text_of(soup.find(attrs={"data-testid": "accreditation"})).startswith("Not accredited")
    assert "1 of the 2 capabilities it claims is not fully met" in text_of(section(soup))


def test_accredited_when_every_capability_and_overarching_standard_is_met(client, listing):
    at = timezone.now() - datetime.timedelta(days=3)
    report = record("run-1", listing.solution, listing.all_passed(), at)
    listing.solution.refresh_from_db()
    assert listing.solution.is_accredited

    soup = get_soup(client, listing.solution.listing_url)

    top = soup.find(attrs={"data-testid": "accreditation"})
    assert tag_of(top) == "Accredited"
    assert top.find("a")["href"] == "#conformance"
    assert tag_of(soup.find(attrs={"data-testid": "accreditation-explanation"})) == "Accredited"
    for ref in ("S24", "S25"):
        row = soup.find(attrs={"data-testid": f"standard-{ref}"})
        cells = [text_of(td) for td in row.find_all("td")]
        assert cells[1] == "Met"
        assert cells[2] == f"Passed {day(at)}"
        assert row.find("a")["href"] == (
            f"/conformance/reports/{report.pk}/?solution={listing.solution.catalogue_id}"
        )
    assert "Overarching" in text_of(soup.find(attrs={"data-testid": "standard-S25"}))


def test_nothing_tested_yet(client, listing):
    soup = get_soup(client, listing.solution.listing_url)

    assert tag_of(soup.find(attrs={"data-testid": "accreditation"})) == "Not accredited"
    assert tag_of(capability_block(soup, "C1")) == "Not tested"
    assert "nhsuk-tag--grey" in capability_block(soup, "C1").select_one(".nhsuk-tag")["class"]
    assert [text_of(td) for td in soup.find(attrs={"data-testid": "standard-S25"}).find_all("td")][1:] == [
        "Not met",
        "Not tested",
        "–",
    ]
    assert text_of(soup.find(attrs={"data-testid": "no-results"})) == "No test results yet."
    assert not section(soup).find("svg")


def test_a_solution_claiming_nothing_is_not_accredited(client, site, supplier_a):
    from tests.factories import SolutionFactory

    solution = SolutionFactory(supplier=supplier_a, name="Bare")
    record("run-1", solution, {"S25": "passed"}, timezone.now())  # an unknown requirement, for S25 is new

    soup = get_soup(client, f"/solutions/{solution.catalogue_id}/")

    text = text_of(section(soup))
    assert "Not accredited It does not claim any capabilities, so it cannot be accredited." in text
    assert "The solution does not claim any capabilities." in text
    assert "No standards are recorded." in text
    assert soup.find(attrs={"data-testid": "pass-rate-table"})  # the result counts, known or not


def test_a_failed_must_epic_alone_is_not_met(client, listing):
    at = timezone.now() - datetime.timedelta(days=1)
    record("run-1", listing.solution, {e.code: "failed" for e in listing.c2_musts}, at)

    soup = get_soup(client, listing.solution.listing_url)

    assert tag_of(capability_block(soup, "C2")) == "Not met"
    assert tag_of(capability_block(soup, "C1")) == "Not tested"


def test_lapsed_results_show_as_lapsed_with_their_date(client, listing):
    tested = datetime.datetime(2025, 1, 10, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(tested + datetime.timedelta(hours=1), tick=False):
        record("run-1", listing.solution, listing.all_passed(), tested)
    url = listing.solution.listing_url

    with time_machine.travel(datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC), tick=False):
        current = get_soup(client, url)
    with time_machine.travel(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC), tick=False):
        lapsed = get_soup(client, url)

    assert tag_of(current.find(attrs={"data-testid": "accreditation"})) == "Accredited"
    assert tag_of(capability_block(current, "C1")) == "Met"
    # A year on the results have lapsed: shown as lapsed, with the date of the result, and no longer
    # counting (before the daily recompute has stored it).
    assert tag_of(lapsed.find(attrs={"data-testid": "accreditation"})) == "Not accredited"
    c1 = capability_block(lapsed, "C1")
    assert tag_of(c1) == "Not tested"
    epic = c1.find(attrs={"data-testid": f"epic-{listing.c1_must.code}"})
    cells = [text_of(td) for td in epic.find_all("td")]
    assert cells[2] == "Lapsed"
    assert cells[3] == "10 January 2025 Passed, lapsed"
    s25 = [text_of(td) for td in lapsed.find(attrs={"data-testid": "standard-S25"}).find_all("td")]
    assert s25[1] == "Not met"
    assert s25[2] == "Lapsed 10 January 2025 Passed, older than 365 days"


def test_the_chart_and_its_table(client, listing):
    start = timezone.now() - datetime.timedelta(days=30)
    codes = list(listing.all_passed())
    # Three reports: 2 of 6 passed, then 5 of 6 (and a skip, not counted), then all 6.
    record(
        "run-1", listing.solution, {c: "passed" if i < 2 else "failed" for i, c in enumerate(codes)}, start
    )
    second = {c: "passed" if i < 5 else "failed" for i, c in enumerate(codes)}
    record("run-2", listing.solution, second | {"S99": "skipped"}, start + datetime.timedelta(days=10))
    last = record(
        "run-3", listing.solution, dict.fromkeys(codes, "passed"), start + datetime.timedelta(days=20)
    )

    soup = get_soup(client, listing.solution.listing_url)

    chart = soup.find(attrs={"data-testid": "pass-rate-chart"})
    svg = chart.find("svg")
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"], svg["aria-describedby"]
    assert svg.find("title")["id"] == title_id and svg.find("desc")["id"] == desc_id
    assert text_of(svg.find("title")) == "Pass rate of Clinic Connect by report, oldest to newest"
    desc = text_of(svg.find("desc"))
    assert desc.startswith(f"3 reports from {day(start)} to {day(start + datetime.timedelta(days=20))}.")
    assert "In the latest, 100% of Clinic Connect's results passed (6 passed, 0 failed)" in desc
    assert "Lowest 33.3%, highest 100%." in desc
    assert len(svg.find_all("circle")) == 3
    assert svg.find("polyline")
    assert "Pass rate" in [text_of(t) for t in svg.find_all("text")]
    # The same figures as a table, oldest first.
    table = soup.find(attrs={"data-testid": "pass-rate-table"})
    rows = [[text_of(td) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    assert rows == [
        [day(start) + " report", f"{HARNESS} (imported assessment)", "2", "4", "33.3%"],
        [
            day(start + datetime.timedelta(days=10)) + " report",
            f"{HARNESS} (imported assessment)",
            "5",
            "1",
            "83.3%",
        ],
        [
            day(start + datetime.timedelta(days=20)) + " report",
            f"{HARNESS} (imported assessment)",
            "6",
            "0",
            "100%",
        ],
    ]
    assert table.select("tbody tr")[-1].find("a")["href"].startswith(f"/conformance/reports/{last.pk}/")


def test_the_chart_scales_to_many_reports(listing):
    start = timezone.now() - datetime.timedelta(days=200)
    code = listing.c1_must.code
    for number in range(MAX_RUNS + 5):
        outcome = "passed" if number % 3 else "failed"
        record(f"run-{number}", listing.solution, {code: outcome}, start + datetime.timedelta(days=number))

    view = conformance_view(Solution.objects.with_facts().get(pk=listing.solution.pk))

    assert len(view.runs) == MAX_RUNS and view.more_runs
    assert view.runs[-1].date == start + datetime.timedelta(days=MAX_RUNS + 4)  # newest last (right)
    assert [run.date for run in view.runs] == sorted(run.date for run in view.runs)
    svg = BeautifulSoup(pass_rate_svg(view.runs, "Clinic Connect"), "html.parser").find("svg")
    assert len(svg.find_all("circle")) == MAX_RUNS
    # A few dates under the axis, never overlapping, however many reports.
    dates = [t for t in svg.find_all("text") if re.match(r"^\d{1,2} \w{3} \d{4}$", text_of(t))]
    assert len(dates) == 5
    assert label_indexes(MAX_RUNS) == [0, 21, 42, 63, 99]  # the newest always
    assert label_indexes(12) == [0, 3, 6, 11]
    assert label_indexes(3) == [0, 1, 2]


@pytest.mark.parametrize("viewer", ["anonymous", "supplier_a_editor"])
def test_query_count_does_not_grow_with_epics_or_reports(
    client, request, site, supplier_a, viewer, django_assert_max_num_queries
):
    small, large = Listing(supplier_a), Listing(supplier_a)
    add_epics(large.solution, large.c2, 12, level=EpicLevel.MUST)
    add_epics(large.solution, large.c1, 6, level=EpicLevel.MAY)
    extra = CapabilityFactory()
    large.solution.capabilities.add(extra)
    add_epics(large.solution, extra, 5)
    large.solution.standards.add(*(StandardFactory() for _ in range(3)))
    StandardFactory(standard_type=StandardType.OVERARCHING)
    at = timezone.now() - datetime.timedelta(days=40)
    record("small-1", small.solution, small.all_passed(), at)
    for number in range(12):
        record(f"large-{number}", large.solution, large.all_passed(), at + datetime.timedelta(hours=number))
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    def count(url):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    # The catalogue's own page, before the listings have pages of their own, then the listing pages.
    small_own, large_own = (f"/solutions/{item.solution.catalogue_id}/" for item in (small, large))
    client.get(small_own)  # warm per-process caches
    assert count(large_own) == count(small_own)
    for item in (small, large):
        item.page()
    client.get(small.solution.listing_url)
    assert count(large.solution.listing_url) == count(small.solution.listing_url)
    # Building what the section shows costs five queries, whatever the size of the listing.
    for item in (small, large):
        solution = Solution.objects.with_facts().get(pk=item.solution.pk)
        with django_assert_max_num_queries(5):
            view = conformance_view(solution)
        assert view.accredited


def test_the_section_agrees_with_status_compute(listing):
    at = timezone.now() - datetime.timedelta(days=5)
    old = timezone.now() - datetime.timedelta(days=500)
    cases = [
        {},
        listing.all_passed(),
        listing.all_passed() | {"S25": "failed"},
        listing.all_passed() | {listing.c2_musts[0].code: "failed"},
        {e.code: "failed" for e in listing.c2_musts},
    ]
    for number, outcomes in enumerate(cases):
        record(f"run-{number}", listing.solution, outcomes, at + datetime.timedelta(minutes=number))
        solution = Solution.objects.with_facts().get(pk=listing.solution.pk)
        expected = rules.compute(solution)
        view = conformance_view(solution)
        assert view.accredited == expected.accredited == solution.is_accredited, outcomes
        assert {row.capability.pk: row.status for row in view.capabilities} == expected.capabilities
        assert {row.capability.pk: row.as_of for row in view.capabilities} == expected.capability_as_of
        assert {row.standard.pk: row.status for row in view.standards} == expected.standards
    record("old", listing.solution, {listing.c1_may.code: "passed"}, old)  # older: changes nothing
    solution = Solution.objects.with_facts().get(pk=listing.solution.pk)
    assert sorted(conformance_view(solution).lapsed) == sorted(rules.compute(solution).lapsed) == []


def test_the_preview_and_the_catalogues_own_page_show_it_too(client, site, supplier_a):
    with_page = Listing(supplier_a)
    page = with_page.page()
    without_page = Listing(supplier_a)
    at = timezone.now() - datetime.timedelta(days=2)
    record("run-1", with_page.solution, with_page.all_passed(), at)
    record("run-2", without_page.solution, without_page.all_passed(), at)

    preview = BeautifulSoup(
        page.get_latest_revision_as_object().make_preview_request().content, "html.parser"
    )
    own = get_soup(client, f"/solutions/{without_page.solution.catalogue_id}/")

    for soup in (preview, own):
        fact = soup.find(attrs={"data-testid": "accreditation-fact"})
        assert text_of(fact) == "Accreditation Accredited Test results for Clinic Connect"
        assert fact.find("a")["href"] == "#conformance" and soup.find(id="conformance")
        assert tag_of(capability_block(soup, "C1")) == "Met"
        assert tag_of(soup.find(attrs={"data-testid": "accreditation-explanation"})) == "Accredited"
        assert soup.find(attrs={"data-testid": "pass-rate-chart"}).find("svg")
    assert tag_of(preview.find(attrs={"data-testid": "accreditation"})) == "Accredited"


def test_a_suspended_listing_says_whether_it_is_accredited_and_nothing_more(
    client, site, supplier_a, moderator
):
    from catalogue import services

    listing = Listing(supplier_a)
    listing.page()
    record("run-1", listing.solution, listing.all_passed(), timezone.now())
    services.suspend_listing(listing.solution, user=moderator, reason="Clinical safety case lapsed.")

    soup = get_soup(client, listing.solution.listing_url)

    assert soup.find(attrs={"data-testid": "suspended-notice"})
    top = soup.find(attrs={"data-testid": "accreditation"})
    assert tag_of(top) == "Accredited" and not top.find("a")
    assert text_of(soup.find(attrs={"data-testid": "accreditation-fact"})) == "Accreditation Accredited"
    assert not section(soup)  # only the basic facts on a suspended listing


# --- The evidence page ----------------------------------------------------------------------------


def report_url(report, **query) -> str:
    url = reverse("catalogue:report-detail", args=[report.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_evidence_page(client, listing, supplier_a):
    other = Listing(supplier_a)
    at = datetime.datetime(2025, 6, 2, 9, 30, tzinfo=datetime.UTC)
    cases = [
        ImportedCase(listing.solution.catalogue_id, listing.c1_must.code, "passed", at, name="Books a slot"),
        ImportedCase(
            listing.solution.catalogue_id, "S25", "failed", at, name="Hazard log", message="No log."
        ),
        ImportedCase(other.solution.catalogue_id, listing.c1_must.code, "skipped", at, name="Other's case"),
        ImportedCase("99999-999", "E00001", "passed", at, name="Unknown one"),
    ]
    report = record_imported_results("assessments-2025", cases, harness_name="Buying Catalogue assessments")

    soup = get_soup(client, report_url(report))

    text = text_of(soup)
    assert "Buying Catalogue assessments, run assessments-2025" in text_of(soup.find("h1"))
    assert "This is not a test harness run" in text_of(soup.find(attrs={"data-testid": "imported-notice"}))
    facts = text_of(soup.find(attrs={"data-testid": "report-facts"}))
    assert "Run ID assessments-2025" in facts
    assert "Imported from the old NHS Buying Catalogue service's recorded assessments" in facts
    assert "Tests run 2 June 2025, 10:30 BST" in facts
    assert f"Received {date_format(timezone.localtime(report.received_at), 'j F Y')}" in facts
    assert text_of(soup.find(attrs={"data-testid": "report-counts"})) == (
        "4 in the whole report: 2 passed, 1 failed, 1 skipped"
    )
    assert "4 results." in text
    rows = [
        [text_of(td) for td in tr.find_all("td")]
        for tr in soup.select("[data-testid=report-results] tbody tr")
    ]
    assert rows == [
        [
            f"Clinic Connect {listing.solution.catalogue_id}",
            listing.c1_must.code,
            "Books a slot",
            "Passed",
            "–",
        ],
        [f"Clinic Connect {listing.solution.catalogue_id}", "S25", "Hazard log", "Failed", "No log."],
        [
            f"Clinic Connect {other.solution.catalogue_id}",
            listing.c1_must.code,
            "Other's case",
            "Skipped",
            "–",
        ],
        ["Not in the catalogue Reported as 99999-999", "E00001", "Unknown one", "Passed", "–"],
    ]
    assert soup.select_one("[data-testid=report-results] a")["href"] == listing.solution.listing_url


def test_a_harness_report_and_its_warnings(client, listing):
    from catalogue.models import ConformanceReport, ReportFormat, ReportSource, ReportStatus, ReportWarning

    report = ConformanceReport.objects.create(
        source=ReportSource.PUSHED,
        format=ReportFormat.JUNIT,
        run_id="run-2025-06-02-0001",
        content_hash="0" * 64,
        body_gzip=ConformanceReport.compress(b"<testsuites/>"),
        harness_name=HARNESS,
        harness_version="3.4.1",
        status=ReportStatus.PROCESSED,
    )
    ReportWarning.objects.create(
        report=report, code="unknown_solution", message="Unknown solution id 12345-678.", case_name="[E1] x"
    )

    soup = get_soup(client, report_url(report))

    facts = text_of(soup.find(attrs={"data-testid": "report-facts"}))
    assert f"Harness {HARNESS} Harness version 3.4.1" in facts
    assert "Sent by the test harness when the run finished" in facts
    assert "Format JUnit XML" in facts
    assert "Tests run Not given" in facts
    assert not soup.find(attrs={"data-testid": "imported-notice"})
    assert "Unknown solution id 12345-678." in text_of(soup.find(attrs={"data-testid": "report-warnings"}))
    assert "0 results." in text_of(soup)


def test_filtering_by_solution(client, listing, supplier_a):
    other = Listing(supplier_a)
    at = timezone.now()
    report = record_imported_results(
        "run-1",
        [
            ImportedCase(listing.solution.catalogue_id, listing.c1_must.code, "passed", at, name="Mine"),
            ImportedCase(other.solution.catalogue_id, listing.c1_must.code, "failed", at, name="Theirs"),
        ],
        harness_name=HARNESS,
    )

    soup = get_soup(client, report_url(report, solution=listing.solution.catalogue_id))

    names = [text_of(tr.find_all("td")[2]) for tr in soup.select("[data-testid=report-results] tbody tr")]
    assert names == ["Mine"]
    count = text_of(soup.find(attrs={"data-testid": "results-count"}))
    assert count.startswith(f"1 result for Clinic Connect ({listing.solution.catalogue_id}).")
    assert soup.find("input", id="report-solution")["value"] == listing.solution.catalogue_id
    assert soup.find(attrs={"data-testid": "results-count"}).find("a")["href"] == "?"
    # The breadcrumb leads back to the listing.
    assert soup.select(".nhsuk-breadcrumb__link")[-1]["href"] == listing.solution.listing_url
    nothing = get_soup(client, report_url(report, solution="12345-000"))
    assert not nothing.find(attrs={"data-testid": "report-results"})
    assert "0 results for solution ID 12345-000." in text_of(nothing)


def test_results_of_solutions_that_are_not_public_are_hidden_from_the_public(
    client, listing, supplier_a, supplier_a_editor, moderator
):
    draft = Listing(supplier_a, publication_state=PublicationState.DRAFT)
    at = timezone.now()
    report = record_imported_results(
        "run-1",
        [
            ImportedCase(
                listing.solution.catalogue_id, listing.c1_must.code, "passed", at, name="Public one"
            ),
            ImportedCase(draft.solution.catalogue_id, listing.c1_must.code, "passed", at, name="Draft one"),
        ],
        harness_name=HARNESS,
    )

    def names(url) -> list[str]:
        soup = get_soup(client, url)
        return [text_of(tr.find_all("td")[2]) for tr in soup.select("[data-testid=report-results] tbody tr")]

    assert names(report_url(report)) == ["Public one"]
    assert names(report_url(report, solution=draft.solution.catalogue_id)) == []
    assert "Draft one" not in client.get(report_url(report)).content.decode()
    assert draft.solution.catalogue_id not in client.get(report_url(report)).content.decode()
    client.force_login(supplier_a_editor)  # the draft's own supplier
    assert names(report_url(report)) == ["Public one", "Draft one"]
    client.force_login(moderator)
    assert names(report_url(report, solution=draft.solution.catalogue_id)) == ["Draft one"]


def test_results_are_paginated(client, listing, django_assert_max_num_queries):
    at = timezone.now()
    cases = [
        ImportedCase(listing.solution.catalogue_id, listing.c1_must.code, "passed", at, name=f"Case {n:03d}")
        for n in range(205)
    ]
    report = record_imported_results("big-run", cases, harness_name=HARNESS)

    client.get(report_url(report))  # warm per-process caches
    with django_assert_max_num_queries(5):  # report, warnings, the solution filtered on, count, rows
        first = get_soup(client, report_url(report, solution=listing.solution.catalogue_id))
    second = get_soup(client, report_url(report, solution=listing.solution.catalogue_id, page=2))

    assert len(first.select("[data-testid=report-results] tbody tr")) == 200
    assert len(second.select("[data-testid=report-results] tbody tr")) == 5
    assert text_of(second.select("[data-testid=report-results] tbody tr")[-1].find_all("td")[2]) == "Case 204"
    next_link = first.select_one(".nhsuk-pagination__link--next")["href"]
    assert next_link == f"?solution={listing.solution.catalogue_id}&page=2#results"


def test_an_unknown_report_is_404(client, db):
    assert client.get("/conformance/reports/999999/").status_code == 404


# --- The Listings queue ---------------------------------------------------------------------------


def queue_names(client, query: str = "?filter=lost-accreditation") -> list[str]:
    """The listings the queue shows: the first cell of each row is the name, then the solution id."""
    soup = get_soup(client, reverse("cms_listing_queue") + query)
    return [text_of(tr.find("td")).rsplit(" ", 1)[0] for tr in soup.select("table.listing tbody tr")]


def test_the_lost_accreditation_filter(client, site, supplier_a, moderator):
    lost_first = Listing(supplier_a, name="Lost first")
    lost_later = Listing(supplier_a, name="Lost later")
    never = Listing(supplier_a, name="Never accredited")
    still = Listing(supplier_a, name="Still accredited")
    start = timezone.now() - datetime.timedelta(days=20)
    for number, item in enumerate((lost_first, lost_later, still)):
        record(f"pass-{number}", item.solution, item.all_passed(), start)
    record("fail-never", never.solution, {never.c1_must.code: "failed"}, start)
    with time_machine.travel(start + datetime.timedelta(days=1)):
        record("fail-1", lost_first.solution, {lost_first.c1_must.code: "failed"}, timezone.now())
    with time_machine.travel(start + datetime.timedelta(days=2)):
        record("fail-2", lost_later.solution, {"S25": "failed"}, timezone.now())
    client.force_login(moderator)

    names = queue_names(client)

    assert names == ["Lost later", "Lost first"]  # the latest loss first
    soup = get_soup(client, reverse("cms_listing_queue") + "?filter=lost-accreditation")
    current = soup.find("a", attrs={"aria-current": "page"})
    assert text_of(current) == "Lost accreditation (2)"
    assert "Accreditation lost" in text_of(soup.select_one("table.listing thead"))
    # The other views of the queue are as they were.
    assert set(queue_names(client, "")) == {
        "Lost first",
        "Lost later",
        "Never accredited",
        "Still accredited",
    }
    assert set(queue_names(client, "?state=published")) == {
        "Lost first",
        "Lost later",
        "Never accredited",
        "Still accredited",
    }


def test_the_lost_accreditation_filter_is_for_the_catalogue_team_only(client, site, supplier_a_editor):
    client.force_login(supplier_a_editor)
    assert client.get(reverse("cms_listing_queue") + "?filter=lost-accreditation").status_code == 403
    client.logout()
    response = client.get(reverse("cms_listing_queue") + "?filter=lost-accreditation")
    assert response.status_code == 302 and "login" in response["Location"]
