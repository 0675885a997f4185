"""The facet matrix each process holds (search/facet_matrix.py): read whole, it holds what the documents
hold; patched after single-listing writes, it comes out exactly as a whole read would; after a
rebuild or a lost chain of changes, it is read whole. Runs on PostgreSQL (the binary read) and again
on SQLite (tests/search/test_sqlite_parity.py)."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import PublicationState, Solution
from search import facet_matrix, indexing
from search.backends import database_backend
from search.models import ListingDocument
from search.query import SearchQuery
from search.service import search

from .catalogue import build_search_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids():
    return build_search_catalogue()


def test_the_matrix_holds_what_the_documents_hold(ids):
    """The binary read of the covering index gives each listing its codes, and the name and
    publication orders the database would give."""
    matrix = facet_matrix.load("test")
    documents = list(ListingDocument.objects.order_by("solution_id"))
    assert matrix.ids.tolist() == [d.solution_id for d in documents]
    for row, document in enumerate(documents):
        codes = matrix.codes[matrix.row_of == row]
        assert sorted(codes.tolist()) == sorted(document.facet_codes)
        for code in document.facet_codes:
            assert row in matrix.rows_by_code[matrix.code_ptr[code] : matrix.code_ptr[code + 1]]
    by_name = [documents[row].name_sort for row in np.argsort(matrix.name_rank, kind="stable")]
    assert by_name == sorted(d.name_sort for d in documents)
    latest_first = [documents[row].solution_id for row in np.argsort(matrix.published_rank)]
    assert latest_first == [
        d.solution_id for d in sorted(documents, key=lambda d: d.published_at, reverse=True)
    ]


ARRAYS = ("ids", "indptr", "codes", "row_of", "code_ptr", "rows_by_code", "name_rank", "published_rank")


def assert_same(patched, loaded) -> None:
    for name in ARRAYS:
        assert np.array_equal(getattr(patched, name), getattr(loaded, name)), name
    assert np.array_equal(patched.published, loaded.published, equal_nan=True)
    assert patched.names.tolist() == loaded.names.tolist()
    assert patched.name_values.tolist() == loaded.name_values.tolist()
    assert (patched.code_value, patched.token) == (loaded.code_value, loaded.token)
    assert np.array_equal(patched.code_facet, loaded.code_facet)


def test_a_process_patches_its_matrix_with_just_the_listings_written(ids):
    """After single-listing writes (an edit, a new listing, a removal), the matrix a process holds is
    patched from the chain of changes, and comes out exactly as reading everything would give."""
    before = facet_matrix.current()
    triage, video = (
        Solution.objects.get(pk=ids["Triageflow"]),
        Solution.objects.get(pk=ids["Consultly Video"]),
    )
    Solution.objects.filter(pk=triage.pk).update(name="Aardvark Triage")  # first by name now
    triage.frameworks.clear()
    indexing.reindex([triage.pk])
    Solution.objects.filter(pk=video.pk).update(publication_state=PublicationState.SUSPENDED)
    indexing.reindex([video.pk])
    hidden = Solution.objects.get(name="Hidden Draft Consult")
    Solution.objects.filter(pk=hidden.pk).update(publication_state=PublicationState.PUBLISHED)
    indexing.reindex([hidden.pk])

    patched = facet_matrix.patched(before)
    assert patched is not None
    assert_same(patched, facet_matrix.load(facet_matrix.token()))
    assert video.pk not in patched.ids and hidden.pk in patched.ids
    # And searches use it: the patched listing's new name and facets count.
    results = search(SearchQuery(sort="name", filters={"framework": ("TIF001",)}))
    assert [hit.solution_id for hit in results.hits] == [ids["Prescribe Right"]]
    assert search(SearchQuery(sort="name")).hits[0].solution_id == triage.pk


def test_a_rebuild_or_a_lost_chain_means_reading_everything(ids, monkeypatch):
    before = facet_matrix.current()
    indexing.rebuild()
    assert facet_matrix.patched(before) is None  # a rebuild may have changed any listing

    before = facet_matrix.current()
    monkeypatch.setattr(facet_matrix, "KEPT_CHANGES", 1)
    for name in ("Triageflow", "Consultly Online"):
        indexing.reindex([ids[name]])
    assert facet_matrix.patched(before) is None  # the change after `before` was pruned
    assert_same(facet_matrix.current(), facet_matrix.load(facet_matrix.token()))


def test_a_text_cached_before_a_patch_is_carried_over_and_answers_as_a_fresh_match(ids):
    """A buyer's text, matched before a few listings were reindexed, is carried over to the patched
    matrix: only the changed listings are matched again, and the answer is what a fresh match gives."""
    query = SearchQuery(text="consultation", sort="relevance")
    before = search(query)
    assert ids["Consultly Video"] in [hit.solution_id for hit in before.hits]
    Solution.objects.filter(pk=ids["Prescribe Right"]).update(summary="Prescribing after a consultation.")
    Solution.objects.filter(pk=ids["Consultly Video"]).update(publication_state=PublicationState.SUSPENDED)
    indexing.reindex([ids["Prescribe Right"], ids["Consultly Video"]])

    with CaptureQueriesContext(connection) as queries:
        carried = search(query)
    rematched = [q["sql"] for q in queries if "d.solution_id IN (" in q["sql"]]
    # The changed listings only, not the whole text match; SQLite's bm25 weighs words by the whole
    # corpus, so there every listing's rank may change and the text is matched again in full.
    assert len(rematched) == (1 if database_backend().rank_is_per_listing else 0)

    facet_matrix.current().cache.clear()
    facet_matrix.current().carried.clear()
    fresh = search(query)
    assert [(h.solution_id, h.score) for h in carried.hits] == [(h.solution_id, h.score) for h in fresh.hits]
    assert (carried.total, carried.facets) == (fresh.total, fresh.facets)
    found = [hit.solution_id for hit in carried.hits]
    assert ids["Prescribe Right"] in found and ids["Consultly Video"] not in found
