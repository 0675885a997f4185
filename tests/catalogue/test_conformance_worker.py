"""A received report is processed by a real Celery worker over Redis, not in the web request: the
task is queued on commit, the worker (its own process, on the test database) applies it."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from catalogue.conformance.ingest import receive_report
from catalogue.conformance.samples import junit_report
from catalogue.models import (
    CapabilityConformance,
    ConformanceStatus,
    EpicLevel,
    HarnessClient,
    HarnessResult,
    ReportStatus,
    StandardType,
)
from catalogue.tasks import process_report_task
from tests.factories import (
    CapabilityEpicFactory,
    CapabilityFactory,
    EpicFactory,
    SolutionFactory,
    StandardFactory,
)


@pytest.mark.worker
def test_a_real_worker_processes_a_received_report(
    transactional_db, celery_worker_process, send_to_worker, monkeypatch
):
    queue, _ = celery_worker_process
    # send_to_worker has turned eager mode off. receive_report queues the task with .delay() on commit,
    # which goes to the task's queue: point the task at this test's worker for the duration of the test
    # (Celery caches a task's options, hence the reset).
    monkeypatch.setattr(process_report_task, "queue", queue, raising=False)
    monkeypatch.setattr(process_report_task, "_exec_options", None)

    capability = CapabilityFactory(ref="C43", name="Online Consultation")
    CapabilityEpicFactory(capability=capability, epic=EpicFactory(code="E00001"), level=EpicLevel.MUST)
    StandardFactory(ref="S24", standard_type=StandardType.OVERARCHING)
    solution = SolutionFactory(capabilities=[capability])
    client = HarnessClient.objects.create(name="Worker test harness")
    body = junit_report(solution, "worker-run-1", when=timezone.now() - datetime.timedelta(minutes=5))

    receipt = receive_report(client, body, "application/xml")
    report = receipt.report
    assert report.status == ReportStatus.RECEIVED  # nothing was processed in this process

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status != ReportStatus.RECEIVED:
            break
        time.sleep(0.25)
    assert report.status == ReportStatus.PROCESSED, report.error or "the worker did not process it in 60 s"
    assert report.case_count == 2 and report.passed_count == 2
    assert HarnessResult.objects.filter(report=report, solution=solution).count() == 2
    assert (
        CapabilityConformance.objects.get(solution=solution, capability=capability).status
        == ConformanceStatus.MET
    )
    solution.refresh_from_db()
    assert solution.is_accredited
