import pytest

from accounts.models import OrganisationType, Role
from tests.factories import MembershipFactory, OrganisationFactory, SupplierFactory, UserFactory


@pytest.fixture
def moderator(db):
    team = OrganisationFactory(name="Catalogue team", org_type=OrganisationType.CATALOGUE_TEAM, ods_code=None)
    return MembershipFactory(organisation=team, role=Role.CATALOGUE_MODERATOR).user


@pytest.fixture
def supplier_a(db):
    return SupplierFactory(organisation__name="Supplier A Ltd")


@pytest.fixture
def supplier_b(db):
    return SupplierFactory(organisation__name="Supplier B Ltd")


@pytest.fixture
def supplier_a_editor(supplier_a):
    return MembershipFactory(organisation=supplier_a.organisation, role=Role.SUPPLIER_EDITOR).user


@pytest.fixture
def supplier_b_editor(supplier_b):
    return MembershipFactory(organisation=supplier_b.organisation, role=Role.SUPPLIER_EDITOR).user


@pytest.fixture
def buyer(db):
    return MembershipFactory(role=Role.BUYER).user


@pytest.fixture
def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def plain_user(db):
    return UserFactory()
