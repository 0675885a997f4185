from decimal import Decimal

import factory

from accounts.models import OrganisationType
from catalogue import models

from .accounts import OrganisationFactory


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Framework
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Test framework {o.code}")
    short_name = factory.LazyAttribute(lambda o: o.code)
    owner = "NHS England"
    maximum_term_months = 36
    funding_types = factory.LazyFunction(lambda: ["Local funding"])


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Capability
        django_get_or_create = ("ref",)

    ref = factory.Sequence(lambda n: f"C{900 + n}")
    name = factory.Sequence(lambda n: f"Test capability {n}")
    description = "A capability for tests."
    category = "Consultations"


class EpicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Epic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Test epic {n}")


class CapabilityEpicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CapabilityEpic

    capability = factory.SubFactory(CapabilityFactory)
    epic = factory.SubFactory(EpicFactory)
    level = models.EpicLevel.MUST


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Standard
        django_get_or_create = ("ref",)

    ref = factory.Sequence(lambda n: f"S{900 + n}")
    name = factory.Sequence(lambda n: f"Test standard {n}")
    standard_type = models.StandardType.INTEROPERABILITY
    version = "1.0.0"


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Integration
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Integration {n}")


class IntegrationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IntegrationType
        django_get_or_create = ("integration", "name")

    integration = factory.SubFactory(IntegrationFactory)
    name = factory.Sequence(lambda n: f"Type {n}")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Supplier

    organisation = factory.SubFactory(
        OrganisationFactory,
        org_type=OrganisationType.SUPPLIER,
        ods_code=None,
        name=factory.Sequence(lambda n: f"Test Supplier {n} Ltd"),
    )
    code = factory.Sequence(lambda n: f"{90000 + n}")
    legal_name = factory.LazyAttribute(lambda o: o.organisation.name)
    summary = "A supplier for tests."
    website = "https://supplier.example.com/"


class SupplierContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SupplierContact

    supplier = factory.SubFactory(SupplierFactory)
    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"contact{n}@supplier.example.com")
    is_primary = True


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Solution
        skip_postgeneration_save = True

    supplier = factory.SubFactory(SupplierFactory)
    catalogue_id = factory.LazyAttributeSequence(lambda o, n: f"{o.supplier.code}-{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Test Solution {n}")
    summary = "Lets patients consult their practice online."
    description = "A longer description of what the solution does."
    features = factory.LazyFunction(lambda: ["Online triage", "Video consultation"])
    publication_state = models.PublicationState.PUBLISHED

    @factory.post_generation
    def frameworks(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.frameworks.set(extracted)

    @factory.post_generation
    def capabilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.capabilities.set(extracted)


class SolutionEpicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SolutionEpic

    solution = factory.SubFactory(SolutionFactory)
    capability = factory.SubFactory(CapabilityFactory)
    epic = factory.SubFactory(EpicFactory)


class SolutionIntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SolutionIntegration

    solution = factory.SubFactory(SolutionFactory)
    integration_type = factory.SubFactory(IntegrationTypeFactory)
    direction = models.IntegrationDirection.PROVIDER


class HostingOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HostingOption

    solution = factory.SubFactory(SolutionFactory)
    hosting_type = models.HostingType.PUBLIC_CLOUD
    summary = "Hosted on a public cloud in the UK."


class SolutionClientApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SolutionClientApplication

    solution = factory.SubFactory(SolutionFactory)
    application_type = models.ClientApplicationType.BROWSER_BASED


class AdditionalServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AdditionalService

    solution = factory.SubFactory(SolutionFactory)
    catalogue_id = factory.LazyAttributeSequence(lambda o, n: f"{o.solution.catalogue_id}A{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Test additional service {n}")
    summary = "An optional extra."
    publication_state = models.PublicationState.PUBLISHED


class AssociatedServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AssociatedService

    supplier = factory.SubFactory(SupplierFactory)
    catalogue_id = factory.LazyAttributeSequence(lambda o, n: f"{o.supplier.code}-S-{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Test associated service {n}")
    summary = "One-off work, such as training."
    publication_state = models.PublicationState.PUBLISHED


class PriceFactory(factory.django.DjangoModelFactory):
    """A flat per-patient-per-year price of £1.25 on a solution, unless told otherwise.

    Pass `tiers=[(lower, upper, unit_price), ...]` to replace the single flat tier.
    """

    class Meta:
        model = models.Price
        skip_postgeneration_save = True

    solution = factory.SubFactory(SolutionFactory)
    price_type = models.PriceType.FLAT
    calculation_type = models.CalculationType.SINGLE_FIXED
    provisioning_type = models.ProvisioningType.PER_PATIENT
    quantity_basis = models.QuantityBasis.PER_SOLUTION
    unit_description = "per patient"
    range_description = "patients"
    time_unit = models.TimeUnit.PER_YEAR

    @factory.post_generation
    def tiers(obj, create, extracted, **kwargs):
        if not create:
            return
        rows = extracted if extracted is not None else [(1, None, Decimal("1.25"))]
        for lower, upper, unit_price in rows:
            models.PriceTier.objects.create(
                price=obj, lower=lower, upper=upper, unit_price=Decimal(unit_price)
            )


class PriceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PriceTier

    price = factory.SubFactory(PriceFactory, tiers=[])
    lower = 1
    upper = None
    unit_price = Decimal("1.25")
