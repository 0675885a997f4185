"""A shortlist's search: catalogue search parameters validated and normalised for storing, and turned
back into a `SearchQuery` to run.

Parameters are validated by search's own `SearchFilterSet` (the same rules and messages as the
catalogue page) and stored as the values the index holds, as lists of strings: that is what
/catalogue/ takes in its query string, so "Change the search" reopens it exactly. A stored value that
has since left the catalogue (a retired capability) is not an error when the shortlist is run: it
simply matches nothing, as the search would.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode

from django.http import QueryDict

from search.filters import SearchFilterSet
from search.query import FACETS, FacetValue, SearchQuery, SearchResults
from search.service import label_facets, search

# Known matches are tracked for the newest this many solutions of a search: a search matching more
# than this is too broad to shortlist usefully, and newly published solutions come first.
MATCH_LIMIT = 2000
PAGE_SIZE = 20

FACET_NAMES = {
    "capability": "Capabilities",
    "epic": "Epics",
    "framework": "Frameworks",
    "integration": "Integrations",
    "integration_type": "Integration types",
    "hosting": "Hosting",
    "client": "Application types",
    "supplier": "Suppliers",
    "foundation": "Foundation solution",
    "accredited": "Accreditation",
}


class InvalidSearch(ValueError):
    """Search parameters that do not validate; `messages` says what is wrong with each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def normalise(data: QueryDict | Mapping[str, list[str] | str]) -> dict[str, list[str] | str]:
    """The stored form of search parameters (page and page size dropped). Raises InvalidSearch."""
    data = data.copy() if isinstance(data, QueryDict) else dict(data)
    for key in ("page", "page_size"):
        data.pop(key, None)
    filterset = SearchFilterSet(data, api=False)
    if not filterset.is_valid():
        raise InvalidSearch([message for messages in filterset.errors.values() for message in messages])
    query = filterset.search_query()
    parameters: dict[str, list[str] | str] = {}
    if query.text:
        parameters["q"] = query.text
    for facet in FACETS:
        if values := query.selected(facet):
            parameters[facet] = list(values)
    if query.list_size is not None:
        parameters["list_size"] = str(query.list_size)
    if query.max_price is not None:
        parameters["max_price"] = str(query.max_price)
    if query.sort != "relevance":
        parameters["sort"] = query.sort
    return parameters


def query_for(parameters: Mapping, *, page: int = 1, page_size: int = PAGE_SIZE) -> SearchQuery:
    """The query stored parameters ask for (built directly: they were validated when saved)."""
    list_size = parameters.get("list_size")
    max_price = parameters.get("max_price")
    return SearchQuery(
        text=parameters.get("q", ""),
        filters={facet: tuple(parameters[facet]) for facet in FACETS if parameters.get(facet)},
        list_size=int(list_size) if list_size else None,
        max_price=Decimal(max_price) if max_price and list_size else None,
        sort=parameters.get("sort", "relevance"),
        page=page,
        page_size=page_size,
    )


def run(parameters: Mapping, *, page: int = 1, page_size: int = PAGE_SIZE) -> SearchResults:
    return search(query_for(parameters, page=page, page_size=page_size))


def matching_ids(parameters: Mapping, limit: int = MATCH_LIMIT) -> list[int]:
    """The solutions the search matches now (the newest `limit` of them), newest first."""
    query = dataclasses.replace(query_for(parameters, page_size=limit), sort="-published")
    return [hit.solution_id for hit in search(query).hits]


def querystring(parameters: Mapping) -> str:
    """The parameters as /catalogue/'s query string (without the "?")."""
    return urlencode(
        [(key, value) for key, values in parameters.items() for value in _as_list(values)], doseq=False
    )


def describe(parameters: Mapping) -> list[tuple[str, str]]:
    """(what, values in words) for each part of the search, for people to read."""
    rows: list[tuple[str, str]] = []
    if parameters.get("q"):
        rows.append(("Search words", parameters["q"]))
    facets = {
        facet: [FacetValue(value, 0, True) for value in _as_list(parameters[facet])]
        for facet in FACETS
        if parameters.get(facet)
    }
    for facet, values in label_facets(facets).items():
        rows.append((FACET_NAMES[facet], ", ".join(value.label or value.value for value in values)))
    if parameters.get("list_size"):
        rows.append(("Practice list size", f"{int(parameters['list_size']):,} patients"))
    if parameters.get("max_price"):
        rows.append(("Maximum first-year price", f"£{Decimal(parameters['max_price']):,.2f}"))
    return rows


def _as_list(values) -> list[str]:
    return list(values) if isinstance(values, (list, tuple)) else [values]
