"""Reference data of the GP IT Futures model. Loaded from catalogue/reference_data/ by
`manage.py load_reference`; edited by the catalogue team in the admin, never by suppliers."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from ..querysets import FrameworkQuerySet


class Framework(models.Model):
    """A procurement framework solutions are called off from, such as GP IT Futures (NHSDGP001)."""

    code = models.CharField(max_length=20, unique=True, help_text="Framework id, such as NHSDGP001.")
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=100, blank=True)
    owner = models.CharField(max_length=255, blank=True)
    active_from = models.DateField(null=True, blank=True)
    expires_on = models.DateField(
        null=True, blank=True, help_text="Last day call-offs may be made. Empty: no date published."
    )
    is_expired = models.BooleanField(
        default=False, help_text="Set when the framework has ended even if no expiry date is recorded."
    )
    maximum_term_months = models.PositiveSmallIntegerField(
        "maximum call-off term (months)", validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    funding_types = models.JSONField(
        default=list,
        blank=True,
        help_text='Funding sources allowed, such as ["GPIT funding", "Local funding"].',
    )

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def is_live(self, on: datetime.date | None = None) -> bool:
        """Whether call-offs can be made from this framework on a day (today by default)."""
        on = on or timezone.localdate()
        if self.is_expired:
            return False
        if self.active_from and on < self.active_from:
            return False
        return not (self.expires_on and on > self.expires_on)


class CapabilityStatus(models.TextChoices):
    EFFECTIVE = "effective", "Effective"
    EXPIRED = "expired", "Expired"


capability_ref_validator = RegexValidator(
    r"^C[0-9]{1,3}$", "A capability reference is C and a number, such as C14."
)


class Capability(models.Model):
    """A business capability a solution can be assessed against, such as C14 Prescribing."""

    ref = models.CharField("reference", max_length=10, unique=True, validators=[capability_ref_validator])
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=20, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    category = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=20, choices=CapabilityStatus.choices, default=CapabilityStatus.EFFECTIVE
    )
    is_foundation = models.BooleanField(
        "foundation capability",
        default=False,
        help_text="One of the six capabilities every GP practice needs.",
    )
    frameworks = models.ManyToManyField(Framework, blank=True, related_name="capabilities")
    epics = models.ManyToManyField("Epic", through="CapabilityEpic", related_name="capabilities")
    # Numeric part of the ref, so C2 sorts before C10.
    sort_key = models.PositiveIntegerField(editable=False, default=0)

    class Meta:
        ordering = ["sort_key"]
        verbose_name_plural = "capabilities"

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.sort_key = int(self.ref[1:]) if self.ref[1:].isdigit() else 0
        super().save(*args, **kwargs)


epic_id_validator = RegexValidator(
    # The real catalogue also has six-digit NHS ids (E000304) and supplier ids such as S020X01E01.
    r"^(E[0-9]{5,6}|S[0-9]{5}|S[0-9]{3}X[0-9]{2}E[0-9]{2}|C[0-9]{1,3}E[0-9]{1,3})$",
    "An epic id looks like E00001 (NHS-defined), S00001 (supplier-defined) or C1E1 (legacy).",
)


class Epic(models.Model):
    """A requirement within one or more capabilities. Supplier-defined epics (S00001) are always MAY."""

    code = models.CharField("epic id", max_length=20, unique=True, validators=[epic_id_validator])
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    supplier_defined = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_demo = models.BooleanField(default=False, help_text="Generated for the demo; not a real epic.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EpicLevel(models.TextChoices):
    MUST = "must", "Must"
    SHOULD = "should", "Should"
    MAY = "may", "May"


class CapabilityEpic(models.Model):
    """An epic's level within a capability: a solution meets a capability by passing its MUST epics."""

    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="capability_epics")
    epic = models.ForeignKey(Epic, on_delete=models.CASCADE, related_name="capability_epics")
    level = models.CharField(max_length=10, choices=EpicLevel.choices)

    class Meta:
        ordering = ["capability__sort_key", "epic__code"]
        constraints = [models.UniqueConstraint(fields=["capability", "epic"], name="unique_capability_epic")]

    def __str__(self) -> str:
        return f"{self.capability.ref} {self.epic.code} ({self.get_level_display()})"


class StandardType(models.TextChoices):
    OVERARCHING = "overarching", "Overarching"
    INTEROPERABILITY = "interoperability", "Interoperability"
    CAPABILITY_SPECIFIC = "capability_specific", "Capability specific"


class Standard(models.Model):
    """A technical standard. Overarching standards apply to every solution; the others where claimed."""

    ref = models.CharField("reference", max_length=10, unique=True, help_text="Such as S24.")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    standard_type = models.CharField("type", max_length=30, choices=StandardType.choices)
    version = models.CharField(max_length=20, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="standards")
    sort_key = models.PositiveIntegerField(editable=False, default=0)

    class Meta:
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.sort_key = int(self.ref[1:]) if self.ref[1:].isdigit() else 0
        super().save(*args, **kwargs)


class Integration(models.Model):
    """A family of integrations a solution can declare: IM1, GP Connect, NHS App."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntegrationType(models.Model):
    """One interface within an integration, such as IM1 Bulk or GP Connect Access Record HTML."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="types")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["integration__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "name"], name="unique_integration_type_name")
        ]

    def __str__(self) -> str:
        return f"{self.integration.name} {self.name}"
