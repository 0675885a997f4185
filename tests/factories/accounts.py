import factory

from accounts.models import Membership, Organisation, OrganisationType, Role, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.nhs.uk")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    org_type = OrganisationType.ICB
    ods_code = factory.Sequence(lambda n: f"Q{n:02d}"[:10])


class PracticeFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Test Surgery {n}")
    org_type = OrganisationType.GP_PRACTICE
    ods_code = factory.Sequence(lambda n: f"Z{n:05d}")
    list_size = 8000


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.BUYER
