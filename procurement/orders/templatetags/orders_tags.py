"""Template helpers of the order pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("orders/includes/date_input.html")
def date_input(form, name: str, label: str, hint: str = "") -> dict:
    """The NHS date input for the three fields forms.DateParts added as `name`."""
    return {
        "name": name,
        "label": label,
        "hint": hint,
        "day": form[f"{name}_day"],
        "month": form[f"{name}_month"],
        "year": form[f"{name}_year"],
    }
