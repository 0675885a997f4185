import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Membership, Organisation, OrganisationType, Role, User
from tests.factories import MembershipFactory, OrganisationFactory, PracticeFactory, UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_users_log_in_by_email_whatever_its_case():
    UserFactory(email="Practice.Manager@Example.com")
    user = User.objects.get()
    assert user.email == "practice.manager@example.com"
    assert authenticate(username="PRACTICE.MANAGER@example.com", password=DEFAULT_PASSWORD) == user
    assert authenticate(username="practice.manager@example.com", password="wrong") is None


def test_email_addresses_are_unique_whatever_their_case():
    UserFactory(email="a@example.com")
    with pytest.raises(IntegrityError):
        UserFactory(email="A@EXAMPLE.COM")


def test_create_superuser_needs_no_username():
    admin = User.objects.create_superuser("admin@example.com", "a-long-password-1")
    assert admin.is_superuser and admin.is_staff and admin.get_username() == "admin@example.com"


def test_only_practices_have_a_list_size():
    with pytest.raises(ValidationError, match="Only GP practices"):
        Organisation(name="ICB", org_type=OrganisationType.ICB, ods_code="QHM", list_size=10).full_clean()
    with pytest.raises(IntegrityError):
        OrganisationFactory(org_type=OrganisationType.ICB, list_size=10)


@pytest.mark.parametrize("code", ["A8100", "AB1001", "a81001", "A810011"])
def test_practice_codes_are_a_letter_and_five_digits(code):
    with pytest.raises(ValidationError):
        PracticeFactory.build(ods_code=code).full_clean()


def test_a_practice_code_like_a81001_is_valid():
    PracticeFactory.build(ods_code="A81001").full_clean()


def test_roles_must_fit_the_organisation():
    practice = PracticeFactory()
    with pytest.raises(ValidationError, match="cannot have the role supplier editor"):
        Membership(user=UserFactory(), organisation=practice, role=Role.SUPPLIER_EDITOR).full_clean()


def test_a_user_can_hold_several_roles_in_several_organisations():
    user = UserFactory()
    icb = OrganisationFactory(org_type=OrganisationType.ICB, ods_code="QHM")
    practice = PracticeFactory(parent=icb)
    MembershipFactory(user=user, organisation=icb, role=Role.BUYER)
    MembershipFactory(user=user, organisation=icb, role=Role.ORGANISATION_ADMIN)
    MembershipFactory(user=user, organisation=practice, role=Role.BUYER)
    assert set(Organisation.objects.for_user(user)) == {icb, practice}
    assert user.has_role(Role.ORGANISATION_ADMIN, organisation=icb)
    assert not user.has_role(Role.ORGANISATION_ADMIN, organisation=practice)
    with pytest.raises(IntegrityError):
        MembershipFactory(user=user, organisation=icb, role=Role.BUYER)
