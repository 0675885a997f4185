"""Concurrent requests cannot slip past the rules: failed logins arriving together still lock at five,
an invitation link opened twice at once is used once, and two admins removing each other keep one."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from accounts import services
from accounts.models import Invitation, LoginThrottle, Membership, Role, SecurityEvent, SecurityEventKind
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(target, arguments: list[tuple]) -> None:
    """Run target(*args) for each args in its own thread (each with its own database connection)."""
    barrier = threading.Barrier(len(arguments))

    def run(*args):
        try:
            barrier.wait(timeout=10)
            target(*args)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def test_simultaneous_failures_are_all_counted_and_lock_once():
    user = UserFactory()

    run_together(lambda: services.record_failed_login(user.email), [()] * 8)

    events = SecurityEvent.objects.filter(email=user.email)
    assert events.filter(kind=SecurityEventKind.LOGIN_FAILED).count() == 5
    assert events.filter(kind=SecurityEventKind.ACCOUNT_LOCKED).count() == 1
    assert events.filter(kind=SecurityEventKind.LOGIN_REFUSED_LOCKED).count() == 3
    assert LoginThrottle.objects.get(email=user.email).failures == 5


def test_an_invitation_accepted_twice_at_once_creates_one_account():
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Role.ORGANISATION_ADMIN).user
    invitation = services.invite_member(organisation, "once@example.nhs.uk", Role.BUYER, user=admin)
    outcomes: list[str] = []

    def accept(first_name: str) -> None:
        try:
            services.accept_invitation_with_new_account(
                invitation, password="a-long-enough-password", first_name=first_name, last_name="Racer"
            )
            outcomes.append("joined")
        except services.InvitationError:
            outcomes.append("refused")

    run_together(accept, [("A",), ("B",)])

    assert sorted(outcomes) == ["joined", "refused"]
    assert (
        Membership.objects.filter(organisation=organisation, user__email="once@example.nhs.uk").count() == 1
    )
    assert Invitation.objects.get().accepted_at is not None


def test_two_admins_removing_each_other_at_once_leave_one_admin():
    organisation = OrganisationFactory()
    first = MembershipFactory(organisation=organisation, role=Role.ORGANISATION_ADMIN).user
    second = MembershipFactory(organisation=organisation, role=Role.ORGANISATION_ADMIN).user
    outcomes: list[str] = []

    def remove(actor, member) -> None:
        try:
            services.remove_member(organisation, member, user=actor)
            outcomes.append("removed")
        except (services.MembershipError, PermissionDenied) as error:
            outcomes.append(type(error).__name__)

    run_together(remove, [(first, second), (second, first)])

    # The second to get the lock is no longer an admin (nor a member) once the first has removed them.
    assert sorted(outcomes) == ["PermissionDenied", "removed"]
    assert Membership.objects.filter(organisation=organisation, role=Role.ORGANISATION_ADMIN).count() == 1
