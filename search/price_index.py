"""A listing's cost for one practice, as a function of the practice's list size, in linear pieces.

Search filters and sorts by "the price for a given list size" for any list size, in SQL, so each
listing's cost is stored as segments: over list sizes lower..upper, cost = slope x size + intercept.
The cost is the first-year cost for one practice: per-patient prices at the list size, every other
price for one unit (recurring ones for a year, one-off ones once). It agrees with
catalogue.pricing.calculate_cost, the one engine (tests/search/test_price_index.py checks it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from catalogue.pricing import TWELVE, sorted_tiers

UNBOUNDED = None


@dataclass(frozen=True)
class Segment:
    lower: int
    upper: int | None
    slope: Decimal
    intercept: Decimal

    def cost(self, size: int) -> Decimal:
        return self.slope * size + self.intercept


def _per_patient_segments(price, tiers) -> list[Segment]:
    tiers = sorted_tiers(tiers)
    if price.price_type == "flat" or len(tiers) == 1:
        return [Segment(1, UNBOUNDED, Decimal(tiers[0].unit_price), Decimal(0))]
    segments = []
    carried = Decimal(0)  # cumulative: the cost of all earlier tiers in full
    for tier in tiers:
        unit = Decimal(tier.unit_price)
        if price.calculation_type == "single_fixed":
            segments.append(Segment(tier.lower, tier.upper, Decimal(0), unit))
        elif price.calculation_type == "volume":
            segments.append(Segment(tier.lower, tier.upper, unit, Decimal(0)))
        else:  # cumulative
            segments.append(Segment(tier.lower, tier.upper, unit, carried - unit * (tier.lower - 1)))
            if tier.upper is not None:
                carried += unit * (tier.upper - tier.lower + 1)
    return segments


def _fixed_cost(price, tiers) -> Decimal:
    """One unit of a price that does not depend on list size, for a first year."""
    from catalogue.pricing import period_cost

    cost = period_cost(price.price_type, price.calculation_type, tiers, 1)
    return cost * TWELVE if price.time_unit == "month" else cost


def cost_segments(prices: Iterable) -> list[Segment]:
    """The summed cost of `prices` (each with its `tiers`) as segments covering list sizes 1 upwards.
    Empty when there are no prices: such a listing has no price to filter or sort by."""
    prices = list(prices)
    if not prices:
        return []
    constant = Decimal(0)
    pieces: list[list[Segment]] = []
    for price in prices:
        tiers = list(price.tiers.all()) if hasattr(price.tiers, "all") else list(price.tiers)
        if not tiers:
            continue
        if price.provisioning_type == "per_patient":
            pieces.append(_per_patient_segments(price, tiers))
        else:
            constant += _fixed_cost(price, tiers)
    # Break the list-size axis wherever any price's tiers break, and add up each piece's line.
    bounds = sorted(
        {1}
        | {s.lower for segs in pieces for s in segs}
        | {s.upper + 1 for segs in pieces for s in segs if s.upper}
    )
    segments = []
    for index, lower in enumerate(bounds):
        upper = bounds[index + 1] - 1 if index + 1 < len(bounds) else UNBOUNDED
        slope, intercept = Decimal(0), constant
        for segs in pieces:
            for seg in segs:
                if seg.lower <= lower and (seg.upper is None or lower <= seg.upper):
                    slope += seg.slope
                    intercept += seg.intercept
                    break
        segments.append(Segment(lower, upper, slope, intercept))
    return segments
