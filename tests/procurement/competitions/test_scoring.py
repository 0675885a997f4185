"""The competition arithmetic (procurement/competitions/scoring.py): weightings within the framework's
bounds, the price-score bands, weighted totals and ranks with ties."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalogue.pricing import Tier
from procurement.competitions import scoring

EVEN = {"features": 25, "implementation": 25, "interoperability": 25, "service_levels": 25}


def test_weightings_follow_the_framework_bounds():
    assert scoring.weight_errors(True, None, {}) == {}
    assert scoring.weight_errors(False, 60, EVEN) == {}
    assert scoring.weight_errors(False, 30, EVEN) == {}
    assert scoring.weight_errors(False, 90, EVEN) == {}
    for bad in (25, 95, 100, 62, None):
        assert "price_weight" in scoring.weight_errors(False, bad, EVEN), bad
    uneven = {**EVEN, "features": 30}
    assert (
        "add up to 100%; they add up to 105%" in scoring.weight_errors(False, 60, uneven)["features_weight"]
    )
    assert "multiples of 5" in scoring.weight_errors(False, 60, {**EVEN, "features": 23})["features_weight"]
    missing = {k: v for k, v in EVEN.items() if k != "service_levels"}
    assert "service_levels_weight" in scoring.weight_errors(False, 60, missing)
    # An element may count for nothing, as long as the others make 100.
    assert scoring.weight_errors(False, 60, {**EVEN, "features": 0, "implementation": 50}) == {}


@pytest.mark.parametrize(
    ("total", "score"),
    [
        ("1000", 5),
        ("1000.01", 4),
        ("1250", 4),
        ("1250.01", 3),
        ("1500", 3),
        ("1500.01", 2),
        ("2000", 2),
        ("2000.01", 1),
        ("9999", 1),
    ],
)
def test_price_score_bands_against_the_cheapest(total, score):
    assert scoring.price_score(Decimal(total), Decimal(1000)) == score


def test_price_score_when_the_cheapest_is_free():
    assert scoring.price_score(Decimal(0), Decimal(0)) == 5
    assert scoring.price_score(Decimal(1), Decimal(0)) == 1


def test_weighted_total_and_element_weights():
    scores = {"features": 5, "implementation": 4, "interoperability": 3, "service_levels": 2}
    assert scoring.non_price_score(EVEN, scores) == Decimal("3.5")
    assert scoring.weighted_total(60, 4, EVEN, scores) == Decimal("3.8")  # 0.6*4 + 0.4*3.5
    only_features = {"features": 100, "implementation": 0, "interoperability": 0, "service_levels": 0}
    assert scoring.non_price_score(only_features, {"features": 2}) == 2
    assert scoring.weighted_total(100, 3, EVEN, {}) == 3


def test_ranks_share_a_place_when_tied():
    ranked = scoring.rank({"a": Decimal("4.2"), "b": Decimal("4.4"), "c": Decimal("4.2"), "d": Decimal("3")})
    assert [(r.key, r.rank, r.tied) for r in ranked] == [
        ("b", 1, False),
        ("a", 2, True),
        ("c", 2, True),
        ("d", 4, False),
    ]


def test_contract_cost_uses_the_price_engine_and_a_negotiated_flat_price():
    flat = scoring.FrozenPrice(
        "1",
        "flat",
        "single_fixed",
        "per_solution",
        "year",
        "per_patient",
        "per patient",
        (Tier(1, None, Decimal("1.20")),),
    )
    assert scoring.contract_cost(flat, [10_000, 5_000], 36).total == Decimal("54000.00")
    assert scoring.contract_cost(flat, [10_000, 5_000], 36, Decimal("1.00")).total == Decimal("45000")
    volume = scoring.FrozenPrice(
        "2",
        "tiered",
        "volume",
        "per_service_recipient",
        "year",
        "per_patient",
        "per patient",
        (Tier(1, 5000, Decimal("1.50")), Tier(5001, None, Decimal("1.10"))),
    )
    # Each practice on its own tier: 10,000 x 1.10 + 4,000 x 1.50 a year, for 2 years.
    assert scoring.contract_cost(volume, [10_000, 4_000], 24).total == Decimal("34000.00")
    # A negotiated price does not replace tiers.
    assert scoring.contract_cost(volume, [10_000, 4_000], 24, Decimal("0.01")).total == Decimal("34000.00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.25", Decimal("1.25")),
        ("£1,234.5", Decimal("1234.5")),
        ("0.0125", Decimal("0.0125")),
        ("1.23456", None),
        ("-1", None),
        ("abc", None),
        ("NaN", None),
        ("", None),
    ],
)
def test_money_as_typed(text, expected):
    assert scoring.parse_money(text) == expected


def test_scores_as_posted():
    assert [scoring.parse_score(v) for v in ("1", " 5 ", "0", "6", "x", None)] == [
        1,
        5,
        None,
        None,
        None,
        None,
    ]
