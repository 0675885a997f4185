"""The demo's conformance (`seed_demo`): the demo harness and its documented credentials, the old
service's recorded assessments imported as lapsed history, and recent demo harness runs that accredit
most demo listings, leave a few partially met and one or two lapsed.

The demo is seeded once for the module inside a transaction rolled back at the end (as in
test_seed_demo.py); each test runs in a savepoint of it.
"""

from __future__ import annotations

import collections
import csv
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from catalogue.conformance import status
from catalogue.conformance.samples import junit_report
from catalogue.conformance.signing import signed_headers
from catalogue.demo import (
    DEMO_CONFORMANCE_FAILING,
    DEMO_CONFORMANCE_LAPSED,
    DEMO_HARNESS_NAME,
    DEMO_HARNESS_SECRET,
    DEMO_HARNESS_TOKEN,
    DEMO_LISTINGS,
    IMPORTED_HARNESS_NAME,
    demo_catalogue_ids,
)
from catalogue.models import (
    CapabilityConformance,
    CapabilityEpic,
    ConformanceReport,
    ConformanceStatus,
    EpicConformance,
    EpicLevel,
    HarnessClient,
    HarnessResult,
    HarnessSecret,
    PublicationState,
    ReportSource,
    Solution,
)
from catalogue.reference import BUYING_CATALOGUE_DIR

URL = "/api/v1/conformance/reports/"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def demo_solution(name: str) -> Solution:
    return Solution.objects.get(catalogue_id=demo_catalogue_ids()[name])


def test_the_demo_c43_listing_is_accredited_by_a_recent_pass_of_e00001():
    consultly = demo_solution("Consultly Online Consultation")
    assert consultly.is_demo and consultly.is_public
    assert list(consultly.capabilities.values_list("ref", flat=True)) == ["C43"]
    assert set(
        CapabilityEpic.objects.filter(capability__ref="C43", level=EpicLevel.MUST).values_list(
            "epic__code", flat=True
        )
    ) == {"E00001"}
    assert consultly.is_accredited
    e00001 = EpicConformance.objects.select_related("result__report").get(
        solution=consultly, epic__code="E00001"
    )
    assert e00001.outcome == "passed"
    assert timezone.now() - e00001.tested_at < datetime.timedelta(days=120)
    report = e00001.result.report
    assert (report.harness_name, report.is_demo, report.source) == (
        "Demo test harness",
        True,
        ReportSource.IMPORTED,
    )
    computed = status.compute(consultly)
    assert computed.accredited and set(computed.standards.values()) == {"met"}


def test_most_demo_listings_are_accredited_by_current_results():
    published = [
        listing
        for listing in DEMO_LISTINGS
        if listing.state == PublicationState.PUBLISHED
        and listing.name not in DEMO_CONFORMANCE_FAILING + DEMO_CONFORMANCE_LAPSED
    ]
    accredited = [listing.name for listing in published if demo_solution(listing.name).is_accredited]
    assert len(accredited) >= 0.9 * len(published)
    # Stored accreditation agrees with what the results say today.
    for solution in Solution.objects.filter(is_demo=True, supplier__code__regex=r"^[0-9]{5}$"):
        assert status.compute(solution).accredited == solution.is_accredited, solution
    # Demo runs are recent except the lapsed listings' ones.
    lapsed_ids = {demo_catalogue_ids()[name] for name in DEMO_CONFORMANCE_LAPSED}
    for report in ConformanceReport.objects.filter(harness_name="Demo test harness"):
        age = timezone.now() - report.executed_at
        if report.run_id.removeprefix("demo-harness-")[:9] in lapsed_ids:
            assert age > datetime.timedelta(days=365), report
        else:
            assert age < datetime.timedelta(days=180), report
            assert report.is_demo


def test_some_demo_listings_are_partially_met_by_a_failing_must_epic():
    partially = CapabilityConformance.objects.filter(
        solution__is_demo=True, status=ConformanceStatus.PARTIALLY_MET
    ).select_related("solution")
    names = {row.solution.name for row in partially}
    assert len(names) >= 2
    assert names <= set(DEMO_CONFORMANCE_FAILING)
    for name in DEMO_CONFORMANCE_FAILING:
        solution = demo_solution(name)
        assert not solution.is_accredited
        assert EpicConformance.objects.filter(solution=solution, outcome="failed").count() == 1
    # The listings in remediation are there because their latest run failed a MUST epic.
    for solution in Solution.objects.filter(is_demo=True, publication_state=PublicationState.IN_REMEDIATION):
        assert solution.name in DEMO_CONFORMANCE_FAILING


def test_one_or_two_demo_listings_have_lapsed():
    for name in DEMO_CONFORMANCE_LAPSED:
        solution = demo_solution(name)
        computed = status.compute(solution)
        assert not solution.is_accredited and not computed.accredited
        assert computed.lapsed
        assert set(computed.capabilities.values()) == {ConformanceStatus.NOT_TESTED}


def test_real_listings_carry_the_old_services_assessments_as_lapsed_history():
    with (BUYING_CATALOGUE_DIR / "item_epics.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_solution = collections.defaultdict(list)
    for row in rows:
        by_solution[row["CatalogueItemId"]].append(row)
    assert len(by_solution) >= 5
    for catalogue_id, source in by_solution.items():
        report = ConformanceReport.objects.get(client=None, run_id=f"buying-catalogue-import-{catalogue_id}")
        assert report.harness_name == IMPORTED_HARNESS_NAME
        assert report.source == ReportSource.IMPORTED and not report.is_demo
        assert report.executed_at.year == 2020
        results = {r.requirement: r for r in HarnessResult.objects.filter(report=report)}
        assert len(results) == len(source)
        for row in source:
            result = results[row["EpicId"]]
            assert result.outcome == ("passed" if row["IsMet"] == "true" else "failed")
            assert row["Status"] in result.message
            assert result.executed_at.date().isoformat() == row["LastUpdated"][:10]
        solution = Solution.objects.get(catalogue_id=catalogue_id)
        computed = status.compute(solution)
        assert set(computed.epics.values()) == {status.LAPSED}  # from 2020: honest, and lapsed
        assert not computed.accredited and not solution.is_accredited
    assert not Solution.objects.filter(is_demo=False, is_accredited=True).exists()


def test_the_demo_harness_credentials_sign_a_report_the_endpoint_accepts(
    client, django_capture_on_commit_callbacks
):
    harness = HarnessClient.objects.get(name=DEMO_HARNESS_NAME)
    assert (harness.token, harness.is_demo, harness.is_active) == (DEMO_HARNESS_TOKEN, True, True)
    assert harness.active_secrets() == [DEMO_HARNESS_SECRET]

    solution = demo_solution("Consultly Video")
    body = junit_report(solution, "demo-credentials-check", failing=["E00039"])
    wrong = signed_headers(DEMO_HARNESS_TOKEN, "not-the-demo-secret", body)
    assert client.post(URL, data=body, content_type="application/xml", headers=wrong).status_code == 401
    assert not ConformanceReport.objects.filter(run_id="demo-credentials-check").exists()

    headers = signed_headers(DEMO_HARNESS_TOKEN, DEMO_HARNESS_SECRET, body)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data=body, content_type="application/xml", headers=headers)
    assert response.status_code == 202, response.content
    assert response.json()["warnings"] == []
    report = ConformanceReport.objects.get(pk=response.json()["report_id"])
    assert report.client == harness and report.status == "processed"
    solution.refresh_from_db()
    assert not solution.is_accredited  # its one MUST epic failed just now


def test_the_api_shows_the_demo_conformance(client):
    consultly = demo_solution("Consultly Online Consultation")
    body = client.get(f"/api/v1/solutions/{consultly.catalogue_id}/conformance/").json()
    assert body["accredited"] is True
    (c43,) = body["capabilities"]
    assert c43["status"] == "met"
    assert [e["code"] for e in c43["epics"] if e["level"] == "must"] == ["E00001"]
    assert body["history"][0]["harness"]["name"] == "Demo test harness"
    real = client.get("/api/v1/solutions/10000-001/conformance/").json()
    assert real["accredited"] is False
    assert {e["state"] for c in real["capabilities"] for e in c["epics"] if e["tested_at"]} == {"lapsed"}
    assert real["history"][0]["harness"]["name"] == IMPORTED_HARNESS_NAME


def test_seeding_again_adds_no_conformance():
    counted = (
        ConformanceReport,
        HarnessResult,
        EpicConformance,
        CapabilityConformance,
        HarnessClient,
        HarnessSecret,
    )
    before = {model: model.objects.count() for model in counted}
    accredited = set(Solution.objects.filter(is_accredited=True).values_list("pk", flat=True))
    call_command("seed_demo", stdout=StringIO())
    assert {model: model.objects.count() for model in counted} == before
    assert set(Solution.objects.filter(is_accredited=True).values_list("pk", flat=True)) == accredited
