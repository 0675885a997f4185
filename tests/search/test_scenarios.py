"""Every search scenario, run against each backend: the same matches, counts and orders everywhere.

The `backend` fixture runs each one on the database backend (PostgreSQL here; SQLite through
test_sqlite_parity.py) and on Elasticsearch (osmem-server, or a real cluster when ELASTICSEARCH_URL is
set; see tests/search/conftest.py).
"""

from decimal import Decimal

import pytest

from search.backends import database_backend
from search.query import SearchQuery
from search.service import search

from .catalogue import build_search_catalogue

pytestmark = pytest.mark.django_db

ONLINE, VIDEO, TRIAGE, PRESCRIBE = "Consultly Online", "Consultly Video", "Triageflow", "Prescribe Right"


@pytest.fixture
def ids():
    return build_search_catalogue()


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, ids):
    """Each backend, holding the catalogue: the database's read model (built by `ids`), or an
    Elasticsearch index (osmem-server, or the cluster at ELASTICSEARCH_URL) rebuilt from it."""
    if request.param == "database":
        return database_backend()
    request.getfixturevalue("elasticsearch_settings")
    from search.backends.elasticsearch import ElasticsearchBackend

    elasticsearch = ElasticsearchBackend()
    elasticsearch.rebuild()
    return elasticsearch


def run(backend, **kwargs):
    return search(SearchQuery(**kwargs), backend=backend)


def names(results, ids) -> list[str]:
    by_id = {pk: name for name, pk in ids.items()}
    return [by_id[hit.solution_id] for hit in results.hits]


def counts(results, facet) -> dict[str, int]:
    return {v.value: v.count for v in results.facets[facet]}


def test_everything_public_and_nothing_else(backend, ids):
    results = run(backend, sort="name")
    assert names(results, ids) == [ONLINE, VIDEO, PRESCRIBE, TRIAGE]
    assert results.total == 4  # the draft and the suspended listing are never found


def test_a_misspelt_word_is_corrected_and_stemmed(backend, ids):
    results = run(backend, text="consultaton", sort="name")
    assert results.corrected_text == "consultation"
    assert set(names(results, ids)) == {ONLINE, VIDEO, TRIAGE}  # "consultations" matches by stem


def test_the_acceptance_query_with_its_facet_counts(backend, ids):
    results = run(backend, text="consultaton", filters={"capability": ("C43",)}, sort="name")
    assert names(results, ids) == [ONLINE, TRIAGE]
    # Disjunctive: the capability counts ignore the capability filter itself...
    assert counts(results, "capability") == {"C43": 2, "C44": 2}
    # ...while the other facets count only what matches it.
    assert counts(results, "framework") == {"DFOCVC001": 1, "TIF001": 1}
    assert counts(results, "accredited") == {"yes": 2}
    assert next(v for v in results.facets["capability"] if v.value == "C43").selected


def test_capabilities_must_all_match(backend, ids):
    assert names(run(backend, filters={"capability": ("C43", "C44")}), ids) == [TRIAGE]


def test_an_additional_service_can_supply_a_required_epic(backend, ids):
    results = run(backend, filters={"epic": ("E00039",)}, sort="name")
    assert names(results, ids) == [VIDEO, TRIAGE]


def test_values_of_one_facet_widen_the_search(backend, ids):
    results = run(backend, filters={"hosting": ("public_cloud", "on_premise")}, sort="name")
    assert names(results, ids) == [ONLINE, PRESCRIBE, TRIAGE]
    assert counts(results, "hosting") == {"public_cloud": 2, "private_cloud": 1, "hybrid": 1, "on_premise": 1}


def test_filters_of_different_facets_narrow_it(backend, ids):
    results = run(backend, filters={"supplier": ("99001",), "client": ("browser_based",)})
    assert names(results, ids) == [TRIAGE]
    assert counts(results, "supplier") == {"99000": 1, "99001": 1}  # browser-based listings by supplier


def test_integration_accreditation_and_foundation_filters(backend, ids):
    assert names(run(backend, filters={"integration": ("IM1",)}), ids) == [ONLINE]
    assert names(run(backend, filters={"accredited": ("yes",)}, sort="name"), ids) == [ONLINE, TRIAGE]
    assert names(run(backend, filters={"foundation": ("no",)}, sort="name"), ids) == [
        ONLINE,
        VIDEO,
        PRESCRIBE,
        TRIAGE,
    ]


def test_price_for_a_list_size_filters_and_sorts(backend, ids):
    # First-year cost for 8,000 patients: Online £8,000, Video £16,000, Triageflow (volume) £9,600,
    # Prescribe Right £4,000.
    results = run(backend, list_size=8000, max_price=Decimal("9000"), sort="price")
    assert names(results, ids) == [PRESCRIBE, ONLINE]
    assert [hit.price for hit in results.hits] == [Decimal("4000"), Decimal("8000")]
    assert names(run(backend, list_size=8000, sort="price"), ids) == [PRESCRIBE, ONLINE, TRIAGE, VIDEO]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", [ONLINE, VIDEO, PRESCRIBE, TRIAGE]),
        ("-name", [TRIAGE, PRESCRIBE, VIDEO, ONLINE]),
        ("-published", [PRESCRIBE, VIDEO, TRIAGE, ONLINE]),
    ],
)
def test_sort_orders(backend, ids, sort, expected):
    assert names(run(backend, sort=sort), ids) == expected


def test_relevance_puts_a_name_match_first(backend, ids):
    assert names(run(backend, text="triageflow"), ids)[0] == TRIAGE


def test_pages(backend, ids):
    second = run(backend, sort="name", page=2, page_size=3)
    assert names(second, ids) == [TRIAGE]
    assert (second.total, second.pages) == (4, 2)
    past_the_end = run(backend, sort="name", page=3, page_size=3)
    assert (past_the_end.hits, past_the_end.total) == ([], 4)


def test_highlights_mark_matches_and_escape_the_listings_text(backend, ids):
    [hit] = run(backend, text="triages", filters={"supplier": ("99000",), "integration": ("IM1",)}).hits
    assert "<mark>" in hit.snippet
    # The listing's own markup never reaches the page as markup (PostgreSQL drops it, SQLite escapes it).
    assert "<b>" not in hit.snippet and "&amp;" in hit.snippet


def test_no_match(backend, ids):
    results = run(backend, text="dentistry")
    assert (results.total, results.hits) == (0, [])
    assert all(values == [] for values in results.facets.values())


def test_a_restriction_to_some_listings_narrows_results_and_counts(backend, ids):
    """`solution_ids` (search/restrictions.py, e.g. "works with our systems") applies inside the
    candidates: facets count only the allowed listings; an empty set finds nothing."""
    results = run(backend, solution_ids=frozenset({ids[ONLINE], ids[TRIAGE]}), sort="name")
    assert names(results, ids) == [ONLINE, TRIAGE]
    assert results.total == 2
    assert sum(counts(results, "accredited").values()) == 2
    assert run(backend, solution_ids=frozenset(), text="consultation").total == 0
