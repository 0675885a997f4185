from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import Organisation, User


class OrganisationQuerySet(models.QuerySet):
    def practices(self) -> OrganisationQuerySet:
        return self.filter(org_type="gp_practice")

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def practices_of(self, organisation: Organisation) -> OrganisationQuerySet:
        """The GP practices an organisation buys for: a practice itself, a PCN's member practices, the
        practices of a sub-ICB location, or of every sub-ICB location of an ICB. Open practices only."""
        practices = self.filter(org_type="gp_practice", is_active=True)
        match organisation.org_type:
            case "gp_practice":
                return practices.filter(pk=organisation.pk)
            case "pcn":
                return practices.filter(pcn=organisation)
            case "sub_icb_location":
                return practices.filter(parent=organisation)
            case "icb":
                return practices.filter(parent__parent=organisation)
        return self.none()

    def for_user(self, user: User) -> OrganisationQuerySet:
        """The organisations a user acts for."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class MembershipQuerySet(models.QuerySet):
    def for_role(self, *roles: str) -> MembershipQuerySet:
        return self.filter(role__in=roles)
