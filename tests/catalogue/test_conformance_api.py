"""The conformance read API: GET /api/v1/solutions/{id}/conformance/ (statuses, the evidence behind them
and the harness history), GET /api/v1/conformance/reports/{id}/, and accreditation in the solution list
and detail. Results are recorded through the ingest service functions, as the harness's would be."""

from __future__ import annotations

import datetime
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.fields import DateTimeField

from catalogue.conformance.ingest import ImportedCase, process_report, receive_report, record_imported_results
from catalogue.models import EpicLevel, HarnessClient, PublicationState, StandardType
from tests.factories import (
    CapabilityEpicFactory,
    CapabilityFactory,
    EpicFactory,
    SolutionEpicFactory,
    SolutionFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
iso = DateTimeField().to_representation  # a time as the API writes it


def junit(run_id: str, cases: list[tuple[str, str, str]], when: datetime.datetime) -> bytes:
    """(solution id, requirement, passed | failed | skipped) cases in one suite run at `when`."""
    inner = {"passed": "", "failed": '<failure message="no"/>', "skipped": "<skipped/>"}
    rows = "".join(
        f'<testcase name="{requirement} check"><properties>'
        f'<property name="requirement" value="{requirement}"/>'
        f'<property name="solution" value="{solution}"/></properties>{inner[outcome]}</testcase>'
        for solution, requirement, outcome in cases
    )
    return (
        f'<testsuites><properties><property name="harness.run_id" value="{run_id}"/>'
        '<property name="harness.name" value="GPIT harness"/>'
        '<property name="harness.version" value="3.4.1"/></properties>'
        f'<testsuite name="s" timestamp="{when.isoformat()}">{rows}</testsuite></testsuites>'
    ).encode()


def push(client: HarnessClient, run_id: str, cases, when: datetime.datetime):
    """A report as the harness posts it: received, then processed (the task's work, done here)."""
    report = receive_report(client, junit(run_id, cases, when), "application/xml").report
    return process_report(report.pk)


@pytest.fixture
def harness(db):
    return HarnessClient.objects.create(name="GPIT harness")


@pytest.fixture
def world(db, supplier_a, harness):
    """C43 (MUST E00001, MAY E00003) and C18 (MUST E00101 and a retired MUST epic C18E9), overarching
    S24 and S25, interoperability S30 (claimed) and S31 (not claimed). The solution claims C43 with
    E00001 and E00003, and C18; another solution shares the reports."""
    c43 = CapabilityFactory(ref="C43", name="Online Consultation")
    c18 = CapabilityFactory(ref="C18", name="Remote Monitoring")
    e00001 = EpicFactory(code="E00001", name="Patient submits a request")
    e00003 = EpicFactory(code="E00003", name="Self-help")
    e00101 = EpicFactory(code="E00101", name="Readings sent from home")
    retired = EpicFactory(code="C18E9", name="Retired epic", is_active=False)
    CapabilityEpicFactory(capability=c43, epic=e00001, level=EpicLevel.MUST)
    CapabilityEpicFactory(capability=c43, epic=e00003, level=EpicLevel.MAY)
    CapabilityEpicFactory(capability=c18, epic=e00101, level=EpicLevel.MUST)
    CapabilityEpicFactory(capability=c18, epic=retired, level=EpicLevel.MUST)
    StandardFactory(ref="S24", name="Business Continuity", standard_type=StandardType.OVERARCHING)
    StandardFactory(ref="S25", name="Clinical Safety", standard_type=StandardType.OVERARCHING)
    s30 = StandardFactory(ref="S30", name="GP Connect", standard_type=StandardType.INTEROPERABILITY)
    StandardFactory(ref="S31", name="Not claimed", standard_type=StandardType.INTEROPERABILITY)
    solution = SolutionFactory(supplier=supplier_a, name="Consultly", capabilities=[c43, c18])
    solution.standards.set([s30])
    SolutionEpicFactory(solution=solution, capability=c43, epic=e00001)
    SolutionEpicFactory(solution=solution, capability=c43, epic=e00003)
    other = SolutionFactory(supplier=supplier_a, capabilities=[c43])

    now = timezone.now()
    old = record_imported_results(
        "old-assessment",
        [
            ImportedCase(solution.catalogue_id, "E00101", "passed", now - datetime.timedelta(days=400)),
            ImportedCase(solution.catalogue_id, "C18E9", "passed", now - datetime.timedelta(days=400)),
            ImportedCase(other.catalogue_id, "E00001", "failed", now - datetime.timedelta(days=400)),
        ],
        harness_name="NHS Buying Catalogue assessment (imported)",
    )
    recent = push(
        harness,
        "run-7",
        [
            (solution.catalogue_id, "E00001", "passed"),
            (solution.catalogue_id, "E00003", "skipped"),
            (solution.catalogue_id, "S24", "passed"),
            (solution.catalogue_id, "S25", "failed"),
            (solution.catalogue_id, "S30", "passed"),
            (other.catalogue_id, "E00001", "passed"),
            (other.catalogue_id, "S24", "passed"),
        ],
        now - datetime.timedelta(days=2),
    )
    return SimpleNamespace(solution=solution, other=other, old=old, recent=recent, now=now)


def evidence(report) -> dict:
    return {
        "report_id": report.pk,
        "url": f"http://testserver/api/v1/conformance/reports/{report.pk}/",
        "evidence_url": f"http://testserver/conformance/reports/{report.pk}/",
    }


def test_the_conformance_of_a_solution_with_its_evidence_and_history(client, world):
    response = client.get(f"{API}/solutions/{world.solution.catalogue_id}/conformance/")
    assert response.status_code == 200, response.content
    body = response.json()
    recent_at = iso(world.recent.executed_at)

    assert body["catalogue_id"] == world.solution.catalogue_id
    assert body["accredited"] is False
    assert body["accreditation_changed_at"] is None
    assert body["validity_days"] == 365
    assert body["url"] == f"http://testserver/api/v1/solutions/{world.solution.catalogue_id}/conformance/"

    c18, c43 = body["capabilities"]  # in ref order
    assert (c43["ref"], c43["name"], c43["status"]) == ("C43", "Online Consultation", "met")
    assert c43["as_of"] == recent_at
    assert c43["epics"] == [
        {
            "code": "E00001",
            "name": "Patient submits a request",
            "level": "must",
            "is_active": True,
            "claimed": True,
            "state": "passed",
            "tested_at": recent_at,
            "evidence": evidence(world.recent),
        },
        {
            # Skipped says nothing about conformance: still not tested.
            "code": "E00003",
            "name": "Self-help",
            "level": "may",
            "is_active": True,
            "claimed": True,
            "state": "not_tested",
            "tested_at": None,
            "evidence": None,
        },
    ]
    # Both MUST epics passed, but in 2025: lapsed, so the capability is not tested now.
    assert (c18["ref"], c18["status"]) == ("C18", "not_tested")
    assert [(e["code"], e["level"], e["claimed"], e["is_active"], e["state"]) for e in c18["epics"]] == [
        ("C18E9", "must", False, False, "lapsed"),
        ("E00101", "must", False, True, "lapsed"),
    ]
    assert c18["epics"][1]["evidence"] == evidence(world.old)

    assert [(s["ref"], s["type"], s["state"]) for s in body["standards"]] == [
        ("S24", "overarching", "met"),
        ("S25", "overarching", "not_met"),  # failed
        ("S30", "interoperability", "met"),  # claimed; S31 is not
    ]
    assert body["standards"][0]["evidence"] == evidence(world.recent)
    assert body["standards"][0]["tested_at"] == recent_at

    # Newest first; the counts are this solution's cases only, not the other solution's.
    assert body["history"] == [
        {
            "report_id": world.recent.pk,
            "run_id": "run-7",
            "harness": {"name": "GPIT harness", "version": "3.4.1"},
            "executed_at": recent_at,
            "source": "pushed",
            "passed": 3,
            "failed": 1,
            "skipped": 1,
            "pass_rate": 0.75,
            **{k: v for k, v in evidence(world.recent).items() if k != "report_id"},
        },
        {
            "report_id": world.old.pk,
            "run_id": "old-assessment",
            "harness": {"name": "NHS Buying Catalogue assessment (imported)", "version": ""},
            "executed_at": iso(world.old.executed_at),
            "source": "imported",
            "passed": 2,
            "failed": 0,
            "skipped": 0,
            "pass_rate": 1.0,
            **{k: v for k, v in evidence(world.old).items() if k != "report_id"},
        },
    ]


def test_a_solution_that_meets_everything_is_accredited_everywhere(client, world, harness):
    push(
        harness,
        "run-8",
        [(world.solution.catalogue_id, code, "passed") for code in ("E00101", "C18E9", "S25")],
        timezone.now() - datetime.timedelta(hours=1),
    )
    catalogue_id = world.solution.catalogue_id
    body = client.get(f"{API}/solutions/{catalogue_id}/conformance/").json()
    assert body["accredited"] is True
    assert body["accreditation_changed_at"] is not None
    assert [c["status"] for c in body["capabilities"]] == ["met", "met"]
    assert client.get(f"{API}/solutions/{catalogue_id}/").json()["is_accredited"] is True

    rows = {row["catalogue_id"]: row for row in client.get(f"{API}/solutions/").json()["results"]}
    assert rows[catalogue_id]["is_accredited"] is True
    assert rows[world.other.catalogue_id]["is_accredited"] is False
    accredited = client.get(f"{API}/solutions/", {"accredited": "true"}).json()["results"]
    assert [row["catalogue_id"] for row in accredited] == [catalogue_id]
    others = client.get(f"{API}/solutions/", {"accredited": "false"}).json()["results"]
    assert [row["catalogue_id"] for row in others] == [world.other.catalogue_id]
    bad = client.get(f"{API}/solutions/", {"accredited": "maybe"})
    assert bad.status_code == 400 and "accredited" in bad.json()


def test_a_solution_with_no_results_is_not_tested(client, supplier_a, world):
    bare = SolutionFactory(supplier=supplier_a)
    body = client.get(f"{API}/solutions/{bare.catalogue_id}/conformance/").json()
    assert body["accredited"] is False
    assert body["capabilities"] == [] and body["history"] == []
    assert {s["ref"]: s["state"] for s in body["standards"]} == {"S24": "not_met", "S25": "not_met"}


@pytest.mark.parametrize("state", [PublicationState.DRAFT, PublicationState.SUSPENDED])
def test_a_hidden_listing_is_a_404_to_the_public_but_not_to_its_supplier_or_the_team(
    client, world, buyer, supplier_a_editor, supplier_b_editor, moderator, state
):
    world.solution.publication_state = state
    world.solution.save()
    path = f"{API}/solutions/{world.solution.catalogue_id}/conformance/"
    assert client.get(path).status_code == 404
    for user, expected in (
        (buyer, 404),
        (supplier_b_editor, 404),
        (supplier_a_editor, 200),
        (moderator, 200),
    ):
        client.force_login(user)
        assert client.get(path).status_code == expected, user
    assert client.get(f"{API}/solutions/99999-999/conformance/").status_code == 404


def test_the_conformance_costs_a_fixed_number_of_queries(client, world, harness, supplier_a):
    def count(catalogue_id: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/solutions/{catalogue_id}/conformance/").status_code == 200
        return len(queries)

    small = count(world.other.catalogue_id)
    # A much bigger one: ten capabilities of five MUST epics, claimed epics, ten more reports.
    big = SolutionFactory(supplier=supplier_a)
    codes = []
    for number in range(10):
        capability = CapabilityFactory(ref=f"C{200 + number}")
        big.capabilities.add(capability)
        for _ in range(5):
            epic = EpicFactory()
            CapabilityEpicFactory(capability=capability, epic=epic, level=EpicLevel.MUST)
            SolutionEpicFactory(solution=big, capability=capability, epic=epic)
            codes.append(epic.code)
    for number in range(10):
        push(
            harness,
            f"big-{number}",
            [
                (big.catalogue_id, code, "passed" if number % 3 else "failed")
                for code in [*codes, "S24", "S25"]
            ],
            timezone.now() - datetime.timedelta(days=number + 1),
        )
    body = client.get(f"{API}/solutions/{big.catalogue_id}/conformance/").json()
    assert len(body["capabilities"]) == 10 and len(body["history"]) == 10
    assert count(big.catalogue_id) == small
    # The solution and its claims (3), the statuses (4), epics, claims, results and reports (6).
    assert small <= 13


def test_the_report_endpoint_says_what_became_of_a_report(client, world):
    body = client.get(f"{API}/conformance/reports/{world.recent.pk}/").json()
    assert body == {
        "id": world.recent.pk,
        "run_id": "run-7",
        "harness": {"name": "GPIT harness", "version": "3.4.1"},
        "source": "pushed",
        "format": "junit",
        "status": "processed",
        "executed_at": body["executed_at"],
        "received_at": body["received_at"],
        "processed_at": body["processed_at"],
        "case_count": 7,
        "passed_count": 5,
        "failed_count": 1,
        "skipped_count": 1,
        "warnings": [],
    }
    assert body["processed_at"] is not None
    assert client.get(f"{API}/conformance/reports/999999/").status_code == 404


def test_the_schema_documents_the_conformance_endpoint(client):
    schema = json.loads(client.get(f"{API}/schema/?format=json").content)
    operation = schema["paths"]["/api/v1/solutions/{catalogue_id}/conformance/"]["get"]
    assert "200" in operation["responses"]
    assert not any(p["name"] == "page" for p in operation.get("parameters", []))
    solutions = {p["name"] for p in schema["paths"]["/api/v1/solutions/"]["get"]["parameters"]}
    assert "accredited" in solutions
