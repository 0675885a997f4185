"""The index follows the catalogue: publication, suspension, live edits and conformance changes reindex
just that listing after the change commits; `search_index` rebuilds and checks."""

import time
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from catalogue import services
from catalogue.listing_content import ListingContent
from catalogue.models import PublicationState, Solution
from search.models import FacetCode, ListingDocument
from search.query import SearchQuery
from search.service import search
from search.tasks import reindex_listing, reindex_listings
from tests.factories.listings import build_listing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the reindex debounce keys live in the cache


def indexed(solution) -> bool:
    return ListingDocument.objects.filter(pk=solution.pk).exists()


def content(solution) -> ListingContent:
    return ListingContent.from_solution(Solution.objects.with_facts().get(pk=solution.pk))


def test_approval_puts_a_listing_in_the_index_after_commit(
    supplier_a, moderator, django_capture_on_commit_callbacks
):
    solution = build_listing(
        supplier_a, publication_state=PublicationState.SUBMITTED, name="Brightline Consult"
    )
    assert not indexed(solution)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_listing(solution, content(solution), user=moderator)
        assert not indexed(solution)  # nothing before the commit
    assert indexed(solution)
    assert [h.solution_id for h in search(SearchQuery(text="brightline")).hits] == [solution.pk]


def test_suspension_and_unpublishing_take_a_listing_out(
    supplier_a, moderator, django_capture_on_commit_callbacks
):
    suspended = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    unpublished = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    reindex_listings([suspended.pk, unpublished.pk])
    assert indexed(suspended) and indexed(unpublished)
    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_listing(suspended, user=moderator, reason="Clinical safety case under review")
        services.unpublish_listing(unpublished, user=moderator, reason="Withdrawn from the framework")
    assert not indexed(suspended) and not indexed(unpublished)
    with django_capture_on_commit_callbacks(execute=True):
        services.restore_listing(suspended, user=moderator, reason="Safety case accepted")
    assert indexed(suspended)


def test_an_approved_edit_of_a_live_listing_is_reindexed(
    supplier_a, moderator, django_capture_on_commit_callbacks
):
    solution = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    reindex_listing(solution.pk)
    before = ListingDocument.objects.get(pk=solution.pk).source_hash
    edited = ListingContent(
        **{**content(solution).__dict__, "summary": "Now with a kaleidoscope of features."}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_listing(solution, edited, user=moderator)
    document = ListingDocument.objects.get(pk=solution.pk)
    assert document.source_hash != before and "kaleidoscope" in document.summary
    assert [h.solution_id for h in search(SearchQuery(text="kaleidoscope")).hits] == [solution.pk]


def test_reindexing_twice_gives_the_same_index(supplier_a):
    solution = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    reindex_listing(solution.pk)
    fields = ("source_hash", "name", "facet_codes")
    first = list(ListingDocument.objects.filter(pk=solution.pk).values(*fields))
    assert first[0]["facet_codes"], "the document has its facet values"
    codes = FacetCode.objects.count()
    reindex_listing(solution.pk)
    assert list(ListingDocument.objects.filter(pk=solution.pk).values(*fields)) == first
    assert FacetCode.objects.count() == codes


def test_check_reports_missing_stale_and_extra_and_rebuild_repairs(supplier_a):
    kept = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    missing = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    gone = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    reindex_listings([kept.pk, gone.pk])
    Solution.objects.filter(pk=kept.pk).update(summary="Changed behind the index's back")
    Solution.objects.filter(pk=gone.pk).update(publication_state=PublicationState.SUSPENDED)

    out = StringIO()
    with pytest.raises(CommandError, match="does not match"):
        call_command("search_index", "--check", stdout=out)
    report = out.getvalue()
    assert f"missing: 1 ({missing.catalogue_id})" in report
    assert f"stale: 1 ({kept.catalogue_id})" in report
    assert f"extra: 1 ({gone.catalogue_id})" in report

    call_command("search_index", "--rebuild", stdout=StringIO())
    out = StringIO()
    call_command("search_index", "--check", stdout=out)
    assert "missing: 0" in out.getvalue() and "stale: 0" in out.getvalue() and "extra: 0" in out.getvalue()


@pytest.mark.worker
def test_a_publish_is_visible_in_search_within_seconds_through_a_real_worker(
    transactional_db, supplier_a, moderator, celery_worker_process, send_to_worker, monkeypatch
):
    queue, _ = celery_worker_process
    # Eager mode is off (send_to_worker); route the reindex tasks to this test's worker.
    for task in (reindex_listing, reindex_listings):
        monkeypatch.setattr(task, "queue", queue, raising=False)
        monkeypatch.setattr(task, "_exec_options", None)
    solution = build_listing(
        supplier_a, publication_state=PublicationState.SUBMITTED, name="Quillfeather Notes"
    )

    services.approve_listing(solution, content(solution), user=moderator)  # commits; the task is queued
    assert not indexed(solution)  # this process did not index it

    started = time.monotonic()
    while time.monotonic() - started < 30 and not indexed(solution):
        time.sleep(0.25)
    assert indexed(solution), "the worker did not index the listing within 30 s"
    assert [h.solution_id for h in search(SearchQuery(text="quillfeather")).hits] == [solution.pk]


def test_the_unfiltered_catalogue_is_cached_until_the_index_changes(
    supplier_a, django_capture_on_commit_callbacks
):
    first = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        reindex_listing(first.pk)
    assert [h.solution_id for h in search(SearchQuery()).hits] == [first.pk]

    second = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    # Written behind the index's back (no reindex): the cached answer stands...
    from search import documents

    documents.store(list(documents.iter_built([second.pk])))
    assert search(SearchQuery()).total == 1
    # ...while a search with text or filters is never cached.
    assert search(SearchQuery(filters={"supplier": (supplier_a.code,)})).total == 2

    # A reindex moves the generation on: the next visitor sees the new listing.
    with django_capture_on_commit_callbacks(execute=True):
        reindex_listing(second.pk)
    assert sorted(h.solution_id for h in search(SearchQuery()).hits) == sorted([first.pk, second.pk])
