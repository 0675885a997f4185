"""The Elasticsearch backend against osmem-server (or the cluster at ELASTICSEARCH_URL): rebuilding
swaps the alias with searches answered throughout, a changed listing is reindexed alone, a missing
cluster or index falls back to the database, and every answer agrees with the database backend's."""

import itertools
import socket
from decimal import Decimal

import pytest
from django.core.cache import cache

from catalogue import services
from catalogue.models import Solution
from search.backends import database_backend
from search.es_testing import plain_mimetype
from search.query import SearchQuery
from search.service import search

from .catalogue import build_search_catalogue

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ids_of(results) -> list[int]:
    return [hit.solution_id for hit in results.hits]


def test_the_test_node_sends_plain_json():
    assert plain_mimetype("application/vnd.elasticsearch+json; compatible-with=8") == "application/json"
    assert plain_mimetype("application/vnd.elasticsearch+x-ndjson; compatible-with=8") == (
        "application/x-ndjson"
    )
    assert plain_mimetype("application/json") == "application/json"


def test_rebuild_swaps_the_alias_and_searches_answer_throughout(es_backend):
    ids = build_search_catalogue()  # indexes into Elasticsearch too: SEARCH_BACKEND is elasticsearch
    client = es_backend.client
    [first] = es_backend.indices()
    seen_during = []

    def progress(done, total):
        # Mid-load: the alias still points at the complete old index, and searches use it.
        results = search(SearchQuery(sort="name"))
        seen_during.append((es_backend.indices(), results.backend, results.total))

    assert es_backend.rebuild(progress=progress) == 4
    [second] = es_backend.indices()
    assert second != first
    assert not client.indices.exists(index=first)  # the old index is gone
    assert seen_during == [([first], "elasticsearch", 4)] * 4
    results = search(SearchQuery(sort="name"))
    assert (results.backend, results.total) == ("elasticsearch", 4)
    assert set(ids_of(results)) == set(ids.values())


def test_writes_before_the_first_rebuild_build_the_index(es_backend, settings):
    settings.SEARCH_BACKEND = "database"
    ids = build_search_catalogue()  # the database read model only
    settings.SEARCH_BACKEND = "elasticsearch"
    assert es_backend.indices() == []
    es_backend.index([], remove=[ids["Triageflow"]])  # no alias yet: it builds the whole index
    assert len(es_backend.indices()) == 1
    assert search(SearchQuery()).total == 4


def test_a_suspended_listing_leaves_the_index_and_a_restored_one_returns(
    es_backend, moderator, django_capture_on_commit_callbacks
):
    cache.clear()  # the reindex debounce keys live in the cache
    ids = build_search_catalogue()
    client = es_backend.client
    triage = Solution.objects.get(pk=ids["Triageflow"])
    other = str(ids["Consultly Online"])
    version = client.get(index=es_backend.alias, id=other)["_version"]

    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_listing(triage, user=moderator, reason="Clinical safety case under review")
    assert not client.exists(index=es_backend.alias, id=str(triage.pk))
    results = search(SearchQuery(text="consultation"))
    assert results.backend == "elasticsearch"
    assert triage.pk not in ids_of(results) and results.total == 2
    assert client.get(index=es_backend.alias, id=other)["_version"] == version  # only that listing

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.restore_listing(triage, user=moderator, reason="Safety case accepted")
    assert client.exists(index=es_backend.alias, id=str(triage.pk))
    assert triage.pk in ids_of(search(SearchQuery(text="consultation")))
    assert search(SearchQuery(filters={"capability": ("C43", "C44")})).total == 1


def test_an_unreachable_cluster_falls_back_to_the_database_and_health_is_degraded(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ids = build_search_catalogue()  # with the database backend
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    settings.HEALTH_CHECK_TIMEOUT = 0.5

    results = search(SearchQuery(text="consultaton", filters={"capability": ("C43",)}, sort="name"))
    assert results.backend == "database (fallback)"
    assert ids_of(results) == [ids["Consultly Online"], ids["Triageflow"]]

    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["degraded"], body["down"]) == ("degraded", ["search"], [])
    assert body["checks"]["search"]["fallback"] == "database"


def test_a_missing_index_falls_back_too_and_health_says_why(es_backend, settings, client):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SEARCH_BACKEND = "database"
    build_search_catalogue()
    settings.SEARCH_BACKEND = "elasticsearch"
    assert search(SearchQuery()).backend == "database (fallback)"
    body = client.get("/health/").json()
    assert body["degraded"] == ["search"] and "search_index --rebuild" in body["checks"]["search"]["error"]
    es_backend.rebuild()
    assert search(SearchQuery()).backend == "elasticsearch"
    body = client.get("/health/").json()
    assert body["checks"]["search"]["status"] == "up" and body["degraded"] == []


def test_type_ahead_on_listing_names(es_backend):
    build_search_catalogue()
    assert es_backend.suggest("consu") == ["Consultly Online", "Consultly Video"]
    assert es_backend.suggest("triage") == ["Triageflow"]


# The combinations below run on both backends and must give the same total, the same facet counts
# and (for the orders that do not depend on how an engine scores) the same hits in the same order
# with the same prices.
TEXTS = ["", "consultation", "video consultation", "online triage", "prescribing"]
FILTERS = [
    {},
    {"capability": ("C43",)},
    {"capability": ("C43", "C44")},
    {"epic": ("E00039",)},
    {"hosting": ("public_cloud", "on_premise"), "accredited": ("yes",)},
    {"framework": ("TIF001",), "client": ("browser_based", "native_desktop")},
    {"supplier": ("99000",), "integration": ("IM1", "GP Connect")},
]
PRICES = [(None, None), (8000, None), (8000, Decimal("9000")), (4000, Decimal("2000.5"))]
SORTS = ["name", "-name", "-published", "price", "relevance"]


def summary(results, ordered: bool):
    facets = {
        facet: sorted((v.value, v.count, v.selected) for v in values)
        for facet, values in results.facets.items()
    }
    hits = [(h.solution_id, h.price) for h in results.hits]
    return results.total, facets, (hits if ordered else sorted(hits))


def test_every_answer_agrees_with_the_database_backend(es_backend):
    build_search_catalogue()
    database = database_backend()
    combinations = itertools.product(TEXTS, FILTERS, SORTS)
    # Every text, filter and sort; the price options in turn (4 of them against 5 sorts: every pairing).
    for number, (text, filters, sort) in enumerate(combinations):
        list_size, max_price = PRICES[number % len(PRICES)]
        query = SearchQuery(text=text, filters=filters, list_size=list_size, max_price=max_price, sort=sort)
        ordered = sort != "relevance" or not text
        expected = search(query, backend=database)
        got = search(query, backend=es_backend)
        assert got.backend == "elasticsearch"
        assert summary(got, ordered) == summary(expected, ordered), query
        assert [bool(h.snippet) for h in got.hits] == [bool(h.snippet) for h in expected.hits], query
    for page in (1, 2, 3):  # pages of a price sort come from the ordered ids
        query = SearchQuery(list_size=8000, sort="price", page=page, page_size=1)
        expected = summary(search(query, backend=database), True)
        assert summary(search(query, backend=es_backend), True) == expected


def test_a_price_sort_pages_through_every_matching_id(es_backend, monkeypatch):
    from search.backends import elasticsearch

    build_search_catalogue()
    monkeypatch.setattr(elasticsearch, "FETCH_SIZE", 1)  # one id per request: search_after at work
    database = database_backend()
    for text, max_price in (("", None), ("consultation", Decimal("10000"))):
        query = SearchQuery(text=text, list_size=8000, max_price=max_price, sort="price", page_size=2)
        expected = search(query, backend=database)
        assert summary(search(query, backend=es_backend), True) == summary(expected, True)


def test_listings_without_a_publication_date_come_last_when_newest_first(es_backend):
    from search.indexing import reindex

    ids = build_search_catalogue()
    Solution.objects.filter(pk=ids["Prescribe Right"]).update(published_at=None)
    reindex([ids["Prescribe Right"]])  # both the read model and Elasticsearch
    query = SearchQuery(sort="-published")
    expected = [
        ids[name] for name in ("Consultly Video", "Triageflow", "Consultly Online", "Prescribe Right")
    ]
    assert ids_of(search(query, backend=database_backend())) == expected
    assert ids_of(search(query, backend=es_backend)) == expected
