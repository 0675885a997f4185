"""The Catalogue review workflow end to end, through the admin views: a supplier's edit goes live
only when the catalogue team approves it, with emails either way and every published version kept."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, WorkflowState

from catalogue.models import ListingAction, ListingStateChange, PublicationState, Solution

from .helpers import approve, edit_url, post_edit, request_changes

pytestmark = pytest.mark.django_db(transaction=False)


def public_html(client, page) -> str:
    client.logout()
    response = client.get(page.solution.get_absolute_url(), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_suppliers_edit_goes_live_only_after_approval(
    client, live_listing, supplier_a_editor, moderator, django_capture_on_commit_callbacks
):
    old_summary = live_listing.solution.summary
    client.force_login(supplier_a_editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_edit(client, live_listing, summary="Now with video triage.").status_code == 302

    solution = Solution.objects.get(pk=live_listing.solution_id)
    assert solution.summary == old_summary  # a saved draft changes nothing in the catalogue
    assert "Now with video triage." not in public_html(client, live_listing)

    client.force_login(supplier_a_editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_edit(client, live_listing, submit=True, summary="Now with video triage.").status_code == 302
        )
    assert WorkflowState.objects.active().filter(object_id=str(live_listing.pk)).exists()
    assert Solution.objects.get(pk=solution.pk).publication_state == PublicationState.PUBLISHED  # stays live
    assert "Now with video triage." not in public_html(client, live_listing)
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert "Listing to review" in mail.outbox[0].subject

    mail.outbox.clear()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(client, live_listing).status_code == 302

    solution.refresh_from_db()
    assert solution.summary == "Now with video triage."
    assert solution.last_reviewed == timezone.localdate()
    assert "Now with video triage." in public_html(client, live_listing)
    assert [m.to for m in mail.outbox] == [[supplier_a_editor.email]]
    assert mail.outbox[0].subject == f"Approved: {solution.name} is live"
    approval = ListingStateChange.objects.get(solution=solution)
    assert (approval.action, approval.actor) == (ListingAction.APPROVED, moderator)


def test_a_new_listing_is_submitted_then_published(
    client, draft_listing, supplier_a_editor, moderator, django_capture_on_commit_callbacks
):
    client.force_login(supplier_a_editor)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(client, draft_listing, submit=True)
    solution = Solution.objects.get(pk=draft_listing.solution_id)
    assert solution.publication_state == PublicationState.SUBMITTED
    assert not Solution.objects.published().filter(pk=solution.pk).exists()

    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, draft_listing)
    solution.refresh_from_db()
    draft_listing.refresh_from_db()
    assert solution.publication_state == PublicationState.PUBLISHED
    assert draft_listing.live
    assert solution.listing_url == draft_listing.url
    assert [c.action for c in solution.state_changes.order_by("created_at", "pk")] == [
        ListingAction.SUBMITTED,
        ListingAction.APPROVED,
    ]


def test_changes_requested_need_a_comment_which_the_supplier_is_emailed(
    client, draft_listing, supplier_a_editor, moderator, django_capture_on_commit_callbacks
):
    client.force_login(supplier_a_editor)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(client, draft_listing, submit=True)
    mail.outbox.clear()

    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        request_changes(client, draft_listing, "")
    solution = Solution.objects.get(pk=draft_listing.solution_id)
    assert solution.publication_state == PublicationState.SUBMITTED  # nothing happened without a comment

    with django_capture_on_commit_callbacks(execute=True):
        request_changes(client, draft_listing, "Say which browsers you support.")
    solution.refresh_from_db()
    assert solution.publication_state == PublicationState.DRAFT
    assert [m.to for m in mail.outbox] == [[supplier_a_editor.email]]
    assert "Say which browsers you support." in mail.outbox[0].body
    assert solution.state_changes.first().reason == "Say which browsers you support."


def test_submission_is_refused_naming_what_is_missing(client, draft_listing, supplier_a_editor):
    client.force_login(supplier_a_editor)
    response = post_edit(client, draft_listing, submit=True, summary="", prices=[], contacts=[])
    assert response.status_code == 200  # the form again, with errors
    html = response.content.decode()
    for problem in ("add a summary", "add a list price", "add a contact for buyers"):
        assert problem in html
    assert not WorkflowState.objects.active().filter(object_id=str(draft_listing.pk)).exists()
    assert Solution.objects.get(pk=draft_listing.solution_id).publication_state == PublicationState.DRAFT


def test_nobody_approves_their_own_submission(
    client, draft_listing, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(client, draft_listing, submit=True)
    assert approve(client, draft_listing).status_code == 403
    assert Solution.objects.get(pk=draft_listing.solution_id).publication_state == PublicationState.SUBMITTED


def test_a_listing_that_breaks_the_rules_after_submission_cannot_be_approved(
    client, draft_listing, supplier_a_editor, moderator, django_capture_on_commit_callbacks
):
    client.force_login(supplier_a_editor)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(client, draft_listing, submit=True)
    draft_listing.solution.capabilities.clear()  # the catalogue team withdrew the capability meanwhile

    client.force_login(moderator)
    assert approve(client, draft_listing).status_code == 403
    assert Solution.objects.get(pk=draft_listing.solution_id).publication_state == PublicationState.SUBMITTED
    assert not draft_listing.__class__.objects.get(pk=draft_listing.pk).live


def test_the_moderator_sees_what_changed(
    client, live_listing, supplier_a_editor, moderator, django_capture_on_commit_callbacks
):
    old_summary = live_listing.solution.summary
    client.force_login(supplier_a_editor)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(client, live_listing, submit=True, summary="A brand new summary.")
    latest = Page.objects.get(pk=live_listing.pk).get_latest_revision()

    client.force_login(moderator)
    response = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[live_listing.pk, "live", latest.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert old_summary in html and "A brand new summary." in html


def test_every_published_version_is_kept(
    client, live_listing, supplier_a_editor, moderator, django_capture_on_commit_callbacks
):
    for summary in ("Version two.", "Version three."):
        client.force_login(supplier_a_editor)
        with django_capture_on_commit_callbacks(execute=True):
            post_edit(client, live_listing, submit=True, summary=summary)
        client.force_login(moderator)
        with django_capture_on_commit_callbacks(execute=True):
            approve(client, live_listing)

    published = PageLogEntry.objects.filter(page=live_listing, action="wagtail.publish").select_related(
        "revision"
    )
    summaries = [entry.revision.as_object().summary for entry in published.order_by("timestamp")]
    assert summaries[-2:] == ["Version two.", "Version three."]
    assert all(entry.revision_id for entry in published)


def test_the_edit_form_is_the_suppliers_own(client, live_listing, supplier_a_editor):
    client.force_login(supplier_a_editor)
    html = client.get(edit_url(live_listing)).content.decode()
    # Catalogue-owned facts are not fields a supplier can post.
    assert 'name="title"' not in html or "readonly" in html
    assert 'name="publication_state"' not in html
    assert 'name="slug"' not in html
    _ = datetime  # the module is kept for date helpers in later tests
