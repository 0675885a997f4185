"""Logging in with an email address and out with a POST, and the login page's error handling."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_login_page_has_labelled_fields(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("h1").get_text(strip=True) == "Log in"
    for name, label_text, input_type in [
        ("username", "Email address", "email"),
        ("password", "Password", "password"),
    ]:
        field = soup.find("input", attrs={"name": name})
        assert field["type"] == input_type
        assert soup.find("label", attrs={"for": field["id"]}).get_text(strip=True) == label_text
    assert soup.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert not soup.find(class_="nhsuk-error-summary")


def test_log_in_with_email_address(client, plain_user):
    response = client.post(LOGIN_URL, {"username": plain_user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(plain_user.pk)


def test_email_address_is_case_insensitive(client, plain_user):
    response = client.post(LOGIN_URL, {"username": plain_user.email.upper(), "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(plain_user.pk)


def test_log_in_goes_to_next(client, plain_user):
    response = client.post(
        LOGIN_URL,
        {"username": plain_user.email, "password": DEFAULT_PASSWORD, "next": "/accounts/login/?x=1"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?x=1"


def test_wrong_password_shows_an_error_summary_linked_to_the_field(client, plain_user):
    response = client.post(LOGIN_URL, {"username": plain_user.email, "password": "not-the-password"})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    soup = soup_of(response)
    assert soup.title.get_text().startswith("Error: ")
    summary = soup.find(class_="nhsuk-error-summary")
    assert summary.find(role="alert")
    links = summary.find_all("a")
    assert [link.get_text(strip=True) for link in links] == [
        "Enter a correct email address and password. The password is case-sensitive."
    ]
    email = soup.find("input", attrs={"name": "username"})
    assert links[0]["href"] == f"#{email['id']}"
    assert email["value"] == plain_user.email  # kept, so only the password needs typing again
    assert "nhsuk-input--error" in email["class"]
    assert soup.find(id=email["aria-describedby"]).get_text(" ", strip=True).startswith("Error:")
    password = soup.find("input", attrs={"name": "password"})
    assert not password.get("value")


def test_missing_fields_are_each_reported(client):
    soup = soup_of(client.post(LOGIN_URL, {"username": "", "password": ""}))

    links = soup.find(class_="nhsuk-error-summary").find_all("a")
    assert [link["href"] for link in links] == ["#id_username", "#id_password"]
    assert [link.get_text(strip=True) for link in links] == [
        "Enter your email address",
        "Enter your password",
    ]


def test_a_malformed_email_address_says_what_is_expected(client):
    soup = soup_of(client.post(LOGIN_URL, {"username": "not-an-email", "password": "x"}))
    summary = soup.find(class_="nhsuk-error-summary").get_text(" ", strip=True)
    assert "Enter an email address in the correct format, like name@example.com" in summary


def test_logged_in_user_is_sent_on_from_the_login_page(client, plain_user):
    client.force_login(plain_user)

    assert client.get(LOGIN_URL).status_code == 302


def test_log_out_with_post(client, plain_user):
    client.force_login(plain_user)

    response = client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_log_out_with_get_is_refused(client, plain_user):
    client.force_login(plain_user)

    assert client.get(LOGOUT_URL).status_code == 405
    assert client.session[SESSION_KEY] == str(plain_user.pk)


def test_server_error_page_renders_without_a_request_context():
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert "/static/vendor/nhsuk/nhsuk-frontend.min.css" in html

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
    assert b"Log out" not in response.content
