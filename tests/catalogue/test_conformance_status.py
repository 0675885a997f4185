"""Status rules at their edges: lapses of failures as well as passes, and imported runs stored once."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from catalogue.conformance.ingest import ImportedCase, record_imported_results
from catalogue.models import CapabilityConformance, ConformanceReport, ConformanceStatus, ReportFormat
from catalogue.tasks import recompute_lapsed_conformance
from tests.factories import CapabilityEpicFactory, CapabilityFactory, SolutionFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def solution():
    capability = CapabilityFactory(ref="C43")
    CapabilityEpicFactory(capability=capability, epic__code="E00001", level="must")
    return SolutionFactory(
        supplier=SupplierFactory(code="99000"), catalogue_id="99000-001", capabilities=[capability]
    )


def status_of(solution) -> str:
    return CapabilityConformance.objects.get(solution=solution).status


def test_a_lapsed_failure_becomes_not_tested_at_the_daily_check(solution):
    tested = timezone.now()
    record_imported_results(
        "run-1", [ImportedCase("99000-001", "E00001", "failed", tested)], harness_name="Test harness"
    )
    assert status_of(solution) == ConformanceStatus.NOT_MET
    with time_machine.travel(tested + datetime.timedelta(days=366)):
        recompute_lapsed_conformance()
    assert status_of(solution) == ConformanceStatus.NOT_TESTED


def test_the_same_imported_run_is_stored_once(solution):
    case = ImportedCase("99000-001", "E00001", "passed", timezone.now())
    first = record_imported_results("run-1", [case], harness_name="Test harness")
    assert record_imported_results("run-1", [case], harness_name="Test harness") == first
    # Even bypassing the check, the database refuses a second imported report with that run id.
    with pytest.raises(IntegrityError):
        ConformanceReport.objects.create(
            client=None, source="imported", format=ReportFormat.IMPORTED, run_id="run-1", content_hash="x"
        )
