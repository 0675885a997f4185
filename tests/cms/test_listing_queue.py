"""The catalogue team's Listings queue in the Wagtail admin: every listing, a page at a time, found by
name, catalogue ID or supplier (the catalogue holds tens of thousands of listings)."""

import re

import pytest
from django.urls import reverse

from catalogue.models import PublicationState
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db

QUEUE = "cms_listing_queue"


def names_shown(response) -> list[str]:
    return re.findall(r'<div class="w-text-14">([^<]+)</div>', response.content.decode())


@pytest.fixture
def listings(supplier_a, supplier_b):
    made = [
        SolutionFactory(supplier=supplier_a, name=f"Alpha {n:02d}", catalogue_id=f"{supplier_a.code}-{n:03d}")
        for n in range(55)
    ]
    made.append(
        SolutionFactory(
            supplier=supplier_b,
            name="Bravo Triage",
            catalogue_id=f"{supplier_b.code}-001",
            publication_state=PublicationState.SUSPENDED,
        )
    )
    return made


def test_the_queue_shows_every_listing_a_page_at_a_time(client, moderator, listings):
    client.force_login(moderator)
    first = client.get(reverse(QUEUE))
    second = client.get(reverse(QUEUE), {"page": 2})

    assert len(names_shown(first)) == 50 and len(names_shown(second)) == 6
    assert set(names_shown(first)) | set(names_shown(second)) == {s.catalogue_id for s in listings}
    assert "Showing 1 to 50 of 56 listings." in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    # A page past the end, or not a number, shows the last or the first page rather than failing.
    assert names_shown(client.get(reverse(QUEUE), {"page": 99})) == names_shown(second)
    assert names_shown(client.get(reverse(QUEUE), {"page": "x"})) == names_shown(first)


def test_the_queue_finds_listings_by_name_catalogue_id_or_supplier(client, moderator, listings, supplier_b):
    client.force_login(moderator)

    def found(**params) -> list[str]:
        return names_shown(client.get(reverse(QUEUE), params))

    assert found(q="bravo") == [f"{supplier_b.code}-001"]
    assert found(q=f"{supplier_b.code}-001") == [f"{supplier_b.code}-001"]
    assert found(q="Supplier B") == [f"{supplier_b.code}-001"]
    assert len(found(q="alpha 0")) == 10
    # The search keeps the state chosen, and paging keeps both.
    assert found(q="alpha", state=PublicationState.SUSPENDED) == []
    state = listings[0].publication_state  # the 55 "Alpha" listings': two pages
    response = client.get(reverse(QUEUE), {"q": "alpha", "state": state})
    assert f"q=alpha&amp;state={state}&amp;page=2" in response.content.decode()
    assert (
        "No listings match “nothing like this”."
        in client.get(reverse(QUEUE), {"q": "nothing like this"}).content.decode()
    )


def test_only_the_catalogue_team_sees_the_queue(client, supplier_a_editor, listings):
    client.force_login(supplier_a_editor)
    assert client.get(reverse(QUEUE), {"q": "alpha"}).status_code == 403
