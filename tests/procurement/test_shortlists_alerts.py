# ruff: noqa: F811 - pytest fixtures imported from shortlist_helpers are redefined as arguments
"""Shortlist alerts: a member opts in; the beat task emails them about solutions that start matching
(newly published or newly accredited), each solution once per shortlist, never one that already
matched when the shortlist was saved."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from accounts.models import Role
from catalogue.models import PublicationState, Solution
from procurement import services
from procurement.models import AuditAction, AuditRecord, ShortlistMatch, ShortlistSubscription
from procurement.tasks import send_shortlist_alerts
from search.indexing import reindex
from tests.factories import MembershipFactory, SolutionFactory

from .shortlist_helpers import (  # noqa: F401 - fixtures
    catalogue_ids,
    other_buyer,
    other_practice,
    practice,
    practice_buyer,
    publish_c43_listing,
    save_shortlist,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlist(catalogue_ids, practice_buyer):
    return save_shortlist(practice_buyer, practice_buyer.memberships.get().organisation)


def run_alerts(capture) -> int:
    with capture(execute=True):
        return send_shortlist_alerts()


def test_a_member_turns_alerts_on_and_off_for_themselves(client, shortlist, practice_buyer):
    colleague = MembershipFactory(organisation=shortlist.organisation, role=Role.BUYER).user
    client.force_login(practice_buyer)
    url = f"/shortlists/{shortlist.pk}/alerts/"

    response = client.post(url, {"alerts": "on"}, follow=True)
    assert "You will get an email when a new solution matches this shortlist." in response.content.decode()
    assert list(ShortlistSubscription.objects.values_list("user", flat=True)) == [practice_buyer.pk]
    page = client.get(shortlist.get_absolute_url()).content.decode()
    assert "Stop email alerts" in page

    client.force_login(colleague)
    assert "Turn on email alerts" in client.get(shortlist.get_absolute_url()).content.decode()

    client.force_login(practice_buyer)
    client.post(url, {"alerts": "off"})
    assert not ShortlistSubscription.objects.exists()
    assert [r.action for r in AuditRecord.objects.order_by("pk")][-2:] == [
        AuditAction.ALERTS_ON,
        AuditAction.ALERTS_OFF,
    ]
    response = client.post(url, {"alerts": "sometimes"}, follow=True)
    assert response.status_code == 200
    assert "Choose on or off." in response.content.decode()


def test_solutions_matching_when_saved_are_known_and_never_announced(
    shortlist, practice_buyer, catalogue_ids, django_capture_on_commit_callbacks
):
    assert set(ShortlistMatch.objects.values_list("solution_id", flat=True)) == {
        catalogue_ids["Consultly Online"],
        catalogue_ids["Triageflow"],
    }
    services.set_alerts(shortlist, user=practice_buyer, enabled=True)

    assert run_alerts(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_newly_published_solution_is_emailed_once(
    shortlist, practice_buyer, django_capture_on_commit_callbacks
):
    services.set_alerts(shortlist, user=practice_buyer, enabled=True)
    newcomer = publish_c43_listing("Consultnow Online")
    elsewhere = SolutionFactory(name="Elsewhere Video", summary="Video consultation only.")  # no C43
    reindex([elsewhere.pk])

    assert run_alerts(django_capture_on_commit_callbacks) == 1

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [practice_buyer.email]
    assert email.subject == "1 new solution matches your shortlist “Online consultation”"
    assert "Consultnow Online from Newcomer Ltd" in email.body
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    assert f"{base}{newcomer.get_absolute_url()}" in email.body
    assert f"{base}/shortlists/{shortlist.pk}/" in email.body
    assert "Elsewhere Video" not in email.body
    record = AuditRecord.objects.get(action=AuditAction.ALERT_SENT)
    assert record.details == {"solutions": [newcomer.catalogue_id], "recipients": [practice_buyer.email]}

    # The next run has nothing new to say.
    assert run_alerts(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_a_newly_accredited_solution_is_announced_when_it_starts_matching(
    catalogue_ids, practice_buyer, django_capture_on_commit_callbacks
):
    shortlist = save_shortlist(
        practice_buyer,
        practice_buyer.memberships.get().organisation,
        name="Accredited video",
        parameters={"capability": "C44", "accredited": "yes"},
    )
    services.set_alerts(shortlist, user=practice_buyer, enabled=True)
    video = Solution.objects.get(pk=catalogue_ids["Consultly Video"])
    assert run_alerts(django_capture_on_commit_callbacks) == 0

    video.is_accredited = True
    video.save(update_fields=["is_accredited"])
    reindex([video.pk])

    assert run_alerts(django_capture_on_commit_callbacks) == 1
    assert "Consultly Video from Consultly Ltd (99000-002), accredited" in mail.outbox[0].body


def test_only_subscribers_who_still_buy_for_the_organisation_are_emailed(
    shortlist, practice_buyer, other_buyer, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(organisation=shortlist.organisation, role=Role.BUYER).user
    leaver = MembershipFactory(organisation=shortlist.organisation, role=Role.BUYER)
    MembershipFactory(organisation=shortlist.organisation, role=Role.BUYER)  # never opted in
    for user in (practice_buyer, colleague, leaver.user):
        services.set_alerts(shortlist, user=user, enabled=True)
    leaver.delete()
    publish_c43_listing("Consultnow Online")

    run_alerts(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([practice_buyer.email, colleague.email])


def test_shortlists_without_subscribers_are_left_alone(shortlist, django_capture_on_commit_callbacks):
    publish_c43_listing("Consultnow Online")

    assert run_alerts(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    # Not recorded either: when someone opts in later, it is still news to them.
    assert ShortlistMatch.objects.filter(shortlist=shortlist).count() == 2


def test_a_solution_no_longer_public_is_not_announced(
    shortlist, practice_buyer, django_capture_on_commit_callbacks
):
    services.set_alerts(shortlist, user=practice_buyer, enabled=True)
    newcomer = publish_c43_listing("Consultnow Online")
    newcomer.publication_state = PublicationState.SUSPENDED
    newcomer.save(update_fields=["publication_state"])
    reindex([newcomer.pk])

    assert run_alerts(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_announce_each_solution_once(catalogue_ids, practice_buyer):
    shortlist = save_shortlist(practice_buyer, practice_buyer.memberships.get().organisation)
    services.set_alerts(shortlist, user=practice_buyer, enabled=True)
    publish_c43_listing("Consultnow Online")
    publish_c43_listing("Consultwell Online")
    start = threading.Barrier(2)
    announced: list[int] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            announced.append(len(services.announce_new_matches(shortlist)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(announced) == 2
    assert ShortlistMatch.objects.filter(shortlist=shortlist, announced=True).count() == 2
    # Each email names only what its run announced: between them, each solution once.
    bodies = " ".join(email.body for email in mail.outbox)
    assert bodies.count("Consultnow Online from") == 1
    assert bodies.count("Consultwell Online from") == 1


def test_the_task_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "procurement.tasks.send_shortlist_alerts" in tasks
