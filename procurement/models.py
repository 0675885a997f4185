"""Procurement's records: shortlists (saved searches owned by an organisation), who wants alerts about
them, which solutions each has already announced, and an append-only audit trail.

Changes go through procurement/services.py; who may see what is procurement/querysets.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from catalogue.models import Solution

from .querysets import ShortlistQuerySet

# As on the real service: an organisation keeps at most this many shortlists.
MAX_SHORTLISTS_PER_ORGANISATION = 10
NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000


class Shortlist(models.Model):
    """A saved catalogue search. `parameters` are the search's validated, normalised GET parameters
    (search words, facets, list size, price cap, sort; never the page), so the shortlist shows what
    matches *now* each time it is opened, and the search can be reopened as it was."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="shortlists")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="shortlists_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShortlistQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("procurement:shortlist", kwargs={"pk": self.pk})


class ShortlistSubscription(models.Model):
    """A member's wish to be emailed when a new solution starts matching a shortlist."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist_subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "user"], name="unique_shortlist_subscription"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.shortlist}"


class ShortlistMatch(models.Model):
    """A solution a shortlist already knows about, so it is announced once at most. Solutions matching
    when the shortlist is saved are recorded unannounced (`announced=False`); later newcomers are
    recorded as they are announced. The unique constraint is what makes two alert runs at once
    announce a solution once."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="known_matches")
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="+")
    announced = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "solution"], name="unique_shortlist_match"),
        ]

    def __str__(self) -> str:
        return f"{self.shortlist}: {self.solution_id}"


class AuditAction(models.TextChoices):
    SHORTLIST_CREATED = "shortlist_created", "Shortlist created"
    SHORTLIST_CHANGED = "shortlist_changed", "Shortlist changed"
    SHORTLIST_DELETED = "shortlist_deleted", "Shortlist deleted"
    ALERTS_ON = "shortlist_alerts_on", "Shortlist alerts turned on"
    ALERTS_OFF = "shortlist_alerts_off", "Shortlist alerts turned off"
    ALERT_SENT = "shortlist_alert_sent", "Shortlist alert sent"
    SYSTEM_ADDED = "system_added", "System recorded"
    SYSTEM_REMOVED = "system_removed", "System removed"
    # Call-off: competitions and direct awards.
    COMPETITION_CREATED = "competition_created", "Competition started"
    COMPETITION_CHANGED = "competition_changed", "Competition changed"
    COMPETITION_SCORED = "competition_scored", "Competition scored"
    COMPETITION_AWARDED = "competition_awarded", "Competition awarded"
    COMPETITION_CANCELLED = "competition_cancelled", "Competition cancelled"
    DIRECT_AWARD = "direct_award", "Direct award made"
    # Call-off: orders (call-off contracts).
    ORDER_CREATED = "order_created", "Order started"
    ORDER_CHANGED = "order_changed", "Order changed"
    ORDER_COMPLETED = "order_completed", "Order completed"
    ORDER_ACCEPTED = "order_accepted", "Order accepted by the supplier"
    ORDER_AMENDED = "order_amended", "Order amended"
    ORDER_TERMINATED = "order_terminated", "Order terminated"
    ORDER_DELETED = "order_deleted", "Order deleted"
    ORDER_EXPORTED = "order_exported", "Order exported"
    NOTIFICATION_SENT = "notification_sent", "Notification sent"
    COMPLIANCE_FLAGGED = "compliance_flagged", "Solution under contract lost accreditation"
    AWARD_PUBLISHED = "award_published", "Award published (open contracting)"


class AppendOnly(Exception):
    """Audit records are evidence: once written they are never changed or deleted."""


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit records cannot be changed.")

    def delete(self):
        raise AppendOnly("Audit records cannot be deleted.")


class AuditRecord(models.Model):
    """Who did what to which procurement record, and when. Append-only: it keeps the subject's name and
    id as they were, so a deleted shortlist's record outlives it. `details` holds what changed, as
    {"before": ..., "after": ...} where a change has a before and after.

    Append-only is enforced three times: save() refuses an existing row, the queryset refuses bulk
    update() and delete(), and on PostgreSQL a trigger (migration 0003) refuses DELETE and any UPDATE
    other than the SET NULL Django makes when a user or organisation is removed."""

    action = models.CharField(max_length=40, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_type = models.CharField(max_length=40)
    subject_id = models.PositiveBigIntegerField()
    subject_name = models.CharField(max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.subject_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit records cannot be deleted.")


# "Works with what we have": an organisation's systems.
SYSTEM_NAME_MAX_LENGTH = 100
# A practice runs a handful of modules; the limit only stops a runaway script filling the page.
MAX_SYSTEMS_PER_ORGANISATION = 30


class OrganisationSystem(models.Model):
    """A system an organisation already runs: its principal clinical system (at most one) or another
    module. Either a catalogue solution, or, for something not in the catalogue, just a name.

    `name` is always filled: a copy of the solution's name when it was recorded, so the list still
    reads sensibly if the listing is later withdrawn (the link is then cleared, not the record)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="systems")
    solution = models.ForeignKey(Solution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=SYSTEM_NAME_MAX_LENGTH)
    is_principal = models.BooleanField(
        default=False, help_text="The principal clinical system (such as EMIS Web or SystmOne)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_principal", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_principal=True),
                name="one_principal_system_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "solution"],
                condition=models.Q(solution__isnull=False),
                name="unique_organisation_system_solution",
            ),
        ]

    def __str__(self) -> str:
        return self.name
