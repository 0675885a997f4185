from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import User


class OrganisationQuerySet(models.QuerySet):
    def practices(self) -> OrganisationQuerySet:
        return self.filter(org_type="gp_practice")

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def for_user(self, user: User) -> OrganisationQuerySet:
        """The organisations a user acts for."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class MembershipQuerySet(models.QuerySet):
    def for_role(self, *roles: str) -> MembershipQuerySet:
        return self.filter(role__in=roles)
