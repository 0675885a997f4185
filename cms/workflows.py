"""What happens when a workflow is approved (WAGTAIL_FINISH_WORKFLOW_ACTION)."""

from __future__ import annotations


def publish_approved(workflow_state, user=None) -> None:
    """Publish the approved revision.

    Nobody may publish a listing page directly (`ListingPermissionTester.can_publish` is False), so
    review is the only way a listing goes live: for a listing the approver's right to publish comes
    from the review task, and `ListingPage.publish` still checks, through the catalogue, that they
    are on the catalogue team and that the listing meets the publication rules. Other pages publish
    with Wagtail's usual permission check.
    """
    from .models import ListingPage

    content_object = workflow_state.content_object
    is_listing = isinstance(getattr(content_object, "specific", content_object), ListingPage)
    content_object.get_latest_revision().publish(user=user, skip_permission_checks=is_listing)
