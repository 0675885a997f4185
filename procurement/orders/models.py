"""Call-off orders: the contract a buyer organisation makes with a supplier for one catalogue solution
(and its additional and associated services) for some of its practices.

An order copies what it buys (names, units, prices and tiers as they were), so later catalogue edits
never change a placed order; the catalogue links are kept only to find the items again. The lifecycle
is lifecycle.py; every change is a function in services.py; who may see what is querysets.py.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.models import Organisation
from catalogue.models import Framework, Price, Solution, Supplier
from catalogue.pricing import Cost, Tier, calculate_cost, describe_price, to_pence

from .querysets import OrderQuerySet

MAX_ORDER_NUMBER = 999_999
MAX_REVISION = 99
DESCRIPTION_MAX_LENGTH = 100
TERMINATION_REASON_MAX_LENGTH = 1000


class OrderStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ACCEPTED = "accepted", "Accepted by the supplier"
    TERMINATED = "terminated", "Terminated"
    SUPERSEDED = "superseded", "Superseded by an amendment"


class Route(models.TextChoices):
    DIRECT_AWARD = "direct_award", "Direct award"
    COMPETITION = "competition", "Competition"


class ItemType(models.TextChoices):
    SOLUTION = "solution", "Catalogue solution"
    ADDITIONAL_SERVICE = "additional_service", "Additional service"
    ASSOCIATED_SERVICE = "associated_service", "Associated service"


class EstimationPeriod(models.TextChoices):
    PER_MONTH = "month", "per month"
    PER_YEAR = "year", "per year"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class CallOffNumber(models.Model):
    """Hands out call-off numbers. Each order (not each revision) takes one by inserting a row: the
    database's own sequence makes two orders created at once get different numbers, on PostgreSQL and
    SQLite alike, with no counter row to lock. A number taken by a rolled-back order is never reused,
    as on the real service."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id__lte=MAX_ORDER_NUMBER), name="call_off_number_six_digits"),
        ]

    def __str__(self) -> str:
        return f"C{self.pk:06d}"


class Order(models.Model):
    number = models.PositiveIntegerField(validators=[MaxValueValidator(MAX_ORDER_NUMBER)])
    revision = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_REVISION)]
    )
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendment",
        help_text="The revision this one amends.",
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="orders")
    route = models.CharField(max_length=20, choices=Route.choices)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.IN_PROGRESS, db_index=True
    )
    description = models.CharField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)

    # What is bought, linked and copied (the copy is what the contract says).
    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="orders")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    solution_name = models.CharField(max_length=255)
    solution_catalogue_id = models.CharField(max_length=12)
    supplier_name = models.CharField(max_length=255)
    framework_name = models.CharField(max_length=255)
    framework_maximum_term_months = models.PositiveSmallIntegerField()
    funding_types = models.JSONField(default=list, blank=True, help_text="The framework's, when ordered.")

    # Ordering party (the buyer organisation) and its contact.
    ordering_party_contact_name = models.CharField(max_length=255, blank=True)
    ordering_party_contact_email = models.EmailField(blank=True)
    ordering_party_contact_phone = models.CharField(max_length=30, blank=True)
    # The supplier's contact for this order.
    supplier_contact_name = models.CharField(max_length=255, blank=True)
    supplier_contact_email = models.EmailField(blank=True)
    supplier_contact_phone = models.CharField(max_length=30, blank=True)
    supplier_address = models.TextField(blank=True)

    commencement_date = models.DateField(null=True, blank=True)
    initial_period_months = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    recipients_confirmed = models.BooleanField(default=False)
    delivery_dates_confirmed = models.BooleanField(default=False)
    funding_confirmed = models.BooleanField(default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.TextField(max_length=TERMINATION_REASON_MAX_LENGTH, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-number", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["number", "revision"], name="unique_order_revision"),
            models.CheckConstraint(
                condition=Q(maximum_term_months__isnull=True) | Q(maximum_term_months__gt=0),
                name="order_maximum_term_positive",
            ),
            models.CheckConstraint(
                condition=Q(initial_period_months__isnull=True)
                | Q(maximum_term_months__isnull=True)
                | Q(initial_period_months__lte=models.F("maximum_term_months")),
                name="order_initial_period_within_term",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.call_off_id} {self.solution_name}"

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        # What the audit trail calls the order.
        return f"{self.call_off_id} {self.solution_name}"

    @property
    def call_off_id(self) -> str:
        return f"C{self.number:06d}-{self.revision:02d}"

    @property
    def end_date(self) -> datetime.date | None:
        """Commencement plus the maximum term, less a day (the last day of the contract)."""
        if self.commencement_date is None or not self.maximum_term_months:
            return None
        return add_months(self.commencement_date, self.maximum_term_months) - datetime.timedelta(days=1)

    @property
    def is_live(self) -> bool:
        return self.status in (OrderStatus.COMPLETED, OrderStatus.ACCEPTED)

    # --- Costs (catalogue.pricing does the arithmetic) ---------------------------------------------

    def cost(self) -> Cost:
        """The whole order's cost over its maximum term (0 months while the term is unknown), unrounded.
        Reads the items' and recipients' prefetch when there is one."""
        term = self.maximum_term_months or 0
        recipients = list(self.recipients.all())
        total = Cost.zero(term)
        for item in self.items.all():
            total += item.cost(term, recipients)
        return total

    def one_off_cost(self) -> Decimal:
        return to_pence(self.cost().one_off)

    def monthly_cost(self) -> Decimal:
        return to_pence(self.cost().per_month)

    def yearly_cost(self) -> Decimal:
        return to_pence(self.cost().per_year)

    def total_cost(self) -> Decimal:
        """Estimated cost over the whole maximum term: one-off charges plus the recurring ones."""
        return to_pence(self.cost().total)


class OrderRecipient(models.Model):
    """A service recipient (a practice), copied as it was when chosen: the practice may close later."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ods_code = models.CharField("ODS code", max_length=10)
    name = models.CharField(max_length=255)
    list_size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name", "ods_code"]
        constraints = [
            models.UniqueConstraint(fields=["order", "ods_code"], name="unique_order_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


@dataclass(frozen=True)
class PricingTerms:
    """The price facts catalogue.pricing needs (its PriceLike), as the order copied them."""

    price_type: str
    calculation_type: str
    quantity_basis: str
    time_unit: str


class OrderItem(models.Model):
    """One thing ordered: the catalogue solution, an additional service or an associated service, with
    its price copied. `tiers` is the copy: [{"lower", "upper", "list_price", "price"}] with prices as
    strings (Decimal-exact); `price` is the agreed one, never above `list_price`.

    Quantities: a per-patient price, or one whose tiers apply per service recipient, has one quantity
    per recipient (`recipient_quantities`, ODS code -> quantity; per-patient ones default to list sizes);
    any other price has one `quantity` for the whole order. An on-demand item's quantity is an estimate
    per `estimation_period`, which then acts as its time unit."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    item_type = models.CharField(max_length=20, choices=ItemType.choices)
    catalogue_price = models.ForeignKey(
        Price, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    catalogue_id = models.CharField(max_length=16)
    name = models.CharField(max_length=255)
    price_type = models.CharField(max_length=10)
    calculation_type = models.CharField(max_length=20)
    provisioning_type = models.CharField(max_length=20)
    quantity_basis = models.CharField(max_length=30)
    unit_description = models.CharField(max_length=100)
    range_description = models.CharField(max_length=100, blank=True)
    time_unit = models.CharField(max_length=10, blank=True)
    tiers = models.JSONField(default=list)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    recipient_quantities = models.JSONField(default=dict, blank=True)
    estimation_period = models.CharField(max_length=10, choices=EstimationPeriod.choices, blank=True)
    planned_delivery_date = models.DateField(null=True, blank=True)
    funding_source = models.CharField(max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.catalogue_id} {self.name}"

    @property
    def is_per_recipient(self) -> bool:
        return self.provisioning_type == "per_patient" or self.quantity_basis == "per_service_recipient"

    @property
    def is_on_demand(self) -> bool:
        return self.provisioning_type == "on_demand"

    @property
    def effective_time_unit(self) -> str:
        """Per month or per year for a recurring charge, empty for a one-off."""
        if self.is_on_demand and self.estimation_period:
            return self.estimation_period
        return self.time_unit

    def agreed_tiers(self) -> list[Tier]:
        return [Tier(t["lower"], t["upper"], Decimal(t["price"])) for t in self.tiers]

    def list_tiers(self) -> list[Tier]:
        return [Tier(t["lower"], t["upper"], Decimal(t["list_price"])) for t in self.tiers]

    @property
    def unit_price(self) -> Decimal:
        """The agreed price of the first tier (the price, for a flat price)."""
        return Decimal(self.tiers[0]["price"]) if self.tiers else Decimal(0)

    @property
    def list_unit_price(self) -> Decimal:
        return Decimal(self.tiers[0]["list_price"]) if self.tiers else Decimal(0)

    def pricing_terms(self) -> PricingTerms:
        return PricingTerms(
            self.price_type, self.calculation_type, self.quantity_basis, self.effective_time_unit
        )

    def quantities(self, recipients: list[OrderRecipient]) -> list[int]:
        if self.is_per_recipient:
            return [int(self.recipient_quantities.get(r.ods_code) or 0) for r in recipients]
        return [self.quantity or 0]

    def total_quantity(self, recipients: list[OrderRecipient]) -> int:
        return sum(self.quantities(recipients))

    def cost(self, term_months: int, recipients: list[OrderRecipient]) -> Cost:
        return calculate_cost(
            self.pricing_terms(), self.quantities(recipients), term_months, tiers=self.agreed_tiers()
        )

    def describe_price(self) -> str:
        """The agreed price in words, such as "£1.26 per patient per year"."""
        terms = SimpleNamespace(
            price_type=self.price_type,
            calculation_type=self.calculation_type,
            time_unit=self.effective_time_unit,
            unit_description=self.unit_description,
            range_description=self.range_description,
        )
        return describe_price(terms, tiers=self.agreed_tiers())
