"""Driving the listing workflow through the real admin views, as a browser would."""

from __future__ import annotations

from django.urls import reverse
from wagtail.models import Page, TaskState

from tests.factories.wagtail_forms import page_form_data


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def post_edit(client, page, *, submit: bool = False, **changes):
    """Save a draft of `page` (or submit it for review) through the edit view, with `changes`."""
    draft = Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()
    data = page_form_data(draft, **changes)
    if submit:
        data["action-submit"] = "1"
    return client.post(edit_url(page), data)


def current_task_state(page) -> TaskState:
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def workflow_action_url(page, action: str) -> str:
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, current_task_state(page).pk])


def approve(client, page):
    return client.post(workflow_action_url(page, "approve"))


def request_changes(client, page, comment: str):
    return client.post(workflow_action_url(page, "reject"), {"comment": comment})
