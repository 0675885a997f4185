"""The price engine: the one place a list price and a quantity become a cost.

Rules (from the real Buying Catalogue, see docs/pricing.md):

* A **flat** price has one tier; the cost is unit price x quantity.
* A **tiered** price turns a quantity into a cost by its calculation type:
  - *single fixed*: the price of the tier the quantity falls in, once, whatever the quantity;
  - *cumulative*: each tier's units at that tier's price (tax-band style);
  - *volume*: every unit at the price of the tier the total quantity falls in.
* Quantity basis: *per solution* applies the tiers to the total quantity; *per service recipient*
  applies them to each recipient's quantity separately and adds the results.
* Time: a per-month or per-year price recurs; over a term of N months it costs N/12 of a year's cost
  or N months' cost. A price with no time unit is a one-off charge, paid once whatever the term.

Everything is Decimal and nothing is rounded here: rounding to pence is for display and for the
order's stored totals, so that sums of many lines do not accumulate rounding errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Protocol

from django.core.exceptions import ValidationError

TWELVE = Decimal(12)
CALCULATION_NAMES = {"single_fixed": "single fixed", "cumulative": "cumulative", "volume": "volume"}
PENNY = Decimal("0.01")


class TierLike(Protocol):
    lower: int
    upper: int | None
    unit_price: Decimal


class PriceLike(Protocol):
    price_type: str
    calculation_type: str
    quantity_basis: str
    time_unit: str


@dataclass(frozen=True)
class Tier:
    """A tier not stored in the database (order lines copy their tiers; tests build them directly)."""

    lower: int
    upper: int | None
    unit_price: Decimal


@dataclass(frozen=True)
class Cost:
    """What a price costs for a quantity over a term. `per_month` and `per_year` are the recurring
    part; `total` adds the one-off part to the recurring part over the whole term."""

    one_off: Decimal
    per_month: Decimal
    per_year: Decimal
    term_months: int
    total: Decimal

    def __add__(self, other: Cost) -> Cost:
        if not isinstance(other, Cost):
            return NotImplemented
        if other.term_months != self.term_months:
            raise ValueError("Costs over different terms cannot be added")
        return Cost(
            one_off=self.one_off + other.one_off,
            per_month=self.per_month + other.per_month,
            per_year=self.per_year + other.per_year,
            term_months=self.term_months,
            total=self.total + other.total,
        )

    @classmethod
    def zero(cls, term_months: int) -> Cost:
        return cls(Decimal(0), Decimal(0), Decimal(0), term_months, Decimal(0))


def sorted_tiers(tiers: Iterable[TierLike]) -> list[TierLike]:
    return sorted(tiers, key=lambda tier: tier.lower)


def validate_tiers(tiers: Iterable[TierLike]) -> None:
    """Tiers must start at 1, follow each other without gaps or overlaps, and the last one must have
    no upper bound, so every quantity falls in exactly one tier. Raises ValidationError naming the fault."""
    ordered = sorted_tiers(tiers)
    if not ordered:
        raise ValidationError("A price needs at least one tier.")
    if ordered[0].lower != 1:
        raise ValidationError(f"The first tier must start at 1, not {ordered[0].lower}.")
    for number, (tier, following) in enumerate(pairwise(ordered), start=1):
        if tier.upper is None:
            raise ValidationError(f"Tier {number} has no upper bound, so tier {number + 1} can never apply.")
        if tier.upper < tier.lower:
            raise ValidationError(f"Tier {number} ends ({tier.upper}) before it starts ({tier.lower}).")
        if following.lower != tier.upper + 1:
            raise ValidationError(
                f"Tier {number + 1} must start at {tier.upper + 1}, straight after tier {number}, "
                f"not at {following.lower}."
            )
    if ordered[-1].upper is not None:
        raise ValidationError("The last tier must have no upper bound, so that every quantity is priced.")
    for number, tier in enumerate(ordered, start=1):
        if Decimal(tier.unit_price) < 0:
            raise ValidationError(f"Tier {number} has a negative price.")


def _tier_for(tiers: Sequence[TierLike], quantity: int) -> TierLike:
    for tier in tiers:
        if tier.lower <= quantity and (tier.upper is None or quantity <= tier.upper):
            return tier
    raise ValueError(f"No tier covers a quantity of {quantity}")


def period_cost(price_type: str, calculation_type: str, tiers: Iterable[TierLike], quantity: int) -> Decimal:
    """The cost of one quantity for one billing period (or once, for a one-off price)."""
    if quantity < 0:
        raise ValueError("A quantity cannot be negative")
    ordered = sorted_tiers(tiers)
    if not ordered:
        raise ValueError("A price needs at least one tier")
    if quantity == 0:
        return Decimal(0)
    if price_type == "flat":
        return Decimal(ordered[0].unit_price) * quantity
    if calculation_type == "single_fixed":
        return Decimal(_tier_for(ordered, quantity).unit_price)
    if calculation_type == "volume":
        return Decimal(_tier_for(ordered, quantity).unit_price) * quantity
    if calculation_type == "cumulative":
        total = Decimal(0)
        for tier in ordered:
            if quantity < tier.lower:
                break
            top = quantity if tier.upper is None else min(quantity, tier.upper)
            total += Decimal(tier.unit_price) * (top - tier.lower + 1)
        if ordered[-1].upper is not None and quantity > ordered[-1].upper:
            raise ValueError(f"No tier covers a quantity of {quantity}")
        return total
    raise ValueError(f"Unknown calculation type {calculation_type!r}")


def calculate_cost(
    price: PriceLike,
    quantity: int | Sequence[int],
    term_months: int,
    tiers: Iterable[TierLike] | None = None,
) -> Cost:
    """The cost of a price for a quantity over a term of whole months.

    `quantity` is one number, or one number per service recipient. With a per-solution basis the
    recipients' quantities are added before the tiers apply; with a per-service-recipient basis the
    tiers apply to each recipient's quantity. `tiers` defaults to the price's stored tiers.
    """
    if term_months < 0:
        raise ValueError("A term cannot be negative")
    if tiers is None:
        tiers = price.tiers.all()  # type: ignore[attr-defined]
    tiers = sorted_tiers(tiers)
    quantities = [quantity] if isinstance(quantity, int) else list(quantity)
    if price.quantity_basis == "per_service_recipient":
        cost = sum(
            (period_cost(price.price_type, price.calculation_type, tiers, q) for q in quantities), Decimal(0)
        )
    else:
        cost = period_cost(price.price_type, price.calculation_type, tiers, sum(quantities))

    if not price.time_unit:
        return Cost(
            one_off=cost, per_month=Decimal(0), per_year=Decimal(0), term_months=term_months, total=cost
        )
    if price.time_unit == "month":
        per_month, per_year = cost, cost * TWELVE
        total = cost * term_months
    elif price.time_unit == "year":
        per_month, per_year = cost / TWELVE, cost
        total = cost * term_months / TWELVE
    else:
        raise ValueError(f"Unknown time unit {price.time_unit!r}")
    return Cost(
        one_off=Decimal(0), per_month=per_month, per_year=per_year, term_months=term_months, total=total
    )


def to_pence(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """£1,234.56; unit prices below a penny keep their significant decimals (£0.0125)."""
    amount = Decimal(amount)
    if amount != 0 and abs(amount) < 1 and amount != to_pence(amount):
        return f"£{amount.normalize():f}"
    if amount == to_pence(amount):
        return f"£{to_pence(amount):,.2f}"
    # A unit price with more than two decimals (up to four are stored): show them all.
    return f"£{amount.normalize():,f}"


def describe_price(price, tiers: Iterable[TierLike] | None = None) -> str:
    """A list price in plain words: "£1.26 per patient per year", "£650.00 per day",
    "from £0.50 per user per month (tiered, volume)"."""
    if tiers is None:
        tiers = price.tiers.all() if price.pk else []
    ordered = sorted_tiers(tiers)
    period = {"month": " per month", "year": " per year"}.get(price.time_unit, "")
    unit = f" {price.unit_description}" if price.unit_description else ""
    if not ordered:
        return f"Price not set{unit}{period}"
    if price.price_type == "flat" or len(ordered) == 1:
        return f"{format_money(ordered[0].unit_price)}{unit}{period}"
    lowest = min(Decimal(t.unit_price) for t in ordered)
    if price.calculation_type == "single_fixed":
        bands = price.range_description or "units"
        return f"from {format_money(lowest)}{period} (a fixed price for each band of {bands})"
    method = CALCULATION_NAMES.get(price.calculation_type, price.calculation_type)
    return f"from {format_money(lowest)}{unit}{period} (tiered, {method})"


def describe_tier(tier: TierLike, range_description: str) -> str:
    upper = f"{tier.lower:,} to {tier.upper:,}" if tier.upper is not None else f"{tier.lower:,} or more"
    return f"{upper} {range_description}".strip()
