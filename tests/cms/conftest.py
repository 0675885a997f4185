import pytest

from catalogue.models import PublicationState
from cms.listings import ensure_listing_page
from cms.setup import ensure_site
from tests.factories.listings import build_listing


@pytest.fixture
def site(db):
    """The home page, solutions index, guidance pages and the Catalogue review workflow."""
    ensure_site()


@pytest.fixture
def live_listing(site, supplier_a, supplier_a_editor, supplier_b_editor, moderator):
    """Supplier A's published listing with its live page; editors of A and B and a moderator exist."""
    return ensure_listing_page(build_listing(supplier_a, publication_state=PublicationState.PUBLISHED))


@pytest.fixture
def draft_listing(site, supplier_a, supplier_a_editor, supplier_b_editor, moderator):
    """Supplier A's listing that has never been published, complete enough to be submitted."""
    return ensure_listing_page(build_listing(supplier_a, publication_state=PublicationState.DRAFT))
