"""Password reset by email: the same answer whether or not the address has an account, the email sent by
the Celery task, a link that works once and sets a password that passes the validators."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY

from accounts import services
from accounts.models import SecurityEvent, SecurityEventKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password-reset/"
NEW_PASSWORD = "a-fresh-password-for-2026"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def request_reset(client, email: str, capture) -> object:
    with capture(execute=True):
        return client.post(RESET_URL, {"email": email})


def reset_link(message) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)


def test_login_page_links_to_the_reset(client):
    soup = soup_of(client.get("/accounts/login/"))

    assert soup.find("a", string="Forgotten your password?")["href"] == RESET_URL


def test_reset_page_has_a_labelled_email_field(client):
    soup = soup_of(client.get(RESET_URL))

    field = soup.find("input", attrs={"name": "email"})
    assert field["type"] == "email"
    assert soup.find("label", attrs={"for": field["id"]}).get_text(strip=True) == "Email address"


def test_a_reset_is_emailed_to_an_account(client, plain_user, mailoutbox, django_capture_on_commit_callbacks):
    response = request_reset(client, plain_user.email.upper(), django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [plain_user.email]
    assert mailoutbox[0].subject == "Reset your GP IT Marketplace password"
    assert "unlocks your account" in mailoutbox[0].body


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    known = UserFactory()
    for_known = request_reset(client, known.email, django_capture_on_commit_callbacks)
    for_unknown = request_reset(client, "nobody@example.nhs.uk", django_capture_on_commit_callbacks)

    assert for_unknown.status_code == for_known.status_code == 302
    assert for_unknown["Location"] == for_known["Location"]
    assert [m.to for m in mailoutbox] == [[known.email]]
    sent_page = client.get(for_unknown["Location"])
    assert "If the address you entered has a GP IT Marketplace account" in sent_page.content.decode()


def test_a_malformed_address_is_a_form_error(client):
    response = client.post(RESET_URL, {"email": "not-an-email"})

    assert response.status_code == 200
    summary = soup_of(response).find(class_="nhsuk-error-summary")
    assert "Enter an email address in the correct format" in summary.get_text()


def test_the_link_sets_a_new_password_unlocks_and_works_once(
    client, plain_user, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(5):
        services.record_failed_login(plain_user.email)
    request_reset(client, plain_user.email, django_capture_on_commit_callbacks)
    link = reset_link(mailoutbox[0])

    form_page = client.get(link, follow=True)  # Django swaps the token into the session and redirects
    assert form_page.status_code == 200
    assert soup_of(form_page).h1.get_text(strip=True) == "Choose a new password"
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"
    plain_user.refresh_from_db()
    assert plain_user.check_password(NEW_PASSWORD)
    assert services.locked_until(plain_user.email) is None
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_RESET)
    assert event.user == plain_user
    assert event.ip_address == "127.0.0.1"
    # The same link again: refused.
    again = client.get(link, follow=True)
    assert soup_of(again).h1.get_text(strip=True) == "This reset link does not work"
    # And the new password logs in.
    client.post("/accounts/login/", {"username": plain_user.email, "password": NEW_PASSWORD})
    assert client.session[SESSION_KEY] == str(plain_user.pk)


def test_a_weak_or_mismatched_password_is_refused_with_messages(
    client, plain_user, mailoutbox, django_capture_on_commit_callbacks
):
    request_reset(client, plain_user.email, django_capture_on_commit_callbacks)
    form_page = client.get(reset_link(mailoutbox[0]), follow=True)
    set_url = form_page.redirect_chain[-1][0]

    short = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})

    assert short.status_code == mismatch.status_code == 200
    assert "too short" in soup_of(short).find(class_="nhsuk-error-summary").get_text()
    assert "The passwords do not match" in soup_of(mismatch).find(class_="nhsuk-error-summary").get_text()
    plain_user.refresh_from_db()
    assert not plain_user.check_password("short")
