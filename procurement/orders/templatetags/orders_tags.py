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


@register.inclusion_tag("orders/includes/dashboard_section.html", takes_context=True)
def orders_dashboard_section(context, organisation, limit: int = 5) -> dict:
    """The "Orders" section of /buyer/: the organisation's latest orders and counts by status. The
    buyer dashboard only renders this tag, so procurement.buying never imports the orders app."""
    from django.db.models import Count

    from ..models import Order

    request = context["request"]
    orders = Order.objects.for_organisation(organisation).visible_to(request.user)
    counts = dict(orders.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "orders": list(orders.order_by("-created_at", "-pk")[:limit]),
        "in_progress": counts.get("in_progress", 0),
        "live": counts.get("completed", 0) + counts.get("accepted", 0),
        "total": sum(counts.values()),
    }
