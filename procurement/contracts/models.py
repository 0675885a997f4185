"""What contracts keeps: published OCDS releases (frozen), notifications sent (each once), compliance
flags on live orders, and replacement call-offs started from ending contracts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Organisation
from catalogue.models import Solution

from .querysets import ComplianceFlagQuerySet, PublishedReleaseQuerySet


class Frozen(Exception):
    """A published release was about to be changed or deleted: what was published stays published."""


class ReleaseKind(models.TextChoices):
    AWARD = "award", "Award"
    AMENDMENT = "amendment", "Amendment"
    TERMINATION = "termination", "Termination"


class PublishedRelease(models.Model):
    """One OCDS release as it was published. `release` is the JSON itself, built once: later changes to
    the order, the supplier or the catalogue never change it (the model, its queryset and, on
    PostgreSQL, a trigger refuse updates and deletes). One release of each kind per order revision,
    so publishing twice publishes once."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="ocds_releases")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ReleaseKind.choices)
    ocid = models.CharField(max_length=64, db_index=True)
    release_id = models.CharField(max_length=128)
    published_at = models.DateTimeField()
    release = models.JSONField()

    objects = PublishedReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="one_release_of_a_kind_per_order"),
            models.UniqueConstraint(fields=["ocid", "release_id"], name="unique_ocds_release_id"),
        ]
        indexes = [models.Index(fields=["-published_at", "ocid"])]

    def __str__(self) -> str:
        return f"{self.ocid} {self.release_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise Frozen("A published release cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Frozen("A published release cannot be deleted.")


class NotificationKind(models.TextChoices):
    NEW_ORDER = "new_order", "New order (to the supplier)"
    ACCEPTED = "accepted", "Order accepted (to the buyer)"
    END_REMINDER = "end_reminder", "Contract end reminder (to the buyer)"


class SentNotification(models.Model):
    """A notification about an order that has been sent. Unique per order, kind and days before the end,
    so a task that runs twice (or twice at once) sends it once. Addresses are not kept: the record is
    that it was sent, to how many."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    days_before = models.PositiveSmallIntegerField(default=0, help_text="For end reminders: 90 or 45.")
    recipient_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind", "days_before"], name="notification_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for order {self.order_id}"


class ComplianceFlag(models.Model):
    """A live order whose solution lost accreditation or whose results lapsed. At most one open flag per
    order; it is resolved (kept, with the date) when the solution is accredited again with nothing
    lapsed."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="compliance_flags")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    lost_accreditation = models.BooleanField(default=False)
    lapsed = models.JSONField(default=list, blank=True, help_text="Capability and standard refs that lapsed.")
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ComplianceFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(resolved_at__isnull=True), name="one_open_flag_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} (order {self.order_id})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Replacement(models.Model):
    """A replacement call-off (a competition) started from a contract that ends soon: one per old order,
    so "start a replacement call-off" pressed twice opens the same competition."""

    old_order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="replacement")
    competition = models.OneToOneField(
        "competitions.Competition", on_delete=models.PROTECT, related_name="replaces"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Replacement of order {self.old_order_id}"
