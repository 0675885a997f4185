"""Who may see and edit which listings: the querysets every view, API and search result goes through."""

import pytest
from django.db import IntegrityError

from catalogue.models import PublicationState, Solution
from tests.factories import AdditionalServiceFactory, PriceFactory, SolutionFactory

ALL_STATES = [choice for choice, _ in PublicationState.choices]
PUBLIC = {"published", "in_remediation"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(supplier_a, supplier_b):
    """One listing of each state for each of two suppliers."""
    return {
        (supplier, state): SolutionFactory(supplier=supplier, publication_state=state)
        for supplier in (supplier_a, supplier_b)
        for state in ALL_STATES
    }


def states_seen(queryset, supplier):
    return {s.publication_state for s in queryset.filter(supplier=supplier)}


def test_anonymous_users_see_only_published_and_in_remediation(listings, supplier_a, anonymous_user):
    visible = Solution.objects.visible_to(anonymous_user)
    assert states_seen(visible, supplier_a) == PUBLIC
    assert Solution.objects.visible_to(None).count() == 4


def test_buyers_see_only_public_listings(listings, supplier_a, buyer):
    assert states_seen(Solution.objects.visible_to(buyer), supplier_a) == PUBLIC


def test_a_supplier_editor_sees_every_state_of_its_own_listings_and_only_public_ones_of_others(
    listings, supplier_a, supplier_b, supplier_a_editor
):
    visible = Solution.objects.visible_to(supplier_a_editor)
    assert states_seen(visible, supplier_a) == set(ALL_STATES)
    assert states_seen(visible, supplier_b) == PUBLIC


def test_the_catalogue_team_sees_everything(listings, moderator):
    assert Solution.objects.visible_to(moderator).count() == len(listings)


def test_only_a_suppliers_own_editors_may_edit_its_listings(
    listings, supplier_a, supplier_a_editor, supplier_b_editor, buyer, moderator, anonymous_user
):
    assert set(Solution.objects.editable_by(supplier_a_editor)) == {
        s for (supplier, _), s in listings.items() if supplier == supplier_a
    }
    assert not Solution.objects.editable_by(supplier_b_editor).filter(supplier=supplier_a).exists()
    for user in (buyer, moderator, anonymous_user):
        assert not Solution.objects.editable_by(user).exists()


def test_visibility_does_not_duplicate_rows_for_editors_with_several_roles(supplier_a, supplier_a_editor):
    from accounts.models import Membership, Role

    Membership.objects.create(
        user=supplier_a_editor, organisation=supplier_a.organisation, role=Role.ORGANISATION_ADMIN
    )
    SolutionFactory(supplier=supplier_a, publication_state="draft")
    assert Solution.objects.visible_to(supplier_a_editor).count() == 1


def test_additional_services_of_an_unpublished_solution_are_hidden():
    service = AdditionalServiceFactory(solution__publication_state="published")
    from catalogue.models import AdditionalService

    assert list(AdditionalService.objects.published()) == [service]
    Solution.objects.filter(pk=service.solution_id).update(publication_state="unpublished")
    assert not AdditionalService.objects.published().exists()


def test_a_price_belongs_to_exactly_one_catalogue_item():
    price = PriceFactory()
    price.additional_service = AdditionalServiceFactory()
    with pytest.raises(IntegrityError):
        price.save()


def test_a_per_patient_price_must_be_per_year():
    with pytest.raises(IntegrityError):
        PriceFactory(provisioning_type="per_patient", time_unit="month")


def test_listings_of_an_inactive_supplier_are_not_public(supplier_a, supplier_a_editor, buyer):
    solution = SolutionFactory(supplier=supplier_a, publication_state="published")
    supplier_a.is_active = False
    supplier_a.save()
    assert not Solution.objects.published().exists()
    assert not Solution.objects.visible_to(buyer).exists()
    # Its own editors still see it, to put things right.
    assert list(Solution.objects.visible_to(supplier_a_editor)) == [solution]
