"""/catalogue/: the search page. Words (typos corrected), facets with counts, a price for a list size,
sorts and pages; every parameter validated (an error summary and 400, never a 500); only public
listings; a fixed number of queries however many results."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import PublicationState
from search.indexing import rebuild
from tests.factories import CapabilityFactory, SolutionFactory, SupplierFactory

from .catalogue import build_search_catalogue

pytestmark = pytest.mark.django_db

ONLINE, VIDEO, TRIAGE, PRESCRIBE = "Consultly Online", "Consultly Video", "Triageflow", "Prescribe Right"


@pytest.fixture
def ids():
    return build_search_catalogue()


def get(client, params=None, status=200):
    response = client.get("/catalogue/", params or {})
    assert response.status_code == status, response.content.decode()[:2000]
    return BeautifulSoup(response.content, "html.parser")


def result_names(soup) -> list[str]:
    results = soup.find(attrs={"data-testid": "search-results"})
    return [h3.get_text(strip=True) for h3 in results.find_all("h3")] if results else []


def facet_counts(soup, facet: str) -> dict[str, int]:
    """value -> count shown in the facet's checkbox labels."""
    fieldset = soup.find("fieldset", attrs={"data-facet": facet})
    counts = {}
    for box in fieldset.find_all("input", attrs={"type": "checkbox"}):
        label = soup.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)
        counts[box["value"]] = int(re.search(r"\((\d+)", label).group(1))
    return counts


def checked(soup, facet: str) -> set[str]:
    return {box["value"] for box in soup.find_all("input", attrs={"name": facet, "checked": True})}


def error_summary(soup) -> list[str]:
    summary = soup.find(class_="nhsuk-error-summary")
    return [link.get_text(strip=True) for link in summary.find_all("a")] if summary else []


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def test_the_acceptance_search_with_a_typo_and_a_capability(client, ids):
    soup = get(client, {"q": "consultaton", "capability": "C43"})

    assert sorted(result_names(soup)) == [ONLINE, TRIAGE]
    assert "Showing results for consultation" in text(soup)
    assert "You searched for “consultaton”" in text(soup)
    status = soup.find(attrs={"role": "status"})
    assert " ".join(status.get_text(" ").split()) == "2 results for “consultation”"
    # Capability counts ignore the capability filter itself; the other facets count what matches it.
    assert facet_counts(soup, "capability") == {"C43": 2, "C44": 2}
    assert facet_counts(soup, "framework") == {"DFOCVC001": 1, "TIF001": 1}
    assert checked(soup, "capability") == {"C43"}
    assert (
        soup.find("label", attrs={"for": "capability-1"})
        .get_text(" ", strip=True)
        .startswith("C43 Online Consultation")
    )
    # Every facet is a fieldset with a legend, and the form applies them without JavaScript.
    for fieldset in soup.find_all("fieldset", attrs={"data-facet": True}):
        assert fieldset.find("legend").get_text(strip=True)
    form = soup.find("form", id="search-form")
    assert form["method"] == "get" and form["action"] == "/catalogue/"
    assert form.find("button", string=re.compile("Apply filters"))
    assert form.find("input", attrs={"name": "q"})["value"] == "consultaton"


def test_results_link_to_listings_with_their_tags(client, ids):
    soup = get(client, {"sort": "name"})

    assert result_names(soup) == [ONLINE, VIDEO, PRESCRIBE, TRIAGE]
    cards = soup.find(attrs={"data-testid": "search-results"}).find_all("li", recursive=False)
    by_name = {card.find("h3").get_text(strip=True): card for card in cards}
    assert by_name[ONLINE].find("h3").a["href"] == "/solutions/99000-001/"
    assert "from Consultly Ltd" in text(by_name[ONLINE])
    assert by_name[ONLINE].find(class_="nhsuk-tag--green").get_text(strip=True) == "Accredited"
    assert "Not accredited" in text(by_name[VIDEO])
    assert "In remediation" in text(by_name[PRESCRIBE])
    assert "Video consultations from a link" in text(by_name[VIDEO])  # the summary, with no words
    assert soup.find(attrs={"data-testid": "price"}) is None  # no list size, no price


def test_demo_listings_are_tagged(client, ids):
    SolutionFactory(name="Demo Consult", is_demo=True, summary="Invented.")
    rebuild()
    soup = get(client, {"q": "demo consult"})
    assert result_names(soup) == ["Demo Consult"]
    assert soup.find(class_="app-demo-tag").get_text(strip=True) == "Demo data"


def test_snippets_highlight_the_words_and_escape_the_listing(client, ids):
    html = client.get("/catalogue/", {"q": "triages", "supplier": "99000"}).content.decode()
    assert "<mark>" in html
    assert "<b>triages</b>" not in html


def test_price_for_a_list_size(client, ids):
    soup = get(client, {"list_size": "8,000", "max_price": "£9,000", "sort": "price"})

    assert result_names(soup) == [PRESCRIBE, ONLINE]
    prices = [p.get_text(" ", strip=True) for p in soup.find_all(attrs={"data-testid": "price"})]
    assert prices == [
        "First-year cost for 8,000 patients: £4,000.00",
        "First-year cost for 8,000 patients: £8,000.00",
    ]
    assert soup.find("input", attrs={"name": "list_size"})["value"] == "8,000"
    assert soup.find("select", attrs={"name": "sort"}).find("option", selected=True)["value"] == "price"


def test_compare_is_a_plain_get_form_of_catalogue_ids(client, ids):
    soup = get(client, {"supplier": "99000"})
    compare = soup.find("form", id="compare-form")
    assert (compare["action"], compare["method"]) == ("/compare/", "get")
    boxes = soup.find_all("input", attrs={"name": "solution"})
    assert {box["value"] for box in boxes} == {"99000-001", "99000-002"}
    assert all(box["form"] == "compare-form" and box["type"] == "checkbox" for box in boxes)
    assert soup.find("button", attrs={"form": "compare-form"}).get_text(strip=True) == "Compare selected"


def test_type_ahead_is_an_enhancement(client, ids):
    soup = get(client)
    box = soup.find("input", id="catalogue-search")
    assert (
        soup.find("label", attrs={"for": "catalogue-search"}).get_text(strip=True) == "Search the catalogue"
    )
    assert "catalogue-search-hint" in box["aria-describedby"]
    assert box["data-suggest-url"] == "/api/v1/search/suggest/"
    assert soup.find("datalist", id=box["data-suggest-list"]) is not None
    assert not box.has_attr("list")  # the script adds it, so without JavaScript it is a plain box
    assert soup.find("script", src=re.compile(r"search/typeahead\.js$"))


def test_drafts_and_suspended_listings_never_appear(client, ids, supplier_a_editor):
    for params in ({}, {"q": "consult"}, {"q": "hidden"}, {"q": "suspended"}, {"capability": "C43"}):
        soup = get(client, params)
        assert not {"Hidden Draft Consult", "Suspended Consult"} & set(result_names(soup)), params
    client.force_login(supplier_a_editor)  # even a supplier's editor sees only public listings here
    assert "Hidden Draft Consult" not in text(get(client, {"q": "hidden draft"}))


BAD_PARAMETERS = [
    ({"capability": "C99"}, "“C99” is not a capability reference"),
    ({"capability": ["C43", "C98"]}, "“C98” is not a capability reference"),
    ({"epic": "E99999"}, "“E99999” is not an epic id"),
    ({"framework": "NOPE001"}, "“NOPE001” is not a framework id"),
    ({"integration": "Carrier pigeon"}, "“Carrier pigeon” is not an integration"),
    ({"integration_type": "abc"}, "“abc” is not an integration type id"),
    ({"integration_type": "999999"}, "“999999” is not an integration type id"),
    ({"hosting": "the_moon"}, "“the_moon” is not a hosting type"),
    ({"client": "fax"}, "“fax” is not an application type"),
    ({"supplier": "00000"}, "“00000” is not a supplier id"),
    ({"foundation": "maybe"}, "“maybe” is not yes or no"),
    ({"accredited": "true"}, "“true” is not yes or no"),
    ({"sort": "cheapest"}, "“cheapest” is not a sort order"),
    ({"sort": "price"}, "Enter a list size to sort by price"),
    ({"max_price": "9000"}, "Enter a list size to filter by price"),
    ({"max_price": "-1", "list_size": "8000"}, "The maximum price must be an amount in pounds, 0 or more"),
    ({"max_price": "lots", "list_size": "8000"}, "The maximum price must be an amount in pounds"),
    ({"list_size": "-5"}, "The list size must be a whole number of patients from 1 to 500,000"),
    ({"list_size": "500001"}, "The list size must be a whole number of patients from 1 to 500,000"),
    ({"list_size": "8000.5"}, "The list size must be a whole number"),
    ({"page": "0"}, "The page must be a whole number from 1"),
    ({"page": "two"}, "The page must be a whole number from 1"),
    ({"page": "99999999999999999999"}, "The page must be a whole number from 1"),
    ({"q": "x" * 201}, "Search text must be 200 characters or fewer (it has 201)"),
    ({"q": "consult\x00ation"}, "Null characters are not allowed"),
]


@pytest.mark.parametrize(("params", "message"), BAD_PARAMETERS, ids=lambda value: str(value)[:40])
def test_every_parameter_is_validated(client, ids, params, message):
    soup = get(client, params, status=400)

    assert any(message in error for error in error_summary(soup)), error_summary(soup)
    assert soup.title.get_text().startswith("Error: ")
    assert soup.find("form", id="search-form") is not None  # the form, to try again
    assert result_names(soup) == []


def test_errors_show_beside_their_field(client, ids):
    soup = get(client, {"list_size": "lots", "q": "consult"}, status=400)
    group = soup.find("input", id="list-size").find_parent(class_="nhsuk-form-group")
    assert "nhsuk-form-group--error" in group["class"]
    assert "whole number" in group.find(class_="nhsuk-error-message").get_text()
    assert soup.find(class_="nhsuk-error-summary").find("a")["href"] == "#list-size"
    assert soup.find("input", id="catalogue-search")["value"] == "consult"  # what was typed stays


def test_a_sort_error_shows_beside_the_sort(client, ids):
    soup = get(client, {"sort": "price"}, status=400)
    select = soup.find("select", id="sort")
    assert "nhsuk-select--error" in select["class"] and select["aria-describedby"] == "sort-error"
    assert "Enter a list size to sort by price" in soup.find(id="sort-error").get_text()
    assert soup.find(class_="nhsuk-error-summary").find("a")["href"] == "#sort"
    assert select.find("option", selected=True)["value"] == "price"


def test_several_errors_at_once(client, ids):
    soup = get(client, {"capability": "C99", "sort": "price", "page": "0"}, status=400)
    assert len(error_summary(soup)) == 3


def test_the_page_ignores_page_size_and_blank_values(client, ids):
    # page_size is the API's; the page shows 20. An empty box or blank repeated value is "not given".
    soup = get(client, {"page_size": "500", "list_size": "", "max_price": "", "capability": "", "q": ""})
    assert len(result_names(soup)) == 4


def test_values_with_no_results_show_zero(client, ids):
    soup = get(client, {"q": "dentistry"})
    assert result_names(soup) == []
    assert "No solutions match" in text(soup)
    assert soup.find(attrs={"role": "status"}).get_text(" ", strip=True).startswith("0 results")


@pytest.fixture
def many_listings(db):
    """25 public listings with C43, and a few without."""
    c43 = CapabilityFactory(ref="C43", name="Online Consultation")
    supplier = SupplierFactory(code="99500", organisation__name="Bulk Supplier")
    for number in range(25):
        SolutionFactory(
            supplier=supplier,
            catalogue_id=f"99500-{number:03d}",
            name=f"Consult {number:02d}",
            capabilities=[c43],
        )
    for number in range(3):
        SolutionFactory(supplier=supplier, catalogue_id=f"99500-{900 + number}", name=f"Other {number}")
    rebuild()


def test_pages_keep_the_query(client, many_listings):
    first = get(client, {"q": "consult", "capability": "C43", "sort": "name"})
    assert result_names(first) == [f"Consult {n:02d}" for n in range(20)]
    next_link = first.find("a", class_="nhsuk-pagination__link--next")["href"]
    assert next_link == "?q=consult&capability=C43&sort=name&page=2"
    assert "Page 2 of 2" in next_link_text(first)

    second = get(client, {"q": "consult", "capability": "C43", "sort": "name", "page": "2"})
    assert result_names(second) == [f"Consult {n:02d}" for n in range(20, 25)]
    previous = second.find("a", class_="nhsuk-pagination__link--prev")["href"]
    assert previous == "?q=consult&capability=C43&sort=name&page=1"
    assert second.find("a", class_="nhsuk-pagination__link--next") is None


def next_link_text(soup) -> str:
    return " ".join(soup.find("a", class_="nhsuk-pagination__link--next").get_text(" ").split())


def test_a_page_past_the_end_links_back(client, many_listings):
    soup = get(client, {"q": "consult", "page": "9"})
    assert "There is no page 9 of these results" in text(soup)
    assert soup.find("a", string=re.compile("Go to page 2"))["href"] == "?q=consult&page=2"


def listings(count: int, capability=None):
    """`count` public listings with C43 (some in remediation, half accredited), indexed."""
    capability = capability or CapabilityFactory(ref="C43", name="Online Consultation")
    for number in range(count):
        SolutionFactory(
            name=f"Consult {number:03d}",
            capabilities=[capability],
            publication_state=PublicationState.IN_REMEDIATION if number % 5 == 0 else "published",
            is_accredited=number % 2 == 0,
        )
    rebuild()
    return capability


def count_queries(client, params) -> int:
    """Queries of a search once the facet matrix has caught up with the index (the first search after
    a change also patches or reads the matrix: a few queries, once per process per change)."""
    client.get("/catalogue/", params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/catalogue/", params).status_code == 200
    return len(queries)


PARAMS = {"q": "consult", "capability": "C43", "list_size": "5000", "sort": "name"}


@pytest.mark.parametrize("count", [20, 60])
def test_a_fixed_number_of_queries(client, count, django_assert_max_num_queries):
    listings(count)
    # The first search after the index changes also brings the facet matrix up to date (a few more
    # queries, once per process per change, search/facet_matrix.py); every search after it costs this many.
    client.get("/catalogue/", PARAMS)
    with django_assert_max_num_queries(12):
        assert client.get("/catalogue/", PARAMS).status_code == 200


def test_the_query_count_does_not_grow_with_the_results(client):
    capability = listings(20)
    twenty = count_queries(client, PARAMS)
    listings(40, capability)
    assert count_queries(client, PARAMS) == twenty
