"""A page of search hits as the pages show them: each hit beside its listing. Used by the catalogue
search page and by procurement's shortlists (which run saved searches)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from catalogue.models import PublicationState, Solution

from .query import Hit

PENNY = Decimal("0.01")


@dataclass
class Result:
    """One result: the hit (score, snippet, price) and its listing."""

    hit: Hit
    solution: Solution

    @property
    def snippet(self) -> SafeString:
        # Built by the backend: the listing's text escaped, only the <mark> tags added.
        return mark_safe(self.hit.snippet)

    @property
    def price(self) -> Decimal | None:
        """The first-year cost at the query's list size, to the penny."""
        return None if self.hit.price is None else self.hit.price.quantize(PENNY)

    @property
    def in_remediation(self) -> bool:
        return self.solution.publication_state == PublicationState.IN_REMEDIATION


def results_for(hits: Sequence[Hit], listings: QuerySet[Solution] | None = None) -> list[Result]:
    """The listings of a page of hits, in the hits' order, in one query: among `listings` (the public
    ones by default). A hit whose listing is not among them (such as one unpublished since the index
    was updated) is left out."""
    ids = [hit.solution_id for hit in hits]
    if not ids:
        return []
    listings = Solution.objects.published() if listings is None else listings
    solutions = listings.select_related("supplier__organisation").in_bulk(ids)
    return [Result(hit, solutions[hit.solution_id]) for hit in hits if hit.solution_id in solutions]
