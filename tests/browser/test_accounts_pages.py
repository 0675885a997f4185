"""Account pages in a real browser, each checked by axe-core (the `page` fixture fails the test on any
violation): log in and the lockout message, password reset, members, invite, remove, and switching."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Invitation, OrganisationType, Role
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory, OrganisationFactory, PracticeFactory, UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def commissioner(transactional_db):
    """An admin of an ICB who is also a buyer of a practice: two organisations."""
    icb = OrganisationFactory(name="NHS Browser Test ICB", org_type=OrganisationType.ICB)
    user = MembershipFactory(organisation=icb, role=Role.ORGANISATION_ADMIN).user
    MembershipFactory(organisation=icb, user=user, role=Role.BUYER)
    MembershipFactory(organisation=PracticeFactory(name="Riverside Surgery"), user=user, role=Role.BUYER)
    MembershipFactory(organisation=icb, role=Role.BUYER, user=UserFactory(email="colleague@example.nhs.uk"))
    return user, icb


def test_lockout_message_and_password_reset_request(page, visit, click, home_page):
    user = UserFactory()
    for _ in range(5):
        log_in(page, visit, click, user.email, "not-the-password")

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("This account is locked after 5 failed login attempts")
    expect(summary).to_contain_text("reset your password to unlock it")

    click(page.get_by_role("link", name="Forgotten your password?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    click(page.get_by_role("button", name="Send the reset link"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your email address")
    page.get_by_label("Email address").fill(user.email)
    click(page.get_by_role("button", name="Send the reset link"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def test_an_admin_invites_removes_and_switches(page, visit, click, home_page, commissioner):
    user, icb = commissioner
    log_in(page, visit, click, user.email, DEFAULT_PASSWORD)
    account = page.get_by_role("navigation", name="Account")
    expect(account).to_contain_text("Acting for NHS Browser Test ICB")

    visit("/accounts/organisation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.get_by_role("table")).to_contain_text("colleague@example.nhs.uk")

    click(page.get_by_role("button", name="Invite a member"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a member")
    click(page.get_by_role("button", name="Send the invitation"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select a role")
    page.get_by_label("Email address").fill("new.buyer@example.nhs.uk")
    page.get_by_label("Buyer", exact=True).check()
    click(page.get_by_role("button", name="Send the invitation"))
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to new.buyer@example.nhs.uk")
    assert Invitation.objects.filter(email="new.buyer@example.nhs.uk", organisation=icb).exists()

    click(page.get_by_role("link", name=re.compile("Remove colleague@example.nhs.uk")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remove")
    click(page.get_by_role("button", name="Remove member"))
    expect(page.get_by_role("alert")).to_contain_text("colleague@example.nhs.uk has been removed")

    click(account.get_by_role("link", name="Switch organisation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Switch organisation")
    page.get_by_label(re.compile("Riverside Surgery")).check()
    click(page.get_by_role("button", name="Switch"))
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Acting for Riverside Surgery")


def test_accepting_an_invitation_with_a_new_account(page, visit, click, home_page, commissioner):
    from django.core import mail

    from accounts import services

    user, icb = commissioner
    services.invite_member(icb, "joiner@example.nhs.uk", Role.BUYER, user=user)  # committed: on_commit runs
    link = re.search(r"(/accounts/invitations/\S+/)", mail.outbox[-1].body).group(1)

    visit(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    click(page.get_by_role("button", name="Create account and join"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your first name")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Ing")
    page.get_by_label("Password", exact=True).fill("a-long-joining-password")
    page.get_by_label("Confirm password").fill("a-long-joining-password")
    click(page.get_by_role("button", name="Create account and join"))

    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Acting for NHS Browser Test ICB")
