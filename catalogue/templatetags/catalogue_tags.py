"""Template tags for catalogue pages: prices in plain words and a solution's claims grouped for display.

The wording of prices comes from catalogue.pricing, the one place that knows how a price is charged;
these filters only adapt it to templates. A price may be a stored `Price` (tiers in `price.tiers.all()`)
or a `listing_content.PriceContent` from a supplier's draft (tiers a tuple in `price.tiers`): the price
filters take either. Every tag works on objects loaded through `Solution.objects.with_facts()`, and none
of them queries the database per item (`suspension` costs one query, and only for a suspended listing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import template

from catalogue import pricing
from catalogue.models import CalculationType, ListingAction, ListingStateChange, PublicationState, Solution
from catalogue.models.solutions import CapabilityClaim

register = template.Library()


def _tiers(price) -> list:
    """A price's tiers in order, from a stored Price (prefetched `tiers`) or a PriceContent (a tuple)."""
    tiers = price.tiers
    if hasattr(tiers, "all"):
        tiers = tiers.all()
    return pricing.sorted_tiers(tiers)


@register.filter
def price_tiers(price) -> list:
    """A price's tiers, lowest first, whichever kind of price it is."""
    return _tiers(price)


@register.filter
def describe_price(price) -> str:
    """A list price in plain words: "£1.25 per patient per year"."""
    return pricing.describe_price(price, tiers=_tiers(price))


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
    return len(_tiers(price)) > 1


_LABEL_WORDS = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


@register.filter
def requirement_label(label) -> str:
    """A client application requirement's label as words. Labels a supplier typed are kept (first letter
    capitalised); keys carried over from the old catalogue become words: "BrowsersSupported" becomes
    "Browsers supported", "minimum_connection_speed" "Minimum connection speed", "HSCNRequired"
    "HSCN required"."""
    text = str(label).strip()
    if " " not in text:
        words = _LABEL_WORDS.findall(text)
        if words:
            rest = (word if len(word) > 1 and word.isupper() else word.lower() for word in words[1:])
            text = " ".join([words[0], *rest])
    return text[:1].upper() + text[1:]


@register.simple_tag
def capability_claims(solution: Solution) -> list[CapabilityClaim]:
    """The capabilities a solution claims, each with its claimed epics and their levels (no queries:
    it reads the prefetches of `Solution.objects.with_facts()`)."""
    return solution.capability_claims()


@register.filter
def names(items: Iterable) -> str:
    """Objects joined by their string form: "GP IT Futures, Tech Innovation"."""
    return ", ".join(str(item) for item in items)


@register.filter
def a_to_z(solutions: Iterable) -> list[tuple[str, list]]:
    """Listings grouped by the first letter of their name, A to Z: [("A", [...]), ("B", [...])].
    Names that do not start with a letter go together under "0-9" (digits or other characters), first."""
    groups: dict[str, list] = {}
    for solution in sorted(solutions, key=lambda item: (str(item.name).casefold(), item.pk)):
        first = str(solution.name)[:1].upper()
        letter = first if first.isalpha() and first.isascii() else "0-9"
        groups.setdefault(letter, []).append(solution)
    return sorted(groups.items(), key=lambda group: (group[0] != "0-9", group[0]))


@register.simple_tag
def suspension(solution: Solution) -> ListingStateChange | None:
    """Why a suspended listing was suspended: its latest suspension record (with `reason`, `created_at`),
    or None when the listing is not suspended. The latest suspension rather than the latest state change,
    since the catalogue team may approve a suspended listing's content without lifting the suspension."""
    if solution.publication_state != PublicationState.SUSPENDED:
        return None
    return solution.state_changes.filter(action=ListingAction.SUSPENDED).first()


@register.simple_tag
def service_capabilities(solution: Solution, catalogue_id: str) -> list:
    """The capabilities recorded in the catalogue for one of a solution's published additional services
    (catalogue-owned, so read from the solution, matched by service id). Empty for a service a draft
    has just added. Reads the prefetches of `Solution.objects.with_facts()`."""
    if not catalogue_id:
        return []
    for service in getattr(solution, "public_additional_services", ()):
        if service.catalogue_id == catalogue_id:
            return list(service.capabilities.all())
    return []
