"""Who may see which procurement records, decided once here: views, exports and the API all start
from these, so another organisation's shortlist cannot leak because one caller forgot a filter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from accounts.models import BUYER_ORGANISATION_TYPES, Membership, Role

if TYPE_CHECKING:
    from accounts.models import Organisation, User

BUYING_ROLES = (Role.BUYER, Role.ORGANISATION_ADMIN)


def buying_organisation_ids(user: User | None) -> models.QuerySet:
    """The buyer organisations in which a user holds a buying role (buyer or organisation admin)."""
    if user is None or not user.is_authenticated:
        return Membership.objects.none().values("organisation_id")
    return Membership.objects.filter(
        user=user, role__in=BUYING_ROLES, organisation__org_type__in=BUYER_ORGANISATION_TYPES
    ).values("organisation_id")


def can_buy_for(user: User | None, organisation: Organisation | None) -> bool:
    """Whether a user may act as a buyer for an organisation (see and change its shortlists)."""
    if organisation is None or user is None or not user.is_authenticated:
        return False
    return buying_organisation_ids(user).filter(organisation_id=organisation.pk).exists()


class ShortlistQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation | None) -> ShortlistQuerySet:
        if organisation is None:
            return self.none()
        return self.filter(organisation_id=organisation.pk)

    def visible_to(self, user: User | None) -> ShortlistQuerySet:
        """Shortlists of the organisations the user buys for. Superusers get no special view: a
        shortlist is an organisation's working paper, not the catalogue team's business."""
        return self.filter(organisation_id__in=buying_organisation_ids(user))

    def with_subscribers(self) -> ShortlistQuerySet:
        return self.filter(subscriptions__isnull=False).distinct()
