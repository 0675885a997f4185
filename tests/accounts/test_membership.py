"""Organisation admins invite members (single-use, expiring links), and remove them (never the last admin);
only admins of that organisation can."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts import services
from accounts.models import (
    Invitation,
    Membership,
    OrganisationType,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "joining-password-2026"


@pytest.fixture
def icb():
    return OrganisationFactory(name="NHS Test ICB", org_type=OrganisationType.ICB)


@pytest.fixture
def org_admin(icb):
    return MembershipFactory(organisation=icb, role=Role.ORGANISATION_ADMIN).user


@pytest.fixture
def same_org_buyer(icb):
    return MembershipFactory(organisation=icb, role=Role.BUYER).user


@pytest.fixture
def other_org_admin():
    return MembershipFactory(role=Role.ORGANISATION_ADMIN).user


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def invite(client, icb, email: str, role: str, capture):
    with capture(execute=True):
        return client.post(f"/accounts/organisation/{icb.pk}/members/invite/", {"email": email, "role": role})


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", message.body).group(1)


# --- Who may use the pages --------------------------------------------------------------------------


def admin_pages(icb, member, invitation) -> list[tuple[str, str]]:
    base = f"/accounts/organisation/{icb.pk}"
    return [
        ("get", f"{base}/members/"),
        ("get", f"{base}/members/invite/"),
        ("post", f"{base}/members/invite/"),
        ("get", f"{base}/members/{member.pk}/remove/"),
        ("post", f"{base}/members/{member.pk}/remove/"),
        ("post", f"{base}/invitations/{invitation.pk}/cancel/"),
    ]


@pytest.fixture
def pending_invitation(icb, org_admin):
    return services.invite_member(icb, "invitee@example.nhs.uk", Role.BUYER, user=org_admin)


def test_a_buyer_of_the_same_organisation_gets_403(
    client, icb, same_org_buyer, org_admin, pending_invitation
):
    client.force_login(same_org_buyer)
    for method, url in admin_pages(icb, org_admin, pending_invitation):
        response = getattr(client, method)(url, {"email": "x@example.nhs.uk", "role": Role.BUYER})
        assert response.status_code == 403, url
    assert Membership.objects.filter(user=org_admin).exists()
    assert Invitation.objects.get().cancelled_at is None


def test_an_admin_of_another_organisation_gets_404(
    client, icb, other_org_admin, org_admin, pending_invitation
):
    client.force_login(other_org_admin)
    for method, url in admin_pages(icb, org_admin, pending_invitation):
        response = getattr(client, method)(url, {"email": "x@example.nhs.uk", "role": Role.BUYER})
        assert response.status_code == 404, url
    assert Membership.objects.filter(user=org_admin).exists()


def test_anonymous_users_are_sent_to_log_in(client, icb, org_admin, pending_invitation):
    for method, url in [*admin_pages(icb, org_admin, pending_invitation), ("get", "/accounts/organisation/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_organisation_page_goes_to_the_acting_organisations_members(client, icb, org_admin):
    client.force_login(org_admin)

    response = client.get("/accounts/organisation/")

    assert response["Location"] == f"/accounts/organisation/{icb.pk}/members/"


def test_organisation_page_without_an_organisation_is_403(client, plain_user):
    client.force_login(plain_user)

    assert client.get("/accounts/organisation/").status_code == 403


# --- Members page and inviting ------------------------------------------------------------------------


def test_members_page_lists_people_roles_and_pending_invitations(
    client, icb, org_admin, same_org_buyer, pending_invitation
):
    MembershipFactory(organisation=icb, user=same_org_buyer, role=Role.ORGANISATION_ADMIN)
    client.force_login(org_admin)

    soup = soup_of(client.get(f"/accounts/organisation/{icb.pk}/members/"))

    row = soup.find(attrs={"data-testid": f"member-{same_org_buyer.email}"})
    assert "Buyer, Organisation admin" in row.get_text(" ", strip=True)
    assert soup.find(attrs={"data-testid": f"member-{org_admin.email}"})
    assert "invitee@example.nhs.uk" in soup.get_text()


def test_invite_offers_only_the_roles_of_the_organisation_type(client, icb, org_admin):
    client.force_login(org_admin)

    soup = soup_of(client.get(f"/accounts/organisation/{icb.pk}/members/invite/"))

    offered = {radio["value"] for radio in soup.find_all("input", attrs={"name": "role"})}
    assert offered == {Role.BUYER, Role.ORGANISATION_ADMIN}


def test_inviting_emails_a_link_and_is_audited(
    client, icb, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)

    response = invite(
        client, icb, "New.Person@Example.NHS.uk", Role.BUYER, django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/organisation/{icb.pk}/members/"
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@example.nhs.uk"
    assert invitation.invited_by == org_admin
    assert [m.to for m in mailoutbox] == [["new.person@example.nhs.uk"]]
    assert icb.name in mailoutbox[0].subject
    assert "expires at" in mailoutbox[0].body
    token = link_in(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash  # only a hash is stored
    event = SecurityEvent.objects.get(kind=SecurityEventKind.MEMBER_INVITED)
    assert (event.actor, event.organisation, event.email) == (org_admin, icb, invitation.email)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": Role.BUYER}, "Enter the email address of the person to invite"),
        ({"email": "not-an-email", "role": Role.BUYER}, "Enter an email address in the correct format"),
        ({"email": "a@example.nhs.uk", "role": ""}, "Select a role"),
        ({"email": "a@example.nhs.uk", "role": Role.SUPPLIER_EDITOR}, "Select one of the roles listed"),
    ],
)
def test_bad_invitations_are_form_errors(client, icb, org_admin, data, message):
    client.force_login(org_admin)

    response = client.post(f"/accounts/organisation/{icb.pk}/members/invite/", data)

    assert response.status_code == 200
    assert message in soup_of(response).find(class_="nhsuk-error-summary").get_text()
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_with_the_same_role_is_refused(client, icb, org_admin, same_org_buyer):
    client.force_login(org_admin)

    response = client.post(
        f"/accounts/organisation/{icb.pk}/members/invite/",
        {"email": same_org_buyer.email, "role": Role.BUYER},
    )

    assert "is already a member" in soup_of(response).find(class_="nhsuk-error-summary").get_text()


def test_a_supplier_admin_may_invite_a_supplier_editor_but_not_a_buyer():
    supplier = OrganisationFactory(org_type=OrganisationType.SUPPLIER, ods_code=None)
    admin = MembershipFactory(organisation=supplier, role=Role.ORGANISATION_ADMIN).user

    services.invite_member(supplier, "editor@supplier.example", Role.SUPPLIER_EDITOR, user=admin)
    with pytest.raises(services.InvitationError):
        services.invite_member(supplier, "buyer@supplier.example", Role.BUYER, user=admin)


def test_the_service_refuses_a_non_admin(icb, same_org_buyer):
    with pytest.raises(PermissionDenied):
        services.invite_member(icb, "x@example.nhs.uk", Role.BUYER, user=same_org_buyer)


@pytest.fixture
def accept_link(mailoutbox, django_capture_on_commit_callbacks):
    """Invite through the service and return the emailed link's path."""

    def _invite(organisation, email: str, role: str, admin) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.invite_member(organisation, email, role, user=admin)
        return link_in(mailoutbox[-1])

    return _invite


# --- Accepting ----------------------------------------------------------------------------------------


def test_a_new_person_creates_an_account_and_joins(
    client, icb, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    invite(client, icb, "newcomer@example.nhs.uk", Role.BUYER, django_capture_on_commit_callbacks)
    client.post("/accounts/logout/")
    link = link_in(mailoutbox[0])

    page = client.get(link)
    assert soup_of(page).h1.get_text(strip=True) == "Create your account"
    response = client.post(
        link,
        {"first_name": "Nia", "last_name": "Evans", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    newcomer = User.objects.get(email="newcomer@example.nhs.uk")
    assert newcomer.check_password(NEW_PASSWORD)
    assert newcomer.has_role(Role.BUYER, organisation=icb)
    assert client.session[SESSION_KEY] == str(newcomer.pk)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.INVITATION_ACCEPTED, user=newcomer).exists()
    # Single use: the link no longer works, even for someone else.
    client.post("/accounts/logout/")
    again = client.get(link)
    assert again.status_code == 404
    assert "This invitation link does not work" in again.content.decode()


def test_an_existing_account_logs_in_then_joins(client, icb, org_admin, same_org_buyer, accept_link):
    other_icb = OrganisationFactory()
    other_admin = MembershipFactory(organisation=other_icb, role=Role.ORGANISATION_ADMIN).user
    person = UserFactory()
    link = accept_link(other_icb, person.email, Role.BUYER, other_admin)

    anonymous = client.get(link)
    assert soup_of(anonymous).h1.get_text(strip=True) == f"Log in to join {other_icb.name}"
    login_link = soup_of(anonymous).find("a", string=re.compile("Log in to accept"))["href"]
    assert login_link == f"/accounts/login/?next={link}"

    client.post("/accounts/login/", {"username": person.email, "password": DEFAULT_PASSWORD})
    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert person.has_role(Role.BUYER, organisation=other_icb)
    assert client.get(link).status_code == 404


def test_the_wrong_signed_in_account_cannot_accept(client, icb, org_admin, same_org_buyer, accept_link):
    link = accept_link(icb, "someone.else@example.nhs.uk", Role.ORGANISATION_ADMIN, org_admin)
    client.force_login(same_org_buyer)

    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
    assert not same_org_buyer.has_role(Role.ORGANISATION_ADMIN, organisation=icb)


def test_an_expired_or_cancelled_invitation_does_not_work(client, icb, org_admin, accept_link):
    expired = accept_link(icb, "late@example.nhs.uk", Role.BUYER, org_admin)
    Invitation.objects.filter(email="late@example.nhs.uk").update(expires_at=timezone.now() - timedelta(1))
    cancelled = accept_link(icb, "cancelled@example.nhs.uk", Role.BUYER, org_admin)
    client.force_login(org_admin)
    invitation = Invitation.objects.get(email="cancelled@example.nhs.uk")
    client.post(f"/accounts/organisation/{icb.pk}/invitations/{invitation.pk}/cancel/")
    client.post("/accounts/logout/")

    for link in (expired, cancelled, "/accounts/invitations/not-a-real-token/"):
        response = client.post(
            link, {"first_name": "A", "last_name": "B", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        assert response.status_code == 404
    assert not User.objects.filter(email__in=["late@example.nhs.uk", "cancelled@example.nhs.uk"]).exists()


def test_a_new_invitation_replaces_the_old_link(client, icb, org_admin, accept_link):
    first = accept_link(icb, "twice@example.nhs.uk", Role.BUYER, org_admin)
    second = accept_link(icb, "twice@example.nhs.uk", Role.BUYER, org_admin)

    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_weak_password_is_refused_when_creating_the_account(client, icb, org_admin, accept_link):
    link = accept_link(icb, "weak@example.nhs.uk", Role.BUYER, org_admin)

    response = client.post(link, {"first_name": "", "last_name": "B", "password1": "short", "password2": "x"})

    assert response.status_code == 400
    text = soup_of(response).find(class_="nhsuk-error-summary").get_text()
    assert "Enter your first name" in text
    assert "The passwords do not match" in text
    assert not User.objects.filter(email="weak@example.nhs.uk").exists()


# --- Removing -----------------------------------------------------------------------------------------


def test_an_admin_removes_a_member_with_an_audit_record(
    client, icb, org_admin, same_org_buyer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    url = f"/accounts/organisation/{icb.pk}/members/{same_org_buyer.pk}/remove/"
    assert "Remove" in soup_of(client.get(url)).h1.get_text()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not Membership.objects.filter(user=same_org_buyer, organisation=icb).exists()
    assert User.objects.filter(pk=same_org_buyer.pk).exists()  # the account stays
    event = SecurityEvent.objects.get(kind=SecurityEventKind.MEMBER_REMOVED)
    assert (event.user, event.actor, event.organisation) == (same_org_buyer, org_admin, icb)
    assert event.detail == "Roles: Buyer"
    assert [m.to for m in mailoutbox] == [[same_org_buyer.email]]


def test_the_last_admin_cannot_be_removed(client, icb, org_admin):
    client.force_login(org_admin)

    response = client.post(f"/accounts/organisation/{icb.pk}/members/{org_admin.pk}/remove/")

    assert response.status_code == 400
    assert "is the only admin" in soup_of(response).find(class_="nhsuk-error-summary").get_text()
    assert org_admin.has_role(Role.ORGANISATION_ADMIN, organisation=icb)
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.MEMBER_REMOVED).exists()


def test_an_admin_can_leave_when_another_admin_remains(client, icb, org_admin, same_org_buyer):
    MembershipFactory(organisation=icb, user=same_org_buyer, role=Role.ORGANISATION_ADMIN)

    services.remove_member(icb, org_admin, user=org_admin)

    assert not Membership.objects.filter(user=org_admin, organisation=icb).exists()
    with pytest.raises(services.MembershipError):
        services.remove_member(icb, same_org_buyer, user=same_org_buyer)


def test_someone_not_in_the_organisation_cannot_be_removed_through_it(
    client, icb, org_admin, other_org_admin
):
    client.force_login(org_admin)

    response = client.post(f"/accounts/organisation/{icb.pk}/members/{other_org_admin.pk}/remove/")

    assert response.status_code == 404
    assert Membership.objects.filter(user=other_org_admin).exists()
