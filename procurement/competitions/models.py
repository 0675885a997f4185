"""A further competition (or a direct award) called off from a shortlist.

A `Competition` starts from a shortlist: the solutions matching it at that moment are frozen as
`CompetitionSolution` rows (listing version, supplier name, price list with tiers, accreditation and
listing state, search rank), so later catalogue edits never change what was competed. The buyer then
selects 2 to 8 of them (a written justification for each one left out), names the service recipients,
the contract length and the award criteria, records prices, quantities and scores, and awards: the
winner becomes an order (`procurement.orders`). With exactly one solution the direct-award route is
offered instead.

Every change goes through services.py (checked, audited); scoring.py holds the arithmetic.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from accounts.models import Organisation
from catalogue.models import IntegrationType, Solution

from .querysets import CompetitionQuerySet

NAME_MAX_LENGTH = 100
JUSTIFICATION_MAX_LENGTH = 2000
MIN_SELECTED = 2
MAX_SELECTED = 8


class CompetitionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"


class Route(models.TextChoices):
    COMPETITION = "competition", "Further competition"
    DIRECT_AWARD = "direct_award", "Direct award"


class Criteria(models.TextChoices):
    PRICE_ONLY = "price_only", "Price only"
    PRICE_AND_NON_PRICE = "price_and_non_price", "Price and non-price"


class Competition(models.Model):
    """One call-off in progress or done. `status` moves only along services.TRANSITIONS.

    Weights are whole percentages: `price_weight` (100 with price-only criteria) and the non-price
    elements' own weights (`*_weight`, totalling 100 when non-price criteria are used)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="competitions")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    shortlist = models.ForeignKey(
        "procurement.Shortlist", null=True, blank=True, on_delete=models.SET_NULL, related_name="competitions"
    )
    # Copies, so the competition still says where it came from if the shortlist is deleted.
    shortlist_name = models.CharField(max_length=255, blank=True)
    search_parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=CompetitionStatus.choices, default=CompetitionStatus.IN_PROGRESS
    )
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    selection_confirmed = models.BooleanField(default=False)

    maximum_term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    recipients = models.ManyToManyField(Organisation, related_name="+", blank=True)
    recipients_confirmed = models.BooleanField(default=False)

    criteria = models.CharField(max_length=20, choices=Criteria.choices, blank=True)
    price_weight = models.PositiveSmallIntegerField(null=True, blank=True)
    features_weight = models.PositiveSmallIntegerField(default=0)
    implementation_weight = models.PositiveSmallIntegerField(default=0)
    interoperability_weight = models.PositiveSmallIntegerField(default=0)
    service_levels_weight = models.PositiveSmallIntegerField(default=0)
    # Feature requirements: [{"text": "...", "level": "must" | "should"}, ...]
    feature_requirements = models.JSONField(default=list, blank=True)
    required_integration_types = models.ManyToManyField(IntegrationType, related_name="+", blank=True)

    awarded_solution = models.ForeignKey(
        "CompetitionSolution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    award_justification = models.TextField(blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.OneToOneField(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="competition"
    )

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("competitions:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == CompetitionStatus.IN_PROGRESS

    @property
    def non_price_weight(self) -> int:
        return 100 - (self.price_weight or 0) if self.price_weight is not None else 0

    def element_weights(self) -> dict[str, int]:
        """The non-price elements' own weights (percent of the non-price part), in display order."""
        return {
            "features": self.features_weight,
            "implementation": self.implementation_weight,
            "interoperability": self.interoperability_weight,
            "service_levels": self.service_levels_weight,
        }


class CompetitionSolution(models.Model):
    """A solution as it was when the competition started: never updated from the catalogue again.

    `selected` is None until the buyer decides; a solution left out carries `exclusion_reason`.
    Scoring lives here too: `scores` {element: {"score": 1-5, "justification": "..."}}, the frozen
    price used (`price_key`), a negotiated unit price for a flat price, and quantities per recipient."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="solutions")
    solution = models.ForeignKey(Solution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    catalogue_id = models.CharField(max_length=12)
    solution_name = models.CharField(max_length=255)
    supplier_name = models.CharField(max_length=255)
    # The id of the listing's latest approval (catalogue.ListingStateChange, which keeps the content
    # that went live); empty for a seeded listing never approved through the workflow.
    listing_version = models.CharField(
        max_length=64, blank=True, help_text="The live listing revision when frozen (empty if none)."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    publication_state = models.CharField(max_length=20)
    is_accredited = models.BooleanField()
    # [{"code", "name", "maximum_term_months", "live"}]
    frameworks = models.JSONField(default=list)
    # [{"key", "unit_description", "range_description", "provisioning_type", "price_type",
    #   "calculation_type", "quantity_basis", "time_unit", "tiers": [{"lower", "upper", "unit_price"}]}]
    prices = models.JSONField(default=list)
    # Integration types offered, as "Integration: type" names (for the interoperability element).
    integrations = models.JSONField(default=list)
    sla_type = models.CharField(max_length=10, blank=True)
    search_rank = models.PositiveIntegerField()

    selected = models.BooleanField(null=True, blank=True)
    exclusion_reason = models.TextField(blank=True)

    scores = models.JSONField(default=dict, blank=True)
    price_key = models.CharField(max_length=40, blank=True)
    agreed_unit_price = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    quantities = models.JSONField(default=dict, blank=True)  # ODS code -> quantity

    class Meta:
        ordering = ["search_rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "catalogue_id"], name="unique_competition_solution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.solution_name} ({self.catalogue_id})"

    def price(self, key: str | None = None) -> dict | None:
        key = key if key is not None else self.price_key
        return next((price for price in self.prices if price["key"] == key), None)
