"""What suppliers offer: solutions (modules), additional services and associated services."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.urls import reverse

from ..querysets import (
    AdditionalServiceQuerySet,
    AssociatedServiceQuerySet,
    SolutionEpicQuerySet,
    SolutionQuerySet,
)
from .reference import Capability, Epic, Framework, IntegrationType, Standard
from .suppliers import Supplier

SUMMARY_MAX_LENGTH = 350
DESCRIPTION_MAX_LENGTH = 3000
MAX_FEATURES = 10
FEATURE_MAX_LENGTH = 100


@dataclass
class CapabilityClaim:
    """A claimed capability and the claimed epics under it (SolutionEpic rows annotated with `level`)."""

    capability: Capability
    epics: list[SolutionEpic] = field(default_factory=list)


class PublicationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    IN_REMEDIATION = "in_remediation", "In remediation"
    SUSPENDED = "suspended", "Suspended"
    UNPUBLISHED = "unpublished", "Unpublished"


# States in which a listing is public. In remediation stays listed, with a warning.
PUBLIC_STATES = (PublicationState.PUBLISHED, PublicationState.IN_REMEDIATION)


class HostingType(models.TextChoices):
    PUBLIC_CLOUD = "public_cloud", "Public cloud"
    PRIVATE_CLOUD = "private_cloud", "Private cloud"
    HYBRID = "hybrid", "Hybrid"
    ON_PREMISE = "on_premise", "On premise"


class ClientApplicationType(models.TextChoices):
    BROWSER_BASED = "browser_based", "Browser-based"
    NATIVE_MOBILE = "native_mobile", "Native mobile or tablet"
    NATIVE_DESKTOP = "native_desktop", "Native desktop"


class SLAType(models.TextChoices):
    TYPE_1 = "type_1", "Type 1: service levels for clinical systems (high availability)"
    TYPE_2 = "type_2", "Type 2: standard service levels"


class IntegrationDirection(models.TextChoices):
    PROVIDER = "provider", "Provider"
    CONSUMER = "consumer", "Consumer"


class PracticeReorganisation(models.TextChoices):
    NONE = "", "Not a practice reorganisation"
    MERGER = "merger", "Practice merger"
    SPLIT = "split", "Practice split"
    MERGER_OR_SPLIT = "merger_or_split", "Practice merger or split"


solution_id_validator = RegexValidator(
    r"^[0-9]{5,6}-[0-9]{3}$",
    "A solution id is the supplier id, a hyphen and three digits, such as 10000-001.",
)
additional_service_id_validator = RegexValidator(
    r"^[0-9]{5,6}-[0-9]{3}A[0-9]{3}$", "An additional service id looks like 10000-001A001."
)
associated_service_id_validator = RegexValidator(
    r"^[0-9]{5,6}-S-[0-9]{3}$", "An associated service id looks like 10000-S-001."
)


def validate_features(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Features must be a list of short sentences.")
    if len(value) > MAX_FEATURES:
        raise ValidationError(f"List at most {MAX_FEATURES} features; there are {len(value)}.")
    for number, item in enumerate(value, start=1):
        if not item.strip():
            raise ValidationError(f"Feature {number} is empty.")
        if len(item) > FEATURE_MAX_LENGTH:
            raise ValidationError(
                f"Feature {number} is {len(item)} characters long; the limit is {FEATURE_MAX_LENGTH}."
            )


class Solution(models.Model):
    """A catalogue solution (a module) offered by one supplier on one or more frameworks.

    The publication state is changed only through the service functions of the listings workflow,
    never directly by a supplier.
    """

    catalogue_id = models.CharField(
        "solution id", max_length=12, unique=True, validators=[solution_id_validator]
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="solutions")
    name = models.CharField(max_length=255)
    summary = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
        help_text=f"At most {SUMMARY_MAX_LENGTH} characters: what it does, for whom.",
    )
    description = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
        help_text=f"At most {DESCRIPTION_MAX_LENGTH} characters.",
    )
    features = models.JSONField(default=list, blank=True, validators=[validate_features])
    frameworks = models.ManyToManyField(Framework, related_name="solutions", blank=True)
    capabilities = models.ManyToManyField(
        Capability, related_name="solutions", blank=True, help_text="Capabilities the supplier claims."
    )
    epics = models.ManyToManyField(Epic, through="SolutionEpic", related_name="solutions", blank=True)
    standards = models.ManyToManyField(
        Standard,
        related_name="solutions",
        blank=True,
        help_text="Standards claimed. Overarching standards apply to every solution whether listed or not.",
    )
    implementation_timescales = models.TextField(blank=True)
    sla_type = models.CharField("service level agreement", max_length=10, choices=SLAType.choices, blank=True)
    roadmap = models.TextField(blank=True)
    roadmap_url = models.URLField("roadmap link", max_length=500, blank=True)
    integrations_url = models.URLField(max_length=500, blank=True)
    about_url = models.URLField("about the supplier link", max_length=500, blank=True)
    client_application_details = models.JSONField(
        default=dict,
        blank=True,
        help_text="Browsers supported, minimum connection speed, resolution, hardware requirements.",
    )
    publication_state = models.CharField(
        max_length=20, choices=PublicationState.choices, default=PublicationState.DRAFT, db_index=True
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the catalogue team last reviewed it."
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the live version was published."
    )
    listing_url = models.CharField(
        max_length=500,
        blank=True,
        help_text="Path of the public listing page, kept up to date by the CMS; empty until it has one.",
    )
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo; not a real listing.")
    is_accredited = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Every claimed capability and every overarching standard met, by current harness results.",
    )
    accreditation_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SolutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["supplier", "publication_state"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The listing page when the CMS has made one; the catalogue's own page otherwise."""
        if self.listing_url:
            return self.listing_url
        return reverse("catalogue:solution-detail", kwargs={"catalogue_id": self.catalogue_id})

    @property
    def is_public(self) -> bool:
        return self.publication_state in PUBLIC_STATES

    def listing_contacts(self) -> list:
        """The listing's own contacts, or the supplier's general ones when it has none. Reads the
        supplier's prefetched contacts (`with_facts()`), so it costs no query there."""
        contacts = list(self.supplier.contacts.all())
        own = [c for c in contacts if c.solution_id == self.pk]
        return own or [c for c in contacts if c.solution_id is None]

    def capability_claims(self) -> list[CapabilityClaim]:
        """The capabilities claimed, in ref order, each with the epics claimed under it and their level.

        Needs `claimed_epics` (prefetched by `Solution.objects.with_facts()`). A capability that appears
        only through a claimed epic is included, so no claimed epic goes missing from a page or the API.
        """
        claims = {capability.pk: CapabilityClaim(capability) for capability in self.capabilities.all()}
        for solution_epic in self.claimed_epics:
            claim = claims.setdefault(solution_epic.capability_id, CapabilityClaim(solution_epic.capability))
            claim.epics.append(solution_epic)
        return sorted(claims.values(), key=lambda claim: (claim.capability.sort_key, claim.capability.ref))

    def clean(self) -> None:
        if self.catalogue_id and self.supplier_id:
            supplier_code = (
                Supplier.objects.filter(pk=self.supplier_id).values_list("code", flat=True).first()
            )
            if supplier_code and not self.catalogue_id.startswith(f"{supplier_code}-"):
                raise ValidationError(
                    {"catalogue_id": f"A solution id starts with its supplier's id ({supplier_code}-)."}
                )


class SolutionEpic(models.Model):
    """An epic a solution claims, under the capability it is claimed for."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="solution_epics")
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="+")
    epic = models.ForeignKey(Epic, on_delete=models.CASCADE, related_name="solution_epics")

    objects = SolutionEpicQuerySet.as_manager()

    class Meta:
        ordering = ["capability__sort_key", "epic__code"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "capability", "epic"], name="unique_solution_epic")
        ]

    def __str__(self) -> str:
        return f"{self.solution} – {self.epic.code}"


class SolutionIntegration(models.Model):
    """An integration a solution offers (provider) or uses (consumer), such as IM1 Bulk as consumer."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="integrations")
    integration_type = models.ForeignKey(IntegrationType, on_delete=models.PROTECT, related_name="solutions")
    direction = models.CharField(max_length=10, choices=IntegrationDirection.choices)
    integrates_with = models.CharField(
        max_length=255, blank=True, help_text="For a consumer: the systems it connects to, such as EMIS Web."
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["integration_type__integration__name", "integration_type__name", "direction"]
        constraints = [
            models.UniqueConstraint(
                fields=["solution", "integration_type", "direction"], name="unique_solution_integration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.integration_type} ({self.get_direction_display().lower()})"


class HostingOption(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="hosting_options")
    hosting_type = models.CharField(max_length=20, choices=HostingType.choices)
    summary = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    hosting_model = models.TextField(blank=True)
    requires_hscn = models.CharField(
        "HSCN requirement", max_length=255, blank=True, help_text="Whether devices must connect to HSCN."
    )

    class Meta:
        ordering = ["hosting_type"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "hosting_type"], name="unique_hosting_type")
        ]

    def __str__(self) -> str:
        return self.get_hosting_type_display()


class SolutionClientApplication(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="client_applications")
    application_type = models.CharField(max_length=20, choices=ClientApplicationType.choices)

    class Meta:
        ordering = ["application_type"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "application_type"], name="unique_client_application")
        ]

    def __str__(self) -> str:
        return self.get_application_type_display()


class AdditionalService(models.Model):
    """An optional extra that belongs to one solution and can only be bought with it."""

    catalogue_id = models.CharField(
        "additional service id", max_length=16, unique=True, validators=[additional_service_id_validator]
    )
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="additional_services")
    name = models.CharField(max_length=255)
    summary = models.TextField(blank=True, validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)])
    description = models.TextField(blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)])
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="additional_services")
    epics = models.ManyToManyField(Epic, blank=True, related_name="additional_services")
    publication_state = models.CharField(
        max_length=20, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    is_demo = models.BooleanField(default=False)

    objects = AdditionalServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.catalogue_id and self.solution_id:
            solution_id = (
                Solution.objects.filter(pk=self.solution_id).values_list("catalogue_id", flat=True).first()
            )
            if solution_id and not self.catalogue_id.startswith(f"{solution_id}A"):
                message = f"An additional service id starts with its solution's id ({solution_id}A)."
                raise ValidationError({"catalogue_id": message})


class AssociatedService(models.Model):
    """One-off work a supplier offers with its solutions: training, migration, practice merger or split."""

    catalogue_id = models.CharField(
        "associated service id", max_length=16, unique=True, validators=[associated_service_id_validator]
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="associated_services")
    solutions = models.ManyToManyField(Solution, blank=True, related_name="associated_services")
    name = models.CharField(max_length=255)
    summary = models.TextField(blank=True, validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)])
    description = models.TextField(blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)])
    order_guidance = models.TextField(blank=True)
    practice_reorganisation = models.CharField(
        max_length=20, choices=PracticeReorganisation.choices, blank=True, default=PracticeReorganisation.NONE
    )
    publication_state = models.CharField(
        max_length=20, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    is_demo = models.BooleanField(default=False)

    objects = AssociatedServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
