"""Permission-aware querysets. Views, the API, search result loading and the admin all go through
these, so a draft listing can never leak because one caller forgot a filter."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User

MODERATOR_ROLE = "catalogue_moderator"
SUPPLIER_EDITOR_ROLE = "supplier_editor"
PUBLIC_STATE_VALUES = ("published", "in_remediation")


def _is_moderator(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_role(MODERATOR_ROLE)))


def _editor_supplier_ids(user) -> models.QuerySet:
    """Organisation ids of the suppliers the user edits for (a subquery, not a list)."""
    from accounts.models import Membership

    return Membership.objects.filter(user=user, role=SUPPLIER_EDITOR_ROLE).values("organisation_id")


class FrameworkQuerySet(models.QuerySet):
    def live(self, on: datetime.date | None = None) -> FrameworkQuerySet:
        """Frameworks call-offs can be made from on a day (today by default); see Framework.is_live."""
        on = on or timezone.localdate()
        return self.filter(is_expired=False).exclude(active_from__gt=on).exclude(expires_on__lt=on)


class SupplierQuerySet(models.QuerySet):
    def active(self) -> SupplierQuerySet:
        return self.filter(is_active=True)

    def with_listings(self) -> SupplierQuerySet:
        """Active suppliers with at least one public listing."""
        return self.active().filter(solutions__publication_state__in=PUBLIC_STATE_VALUES).distinct()


class SolutionQuerySet(models.QuerySet):
    def published(self) -> SolutionQuerySet:
        """Listings anyone may see: published, or in remediation (listed with a warning), of a supplier
        that is still active (a supplier leaving the frameworks takes its listings with it)."""
        return self.filter(publication_state__in=PUBLIC_STATE_VALUES, supplier__is_active=True)

    def visible_to(self, user: User | None) -> SolutionQuerySet:
        """What a user may see: public listings, plus every state of their own supplier's listings;
        the catalogue team sees everything."""
        if user is None or not user.is_authenticated:
            return self.published()
        if _is_moderator(user):
            return self.all()
        return self.filter(
            Q(publication_state__in=PUBLIC_STATE_VALUES, supplier__is_active=True)
            | Q(supplier_id__in=_editor_supplier_ids(user))
        )

    def editable_by(self, user: User | None) -> SolutionQuerySet:
        """Listings whose supplier-owned content the user may change: their own supplier's only."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(supplier_id__in=_editor_supplier_ids(user))

    def with_facts(self) -> SolutionQuerySet:
        """Everything a listing page or API detail shows, in a fixed number of queries."""
        return self.select_related("supplier__organisation").prefetch_related(
            "frameworks",
            "capabilities",
            "standards",
            models.Prefetch(
                "solution_epics", queryset=_solution_epics().with_level(), to_attr="claimed_epics"
            ),
            "integrations__integration_type__integration",
            "hosting_options",
            "client_applications",
            models.Prefetch("prices", queryset=_prices().filter(is_published=True), to_attr="list_prices"),
            "supplier__contacts",
            models.Prefetch(
                "additional_services",
                queryset=_additional_services()
                .published()
                .prefetch_related(
                    models.Prefetch(
                        "prices", queryset=_prices().filter(is_published=True), to_attr="list_prices"
                    ),
                    "capabilities",
                ),
                to_attr="public_additional_services",
            ),
            models.Prefetch(
                "associated_services",
                queryset=_associated_services()
                .published()
                .prefetch_related(
                    models.Prefetch(
                        "prices", queryset=_prices().filter(is_published=True), to_attr="list_prices"
                    )
                ),
                to_attr="public_associated_services",
            ),
        )


def _solution_epics():
    from .models import SolutionEpic

    return SolutionEpic.objects.all()


def _prices():
    from .models import Price

    return Price.objects.prefetch_related("tiers")


def _additional_services():
    from .models import AdditionalService

    return AdditionalService.objects.all()


def _associated_services():
    from .models import AssociatedService

    return AssociatedService.objects.all()


class SolutionEpicQuerySet(models.QuerySet):
    def with_level(self) -> SolutionEpicQuerySet:
        """Each claimed epic annotated with `level`: its level in the capability it is claimed under,
        or None when that capability does not list it (supplier-defined epics count as MAY)."""
        from .models import CapabilityEpic

        level = (
            CapabilityEpic.objects.filter(
                capability=models.OuterRef("capability_id"), epic=models.OuterRef("epic_id")
            )
            .order_by()
            .values("level")[:1]
        )
        supplier_defined_may = models.Case(
            models.When(epic__supplier_defined=True, then=models.Value("may")), default=models.Value(None)
        )
        return self.select_related("epic", "capability").annotate(
            level=Coalesce(models.Subquery(level), supplier_defined_may, output_field=models.CharField())
        )


class AdditionalServiceQuerySet(models.QuerySet):
    def published(self) -> AdditionalServiceQuerySet:
        """Public additional services: published themselves, and their solution public too. Unpublishing
        a solution hides its additional services without touching their own state."""
        return self.filter(
            publication_state__in=PUBLIC_STATE_VALUES, solution__publication_state__in=PUBLIC_STATE_VALUES
        )


class AssociatedServiceQuerySet(models.QuerySet):
    def published(self) -> AssociatedServiceQuerySet:
        return self.filter(publication_state__in=PUBLIC_STATE_VALUES)
