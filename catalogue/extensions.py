"""Extension points: ways for apps later in the dependency order (procurement) to add to catalogue
and CMS pages without those apps importing them.

Listing panels: a panel is a callable `(request, solution) -> HTML or None`, registered once (in the
registering app's `AppConfig.ready()`) and rendered on every listing page, the CMS's and the
catalogue's own, below the listing's summary (`{% listing_panels solution %}` from
catalogue/templatetags/listing_panels.py). A panel returns None when it has nothing to say to this
request (such as an anonymous visitor); its HTML must be escaped by the panel (render a template).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Solution

logger = logging.getLogger(__name__)

ListingPanel = Callable[["HttpRequest", "Solution"], "str | None"]
_listing_panels: dict[str, ListingPanel] = {}


def register_listing_panel(name: str, panel: ListingPanel) -> None:
    """Add (or, under the same name, replace: ready() may run twice in tests) a listing panel."""
    _listing_panels[name] = panel


def unregister_listing_panel(name: str) -> None:
    _listing_panels.pop(name, None)


def render_listing_panels(request: HttpRequest | None, solution: Solution) -> SafeString:
    """Every registered panel's HTML for this request and solution, in registration order."""
    if request is None:
        return mark_safe("")
    parts = []
    for panel in _listing_panels.values():
        html = panel(request, solution)
        if html:
            parts.append(html)
    # Each panel rendered its own HTML through a template, escaping what it shows.
    return mark_safe("\n".join(parts))
