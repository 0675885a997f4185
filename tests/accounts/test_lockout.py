"""Lockout after five failed logins: on our login page, the Django admin's and Wagtail's, per address,
audited, and cleared by a successful login or a password reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from accounts import services
from accounts.models import AppendOnlyError, LoginThrottle, SecurityEvent, SecurityEventKind
from tests.factories import UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def fail(client, email: str, url: str = LOGIN_URL, times: int = 1, **meta):
    """`times` logins with a wrong password; `meta` sets request headers (REMOTE_ADDR)."""
    for _ in range(times):
        response = client.post(url, {"username": email, "password": "wrong-password"}, **meta)
    return response


def summary_text(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find(class_="nhsuk-error-summary").get_text(" ", strip=True)


def test_four_failures_still_let_the_right_password_in(client, plain_user):
    fail(client, plain_user.email, times=4)

    response = client.post(LOGIN_URL, {"username": plain_user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(plain_user.pk)


def test_sixth_attempt_is_refused_even_with_the_right_password(client, plain_user):
    fail(client, plain_user.email, times=5)

    response = client.post(LOGIN_URL, {"username": plain_user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    text = summary_text(response)
    assert "This account is locked after 5 failed login attempts" in text
    until = LoginThrottle.objects.get(email=plain_user.email).locked_until
    assert services.format_time(until) in text
    assert "reset your password to unlock it" in text
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("a", href="/accounts/password-reset/")


def test_the_fifth_failure_already_says_the_account_is_locked(client, plain_user):
    fail(client, plain_user.email, times=3)
    assert "Enter a correct email address and password" in summary_text(fail(client, plain_user.email))

    assert "is locked" in summary_text(fail(client, plain_user.email))


def test_every_failure_and_the_lockout_are_audited_with_the_ip(client, plain_user):
    fail(client, plain_user.email.upper(), times=6, REMOTE_ADDR="203.0.113.7")

    events = list(SecurityEvent.objects.filter(email=plain_user.email).order_by("pk"))
    assert [e.kind for e in events] == [SecurityEventKind.LOGIN_FAILED] * 5 + [
        SecurityEventKind.ACCOUNT_LOCKED,
        SecurityEventKind.LOGIN_REFUSED_LOCKED,
    ]
    assert {e.ip_address for e in events} == {"203.0.113.7"}
    assert {e.user for e in events} == {plain_user}


def test_the_count_is_per_address_not_per_client(client, plain_user):
    # Failures from many addresses (clients) still add up on one account.
    for number in range(5):
        fail(client, plain_user.email, REMOTE_ADDR=f"198.51.100.{number}")

    assert services.locked_until(plain_user.email) is not None
    other = UserFactory()
    assert services.locked_until(other.email) is None
    response = client.post(LOGIN_URL, {"username": other.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_an_address_without_an_account_behaves_the_same(client):
    response = fail(client, "nobody@example.nhs.uk", times=6)

    assert "This account is locked" in summary_text(response)


def test_the_lock_ends_after_its_time(client, plain_user):
    fail(client, plain_user.email, times=5)
    LoginThrottle.objects.filter(email=plain_user.email).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )

    response = client.post(LOGIN_URL, {"username": plain_user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302


def test_failures_outside_the_window_start_a_new_count(client, plain_user):
    fail(client, plain_user.email, times=4)
    LoginThrottle.objects.filter(email=plain_user.email).update(
        window_started_at=timezone.now() - services.LOCKOUT_WINDOW - timedelta(seconds=1)
    )
    fail(client, plain_user.email)

    assert services.locked_until(plain_user.email) is None
    assert LoginThrottle.objects.get(email=plain_user.email).failures == 1


def test_a_successful_login_clears_the_count(client, plain_user):
    fail(client, plain_user.email, times=4)
    client.post(LOGIN_URL, {"username": plain_user.email, "password": DEFAULT_PASSWORD})
    client.post("/accounts/logout/")

    fail(client, plain_user.email, times=4)

    assert services.locked_until(plain_user.email) is None


def test_a_password_reset_unlocks(plain_user):
    services.record_failed_login(plain_user.email)
    for _ in range(4):
        services.record_failed_login(plain_user.email)
    assert services.locked_until(plain_user.email) is not None

    services.reset_password("a-brand-new-password-42", user=plain_user)

    assert services.locked_until(plain_user.email) is None
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_RESET, user=plain_user).exists()


def test_django_admin_login_goes_through_the_lockout(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    fail(client, admin.email, url="/django-admin/login/", times=5)

    response = client.post("/django-admin/login/", {"username": admin.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert SESSION_KEY not in client.session
    assert "This account is locked after 5 failed login attempts" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCOUNT_LOCKED, email=admin.email).exists()


def test_wagtail_admin_login_goes_through_the_lockout(client):
    editor = UserFactory(is_staff=True, is_superuser=True)
    fail(client, editor.email, url="/admin/login/", times=5)

    response = client.post("/admin/login/", {"username": editor.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "This account is locked after 5 failed login attempts" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED, email=editor.email).count() == 5


def test_security_events_cannot_be_changed_or_deleted(plain_user):
    services.record_failed_login(plain_user.email)
    event = SecurityEvent.objects.get()

    event.detail = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.update(detail="tampered")


def test_the_admin_shows_security_events_read_only(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    services.record_failed_login("someone@example.nhs.uk", ip_address="192.0.2.1")
    event = SecurityEvent.objects.get()
    client.force_login(admin)

    listing = client.get("/django-admin/accounts/securityevent/")
    assert listing.status_code == 200
    assert b"someone@example.nhs.uk" in listing.content
    assert client.get("/django-admin/accounts/securityevent/add/").status_code == 403
    assert client.get(f"/django-admin/accounts/securityevent/{event.pk}/delete/").status_code == 403
    response = client.post(f"/django-admin/accounts/securityevent/{event.pk}/change/", {"detail": "x"})
    assert response.status_code in {403, 200}
    assert SecurityEvent.objects.get().detail == event.detail


def test_stale_counts_are_forgotten_and_running_locks_kept():
    from accounts.tasks import forget_stale_login_throttles

    now = timezone.now()
    long_ago = now - services.LOCKOUT_WINDOW - timedelta(minutes=1)
    LoginThrottle.objects.create(email="stale@example.nhs.uk", failures=2, window_started_at=long_ago)
    LoginThrottle.objects.create(email="recent@example.nhs.uk", failures=2, window_started_at=now)
    LoginThrottle.objects.create(
        email="locked@example.nhs.uk",
        failures=5,
        window_started_at=long_ago,
        locked_until=now + timedelta(minutes=1),
    )

    assert forget_stale_login_throttles.delay().get() == 1

    assert set(LoginThrottle.objects.values_list("email", flat=True)) == {
        "recent@example.nhs.uk",
        "locked@example.nhs.uk",
    }
    assert services.locked_until("locked@example.nhs.uk") is not None
