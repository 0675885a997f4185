"""Continuous compliance: when a solution under a live order loses accreditation (a failed run, or its
results lapse), the buyers holding the order are emailed and the order is flagged on their /buyer/
dashboard; the flag is resolved when the solution is accredited again. Driven through the catalogue's
real conformance path (a harness report, the daily lapse check), which announces `conformance_changed`."""

from __future__ import annotations

import datetime

import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from catalogue.conformance.ingest import receive_report
from catalogue.conformance.samples import junit_report
from catalogue.models import EpicLevel, HarnessClient, Solution, StandardType
from catalogue.tasks import recompute_lapsed_conformance
from procurement.contracts.models import ComplianceFlag
from procurement.models import AuditAction, AuditRecord
from procurement.orders.services import terminate_order
from tests.factories import (
    CapabilityEpicFactory,
    CapabilityFactory,
    EpicFactory,
    MembershipFactory,
    StandardFactory,
)
from tests.procurement.orders.helpers import make_world

from .helpers import complete


def accredited_world(capture):
    """The order world, its solution claiming a capability and accredited by a passing harness run."""
    world = make_world()
    capability = CapabilityFactory(ref="C43", name="Online Consultation")
    CapabilityEpicFactory(capability=capability, epic=EpicFactory(code="E00001"), level=EpicLevel.MUST)
    StandardFactory(ref="S24", standard_type=StandardType.OVERARCHING)
    world.solution.capabilities.add(capability)
    world.harness = HarnessClient.objects.create(name="Compliance test harness")
    run(world, "run-1", capture)
    assert Solution.objects.get(pk=world.solution.pk).is_accredited
    return world


def run(world, run_id: str, capture, failing=()) -> None:
    body = junit_report(
        world.solution, run_id, failing=failing, when=timezone.now() - datetime.timedelta(minutes=1)
    )
    with capture(execute=True):
        receive_report(world.harness, body, "application/xml")


def flags_on_dashboard(client) -> str:
    response = client.get("/buyer/")
    assert response.status_code == 200
    panel = BeautifulSoup(response.content, "html.parser").find(attrs={"data-testid": "compliance-flags"})
    return " ".join(panel.get_text(" ").split()) if panel else ""


def test_a_lapse_flags_the_live_order_emails_its_buyers_and_clears_when_accredited_again(
    db, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    world = accredited_world(capture)
    colleague = MembershipFactory(organisation=world.organisation, role="buyer").user
    order = complete(world, capture)
    client.force_login(world.buyer)
    assert flags_on_dashboard(client) == ""

    mail.outbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400), tick=False):
        with capture(execute=True):
            recompute_lapsed_conformance.delay()
        [flag] = ComplianceFlag.objects.open()
        assert flag.order == order and flag.lapsed == ["E00001", "S24"]
        assert "results lapsed (E00001, S24)" in flag.reason
        [message] = [m for m in mail.outbox if "Compliance problem" in m.subject]
        assert set(message.to) == {world.buyer.email, colleague.email}  # the buyers; not the supplier
        assert order.call_off_id in message.body
        client.force_login(world.buyer)  # a year on, the session has expired
        shown = flags_on_dashboard(client)
        assert order.call_off_id in shown and "no longer accredited" in shown
        assert AuditRecord.objects.filter(
            subject_type="order", subject_id=order.pk, action=AuditAction.COMPLIANCE_FLAGGED
        ).exists()

        # The daily check again: still one flag, no second email.
        mail.outbox.clear()
        with capture(execute=True):
            recompute_lapsed_conformance.delay()
        assert ComplianceFlag.objects.count() == 1
        assert not [m for m in mail.outbox if "Compliance problem" in m.subject]

        # A fresh passing run: accredited again, the flag is resolved (kept) and leaves the dashboard.
        run(world, "run-2", capture)
        flag.refresh_from_db()
        assert flag.resolved_at is not None
        assert flags_on_dashboard(client) == ""


def test_a_failed_run_flags_only_live_orders_and_only_for_their_own_buyers(
    db, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    world = accredited_world(capture)
    live = complete(world, capture)
    ended = complete(world, capture)
    terminate_order(ended, user=world.buyer, terminated_on=ended.commencement_date, reason="Merged.")
    other = MembershipFactory(role="buyer").user  # another organisation's buyer

    mail.outbox.clear()
    run(world, "run-2", capture, failing=["E00001"])
    assert not Solution.objects.get(pk=world.solution.pk).is_accredited
    assert list(ComplianceFlag.objects.open().values_list("order_id", flat=True)) == [live.pk]
    assert "lost its accreditation" in ComplianceFlag.objects.get().reason
    compliance_mail = [m for m in mail.outbox if "Compliance problem" in m.subject]
    assert len(compliance_mail) == 1 and other.email not in compliance_mail[0].to
    client.force_login(other)
    assert flags_on_dashboard(client) == ""
