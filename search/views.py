"""The catalogue search page, /catalogue/: a search box, facets, price for a list size, sorts and
pages of results, each a card linking to its listing.

It works without JavaScript (a GET form: "Search" and "Apply filters" submit everything); with it,
the search box suggests names as you type (search/static/search/typeahead.js). Bad parameters are
answered with the form, an NHS error summary and status 400. A page costs a fixed number of queries
however many results it has: the backend's (search/service.py), then one for the page's listings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import restrictions
from .filters import SORT_CHOICES, SearchFilterSet
from .query import FACETS, FacetValue, SearchResults
from .results import results_for
from .service import search

TEMPLATE = "search/catalogue.html"
# How many values of a facet show before "Show more" (selected values always show).
FACET_VALUES_SHOWN = 8

FACET_TITLES = {
    "capability": ("Capabilities", "Solutions must meet every capability you choose."),
    "epic": ("Epics", "Solutions must meet every epic you choose."),
    "framework": ("Frameworks", ""),
    "integration": ("Integrations", ""),
    "integration_type": ("Integration types", ""),
    "hosting": ("Hosting", ""),
    "client": ("Application type", ""),
    "supplier": ("Suppliers", ""),
    "foundation": ("Foundation solution", "Meets every foundation capability."),
    "accredited": ("Accreditation", "Every claim met by current test results."),
}
assert set(FACET_TITLES) == set(FACETS)

# Where an error summary's link for each parameter goes: its input, or the filters for a parameter
# that has none (a facet value or a page number that came in a link).
ERROR_TARGETS = {"q": "catalogue-search", "list_size": "list-size", "max_price": "max-price", "sort": "sort"}


@dataclass
class FacetPanel:
    """One facet's fieldset: its values with counts, the first few shown and the rest under
    "Show more"."""

    name: str
    title: str
    hint: str
    shown: list[FacetValue]
    more: list[FacetValue]

    @property
    def selected(self) -> bool:
        return any(value.selected for value in self.shown + self.more)


def facet_panels(results: SearchResults) -> list[FacetPanel]:
    panels = []
    for facet in FACETS:
        values = results.facets.get(facet) or []
        if not values:
            continue
        title, hint = FACET_TITLES[facet]
        shown = [v for i, v in enumerate(values) if i < FACET_VALUES_SHOWN or v.selected]
        more = [v for i, v in enumerate(values) if i >= FACET_VALUES_SHOWN and not v.selected]
        panels.append(FacetPanel(facet, title, hint, shown, more))
    return panels


def catalogue(request: HttpRequest) -> HttpResponse:
    """/catalogue/: search the public listings. No login needed."""
    filterset = SearchFilterSet(request.GET, api=False)
    context = {
        "form": filterset.form,
        "sorts": SORT_CHOICES,
        # Filters other apps registered (search/restrictions.py), ticked as the query string says.
        "restrictions": [
            (restriction, request.GET.get(restriction.parameter) == restrictions.YES)
            for restriction in restrictions.offered(request)
        ],
    }
    valid = filterset.is_valid()
    allowed, restriction_errors = restrictions.allowed_ids(request, request.GET)
    if not valid or restriction_errors:
        context["errors"] = [
            (ERROR_TARGETS.get(name, "filters"), message)
            for name, messages in {**(filterset.errors if not valid else {}), **restriction_errors}.items()
            for message in messages
        ]
        return render(request, TEMPLATE, context, status=400)
    query = replace(filterset.search_query(), solution_ids=allowed)
    results = search(query)
    paginator = Paginator(range(results.total), query.page_size)
    past_the_end = bool(results.total) and query.page > paginator.num_pages
    context.update(
        query=query,
        results=results,
        page_results=results_for(results.hits),
        facets=facet_panels(results),
        # A Django Page (of the hits) for the pagination include.
        page=Page(results.hits, query.page, paginator) if results.hits else None,
        past_the_end=past_the_end,
        last_page=paginator.num_pages,
        filtered=bool(query.filters or query.max_price is not None or allowed is not None),
    )
    return render(request, TEMPLATE, context)
