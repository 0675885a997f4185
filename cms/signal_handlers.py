"""How the CMS reacts: to memberships (Wagtail groups), to the review workflow (catalogue state and
emails) and to the catalogue's events (pages mirror listings). Wired in CmsConfig.ready()."""

from __future__ import annotations

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.log_actions import log
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_rejected, workflow_approved, workflow_cancelled, workflow_submitted

from accounts.models import Membership, User
from catalogue import events
from catalogue import services as catalogue_services
from catalogue.models import Solution

from . import listings, notifications
from .models import ListingPage
from .permissions import sync_user_groups

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Membership, dispatch_uid="cms_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="cms_membership_deleted")
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        sync_user_groups(user)


def _listing_page(workflow_state: WorkflowState) -> ListingPage | None:
    page = workflow_state.content_object
    page = getattr(page, "specific", page)
    return page if isinstance(page, ListingPage) else None


@receiver(workflow_submitted, sender=WorkflowState, dispatch_uid="cms_listing_submitted")
def listing_submitted(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    page = _listing_page(instance)
    if page is None:
        return
    draft = page.get_latest_revision_as_object()
    catalogue_services.submit_listing(page.solution, listings.content_of(draft), user=user)
    notifications.listing_submitted(page.solution, page.pk, str(user))


@receiver(task_rejected, sender=TaskState, dispatch_uid="cms_listing_changes_requested")
def listing_changes_requested(sender, instance: TaskState, user=None, **kwargs) -> None:
    page = _listing_page(instance.workflow_state)
    if page is None:
        return
    comment = instance.get_comment() or ""
    catalogue_services.request_listing_changes(page.solution, user=user, reason=comment)
    notifications.listing_changes_requested(page.solution, page.pk, comment)


@receiver(workflow_approved, sender=WorkflowState, dispatch_uid="cms_listing_approved")
def listing_approved(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    page = _listing_page(instance)
    if page is None:
        return
    last_task = instance.task_states.order_by("-finished_at", "-pk").first()
    comment = last_task.get_comment() if last_task else ""
    notifications.listing_approved(Solution.objects.get(pk=page.solution_id), page.pk, comment or "")


@receiver(workflow_cancelled, sender=WorkflowState, dispatch_uid="cms_listing_withdrawn")
def listing_withdrawn(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    page = _listing_page(instance)
    if page is None or user is None:
        return
    if catalogue_services.can_edit_listing(user, page.solution):
        catalogue_services.withdraw_listing(page.solution, user=user)


@receiver(events.listing_state_changed, dispatch_uid="cms_mirror_listing_state")
def mirror_listing_state(
    sender, solution_id: int, old_state: str, new_state: str, action: str, **kwargs
) -> None:
    listings.mirror_state(solution_id, new_state)
    page = ListingPage.objects.filter(solution_id=solution_id).first()
    user = User.objects.filter(pk=kwargs.get("user_id")).first()
    if page is not None:
        log(
            instance=page,
            action=f"marketplace.listing.{action}",
            user=user,
            data={"from": old_state, "to": new_state, "reason": kwargs.get("reason", "")},
        )
    notifications.listing_state_changed(
        Solution.objects.get(pk=solution_id), action, kwargs.get("reason", "")
    )


@receiver(events.listings_loaded, dispatch_uid="cms_pages_for_loaded_listings")
def pages_for_loaded_listings(sender, solution_ids: list[int], **kwargs) -> None:
    made = listings.ensure_listing_pages(solution_ids)
    logger.info("Made %d listing pages", made)
