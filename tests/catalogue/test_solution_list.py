"""/catalogue/: the public list the home page's search box leads to."""

import pytest

from catalogue.models import PublicationState
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db


def test_lists_only_public_listings(client, supplier_a, supplier_a_editor):
    SolutionFactory(supplier=supplier_a, name="Live One", publication_state=PublicationState.PUBLISHED)
    SolutionFactory(supplier=supplier_a, name="Fixing One", publication_state=PublicationState.IN_REMEDIATION)
    for state in ("draft", "submitted", "suspended", "unpublished"):
        SolutionFactory(supplier=supplier_a, name=f"Hidden {state}", publication_state=state)
    client.force_login(supplier_a_editor)  # even its own editor sees only public ones in the catalogue
    html = client.get("/catalogue/").content.decode()
    assert "Live One" in html and "Fixing One" in html and "In remediation" in html
    assert "Hidden" not in html
    assert "2 published solutions" in html


def test_words_narrow_by_name_summary_or_supplier(client, supplier_a, supplier_b):
    SolutionFactory(supplier=supplier_a, name="Consult Online", summary="Triage for practices.")
    SolutionFactory(supplier=supplier_b, name="Scan Docs", summary="Scanning letters.")
    html = client.get("/catalogue/", {"q": "supplier b scanning"}).content.decode()
    assert "Scan Docs" in html and "Consult Online" not in html
    assert "1 solution match" in html
    assert "Try fewer" in client.get("/catalogue/", {"q": "nothing-like-this"}).content.decode()


def test_pages_of_twenty_keep_the_query(client, supplier_a):
    for n in range(25):
        SolutionFactory(supplier=supplier_a, name=f"Consult {n:02d}")
    first = client.get("/catalogue/", {"q": "consult"}).content.decode()
    assert first.count("nhsuk-card__link") == 20
    assert "?q=consult&amp;page=2" in first
    second = client.get("/catalogue/", {"q": "consult", "page": "2"}).content.decode()
    assert second.count("nhsuk-card__link") == 5
    # A page number that is not one falls back to a real page rather than failing.
    assert client.get("/catalogue/", {"page": "abc"}).status_code == 200


def test_fixed_number_of_queries(client, supplier_a, django_assert_max_num_queries):
    for n in range(20):
        SolutionFactory(supplier=supplier_a, name=f"Listing {n}")
    with django_assert_max_num_queries(6):
        assert client.get("/catalogue/").status_code == 200
