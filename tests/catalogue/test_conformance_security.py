"""What the harness door refuses beyond bad signatures: the demo client outside the demo, and
internal error text in public report details."""

import pytest
from django.urls import reverse

from catalogue.conformance.samples import junit_report
from catalogue.conformance.signing import signed_headers
from catalogue.models import ConformanceReport, HarnessClient, HarnessSecret, ReportStatus
from tests.factories import CapabilityEpicFactory, CapabilityFactory, SolutionFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def solution():
    capability = CapabilityFactory(ref="C43")
    CapabilityEpicFactory(capability=capability, epic__code="E00001", level="must")
    return SolutionFactory(
        supplier=SupplierFactory(code="99000"), catalogue_id="99000-001", capabilities=[capability]
    )


def post(client, harness: HarnessClient, body: bytes):
    secret = harness.active_secrets()[0]
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in signed_headers(harness.token, secret, body).items()
    }
    return client.post(reverse("api:conformance-reports"), body, content_type="application/xml", **headers)


def test_the_demo_harness_is_refused_where_demo_clients_are_not_accepted(client, settings, solution):
    demo = HarnessClient.objects.create(name="Demo", is_demo=True)
    HarnessSecret.objects.create(client=demo)
    body = junit_report(solution, run_id="demo-run-1")

    settings.CONFORMANCE_ACCEPT_DEMO_CLIENTS = False  # production's default
    response = post(client, demo, body)
    assert response.status_code == 401
    assert "demo harness is not accepted" in response.json()["detail"]
    assert not ConformanceReport.objects.exists()

    settings.CONFORMANCE_ACCEPT_DEMO_CLIENTS = True  # the demo and tests
    assert post(client, demo, body).status_code == 202


def test_public_report_details_do_not_show_internal_errors(client, solution):
    harness = HarnessClient.objects.create(name="Harness")
    report = ConformanceReport.objects.create(
        client=harness,
        source="pushed",
        format="junit",
        run_id="r1",
        content_hash="0" * 64,
        body_gzip=ConformanceReport.compress(b"<x/>"),
        status=ReportStatus.FAILED,
        error="RuntimeError: database password wrong at db.internal:5432",
    )
    body = client.get(reverse("api:conformance-report", args=[report.pk])).json()
    assert body["status"] == "failed"
    assert "db.internal" not in str(body)
