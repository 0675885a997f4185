"""The contracts panel on the buyer's dashboard (/buyer/): compliance flags on the organisation's live
orders and the way to its contracts ending soon. A template tag, because the dashboard's view belongs
to procurement, which contracts builds on and which must not import it."""

from __future__ import annotations

from django import template

from ..models import ComplianceFlag
from ..services import order_url

register = template.Library()


@register.inclusion_tag("contracts/includes/dashboard_panel.html")
def contracts_panel(organisation) -> dict:
    flags = (
        ComplianceFlag.objects.open()
        .for_organisation(organisation)
        .select_related("order")
        .order_by("-raised_at", "-pk")
    )
    flags = list(flags)
    for flag in flags:
        flag.order_url = order_url(flag.order)
    return {"organisation": organisation, "flags": flags}
