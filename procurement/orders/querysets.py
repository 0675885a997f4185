"""Who may see which orders, decided once here: every view and export starts from these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from accounts.models import Membership
from procurement.querysets import buying_organisation_ids

if TYPE_CHECKING:
    from accounts.models import Organisation, User

# The supplier sees an order once the buyer has completed it, and keeps seeing it afterwards.
SUPPLIER_VISIBLE_STATUSES = ("completed", "accepted", "terminated", "superseded")


class OrderQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation | None) -> OrderQuerySet:
        if organisation is None:
            return self.none()
        return self.filter(organisation_id=organisation.pk)

    def visible_to(self, user: User | None) -> OrderQuerySet:
        """Orders of the organisations the user buys for (buyers and organisation admins)."""
        return self.filter(organisation_id__in=buying_organisation_ids(user))

    def for_supplier_user(self, user: User | None) -> OrderQuerySet:
        """Completed (and later) orders placed with a supplier the user is a member of: read only."""
        if user is None or not user.is_authenticated:
            return self.none()
        supplier_ids = Membership.objects.filter(user=user, organisation__org_type="supplier").values(
            "organisation_id"
        )
        return self.filter(supplier_id__in=supplier_ids, status__in=SUPPLIER_VISIBLE_STATUSES)

    def search(self, text: str) -> OrderQuerySet:
        """Orders whose call-off id (C000123-01, C000123 or 123), solution, supplier or description
        matches `text`; all of them for empty text."""
        text = text.strip()
        if not text:
            return self
        condition = (
            models.Q(solution_name__icontains=text)
            | models.Q(supplier_name__icontains=text)
            | models.Q(description__icontains=text)
        )
        number, _, revision = text.upper().removeprefix("C").partition("-")
        if number.isdigit() and len(number) <= 6:
            by_id = models.Q(number=int(number))
            if revision.isdigit() and len(revision) <= 2:
                by_id &= models.Q(revision=int(revision))
            condition |= by_id
        return self.filter(condition)

    def with_details(self) -> OrderQuerySet:
        return self.select_related("organisation", "framework", "supplier__organisation").prefetch_related(
            "items", "recipients"
        )
