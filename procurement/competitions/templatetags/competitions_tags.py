"""Small helpers for the competition templates, and the /buyer/ dashboard's "Competitions" section."""

from __future__ import annotations

from django import template

from ..models import Competition

register = template.Library()


@register.filter
def get(mapping, key):
    """mapping[key], or None: for errors keyed by an input's id."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def joined(messages) -> str:
    return " ".join(messages or [])


@register.inclusion_tag("competitions/includes/dashboard_section.html", takes_context=True)
def competitions_section(context, organisation):
    """The dashboard's competitions: the acting organisation's, newest first (the page is only shown to
    its buyers, and the queryset asks again)."""
    user = context["request"].user
    competitions = (
        Competition.objects.for_organisation(organisation)
        .visible_to(user)
        .select_related("created_by", "order")[:20]
    )
    return {"competitions": list(competitions)}
