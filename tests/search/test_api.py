"""GET /api/v1/search/ and /api/v1/search/suggest/: the search page's search as JSON, and names for
type-ahead. Bad parameters are a 400 naming each one; the schema documents every parameter."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import facet_matrix, restrictions
from search.filters import SearchFilterSet
from search.indexing import rebuild
from search.query import FACETS
from search.service import suggest
from tests.factories import CapabilityFactory, SolutionFactory

from .catalogue import build_search_catalogue
from .test_page import BAD_PARAMETERS, PARAMS, listings

pytestmark = pytest.mark.django_db

ONLINE, VIDEO, TRIAGE, PRESCRIBE = "Consultly Online", "Consultly Video", "Triageflow", "Prescribe Right"


@pytest.fixture
def ids():
    return build_search_catalogue()


def get(client, params=None, status=200, path="/api/v1/search/"):
    response = client.get(path, params or {}, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content.decode()[:2000]
    assert response["Content-Type"] == "application/json"
    return response.json()


def counts(body, facet) -> dict[str, int]:
    return {value["value"]: value["count"] for value in body["facets"][facet]}


def test_the_acceptance_search_with_a_typo_and_a_capability(client, ids):
    body = get(client, {"q": "consultaton", "capability": "C43", "sort": "name"})

    assert [result["name"] for result in body["results"]] == [ONLINE, TRIAGE]
    assert (body["total"], body["page"], body["pages"], body["page_size"]) == (2, 1, 1, 20)
    assert body["corrected_text"] == "consultation"
    assert body["backend"] == "database"
    assert counts(body, "capability") == {"C43": 2, "C44": 2}
    assert counts(body, "framework") == {"DFOCVC001": 1, "TIF001": 1}
    assert body["facets"]["capability"] == [
        {"value": "C43", "label": "C43 Online Consultation", "count": 2, "selected": True},
        {"value": "C44", "label": "C44 Video Consultation", "count": 2, "selected": False},
    ]
    assert {v["value"]: v["label"] for v in body["facets"]["framework"]} == {
        "DFOCVC001": "DFOCVC",
        "TIF001": "Tech Innovation",
    }
    assert set(body["facets"]) == set(FACETS)


def test_a_result_has_everything_a_client_needs(client, ids):
    body = get(client, {"q": "triages", "supplier": "99000"})
    [result] = body["results"]
    assert result == {
        "catalogue_id": "99000-001",
        "name": ONLINE,
        "supplier": {"code": "99000", "name": "Consultly Ltd"},
        "summary": "Patients describe their problem online & the practice <b>triages</b> each request.",
        "snippet": result["snippet"],
        "url": "http://testserver/solutions/99000-001/",
        "api_url": "http://testserver/api/v1/solutions/99000-001/",
        "accredited": True,
        "in_remediation": False,
        "is_demo": False,
        "price": None,
        "score": result["score"],
    }
    assert "<mark>" in result["snippet"] and "<b>" not in result["snippet"]
    assert result["score"] > 0
    # The API URL is a real resource.
    assert client.get("/api/v1/solutions/99000-001/").status_code == 200


def test_prices_for_a_list_size(client, ids):
    body = get(client, {"list_size": "8000", "max_price": "9000", "sort": "price"})
    assert [(r["name"], r["price"]) for r in body["results"]] == [(PRESCRIBE, "4000.00"), (ONLINE, "8000.00")]
    assert [r["in_remediation"] for r in body["results"]] == [True, False]


def test_drafts_and_suspended_listings_never_appear(client, ids, supplier_a_editor):
    for params in ({}, {"q": "consult"}, {"q": "hidden draft"}, {"q": "suspended"}, {"capability": "C43"}):
        names = {result["name"] for result in get(client, params)["results"]}
        assert not {"Hidden Draft Consult", "Suspended Consult"} & names, params
    client.force_login(supplier_a_editor)
    assert get(client, {"q": "hidden"})["total"] == 0


def test_pages(client, ids):
    second = get(client, {"sort": "name", "page": "2", "page_size": "3"})
    assert [r["name"] for r in second["results"]] == [TRIAGE]
    assert (second["total"], second["page"], second["pages"], second["page_size"]) == (4, 2, 2, 3)
    past_the_end = get(client, {"sort": "name", "page": "3", "page_size": "3"})
    assert (past_the_end["results"], past_the_end["total"]) == ([], 4)


API_ONLY = [
    ({"page_size": "500"}, "page_size", "The page size must be a whole number from 1 to 100."),
    ({"page_size": "0"}, "page_size", "The page size must be a whole number from 1 to 100."),
]


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        (params, next(iter(params)) if len(params) == 1 else None, message)
        for params, message in BAD_PARAMETERS
    ]
    + API_ONLY,
    ids=lambda value: str(value)[:40],
)
def test_every_parameter_is_validated(client, ids, params, parameter, message):
    body = get(client, params, status=400)

    messages = [message for messages in body.values() for message in messages]
    assert any(message in text for text in messages), body
    if parameter:
        assert list(body) == [parameter]


def test_the_error_names_the_parameter_the_rule_is_about(client, ids):
    assert get(client, {"sort": "price"}, status=400) == {
        "sort": [
            "Enter a list size to sort by price: the price depends on how many patients the practice has."
        ]
    }
    assert list(get(client, {"max_price": "10"}, status=400)) == ["max_price"]
    body = get(client, {"capability": "C99", "page": "0", "q": "x" * 300}, status=400)
    assert set(body) == {"capability", "page", "q"}
    assert body["q"] == ["Search text must be 200 characters or fewer (it has 300)."]


def test_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # Both searches below are the first after a rebuild, in a process already holding a matrix: each
    # reads the chain of changes, then the whole matrix (search/facet_matrix.py).
    facet_matrix.current()
    capability = listings(20)
    with CaptureQueriesContext(connection) as twenty:
        get(client, {**PARAMS, "page_size": "100"})
    listings(40, capability)
    with django_assert_max_num_queries(len(twenty)):
        body = get(client, {**PARAMS, "page_size": "100"})
    assert len(body["results"]) == 60


def test_suggest_returns_names_by_prefix(client, ids):
    suggest_path = "/api/v1/search/suggest/"
    assert get(client, {"q": "cons"}, path=suggest_path) == [
        "Consultly Online",
        "Consultly Video",
        "Consultly Ltd",
    ]
    assert get(client, {"q": "TRI"}, path=suggest_path) == ["Triageflow"]
    assert get(client, {"q": "vid"}, path=suggest_path) == ["Consultly Video"]  # a word of the name
    assert get(client, {"q": "hidden"}, path=suggest_path) == []  # drafts are not in the index
    assert get(client, {"q": "c"}, path=suggest_path) == []  # too short to help
    assert get(client, {}, path=suggest_path) == []
    assert list(get(client, {"q": "x" * 201}, path=suggest_path, status=400)) == ["q"]
    assert list(get(client, {"q": "a\x00b"}, path=suggest_path, status=400)) == ["q"]


def test_suggest_agrees_with_the_service(client, ids):
    assert get(client, {"q": "well"}, path="/api/v1/search/suggest/") == suggest("well")


def test_the_schema_documents_every_parameter(client):
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    search = schema["paths"]["/api/v1/search/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in search["parameters"]}
    # The FilterSet's parameters and the restrictions other apps registered ("works_with").
    restriction_parameters = {restriction.parameter for restriction in restrictions.registered()}
    assert "works_with" in restriction_parameters
    assert set(parameters) == set(SearchFilterSet.base_filters) | restriction_parameters
    assert parameters["works_with"]["schema"]["enum"] == ["yes"]
    assert parameters["capability"]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert parameters["hosting"]["schema"]["items"]["enum"] == [
        "hybrid",
        "on_premise",
        "private_cloud",
        "public_cloud",
    ]
    assert parameters["sort"]["schema"]["enum"] == sorted(
        ["relevance", "name", "-name", "-published", "price"]
    )
    assert parameters["list_size"]["schema"] == {"type": "integer"}
    assert all(parameter["description"] for parameter in parameters.values())
    assert set(search["responses"]) == {"200", "400"}
    suggest_operation = schema["paths"]["/api/v1/search/suggest/"]["get"]
    assert suggest_operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_no_text_sorts_by_name_and_scores_zero(client):
    c43 = CapabilityFactory(ref="C43")
    for name in ("Beta", "Alpha"):
        SolutionFactory(name=name, capabilities=[c43], is_accredited=True)
    rebuild()
    body = get(client)
    assert [(r["name"], r["score"], r["snippet"]) for r in body["results"]] == [
        ("Alpha", 0.0, ""),
        ("Beta", 0.0, ""),
    ]
    assert all(r["price"] is None for r in body["results"])
