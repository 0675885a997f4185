"""The stored cost segments agree with the price engine at every list size that matters."""

from decimal import Decimal

import pytest

from catalogue.pricing import Tier, calculate_cost
from search.price_index import cost_segments


class P:
    def __init__(
        self, provisioning_type, tiers, price_type="flat", calculation_type="single_fixed", time_unit="year"
    ):
        self.provisioning_type = provisioning_type
        self.tiers = [Tier(lo, hi, Decimal(p)) for lo, hi, p in tiers]
        self.price_type = price_type
        self.calculation_type = calculation_type
        self.time_unit = time_unit
        self.quantity_basis = "per_solution"


def engine_cost(prices, size: int) -> Decimal:
    """What one practice of `size` patients pays in a first year, by the price engine."""
    total = Decimal(0)
    for price in prices:
        quantity = size if price.provisioning_type == "per_patient" else 1
        total += calculate_cost(price, quantity, 12, tiers=price.tiers).total  # one-off prices: once
    return total


PRICE_SETS = {
    "flat per patient": [P("per_patient", [(1, None, "1.26")])],
    "volume per patient": [
        P("per_patient", [(1, 5000, "2"), (5001, 10000, "1.5"), (10001, None, "1")], "tiered", "volume")
    ],
    "cumulative per patient": [
        P("per_patient", [(1, 5000, "2"), (5001, 10000, "1.5"), (10001, None, "1")], "tiered", "cumulative")
    ],
    "banded per practice": [
        P(
            "per_patient",
            [(1, 4999, "900"), (5000, 9999, "1500"), (10000, None, "2100")],
            "tiered",
            "single_fixed",
        )
    ],
    "mixed": [
        P("per_patient", [(1, None, "0.8")]),
        P("per_patient", [(1, 7500, "0.5"), (7501, None, "0.4")], "tiered", "volume"),
        P("declarative", [(1, None, "95")], time_unit="month"),
        P("declarative", [(1, None, "650")], time_unit=""),
        P("on_demand", [(1, None, "12")], time_unit="year"),
    ],
}
SIZES = [1, 2, 4999, 5000, 5001, 7500, 7501, 9999, 10000, 10001, 12345, 60000]


@pytest.mark.parametrize("name", list(PRICE_SETS))
def test_segments_give_the_engines_cost_at_every_tier_edge(name):
    prices = PRICE_SETS[name]
    segments = cost_segments(prices)
    assert segments[0].lower == 1 and segments[-1].upper is None
    for size in SIZES:
        [segment] = [s for s in segments if s.lower <= size and (s.upper is None or size <= s.upper)]
        assert segment.cost(size) == engine_cost(prices, size), (name, size)


def test_a_listing_without_prices_has_no_segments():
    assert cost_segments([]) == []
