"""List prices. A price belongs to exactly one catalogue item: a solution, an additional service or an
associated service. The arithmetic is in catalogue/pricing.py, the one place costs are computed."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


class PriceType(models.TextChoices):
    FLAT = "flat", "Flat"
    TIERED = "tiered", "Tiered"


class CalculationType(models.TextChoices):
    """How a tiered price turns a quantity into a cost. A flat price is always unit price x quantity."""

    SINGLE_FIXED = (
        "single_fixed",
        "Single fixed: one price for the tier the quantity falls in, whatever the quantity",
    )
    CUMULATIVE = "cumulative", "Cumulative: each tier's units at that tier's price"
    VOLUME = "volume", "Volume: every unit at the price of the tier the total falls in"


class ProvisioningType(models.TextChoices):
    PER_PATIENT = "per_patient", "Per patient per year"
    DECLARATIVE = "declarative", "Declarative"
    ON_DEMAND = "on_demand", "On demand"


class QuantityBasis(models.TextChoices):
    """Whether tiers apply to the whole order's quantity or to each service recipient's separately."""

    PER_SOLUTION = "per_solution", "Per solution"
    PER_SERVICE_RECIPIENT = "per_service_recipient", "Per service recipient"


class TimeUnit(models.TextChoices):
    PER_MONTH = "month", "per month"
    PER_YEAR = "year", "per year"


class Price(models.Model):
    solution = models.ForeignKey(
        "catalogue.Solution", null=True, blank=True, on_delete=models.CASCADE, related_name="prices"
    )
    additional_service = models.ForeignKey(
        "catalogue.AdditionalService", null=True, blank=True, on_delete=models.CASCADE, related_name="prices"
    )
    associated_service = models.ForeignKey(
        "catalogue.AssociatedService", null=True, blank=True, on_delete=models.CASCADE, related_name="prices"
    )
    reference = models.CharField(
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="Id of the price in its source, for re-imports.",
    )
    price_type = models.CharField(max_length=10, choices=PriceType.choices, default=PriceType.FLAT)
    calculation_type = models.CharField(
        max_length=20, choices=CalculationType.choices, default=CalculationType.SINGLE_FIXED
    )
    provisioning_type = models.CharField(max_length=20, choices=ProvisioningType.choices)
    quantity_basis = models.CharField(
        max_length=30, choices=QuantityBasis.choices, default=QuantityBasis.PER_SOLUTION
    )
    unit_description = models.CharField(max_length=100, help_text='What one unit is, such as "per patient".')
    unit_definition = models.TextField(blank=True)
    range_description = models.CharField(
        max_length=100, blank=True, help_text='Plural for tier ranges: "patients".'
    )
    time_unit = models.CharField(
        max_length=10, choices=TimeUnit.choices, blank=True, help_text="Empty for a one-off charge."
    )
    currency = models.CharField(max_length=3, default="GBP")
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        solution__isnull=False,
                        additional_service__isnull=True,
                        associated_service__isnull=True,
                    )
                    | Q(
                        solution__isnull=True,
                        additional_service__isnull=False,
                        associated_service__isnull=True,
                    )
                    | Q(
                        solution__isnull=True,
                        additional_service__isnull=True,
                        associated_service__isnull=False,
                    )
                ),
                name="price_belongs_to_exactly_one_item",
            ),
            # Per-patient prices are charged per year: the quantity is the registered list size.
            models.CheckConstraint(
                condition=~Q(provisioning_type="per_patient") | Q(time_unit="year"),
                name="per_patient_price_is_per_year",
            ),
        ]

    def __str__(self) -> str:
        from ..pricing import describe_price

        return describe_price(self)

    @property
    def item(self):
        return self.solution or self.additional_service or self.associated_service

    def clean(self) -> None:
        owners = [self.solution_id, self.additional_service_id, self.associated_service_id]
        if sum(owner is not None for owner in owners) != 1:
            raise ValidationError(
                "A price belongs to exactly one solution, additional service or associated service."
            )
        if self.provisioning_type == ProvisioningType.PER_PATIENT and self.time_unit != TimeUnit.PER_YEAR:
            raise ValidationError({"time_unit": "A per-patient price is charged per year."})


class PriceTier(models.Model):
    """A band of quantities and its unit price. A flat price has one tier from 1 with no upper bound."""

    price = models.ForeignKey(Price, on_delete=models.CASCADE, related_name="tiers")
    lower = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    upper = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no upper bound.")
    unit_price = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        ordering = ["price", "lower"]
        constraints = [
            models.UniqueConstraint(fields=["price", "lower"], name="unique_tier_lower_bound"),
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gte=models.F("lower")),
                name="tier_upper_not_below_lower",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="tier_price_not_negative"),
        ]

    def __str__(self) -> str:
        upper = self.upper if self.upper is not None else "+"
        return f"{self.lower}–{upper}: £{self.unit_price}"
