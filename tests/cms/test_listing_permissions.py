"""Who may do what to supplier A's listing: every role against every listing action. The wrong user
gets 403 or 404 (anonymous users are sent to log in) and nothing changes."""

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from accounts.models import OrganisationType, Role
from catalogue.models import PublicationState, Solution
from cms.models import SupplierPage
from tests.factories import MembershipFactory, OrganisationFactory, PracticeFactory
from tests.factories.wagtail_forms import page_form_data

from .helpers import approve, edit_url, post_edit

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "practice_manager", "commissioner", "supplier_a", "supplier_b", "moderator"]
ALLOWED = {
    "view_draft": {"supplier_a", "moderator"},
    "edit": {"supplier_a", "moderator"},
    "preview": {"supplier_a", "moderator"},
    "submit": {"supplier_a", "moderator"},
    "approve": {"moderator"},
    "suspend": {"moderator"},
}


@pytest.fixture
def users(supplier_a_editor, supplier_b_editor, moderator):
    icb = OrganisationFactory(org_type=OrganisationType.ICB, ods_code="QHM", name="NHS North East ICB")
    practice = PracticeFactory(ods_code="A81001", parent=icb)
    return {
        "anonymous": None,
        "practice_manager": MembershipFactory(organisation=practice, role=Role.BUYER).user,
        "commissioner": MembershipFactory(organisation=icb, role=Role.BUYER).user,
        "supplier_a": supplier_a_editor,
        "supplier_b": supplier_b_editor,
        "moderator": moderator,
    }


def act(client, action: str, page, django_capture_on_commit_callbacks):
    """Perform `action` on the page as the logged-in client; returns the response."""
    with django_capture_on_commit_callbacks(execute=True):
        if action == "view_draft":
            return client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
        if action == "edit":
            return client.get(edit_url(page))
        if action == "preview":
            data = page_form_data(page.specific.get_latest_revision_as_object())
            return client.post(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]), data)
        if action == "submit":
            return post_edit(client, page, submit=True)
        if action == "approve":
            return approve(client, page)
        if action == "suspend":
            url = reverse("cms_listing_state", args=[page.solution_id, "suspend"])
            return client.post(url, {"reason": "Failed clinical safety re-test."})
    raise AssertionError(action)


def listing_for(
    action, draft_listing, live_listing, client, supplier_a_editor, django_capture_on_commit_callbacks
):
    if action == "suspend":
        return live_listing
    if action == "approve":
        client.force_login(supplier_a_editor)
        with django_capture_on_commit_callbacks(execute=True):
            assert post_edit(client, draft_listing, submit=True).status_code == 302
        client.logout()
    return draft_listing


def snapshot(page) -> tuple:
    solution = Solution.objects.get(pk=page.solution_id)
    fresh = Page.objects.get(pk=page.pk)
    return (
        solution.publication_state,
        solution.summary,
        fresh.live,
        fresh.latest_revision_id,
        WorkflowState.objects.active().filter(object_id=str(page.pk)).count(),
    )


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(
    client,
    users,
    role,
    action,
    draft_listing,
    live_listing,
    supplier_a_editor,
    django_capture_on_commit_callbacks,
):
    page = listing_for(
        action, draft_listing, live_listing, client, supplier_a_editor, django_capture_on_commit_callbacks
    )
    before = snapshot(page)
    if users[role] is not None:
        client.force_login(users[role])

    response = act(client, action, page, django_capture_on_commit_callbacks)

    if role in ALLOWED[action]:
        assert response.status_code in (200, 302), (role, action, response.status_code)
        if action in ("submit", "approve", "suspend"):
            assert snapshot(page) != before, "an allowed state change changed nothing"
        if action == "preview":
            assert response.json()["is_valid"] is True
    else:
        if role == "anonymous":
            assert response.status_code == 302 and "login" in response["Location"], response.status_code
        else:
            assert response.status_code in (403, 404), (role, action, response.status_code)
        assert snapshot(page) == before, "a refused action changed something"


def test_supplier_b_gets_403_on_supplier_as_edit_and_preview_urls(client, draft_listing, supplier_b_editor):
    client.force_login(supplier_b_editor)
    assert client.get(edit_url(draft_listing)).status_code == 403
    assert client.get(reverse("wagtailadmin_pages:view_draft", args=[draft_listing.pk])).status_code == 403
    data = page_form_data(draft_listing.specific)
    assert (
        client.post(reverse("wagtailadmin_pages:preview_on_edit", args=[draft_listing.pk]), data).status_code
        == 403
    )


def test_a_supplier_does_not_see_another_suppliers_pages(
    client, draft_listing, supplier_a_editor, supplier_b_editor, supplier_b
):
    from cms.listings import ensure_supplier_page

    own_page = ensure_supplier_page(supplier_b)
    client.force_login(supplier_b_editor)
    supplier_a_page = SupplierPage.objects.get(supplier=draft_listing.solution.supplier)
    # Wagtail sends a user exploring outside their part of the tree back to their own part.
    response = client.get(reverse("wagtailadmin_explore", args=[supplier_a_page.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_explore", args=[own_page.pk])
    assert draft_listing.title not in client.get(response["Location"]).content.decode()
    search = reverse("wagtailadmin_pages:search")
    found = client.get(search, {"q": draft_listing.title})
    assert found.status_code == 200
    assert edit_url(draft_listing) not in found.content.decode()
    client.force_login(supplier_a_editor)  # its own editor does find it
    assert edit_url(draft_listing) in client.get(search, {"q": draft_listing.title}).content.decode()


def test_a_supplier_cannot_publish_unpublish_delete_or_move_its_listing(
    client, live_listing, supplier_a_editor, django_capture_on_commit_callbacks
):
    client.force_login(supplier_a_editor)
    before = snapshot(live_listing)
    draft = live_listing.specific.get_latest_revision_as_object()
    data = page_form_data(draft, summary="Published without review?")
    data["action-publish"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(live_listing), data)
    assert Solution.objects.get(pk=live_listing.solution_id).summary == before[1]
    for name in ("unpublish", "delete", "move", "copy"):
        url = reverse(f"wagtailadmin_pages:{name}", args=[live_listing.pk])
        assert client.get(url).status_code == 403, name


def test_nobody_unpublishes_or_deletes_a_listing_through_wagtail_not_even_the_catalogue_team(
    client, live_listing, moderator
):
    client.force_login(moderator)
    for name in ("unpublish", "delete"):
        assert client.get(reverse(f"wagtailadmin_pages:{name}", args=[live_listing.pk])).status_code == 403


def test_the_listings_area_is_the_catalogue_teams_only(client, live_listing, supplier_a_editor, moderator):
    queue = reverse("cms_listing_queue")
    history = reverse("cms_listing_history", args=[live_listing.solution_id])
    client.force_login(supplier_a_editor)
    assert client.get(queue).status_code == 403
    assert client.get(history).status_code == 403
    client.force_login(moderator)
    assert client.get(queue).status_code == 200
    assert live_listing.solution.name in client.get(queue).content.decode()
    assert client.get(history).status_code == 200


def test_draft_listing_pages_are_not_public(client, draft_listing):
    assert draft_listing.url is None or client.get(draft_listing.url).status_code == 404
    assert client.get(f"/solutions/{draft_listing.solution.catalogue_id}/").status_code == 404
    assert draft_listing.solution.publication_state == PublicationState.DRAFT
