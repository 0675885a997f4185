# ruff: noqa: F811 - pytest fixtures imported from works_with_helpers are redefined as arguments
""" "Works with your systems" where buyers meet solutions: the listing pages (the CMS's and the
catalogue's own, through catalogue.extensions' listing panels), the compare page and the search."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from accounts.models import Role
from catalogue.models import PublicationState
from cms.listings import ensure_listing_page
from cms.setup import ensure_site
from procurement import services
from tests.factories import MembershipFactory
from tests.factories.listings import build_listing

from .works_with_helpers import (  # noqa: F401 - fixtures
    other_buyer,
    other_practice,
    practice,
    practice_buyer,
)

pytestmark = pytest.mark.django_db
PANEL_LINE = "IM1 Bulk: consumes, connects to EMIS Web (as the supplier states)"


def panel(response) -> str | None:
    found = BeautifulSoup(response.content, "html.parser").find(attrs={"data-testid": "works-with"})
    return None if found is None else " ".join(found.get_text(" ").split())


@pytest.fixture
def listing(db, supplier_a):
    """A published listing with a CMS page; it consumes IM1 Bulk and names EMIS Web."""
    ensure_site()
    solution = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    ensure_listing_page(solution)
    solution.refresh_from_db()
    assert solution.listing_url
    return solution


def test_a_buyer_who_recorded_their_systems_sees_how_a_listing_connects(
    client, listing, practice, practice_buyer
):
    services.record_system(practice, user=practice_buyer, name="EMIS Web", principal=True)
    client.force_login(practice_buyer)

    response = client.get(listing.listing_url)

    assert response.status_code == 200
    assert panel(response) == f"Information: Works with your systems {PANEL_LINE} Your systems"


def test_a_listing_that_does_not_connect_says_so(client, listing, practice, practice_buyer):
    services.record_system(practice, user=practice_buyer, name="Vision", principal=True)
    client.force_login(practice_buyer)

    assert "declares no integration with the systems you recorded" in panel(client.get(listing.listing_url))


def test_no_panel_for_anyone_else(client, listing, practice, practice_buyer, other_buyer, supplier_a_editor):
    services.record_system(practice, user=practice_buyer, name="EMIS Web", principal=True)

    assert panel(client.get(listing.listing_url)) is None  # anonymous
    client.force_login(other_buyer)  # another practice, which recorded nothing
    assert panel(client.get(listing.listing_url)) is None
    client.force_login(supplier_a_editor)
    assert panel(client.get(listing.listing_url)) is None


def test_the_catalogues_own_page_shows_it_too(client, supplier_a, practice, practice_buyer):
    solution = build_listing(supplier_a, publication_state=PublicationState.PUBLISHED)
    assert not solution.listing_url
    services.record_system(practice, user=practice_buyer, name="Emis Web GP", principal=True)
    client.force_login(practice_buyer)

    response = client.get(f"/solutions/{solution.catalogue_id}/")

    assert response.status_code == 200
    assert "IM1 Bulk: consumes, connects to Emis Web GP (as the supplier states)" in panel(response)


def test_a_supplier_member_is_not_a_buyer(client, listing, supplier_a):
    # An organisation admin of a supplier may not record systems, so sees no panel either.
    admin = MembershipFactory(organisation=supplier_a.organisation, role=Role.ORGANISATION_ADMIN).user
    client.force_login(admin)
    assert client.get("/buyer/systems/").status_code == 403
    assert panel(client.get(listing.listing_url)) is None
