"""The query every caller builds and the results shape every backend returns.

Views, the API and the benchmark build a `SearchQuery` (from request parameters, through
search/filters.py) and call `search.service.search(query)`; backends never see a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# The facets, in the order the page shows them. "all" facets need every selected value (a solution
# must meet every capability asked for); "any" facets need one of them.
FACETS: dict[str, str] = {
    "capability": "all",
    "epic": "all",
    "framework": "any",
    "integration": "any",
    "integration_type": "any",
    "hosting": "any",
    "client": "any",
    "supplier": "any",
    "foundation": "any",
    "accredited": "any",
}

SORTS = ("relevance", "name", "-name", "-published", "price")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet -> selected values
    list_size: int | None = None
    max_price: Decimal | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    # Only these listings (a restriction such as "works with our systems", search/restrictions.py);
    # None: no restriction. Applied inside the candidate set, so facets and totals respect it.
    solution_ids: frozenset[int] | None = None

    def selected(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool
    label: str = ""


@dataclass
class Hit:
    solution_id: int
    score: float | None = None
    snippet: str = ""  # HTML: escaped text with <mark> around matches
    price: Decimal | None = None  # first-year cost at the query's list size, when one was given


@dataclass
class SearchResults:
    query: SearchQuery
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    corrected_text: str = ""  # the text searched for, when words were corrected
    backend: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))
