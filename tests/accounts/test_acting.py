"""Which organisation a user acts for (accounts/acting.py), the switcher, and the header showing it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from accounts import services
from accounts.acting import SESSION_KEY, organisations_for
from accounts.models import OrganisationType, Role
from tests.factories import MembershipFactory, OrganisationFactory, PracticeFactory, UserFactory

pytestmark = pytest.mark.django_db

SWITCH_URL = "/accounts/switch/"


@pytest.fixture
def two_org_user():
    """A supplier editor who is also a buyer at an ICB and at a practice (so three organisations)."""
    user = UserFactory()
    supplier = OrganisationFactory(
        name="Aardvark Software", org_type=OrganisationType.SUPPLIER, ods_code=None
    )
    icb = OrganisationFactory(name="NHS Zeta ICB")
    practice = PracticeFactory(name="Meadow Surgery")
    MembershipFactory(user=user, organisation=supplier, role=Role.SUPPLIER_EDITOR)
    MembershipFactory(user=user, organisation=icb, role=Role.BUYER)
    MembershipFactory(user=user, organisation=practice, role=Role.BUYER)
    return user, {"supplier": supplier, "icb": icb, "practice": practice}


def header_text(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find("nav", attrs={"aria-label": "Account"}).get_text(" ", strip=True)


def test_buyer_organisations_come_first_then_by_name(two_org_user):
    user, orgs = two_org_user

    assert organisations_for(user) == [orgs["practice"], orgs["icb"], orgs["supplier"]]


def test_the_default_is_the_first_buyer_organisation(client, two_org_user):
    user, orgs = two_org_user
    client.force_login(user)

    response = client.get(SWITCH_URL)

    assert response.wsgi_request.organisation == orgs["practice"]
    assert "Acting for Meadow Surgery" in header_text(response)


def test_switching_changes_the_organisation_for_later_pages(client, two_org_user):
    user, orgs = two_org_user
    client.force_login(user)

    response = client.post(SWITCH_URL, {"organisation": orgs["icb"].pk, "next": "/accounts/switch/?done=1"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/switch/?done=1"
    assert client.session[SESSION_KEY] == orgs["icb"].pk
    later = client.get(SWITCH_URL)
    assert later.wsgi_request.organisation == orgs["icb"]
    assert "Acting for NHS Zeta ICB" in header_text(later)


def test_switching_does_not_follow_a_next_to_another_site(client, two_org_user):
    user, orgs = two_org_user
    client.force_login(user)

    response = client.post(SWITCH_URL, {"organisation": orgs["icb"].pk, "next": "https://evil.example/"})

    assert response["Location"] == SWITCH_URL


def test_switching_to_an_organisation_the_user_is_not_in_is_refused(client, two_org_user):
    user, _ = two_org_user
    stranger = OrganisationFactory(name="Somebody Else ICB")
    client.force_login(user)

    response = client.post(SWITCH_URL, {"organisation": stranger.pk})

    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_a_missing_or_malformed_choice_is_a_form_error(client, two_org_user):
    user, _ = two_org_user
    client.force_login(user)

    for data in ({}, {"organisation": "abc"}):
        response = client.post(SWITCH_URL, data)
        assert response.status_code == 400
        summary = BeautifulSoup(response.content, "html.parser").find(class_="nhsuk-error-summary")
        assert summary.get_text(" ", strip=True)


def test_switching_needs_csrf(two_org_user):
    from django.test import Client

    user, orgs = two_org_user
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.post(SWITCH_URL, {"organisation": orgs["icb"].pk}).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    for response in (client.get(SWITCH_URL), client.post(SWITCH_URL, {"organisation": 1})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_a_stale_session_choice_falls_back_after_removal(client, two_org_user):
    user, orgs = two_org_user
    admin = MembershipFactory(organisation=orgs["icb"], role=Role.ORGANISATION_ADMIN).user
    client.force_login(user)
    client.post(SWITCH_URL, {"organisation": orgs["icb"].pk})

    services.remove_member(orgs["icb"], user, user=admin)
    response = client.get(SWITCH_URL)

    assert client.session[SESSION_KEY] == orgs["icb"].pk  # still in the session...
    assert response.wsgi_request.organisation == orgs["practice"]  # ...but no longer honoured
    assert "NHS Zeta ICB" not in header_text(response)


def test_the_header_links_to_the_switcher_only_with_several_organisations(client, two_org_user):
    user, _ = two_org_user
    single = MembershipFactory(role=Role.BUYER).user

    client.force_login(user)
    assert "Switch organisation" in header_text(client.get(SWITCH_URL))
    client.force_login(single)
    text = header_text(client.get(SWITCH_URL))
    assert "Switch organisation" not in text
    assert f"Acting for {single.memberships.get().organisation.name}" in text


def test_a_user_without_organisations_sees_no_acting_line(client, plain_user):
    client.force_login(plain_user)

    response = client.get(SWITCH_URL)

    assert response.status_code == 200
    assert "Acting for" not in header_text(response)
    assert "not a member of any organisation" in response.content.decode()
