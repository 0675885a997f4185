"""Template tags for catalogue pages: prices in plain words and a solution's claims grouped for display.

The wording of prices comes from catalogue.pricing, the one place that knows how a price is charged;
these filters only adapt it to templates. Every tag works on objects loaded through
`Solution.objects.with_facts()`, and none of them queries the database per item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import template

from catalogue import pricing
from catalogue.models import CalculationType, Solution
from catalogue.models.solutions import CapabilityClaim

register = template.Library()


@register.filter
def describe_price(price) -> str:
    """A list price in plain words: "£1.25 per patient per year"."""
    return pricing.describe_price(price)


@register.filter
def describe_tier(tier, range_description: str = "") -> str:
    """A tier's range in words: "1 to 999 patients", "1,000 or more patients"."""
    return pricing.describe_tier(tier, range_description or "")


@register.filter
def money(amount) -> str:
    """£1,234.56 (sub-penny unit prices keep their decimals)."""
    if amount is None or amount == "":
        return ""
    return pricing.format_money(amount)


@register.filter
def tier_price(tier, price) -> str:
    """What one tier of a tiered price costs: per unit ("£0.90 per user per month"), or for a
    single-fixed price one amount for the whole band ("£1,200.00 per year")."""
    if price.calculation_type == CalculationType.SINGLE_FIXED:
        period = f" {price.get_time_unit_display()}" if price.time_unit else ""
        return f"{pricing.format_money(tier.unit_price)}{period}"
    return pricing.describe_price(price, tiers=[tier])


@register.filter
def has_tiers(price) -> bool:
    """Whether a price has more than one tier, and so a table of them is worth showing."""
    return len(price.tiers.all()) > 1


@register.filter
def labelled_items(details: Mapping | None) -> list[tuple[str, str]]:
    """A free-form mapping (such as a solution's client application details) as (label, text) pairs:
    "minimum_connection_speed" becomes "Minimum connection speed"; lists are joined; booleans say
    Yes or No; empty values are left out."""
    if not isinstance(details, Mapping):
        return []
    items = []
    for key, value in details.items():
        label = str(key).replace("_", " ").strip()
        label = label[:1].upper() + label[1:]
        if isinstance(value, bool):
            text = "Yes" if value else "No"
        elif isinstance(value, list | tuple):
            text = ", ".join(str(item) for item in value if item not in (None, ""))
        elif value is None:
            text = ""
        else:
            text = str(value)
        if text:
            items.append((label, text))
    return items


@register.simple_tag
def capability_claims(solution: Solution) -> list[CapabilityClaim]:
    """The capabilities a solution claims, each with its claimed epics and their levels (no queries:
    it reads the prefetches of `Solution.objects.with_facts()`)."""
    return solution.capability_claims()


@register.filter
def names(items: Iterable) -> str:
    """Objects joined by their string form: "GP IT Futures, Tech Innovation"."""
    return ", ".join(str(item) for item in items)
