"""The arithmetic of a competition, as pure functions (no database): weightings, costs of a frozen
price list, price scores, weighted totals and the ranking. The rules are the framework's
(../shared/README.md, "How buying works"):

* Weightings: price-only (price 100 %), or price 30-90 % and non-price 10-70 %, multiples of 5,
  total 100. The non-price elements (features, implementation, interoperability, service levels)
  have their own weights, multiples of 5, totalling 100 (an element weighted 0 is not scored).
* Each selected solution is scored 1-5 per non-price element.
* Price score: the cheapest total over the contract scores 5; up to 25 % above it 4; up to 50 % 3;
  up to 100 % 2; more 1.
* The highest weighted total wins; equal totals share a rank (ties are shown as ties).

Totals are exact Decimals (weights are whole percentages), so "equal" means equal, not "equal after
rounding for display".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from catalogue.pricing import Cost, Tier, calculate_cost

ELEMENTS: dict[str, str] = {
    "features": "Features",
    "implementation": "Implementation",
    "interoperability": "Interoperability",
    "service_levels": "Service levels",
}
PRICE_WEIGHT_MIN, PRICE_WEIGHT_MAX = 30, 90
WEIGHT_STEP = 5
SCORE_MIN, SCORE_MAX = 1, 5
HUNDRED = Decimal(100)
# (how far above the cheapest, as a fraction, at most) -> score; beyond the last: 1.
PRICE_SCORE_BANDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(0), 5),
    (Decimal("0.25"), 4),
    (Decimal("0.50"), 3),
    (Decimal("1.00"), 2),
)


def weight_errors(price_only: bool, price_weight: int | None, element_weights: Mapping[str, int]) -> dict:
    """What is wrong with a set of weightings, as {field name: message}; empty when they are valid.
    Field names are "price_weight" and "<element>_weight"."""
    errors: dict[str, str] = {}
    if price_only:
        return errors
    if price_weight is None:
        errors["price_weight"] = "Enter the weighting for price"
    elif not PRICE_WEIGHT_MIN <= price_weight <= PRICE_WEIGHT_MAX or price_weight % WEIGHT_STEP:
        errors["price_weight"] = (
            f"Price must be weighted {PRICE_WEIGHT_MIN}% to {PRICE_WEIGHT_MAX}% in multiples of "
            f"{WEIGHT_STEP} (non-price {100 - PRICE_WEIGHT_MAX}% to {100 - PRICE_WEIGHT_MIN}%)"
        )
    bad = False
    for element, label in ELEMENTS.items():
        weight = element_weights.get(element)
        if weight is None:
            errors[f"{element}_weight"] = f"Enter the weighting for {label.lower()} (0 if it does not count)"
            bad = True
        elif not 0 <= weight <= 100 or weight % WEIGHT_STEP:
            errors[f"{element}_weight"] = (
                f"The weighting for {label.lower()} must be 0% to 100% in multiples of {WEIGHT_STEP}"
            )
            bad = True
    if not bad:
        total = sum(element_weights[element] for element in ELEMENTS)
        if total != 100:
            errors["features_weight"] = (
                f"The non-price weightings must add up to 100%; they add up to {total}%"
            )
    return errors


@dataclass(frozen=True)
class FrozenPrice:
    """A price list entry as frozen at the start of a competition, shaped for catalogue.pricing."""

    key: str
    price_type: str
    calculation_type: str
    quantity_basis: str
    time_unit: str
    provisioning_type: str
    unit_description: str
    tiers: tuple[Tier, ...]

    @classmethod
    def from_snapshot(cls, data: Mapping) -> FrozenPrice:
        return cls(
            key=data["key"],
            price_type=data["price_type"],
            calculation_type=data["calculation_type"],
            quantity_basis=data["quantity_basis"],
            time_unit=data["time_unit"],
            provisioning_type=data["provisioning_type"],
            unit_description=data.get("unit_description", ""),
            tiers=tuple(
                Tier(t["lower"], t["upper"], Decimal(str(t["unit_price"]))) for t in data.get("tiers", [])
            ),
        )

    @property
    def is_flat(self) -> bool:
        return self.price_type == "flat" or len(self.tiers) == 1

    @property
    def list_unit_price(self) -> Decimal | None:
        """The unit price a negotiated price is held to: only a flat price has a single one."""
        return self.tiers[0].unit_price if self.is_flat and self.tiers else None


def contract_cost(
    price: FrozenPrice, quantities: Sequence[int], term_months: int, agreed_unit_price: Decimal | None = None
) -> Cost:
    """The cost of a frozen price over the contract, by the price engine. A negotiated unit price
    replaces a flat price's list price (callers check it is not above it)."""
    tiers: Iterable[Tier] = price.tiers
    if agreed_unit_price is not None and price.is_flat:
        tiers = (Tier(1, None, agreed_unit_price),)
    return calculate_cost(price, list(quantities), term_months, tiers=tiers)


def price_score(total: Decimal, cheapest: Decimal) -> int:
    """The framework's price score of a total against the cheapest total in the competition."""
    if total <= cheapest:
        return SCORE_MAX
    if cheapest <= 0:
        return SCORE_MIN  # anything above a free offer is infinitely more expensive
    above = (total - cheapest) / cheapest
    for limit, score in PRICE_SCORE_BANDS:
        if above <= limit:
            return score
    return SCORE_MIN


def non_price_score(element_weights: Mapping[str, int], scores: Mapping[str, int]) -> Decimal:
    """The weighted non-price score (1-5) from element scores; elements weighted 0 are ignored."""
    return sum(
        (
            Decimal(weight) * scores[element] / HUNDRED
            for element, weight in element_weights.items()
            if weight
        ),
        Decimal(0),
    )


def weighted_total(
    price_weight: int, price_points: int, element_weights: Mapping[str, int], scores: Mapping[str, int]
) -> Decimal:
    """Overall score out of 5: price weight x price score + non-price weight x non-price score."""
    total = Decimal(price_weight) * price_points / HUNDRED
    if price_weight < 100:
        total += Decimal(100 - price_weight) * non_price_score(element_weights, scores) / HUNDRED
    return total


@dataclass(frozen=True)
class Ranked:
    key: str
    total: Decimal
    rank: int
    tied: bool = field(default=False)


def rank(totals: Mapping[str, Decimal]) -> list[Ranked]:
    """Highest total first. Equal totals share a rank ("1, 1, 3") and are marked tied; keys with equal
    totals keep the order they were given in (the search rank), which decides nothing."""
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    counts: dict[Decimal, int] = {}
    for _, total in ordered:
        counts[total] = counts.get(total, 0) + 1
    results = []
    for key, total in ordered:
        higher = sum(1 for _, other in ordered if other > total)
        results.append(Ranked(key, total, higher + 1, counts[total] > 1))
    return results


def parse_score(value: object) -> int | None:
    """A score as posted (1-5), or None if it is not one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if SCORE_MIN <= number <= SCORE_MAX else None


def parse_money(value: object) -> Decimal | None:
    """A unit price as typed ("£1,234.5", "0.0125"); None if it is not a non-negative amount with at
    most four decimals."""
    text = str(value or "").strip().replace(",", "").removeprefix("£").strip()
    if not text or len(text) > 30:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -4:
        return None
    return amount
