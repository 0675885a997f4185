"""Who may see which competitions: the buyers of the organisation that runs it, and no one else
(not the catalogue team, not suppliers: a competition is the buyer's working paper until it is awarded)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from procurement.querysets import buying_organisation_ids

if TYPE_CHECKING:
    from accounts.models import Organisation, User


class CompetitionQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation | None) -> CompetitionQuerySet:
        if organisation is None:
            return self.none()
        return self.filter(organisation_id=organisation.pk)

    def visible_to(self, user: User | None) -> CompetitionQuerySet:
        return self.filter(organisation_id__in=buying_organisation_ids(user))

    def with_details(self) -> CompetitionQuerySet:
        """The frozen solutions and the recipients (only the fields costs need), fetched once for a
        page that reads them many times (task list, costs, routes, results)."""
        from accounts.models import Organisation

        return self.select_related("organisation", "created_by").prefetch_related(
            "solutions",
            models.Prefetch(
                "recipients",
                queryset=Organisation.objects.only("pk", "ods_code", "name", "list_size").order_by(
                    "name", "ods_code"
                ),
            ),
        )
