"""Who sees what of contracts' records, decided once here."""

from __future__ import annotations

from django.db import models


class PublishedReleaseQuerySet(models.QuerySet):
    """Published releases are public (that is the point of open contracting), and they exist only for
    completed orders: an order in progress has none. They are never changed or deleted."""

    def update(self, **kwargs):
        from .models import Frozen

        raise Frozen("Published releases cannot be changed.")

    def delete(self):
        from .models import Frozen

        raise Frozen("Published releases cannot be deleted.")

    def for_ocid(self, ocid: str) -> PublishedReleaseQuerySet:
        return self.filter(ocid=ocid).order_by("published_at", "pk")


class ComplianceFlagQuerySet(models.QuerySet):
    def open(self) -> ComplianceFlagQuerySet:
        return self.filter(resolved_at__isnull=True)

    def for_organisation(self, organisation) -> ComplianceFlagQuerySet:
        if organisation is None:
            return self.none()
        return self.filter(organisation_id=organisation.pk)
