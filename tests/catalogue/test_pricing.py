"""The price engine at every tier edge, for every calculation type, basis and time unit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalogue.pricing import (
    Cost,
    Tier,
    calculate_cost,
    describe_price,
    format_money,
    period_cost,
    validate_tiers,
)
from tests.factories import PriceFactory

D = Decimal
# 1-10 at £10, 11-20 at £8, 21+ at £5.
TIERS = [Tier(1, 10, D("10")), Tier(11, 20, D("8")), Tier(21, None, D("5"))]


class P:
    """A price not stored anywhere: the engine only needs these attributes."""

    def __init__(
        self, price_type="tiered", calculation_type="volume", quantity_basis="per_solution", time_unit=""
    ):
        self.price_type = price_type
        self.calculation_type = calculation_type
        self.quantity_basis = quantity_basis
        self.time_unit = time_unit


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (0, D("0")),
        (1, D("10")),  # first unit of tier 1
        (10, D("100")),  # top of tier 1
        (11, D("108")),  # 10 x 10 + 1 x 8
        (20, D("180")),  # 100 + 10 x 8
        (21, D("185")),  # 180 + 1 x 5
        (100, D("580")),  # 180 + 80 x 5
    ],
)
def test_cumulative_charges_each_tiers_units_at_that_tiers_price(quantity, expected):
    assert period_cost("tiered", "cumulative", TIERS, quantity) == expected


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (0, D("0")),
        (1, D("10")),
        (10, D("100")),  # 10 x 10
        (11, D("88")),  # all 11 at tier 2's £8: buying more can cost less, by design
        (20, D("160")),
        (21, D("105")),  # all 21 at £5
        (100, D("500")),
    ],
)
def test_volume_charges_every_unit_at_the_tier_the_total_falls_in(quantity, expected):
    assert period_cost("tiered", "volume", TIERS, quantity) == expected


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [(0, D("0")), (1, D("10")), (10, D("10")), (11, D("8")), (20, D("8")), (21, D("5")), (100_000, D("5"))],
)
def test_single_fixed_charges_the_tiers_price_once_whatever_the_quantity(quantity, expected):
    assert period_cost("tiered", "single_fixed", TIERS, quantity) == expected


@pytest.mark.parametrize("calculation_type", ["single_fixed", "cumulative", "volume"])
def test_flat_price_is_unit_price_times_quantity_whatever_the_calculation_type(calculation_type):
    # The real catalogue's flat per-patient prices are recorded as "single fixed".
    flat = [Tier(1, None, D("1.26"))]
    assert period_cost("flat", calculation_type, flat, 3747) == D("4721.22")


def test_decimal_arithmetic_keeps_sub_penny_unit_prices_exact():
    flat = [Tier(1, None, D("0.0125"))]
    assert period_cost("flat", "volume", flat, 3) == D("0.0375")


def test_negative_quantity_is_refused():
    with pytest.raises(ValueError, match="negative"):
        period_cost("tiered", "volume", TIERS, -1)


def test_quantity_beyond_a_bounded_last_tier_is_refused():
    bounded = [Tier(1, 10, D("1"))]
    for calculation_type in ("volume", "single_fixed", "cumulative"):
        with pytest.raises(ValueError, match="No tier covers"):
            period_cost("tiered", calculation_type, bounded, 11)


def test_per_solution_basis_applies_tiers_to_the_total_quantity():
    price = P(calculation_type="volume", quantity_basis="per_solution")
    # 8 + 8 = 16 units, all at tier 2's £8.
    assert calculate_cost(price, [8, 8], 12, tiers=TIERS).one_off == D("128")


def test_per_recipient_basis_applies_tiers_to_each_recipient_separately():
    price = P(calculation_type="volume", quantity_basis="per_service_recipient")
    # Each recipient's 8 units at tier 1's £10.
    assert calculate_cost(price, [8, 8], 12, tiers=TIERS).one_off == D("160")


def test_one_off_price_is_charged_once_whatever_the_term():
    price = P(price_type="flat", time_unit="")
    cost = calculate_cost(price, 3, 36, tiers=[Tier(1, None, D("650"))])
    assert cost == Cost(one_off=D("1950"), per_month=D(0), per_year=D(0), term_months=36, total=D("1950"))


def test_per_year_price_over_a_term_of_months():
    price = P(price_type="flat", time_unit="year")
    cost = calculate_cost(price, 3747, 36, tiers=[Tier(1, None, D("1.26"))])
    assert cost.per_year == D("4721.22")
    assert cost.per_month == D("4721.22") / 12
    assert cost.total == D("14163.66")  # three years exactly, no rounding drift
    assert cost.one_off == 0


def test_per_year_price_over_a_part_year_term():
    price = P(price_type="flat", time_unit="year")
    assert calculate_cost(price, 1200, 18, tiers=[Tier(1, None, D("1"))]).total == D("1800")


def test_per_month_price_over_a_term():
    price = P(price_type="flat", time_unit="month")
    cost = calculate_cost(price, 10, 24, tiers=[Tier(1, None, D("3.50"))])
    assert (cost.per_month, cost.per_year, cost.total) == (D("35"), D("420"), D("840"))


def test_costs_over_the_same_term_add_up():
    a = Cost(D("1"), D("2"), D("24"), 12, D("25"))
    b = Cost(D("10"), D("1"), D("12"), 12, D("22"))
    assert a + b == Cost(D("11"), D("3"), D("36"), 12, D("47"))
    with pytest.raises(ValueError):
        a + Cost.zero(24)


@pytest.mark.django_db
def test_stored_price_uses_its_stored_tiers():
    price = PriceFactory(
        price_type="tiered",
        calculation_type="cumulative",
        provisioning_type="declarative",
        time_unit="month",
        unit_description="per user",
        tiers=[(1, 10, "10"), (11, None, "8")],
    )
    assert calculate_cost(price, 12, 12).per_month == D("116")


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ([], "at least one tier"),
        ([Tier(2, None, D("1"))], "must start at 1"),
        ([Tier(1, 10, D("1")), Tier(12, None, D("1"))], "must start at 11"),
        ([Tier(1, 10, D("1")), Tier(8, None, D("1"))], "must start at 11"),
        ([Tier(1, 10, D("1"))], "last tier must have no upper bound"),
        ([Tier(1, None, D("1")), Tier(11, None, D("1"))], "no upper bound, so tier 2 can never apply"),
        ([Tier(1, None, D("-1"))], "negative"),
    ],
)
def test_invalid_tiers_are_refused_with_a_reason(tiers, message):
    with pytest.raises(ValidationError, match=message):
        validate_tiers(tiers)


def test_valid_tiers_pass():
    validate_tiers(TIERS)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (D("1.25"), "£1.25"),
        (D("1.2"), "£1.20"),
        (D("1234.5"), "£1,234.50"),
        (D("0.0125"), "£0.0125"),
        (D("0"), "£0.00"),
    ],
)
def test_money_is_shown_in_pounds(amount, text):
    assert format_money(amount) == text


@pytest.mark.django_db
def test_prices_are_described_in_plain_words():
    assert describe_price(PriceFactory()) == "£1.25 per patient per year"
    one_off = PriceFactory(
        provisioning_type="declarative", time_unit="", unit_description="per day", tiers=[(1, None, "650")]
    )
    assert describe_price(one_off) == "£650.00 per day"
    tiered = PriceFactory(
        price_type="tiered",
        calculation_type="volume",
        provisioning_type="declarative",
        time_unit="month",
        unit_description="per user",
        tiers=[(1, 100, "2"), (101, None, "1.5")],
    )
    assert describe_price(tiered) == "from £1.50 per user per month (tiered, volume)"
