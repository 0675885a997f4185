"""`{% listing_panels solution %}`: the panels other apps registered for listing pages
(catalogue/extensions.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from catalogue.extensions import render_listing_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def listing_panels(context: template.Context, solution) -> SafeString:
    return render_listing_panels(context.get("request"), solution)
