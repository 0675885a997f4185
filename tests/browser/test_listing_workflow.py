"""The acceptance path of CMS-backed listings, in a real browser: supplier A edits its summary in the
Wagtail admin and submits it; the public page keeps the old summary until the catalogue team's
moderator approves; then it shows the new one. axe checks every page visited, admin pages included."""

import re

import pytest
from playwright.sync_api import expect

from catalogue.models import PublicationState, Solution
from cms.listings import ensure_listing_page
from cms.setup import ensure_site
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.factories.listings import build_listing

pytestmark = pytest.mark.browser

NEW_SUMMARY = "Online and video consultations, triaged by your own clinicians."


def log_in(page, visit, click, user) -> None:
    """Sign in to the Wagtail admin: its own form at /admin/login/, not the site's (helpers.log_in)."""
    visit("/admin/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    click(page.get_by_role("button", name=re.compile("Sign in|Log in")))


def test_a_suppliers_edit_goes_live_after_the_moderator_approves(
    page, visit, click, transactional_db, supplier_a, supplier_a_editor, moderator
):
    ensure_site()
    listing = ensure_listing_page(build_listing(supplier_a, publication_state=PublicationState.PUBLISHED))
    public_url = Solution.objects.get(pk=listing.solution_id).listing_url
    old_summary = listing.summary

    # Supplier A edits its summary and submits it for review.
    log_in(page, visit, click, supplier_a_editor)
    visit(f"/admin/pages/{listing.pk}/edit/")
    page.locator("#id_summary").fill(NEW_SUMMARY)
    page.get_by_role("button", name="More actions").click()
    click(page.get_by_role("button", name=re.compile("Submit to Catalogue review")))
    expect(page.get_by_text(re.compile("has been submitted for moderation")).first).to_be_visible()

    # Until it is approved the public page shows the old summary.
    page.context.clear_cookies()
    visit(public_url)
    expect(page.get_by_text(old_summary).first).to_be_visible()
    expect(page.get_by_text(NEW_SUMMARY)).to_have_count(0)

    # The moderator approves it.
    log_in(page, visit, click, moderator)
    visit(f"/admin/pages/{listing.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    click(page.get_by_role("button", name="Approve and Publish", exact=True))
    expect(page.locator(".messages .success").first).to_be_visible()

    page.context.clear_cookies()
    visit(public_url)
    expect(page.get_by_text(NEW_SUMMARY).first).to_be_visible()
    assert Solution.objects.get(pk=listing.solution_id).summary == NEW_SUMMARY
