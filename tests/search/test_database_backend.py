"""The PostgreSQL side of the database backend: the narrow text table its trigger keeps, and ranking
done in the match or after the filters (docs/search.md)."""

import pytest
from django.db import connection

from catalogue.models import PublicationState, Solution
from search import facet_matrix, indexing
from search.backends import database_backend
from search.models import ListingDocument, ListingText
from search.query import SearchQuery
from search.service import search

from .catalogue import build_search_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids():
    return build_search_catalogue()


def matches_text(solution_id: int, word: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector @@ to_tsquery('english', %s) FROM search_listingtext "
            "WHERE solution_id = %s",
            [word, solution_id],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_every_document_has_its_text_vector_and_only_while_it_is_indexed(ids):
    assert set(ListingText.objects.values_list("document_id", flat=True)) == set(
        ListingDocument.objects.values_list("solution_id", flat=True)
    )
    triage = Solution.objects.get(pk=ids["Triageflow"])
    assert matches_text(triage.pk, "triageflow") and not matches_text(triage.pk, "prescribing")

    # An edit reindexes the listing: its vector follows the new text, still one row.
    Solution.objects.filter(pk=triage.pk).update(summary="Electronic prescribing for dispensers.")
    indexing.reindex([triage.pk])
    assert ListingText.objects.filter(document_id=triage.pk).count() == 1
    assert matches_text(triage.pk, "dispensers")

    # Suspended: out of the index, text and all.
    Solution.objects.filter(pk=triage.pk).update(publication_state=PublicationState.SUSPENDED)
    indexing.reindex([triage.pk])
    assert not ListingText.objects.filter(document_id=triage.pk).exists()
    assert search(SearchQuery(text="dispensers")).total == 0


def test_a_rebuild_leaves_one_vector_per_document(ids):
    indexing.rebuild()
    assert ListingText.objects.count() == ListingDocument.objects.count() == 4
    assert search(SearchQuery(text="triageflow")).hits[0].solution_id == ids["Triageflow"]


def test_ranking_after_the_filters_orders_as_ranking_in_the_match(ids):
    """A text alone is ranked as it is matched; with filters, only the results are ranked, later.
    Either way a listing gets the same score, so the order of what both show agrees."""
    backend = database_backend()
    assert backend.ranks_in_match(SearchQuery(text="consultation"))
    filtered = SearchQuery(text="consultation", filters={"accredited": ("yes",)})
    assert not backend.ranks_in_match(filtered)

    def scores(query):
        facet_matrix.current().cache.clear()  # each query matches (and ranks) afresh
        return [(hit.solution_id, hit.score) for hit in search(query).hits]

    alone = scores(SearchQuery(text="consultation"))
    after = scores(filtered)
    accredited = set(Solution.objects.filter(is_accredited=True).values_list("pk", flat=True))
    assert after == [(pk, score) for pk, score in alone if pk in accredited]
    assert len(after) == 2 and all(score > 0 for _, score in after)
    # Refining a text already matched (and ranked) reuses the cached ranks: the same answer again.
    search(SearchQuery(text="consultation"))
    assert [(h.solution_id, h.score) for h in search(filtered).hits] == after
