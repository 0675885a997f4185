"""Estimated costs for the comparison, from the price engine (catalogue.pricing.calculate_cost).

Which price of a solution is used: its published **per-patient** list price (quantity = each service
recipient's registered list size, charged per year), or failing that its **per-practice** price
(declarative, one unit per practice). Those are the prices that depend only on what a buyer knows for
certain about their practices; prices per user, licence, consultation or SMS fragment depend on numbers
the buyer would have to estimate, so a solution with only those gets no estimate rather than a guess.
When a solution has several candidates the first published one (in the catalogue's order) is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from catalogue.models import Price, ProvisioningType, Solution
from catalogue.pricing import Cost, calculate_cost, describe_price, to_pence

PER_PATIENT = "per_patient"
PER_PRACTICE = "per_practice"

BASIS_EXPLANATIONS = {
    PER_PATIENT: "Per-patient list price: each practice's list size, per year.",
    PER_PRACTICE: "Per-practice list price: one unit for each practice.",
}
NO_PRICE_EXPLANATION = (
    "No per-patient or per-practice list price is published, so the cost depends on quantities only "
    "you and the supplier can agree. Ask the supplier for a quote."
)


@dataclass(frozen=True)
class Recipient:
    """A service recipient the cost is for: a practice (by ODS code) or a list size someone typed."""

    code: str  # ODS code; "" for a typed list size
    name: str
    list_size: int


@dataclass(frozen=True)
class SolutionCost:
    solution: Solution
    price: Price | None
    basis: str | None  # PER_PATIENT, PER_PRACTICE or None (no estimate)
    cost: Cost | None

    @property
    def price_text(self) -> str:
        return describe_price(self.price) if self.price else "No per-patient or per-practice price"

    @property
    def explanation(self) -> str:
        return BASIS_EXPLANATIONS[self.basis] if self.basis else NO_PRICE_EXPLANATION

    @property
    def one_off(self) -> Decimal | None:
        return to_pence(self.cost.one_off) if self.cost else None

    @property
    def per_year(self) -> Decimal | None:
        return to_pence(self.cost.per_year) if self.cost else None

    @property
    def total(self) -> Decimal | None:
        return to_pence(self.cost.total) if self.cost else None


def is_per_practice(price: Price) -> bool:
    """A declarative price whose unit is a practice ("per practice"), however it is tiered."""
    return (
        price.provisioning_type == ProvisioningType.DECLARATIVE
        and price.unit_description.strip().lower()
        in {
            "per practice",
            "practice",
        }
    )


def price_for_comparison(solution: Solution) -> tuple[Price | None, str | None]:
    """The list price a comparison uses for a solution, and on what basis (see the module docstring).
    Reads the `list_prices` prefetch (published prices with their tiers)."""
    prices = list(solution.list_prices)
    for price in prices:
        if price.provisioning_type == ProvisioningType.PER_PATIENT:
            return price, PER_PATIENT
    for price in prices:
        if is_per_practice(price):
            return price, PER_PRACTICE
    return None, None


def solution_cost(solution: Solution, recipients: Sequence[Recipient], term_months: int) -> SolutionCost:
    """What a solution's chosen list price costs for these recipients over the term, unrounded; the
    one-off, yearly and whole-term figures are rounded to the penny only for display."""
    price, basis = price_for_comparison(solution)
    if price is None or not recipients:
        return SolutionCost(solution, price, basis, None)
    tiers = list(price.tiers.all())
    if not tiers:
        return SolutionCost(solution, None, None, None)
    if basis == PER_PATIENT:
        quantities = [recipient.list_size for recipient in recipients]
    else:
        quantities = [1 for _ in recipients]
    return SolutionCost(solution, price, basis, calculate_cost(price, quantities, term_months, tiers=tiers))
