"""The append-only record of every change of a listing's publication state."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .solutions import PublicationState, Solution


class ListingAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    WITHDRAWN = "withdrawn", "Withdrawn from review"
    APPROVED = "approved", "Approved and published"
    REMEDIATION = "remediation", "Marked in remediation"
    SUSPENDED = "suspended", "Suspended"
    RESTORED = "restored", "Restored"
    UNPUBLISHED = "unpublished", "Unpublished"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit record."""


class ListingStateChange(models.Model):
    """Who changed a listing's state, when, from what to what, and why. Never edited or deleted."""

    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="state_changes")
    action = models.CharField(max_length=20, choices=ListingAction.choices)
    from_state = models.CharField(max_length=20, choices=PublicationState.choices)
    to_state = models.CharField(max_length=20, choices=PublicationState.choices)
    reason = models.TextField(blank=True)
    published_content = models.JSONField(
        null=True,
        blank=True,
        help_text="On an approval: the listing content that went live, so every published version is kept.",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="listing_state_changes"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.solution}: {self.get_action_display()} ({self.created_at:%d %b %Y %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Listing state changes are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Listing state changes are never deleted.")
