"""Harness reports through the real endpoint (POST /api/v1/conformance/reports/): signed, parsed, stored
once, processed by the Celery task (eager in tests; the on-commit callbacks are run by
`django_capture_on_commit_callbacks(execute=True)`), and turned into statuses and accreditation.

The catalogue here: capability C43 (MUST epic E00001, MAY epic E00003) and C18 (MUST epics E00101 and
E00102), overarching standards S24 and S25. The solution claims both capabilities, so it is accredited
when E00001, E00101, E00102, S24 and S25 have all passed within the validity period.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from xml.sax.saxutils import quoteattr

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from catalogue.conformance import status
from catalogue.conformance.awards import NotAwardable, award_problems, ensure_awardable
from catalogue.conformance.ingest import ReportFormatError, process_report, receive_report
from catalogue.conformance.samples import junit_report
from catalogue.conformance.signing import signed_headers
from catalogue.demo import DEMO_HARNESS_SECRET, DEMO_HARNESS_TOKEN
from catalogue.models import (
    CapabilityConformance,
    ConformanceReport,
    ConformanceStatus,
    EpicConformance,
    EpicLevel,
    HarnessClient,
    HarnessResult,
    HarnessSecret,
    Outcome,
    PublicationState,
    ReportFormat,
    ReportStatus,
    ReportWarning,
    StandardConformance,
    StandardType,
)
from catalogue.tasks import process_report_task, recompute_lapsed_conformance
from tests.factories import (
    CapabilityEpicFactory,
    CapabilityFactory,
    EpicFactory,
    FrameworkFactory,
    SolutionFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/conformance/reports/"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EVERYTHING = ("E00001", "E00101", "E00102", "S24", "S25")


# --- The catalogue, the solution and the harness -----------------------------------------------------


@pytest.fixture
def model(db):
    c43 = CapabilityFactory(ref="C43", name="Online Consultation")
    c18 = CapabilityFactory(ref="C18", name="Remote Monitoring")
    epics = {code: EpicFactory(code=code) for code in ("E00001", "E00003", "E00101", "E00102")}
    CapabilityEpicFactory(capability=c43, epic=epics["E00001"], level=EpicLevel.MUST)
    CapabilityEpicFactory(capability=c43, epic=epics["E00003"], level=EpicLevel.MAY)
    CapabilityEpicFactory(capability=c18, epic=epics["E00101"], level=EpicLevel.MUST)
    CapabilityEpicFactory(capability=c18, epic=epics["E00102"], level=EpicLevel.MUST)
    standards = {
        ref: StandardFactory(ref=ref, standard_type=StandardType.OVERARCHING) for ref in ("S24", "S25")
    }
    today = timezone.localdate()
    framework = FrameworkFactory(
        active_from=today - datetime.timedelta(days=365), expires_on=today + datetime.timedelta(days=365)
    )
    return SimpleNamespace(c43=c43, c18=c18, epics=epics, standards=standards, framework=framework)


@pytest.fixture
def solution(model, supplier_a, supplier_a_editor):
    return SolutionFactory(
        supplier=supplier_a, capabilities=[model.c43, model.c18], frameworks=[model.framework]
    )


@pytest.fixture
def harness(db):
    client = HarnessClient.objects.create(name="Test harness")
    secret = HarnessSecret.objects.create(client=client)
    return SimpleNamespace(client=client, token=client.token, secret=secret.secret)


def junit(
    run_id: str,
    cases: list[tuple[str, str, str]],
    *,
    when: datetime.datetime | None = None,
    version: str = "2.0.1",
) -> bytes:
    """A JUnit report; each case is (solution id, requirement, "passed" | "failed" | "skipped")."""
    when = when or timezone.now() - datetime.timedelta(hours=1)
    rows = []
    for number, (solution_id, requirement, outcome) in enumerate(cases, start=1):
        inner = {
            "passed": "",
            "failed": '<failure message="expected 201, got 500">Traceback…</failure>',
            "skipped": "<skipped/>",
        }[outcome]
        rows.append(
            f'<testcase name="case {number}" classname="harness.checks" time="0.5"><properties>'
            f"<property name={quoteattr('requirement')} value={quoteattr(requirement)}/>"
            f"<property name={quoteattr('solution')} value={quoteattr(solution_id)}/>"
            f"</properties>{inner}</testcase>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><properties>'
        f'<property name="harness.run_id" value={quoteattr(run_id)}/>'
        '<property name="harness.name" value="Test harness"/>'
        f'<property name="harness.version" value="{version}"/>'
        f'</properties><testsuite name="checks" timestamp="{when.isoformat()}">'
        + "".join(rows)
        + "</testsuite></testsuites>"
    ).encode()


def run(solution, run_id: str, failing=(), when=None, only=EVERYTHING) -> bytes:
    return junit(
        run_id,
        [(solution.catalogue_id, code, "failed" if code in failing else "passed") for code in only],
        when=when,
    )


def post(
    api, harness, body: bytes, *, content_type="application/xml", secret=None, timestamp=None, headers=None
):
    if headers is None:
        headers = signed_headers(harness.token, secret or harness.secret, body, timestamp=timestamp)
    return api.post(URL, data=body, content_type=content_type, headers=headers)


def post_and_process(api, harness, body: bytes, capture, **kwargs):
    with capture(execute=True):
        response = post(api, harness, body, **kwargs)
    return response


def capability_status(solution, capability) -> str:
    return CapabilityConformance.objects.get(solution=solution, capability=capability).status


# --- Accepting and processing -----------------------------------------------------------------------


def test_passing_every_must_epic_meets_the_capabilities_and_with_the_standards_accredits(
    client, harness, solution, model, django_capture_on_commit_callbacks
):
    # Epics only: both capabilities met, but the overarching standards are not tested yet.
    response = post_and_process(
        client,
        harness,
        run(solution, "run-1", only=("E00001", "E00101", "E00102")),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 202, response.content
    receipt = response.json()
    assert receipt["duplicate"] is False and receipt["warnings"] == []
    assert receipt["url"] == f"http://testserver/api/v1/conformance/reports/{receipt['report_id']}/"
    report = ConformanceReport.objects.get(pk=receipt["report_id"])
    assert report.status == ReportStatus.PROCESSED
    assert (report.case_count, report.passed_count, report.failed_count) == (3, 3, 0)
    assert (report.client, report.format, report.harness_version) == (harness.client, "junit", "2.0.1")
    assert capability_status(solution, model.c43) == ConformanceStatus.MET
    assert capability_status(solution, model.c18) == ConformanceStatus.MET
    solution.refresh_from_db()
    assert not solution.is_accredited

    # Now the standards too: accredited.
    post_and_process(
        client, harness, run(solution, "run-2", only=("S24", "S25")), django_capture_on_commit_callbacks
    )
    solution.refresh_from_db()
    assert solution.is_accredited
    assert solution.accreditation_changed_at is not None
    assert set(StandardConformance.objects.filter(solution=solution).values_list("outcome", flat=True)) == {
        "passed"
    }
    detail = client.get(receipt["url"]).json()
    assert detail["status"] == "processed" and detail["harness"] == {
        "name": "Test harness",
        "version": "2.0.1",
    }


def test_one_failing_must_epic_makes_the_capability_partially_met_and_tells_the_supplier(
    client, harness, solution, model, supplier_a_editor, django_capture_on_commit_callbacks
):
    earlier = timezone.now() - datetime.timedelta(days=2)
    post_and_process(
        client, harness, run(solution, "run-1", when=earlier), django_capture_on_commit_callbacks
    )
    solution.refresh_from_db()
    assert solution.is_accredited
    mail.outbox.clear()

    post_and_process(
        client, harness, run(solution, "run-2", failing=("E00102",)), django_capture_on_commit_callbacks
    )
    assert capability_status(solution, model.c18) == ConformanceStatus.PARTIALLY_MET
    assert capability_status(solution, model.c43) == ConformanceStatus.MET
    solution.refresh_from_db()
    assert not solution.is_accredited
    failed = HarnessResult.objects.get(report__run_id="run-2", requirement="E00102")
    assert failed.outcome == Outcome.FAILED and failed.message == "expected 201, got 500"
    (message,) = mail.outbox
    assert message.to == [supplier_a_editor.email]
    assert message.subject == f"Test failure: {solution.name}"
    assert "partially met" in message.body and "no longer accredited" in message.body


def test_a_fhir_testreport_works_too(client, harness, model, supplier_a, django_capture_on_commit_callbacks):
    solution = SolutionFactory(supplier=supplier_a, capabilities=[model.c43], frameworks=[model.framework])
    data = json.loads((EXAMPLES / "fhir-testreport.json").read_text())
    # The example is for the demo listing 99000-001 and was issued in 2025; make it about this solution
    # and recent, or its results would already have lapsed.
    for participant in data["participant"]:
        if participant["type"] == "server":
            participant["uri"] = f"urn:gpitf:solution:{solution.catalogue_id}"
    data["issued"] = (timezone.now() - datetime.timedelta(hours=2)).replace(microsecond=0).isoformat()
    body = json.dumps(data).encode()

    response = post_and_process(
        client, harness, body, django_capture_on_commit_callbacks, content_type="application/fhir+json"
    )
    assert response.status_code == 202, response.content
    assert response.json()["warnings"] == []
    report = ConformanceReport.objects.get(pk=response.json()["report_id"])
    assert (report.format, report.run_id, report.status) == (
        ReportFormat.FHIR,
        "run-2025-06-04-0003",
        "processed",
    )
    assert set(HarnessResult.objects.filter(report=report).values_list("requirement", "outcome")) == {
        ("E00001", "passed"),
        ("S24", "passed"),
        ("S25", "passed"),
    }
    assert capability_status(solution, model.c43) == ConformanceStatus.MET
    solution.refresh_from_db()
    assert solution.is_accredited


def test_unknown_solutions_and_requirements_come_back_as_warnings_and_are_kept(
    client, harness, solution, django_capture_on_commit_callbacks
):
    body = junit(
        "run-warnings",
        [
            (solution.catalogue_id, "E00001", "passed"),
            ("12345-999", "E00001", "passed"),
            (solution.catalogue_id, "E99999", "failed"),
        ],
    )
    response = post_and_process(client, harness, body, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    warnings = {w["code"]: w for w in response.json()["warnings"]}
    assert set(warnings) == {"unknown_solution", "unknown_requirement"}
    assert "12345-999" in warnings["unknown_solution"]["message"]
    assert "E99999" in warnings["unknown_requirement"]["message"]
    report = ConformanceReport.objects.get(pk=response.json()["report_id"])
    assert set(ReportWarning.objects.filter(report=report).values_list("code", flat=True)) == set(warnings)
    # Nothing is dropped: the unusable cases are kept as results, with the ids as reported.
    assert HarnessResult.objects.filter(report=report).count() == 3
    assert HarnessResult.objects.get(report=report, solution_code="12345-999").solution is None
    assert client.get(response.json()["url"]).json()["warnings"] != []


def test_an_older_run_arriving_late_does_not_overwrite_a_newer_result(
    client, harness, solution, model, django_capture_on_commit_callbacks
):
    newer = timezone.now() - datetime.timedelta(days=1)
    older = timezone.now() - datetime.timedelta(days=10)
    post_and_process(
        client, harness, run(solution, "run-new", when=newer), django_capture_on_commit_callbacks
    )
    post_and_process(
        client,
        harness,
        run(solution, "run-old", failing=("E00101",), when=older),
        django_capture_on_commit_callbacks,
    )
    current = EpicConformance.objects.get(solution=solution, epic=model.epics["E00101"])
    assert current.outcome == Outcome.PASSED
    assert abs(current.tested_at - newer) < datetime.timedelta(seconds=1)
    assert current.result.report.run_id == "run-new"
    # The older run is still kept as history.
    assert HarnessResult.objects.get(report__run_id="run-old", requirement="E00101").outcome == "failed"
    assert capability_status(solution, model.c18) == ConformanceStatus.MET
    solution.refresh_from_db()
    assert solution.is_accredited


# --- Refusing what cannot be trusted or used ---------------------------------------------------------


def test_a_tampered_body_or_signature_is_refused_and_nothing_is_stored(client, harness, solution):
    body = run(solution, "run-1")
    headers = signed_headers(harness.token, harness.secret, body)
    tampered_body = body.replace(b'value="E00102"', b'value="E00103"')
    assert tampered_body != body
    response = post(client, harness, tampered_body, headers=headers)
    assert response.status_code == 401
    assert "signature does not match" in response.json()["detail"]

    wrong = {**headers, "X-Harness-Signature": "sha256=" + "0" * 64}
    assert post(client, harness, body, headers=wrong).status_code == 401
    other_secret = signed_headers(harness.token, "not-the-secret", body)
    assert post(client, harness, body, headers=other_secret).status_code == 401
    unknown_token = signed_headers("not-a-token", harness.secret, body)
    assert post(client, harness, body, headers=unknown_token).status_code == 401
    assert ConformanceReport.objects.count() == 0


@pytest.mark.parametrize("missing", ["X-Harness-Token", "X-Harness-Timestamp", "X-Harness-Signature", "all"])
def test_missing_signature_headers_are_refused(client, harness, solution, missing):
    body = run(solution, "run-1")
    headers = signed_headers(harness.token, harness.secret, body)
    headers = {} if missing == "all" else {k: v for k, v in headers.items() if k != missing}
    response = post(client, harness, body, headers=headers)
    assert response.status_code == 401
    assert "X-Harness-Token, X-Harness-Timestamp and X-Harness-Signature" in response.json()["detail"]
    assert ConformanceReport.objects.count() == 0


def test_a_signature_six_minutes_old_is_refused_as_a_replay(client, harness, solution):
    body = run(solution, "run-1")
    response = post(client, harness, body, timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert "seconds old" in response.json()["detail"]
    assert ConformanceReport.objects.count() == 0
    # Within the allowed age it is accepted.
    assert post(client, harness, body, timestamp=int(time.time()) - 4 * 60).status_code == 202


def test_the_same_report_twice_is_stored_once(client, harness, solution, django_capture_on_commit_callbacks):
    body = run(solution, "run-1")
    first = post_and_process(client, harness, body, django_capture_on_commit_callbacks)
    second = post_and_process(client, harness, body, django_capture_on_commit_callbacks)
    assert first.status_code == second.status_code == 202
    assert first.json()["duplicate"] is False
    assert second.json()["duplicate"] is True
    assert second.json()["report_id"] == first.json()["report_id"]
    assert second.json()["status"] == "processed"
    assert ConformanceReport.objects.count() == 1
    assert HarnessResult.objects.count() == len(EVERYTHING)


def test_the_same_run_id_with_a_different_body_is_a_conflict(
    client, harness, solution, django_capture_on_commit_callbacks
):
    post_and_process(client, harness, run(solution, "run-1"), django_capture_on_commit_callbacks)
    response = post(client, harness, run(solution, "run-1", failing=("E00001",)))
    assert response.status_code == 409
    assert "run-1" in response.json()["detail"]
    assert ConformanceReport.objects.count() == 1


def test_malformed_xml_is_a_400_saying_what_is_wrong(client, harness, solution):
    response = post(client, harness, b"<testsuites><testsuite><testcase name='x'></testsuite>")
    assert response.status_code == 400
    assert "not well-formed" in response.json()["detail"]
    response = post(client, harness, b"<testsuites><testsuite><testcase name='x'/></testsuite></testsuites>")
    assert response.status_code == 400
    assert "harness.run_id" in response.json()["detail"]  # no run id
    assert ConformanceReport.objects.count() == 0


def test_a_billion_laughs_body_is_refused_without_expanding_it(client, harness, solution):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10)
    )
    body = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><testsuites>&lol9;</testsuites>'.encode()
    started = time.monotonic()
    response = post(client, harness, body)
    assert response.status_code == 400
    assert "document type declaration" in response.json()["detail"]
    assert time.monotonic() - started < 5
    assert ConformanceReport.objects.count() == 0


def test_a_body_over_the_limit_is_a_413(client, harness, solution, settings):
    settings.CONFORMANCE_MAX_BODY_BYTES = 1000
    body = run(solution, "run-1")
    assert len(body) > 1000
    response = post(client, harness, body)
    assert response.status_code == 413
    assert "1,000 bytes" in response.json()["detail"]
    assert ConformanceReport.objects.count() == 0


def test_an_unsupported_content_type_is_a_415(client, harness, solution):
    response = post(client, harness, run(solution, "run-1"), content_type="text/plain")
    assert response.status_code == 415
    assert ConformanceReport.objects.count() == 0


# --- Results lapse ----------------------------------------------------------------------------------


def test_results_lapse_after_the_validity_period_and_the_supplier_is_told(
    client, harness, solution, model, supplier_a_editor, django_capture_on_commit_callbacks
):
    post_and_process(client, harness, run(solution, "run-1"), django_capture_on_commit_callbacks)
    solution.refresh_from_db()
    assert solution.is_accredited
    mail.outbox.clear()

    # The day before the end of the validity period nothing changes.
    almost = timezone.now() + datetime.timedelta(days=settings.CONFORMANCE_VALIDITY_DAYS - 1)
    with time_machine.travel(almost, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert recompute_lapsed_conformance() == 0
    assert mail.outbox == []

    later = timezone.now() + datetime.timedelta(days=settings.CONFORMANCE_VALIDITY_DAYS + 1)
    with time_machine.travel(later, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert recompute_lapsed_conformance() == 1
        computed = status.compute(solution)
        assert computed.epics[model.epics["E00001"].pk] == status.LAPSED
        assert not computed.accredited
    solution.refresh_from_db()
    assert not solution.is_accredited
    assert capability_status(solution, model.c43) == ConformanceStatus.NOT_TESTED
    assert capability_status(solution, model.c18) == ConformanceStatus.NOT_TESTED
    (message,) = mail.outbox
    assert message.to == [supplier_a_editor.email]
    assert message.subject == f"Results lapsed: {solution.name}"
    assert "E00001" in message.body and "no longer accredited" in message.body


# --- Secrets: rotation without downtime ----------------------------------------------------------------


def test_secret_rotation_through_the_admin(client, harness, solution, django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True, is_superuser=True)
    admin = type(client)()
    admin.force_login(staff)
    changelist = reverse("admin:catalogue_harnessclient_changelist")
    old = harness.secret

    response = admin.post(
        changelist, {"action": "issue_secret", "_selected_action": [harness.client.pk]}, follow=True
    )
    new = harness.client.secrets.order_by("-created_at", "-pk").first().secret
    assert new != old
    shown = [str(m) for m in response.context["messages"]]
    assert any(new in m for m in shown), shown  # shown once, in the message...
    page = admin.get(
        reverse("admin:catalogue_harnessclient_change", args=[harness.client.pk])
    ).content.decode()
    assert new not in page and old not in page  # ...and never again: masked but for the last four
    assert new[-4:] in page and old[-4:] in page

    # Both secrets work while the harness moves over.
    for number, secret in enumerate((old, new)):
        response = post_and_process(
            client,
            harness,
            run(solution, f"rotation-{number}"),
            django_capture_on_commit_callbacks,
            secret=secret,
        )
        assert response.status_code == 202

    admin.post(changelist, {"action": "revoke_old_secrets", "_selected_action": [harness.client.pk]})
    assert harness.client.active_secrets() == [new]
    assert post(client, harness, run(solution, "rotation-3"), secret=old).status_code == 401
    assert post(client, harness, run(solution, "rotation-3"), secret=new).status_code == 202


# --- Awards ----------------------------------------------------------------------------------------


def test_only_an_accredited_public_solution_on_a_live_framework_can_be_awarded(
    client, harness, solution, model, django_capture_on_commit_callbacks
):
    with pytest.raises(NotAwardable) as refused:
        ensure_awardable(solution)
    assert "not accredited" in str(refused.value)

    post_and_process(client, harness, run(solution, "run-1"), django_capture_on_commit_callbacks)
    solution.refresh_from_db()
    ensure_awardable(solution)  # accredited, published, on a live framework
    ensure_awardable(solution, model.framework)

    model.framework.is_expired = True
    model.framework.save()
    with pytest.raises(NotAwardable) as refused:
        ensure_awardable(solution)
    assert refused.value.problems == ["it is on no framework that is live"]
    other = FrameworkFactory()
    assert award_problems(solution, other) == [f"it is not on {other}"]
    model.framework.is_expired = False
    model.framework.save()

    solution.publication_state = PublicationState.SUSPENDED
    solution.save()
    with pytest.raises(NotAwardable) as refused:
        ensure_awardable(solution)
    assert refused.value.problems == ["its listing is suspended"]


# --- Processing: concurrent reports, failures ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reports_for_one_solution_processed_at_once_both_apply(harness, solution, model, monkeypatch):
    # Store both reports without processing them, then process them in two threads at the same moment.
    monkeypatch.setattr(process_report_task, "delay", lambda *args, **kwargs: None)
    first = receive_report(
        harness.client, run(solution, "run-a", only=("E00001", "E00101", "S24", "S25")), "application/xml"
    ).report
    second = receive_report(
        harness.client,
        run(solution, "run-b", only=("E00102", "S24")),
        "application/xml",
    ).report
    # Each report alone leaves C18 partially met; only both together accredit the solution.
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def process(report_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            process_report(report_id)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=process, args=(pk,)) for pk in (first.pk, second.pk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert set(ConformanceReport.objects.values_list("status", flat=True)) == {ReportStatus.PROCESSED}
    assert EpicConformance.objects.filter(solution=solution).count() == 3
    assert StandardConformance.objects.filter(solution=solution).count() == 2
    computed = status.compute(solution)
    stored = dict(
        CapabilityConformance.objects.filter(solution=solution).values_list("capability_id", "status")
    )
    assert stored == computed.capabilities == {model.c43.pk: "met", model.c18.pk: "met"}
    solution.refresh_from_db()
    assert solution.is_accredited and computed.accredited


def test_a_stored_report_that_cannot_be_read_is_marked_failed(solution, harness):
    report = ConformanceReport.objects.create(
        client=harness.client,
        source="pushed",
        format=ReportFormat.JUNIT,
        run_id="broken",
        content_hash="0" * 64,
        content_type="application/xml",
        body_gzip=ConformanceReport.compress(b"<testsuites><testsuite>"),
    )
    assert process_report_task.delay(report.pk).get() == 0
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("ReportFormatError:")
    assert HarnessResult.objects.count() == 0


def test_a_report_that_fails_half_way_leaves_nothing_half_stored(
    client, harness, solution, monkeypatch, django_capture_on_commit_callbacks
):
    def fail(*args, **kwargs):
        raise RuntimeError("the status computation broke")

    monkeypatch.setattr(status, "recompute", fail)  # after the results and current results are written
    body = junit("run-1", [(solution.catalogue_id, "E00001", "passed"), ("12345-999", "E00001", "passed")])
    response = post_and_process(client, harness, body, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    report = ConformanceReport.objects.get()
    assert report.status == ReportStatus.FAILED
    assert report.error == "RuntimeError: the status computation broke"
    assert (report.case_count, report.passed_count) == (0, 0)
    assert HarnessResult.objects.count() == 0
    assert ReportWarning.objects.count() == 0
    assert EpicConformance.objects.count() == 0
    assert CapabilityConformance.objects.count() == 0
    assert client.get(response.json()["url"]).json()["status"] == "failed"


def test_receive_report_refuses_an_unreadable_body_before_storing_anything(harness):
    with pytest.raises(ReportFormatError):
        receive_report(harness.client, b"{}", "application/fhir+json")
    assert ConformanceReport.objects.count() == 0


# --- The sample report and the command that posts it -------------------------------------------------


def test_the_sample_report_covers_the_must_epics_and_the_standards(solution, model):
    from catalogue.conformance.parsing import parse_report

    parsed = parse_report(junit_report(solution, "sample-1", failing=["E00102"]), "application/xml")
    assert parsed.run_id == "sample-1"
    outcomes = {(case.solution_id, case.requirement): case.outcome for case in parsed.cases}
    assert outcomes == {
        (solution.catalogue_id, "E00001"): "passed",
        (solution.catalogue_id, "E00101"): "passed",
        (solution.catalogue_id, "E00102"): "failed",
        (solution.catalogue_id, "S24"): "passed",
        (solution.catalogue_id, "S25"): "passed",
    }
    with pytest.raises(ValueError, match="E99999 is not among the requirements"):
        junit_report(solution, "sample-2", failing=["E99999"])


@pytest.mark.django_db(transaction=True)
def test_post_harness_report_signs_and_posts_a_sample_to_a_running_server(live_server, solution, model):
    client = HarnessClient.objects.create(name="Demo harness", token=DEMO_HARNESS_TOKEN, is_demo=True)
    HarnessSecret.objects.create(client=client, secret=DEMO_HARNESS_SECRET)
    out = StringIO()
    call_command(
        "post_harness_report",
        "--solution",
        solution.catalogue_id,
        "--fail",
        "E00102",
        "--url",
        live_server.url,
        stdout=out,
    )
    output = out.getvalue()
    assert "HTTP 202" in output
    assert "processed; 5 cases, 4 passed, 1 failed" in output  # tasks run in-process in the server
    assert capability_status(solution, model.c18) == ConformanceStatus.PARTIALLY_MET
    assert capability_status(solution, model.c43) == ConformanceStatus.MET

    with pytest.raises(CommandError, match="HTTP 401"):
        call_command(
            "post_harness_report",
            "--solution",
            solution.catalogue_id,
            "--secret",
            "wrong",
            "--url",
            live_server.url,
            stdout=StringIO(),
        )
    with pytest.raises(CommandError, match="no solution 12345-999"):
        call_command(
            "post_harness_report", "--solution", "12345-999", "--url", live_server.url, stdout=StringIO()
        )


def test_the_admin_issues_a_first_secret_and_keeps_reports_as_received(
    client, harness, solution, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    admin = type(client)()
    admin.force_login(staff)
    response = admin.post(
        reverse("admin:catalogue_harnessclient_add"),
        {
            "name": "New harness",
            "is_active": "on",
            "secrets-TOTAL_FORMS": "0",
            "secrets-INITIAL_FORMS": "0",
            "feeds-TOTAL_FORMS": "0",
            "feeds-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    created = HarnessClient.objects.get(name="New harness")
    (secret,) = created.active_secrets()
    assert any(secret in str(m) for m in response.context["messages"])

    body = run(solution, "run-1")
    post_and_process(client, harness, body, django_capture_on_commit_callbacks)
    report = ConformanceReport.objects.get()
    page = admin.get(reverse("admin:catalogue_conformancereport_change", args=[report.pk]))
    assert page.status_code == 200
    download = admin.get(reverse("admin:catalogue_conformancereport_body", args=[report.pk]))
    assert download.status_code == 200
    assert download.content == body
    assert download["Content-Disposition"] == f'attachment; filename="report-{report.pk}-run-1.xml"'
    # Evidence cannot be changed or deleted there.
    assert admin.get(reverse("admin:catalogue_conformancereport_delete", args=[report.pk])).status_code == 403
    assert admin.get(reverse("admin:catalogue_conformancereport_add")).status_code == 403
    assert (
        type(client)().get(reverse("admin:catalogue_conformancereport_body", args=[report.pk])).status_code
        == 302
    )
