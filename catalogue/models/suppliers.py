from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from accounts.models import Organisation

from ..querysets import SupplierQuerySet


class Supplier(models.Model):
    """A supplier on the frameworks. It *is* an organisation of type supplier (its primary key), so
    membership of that organisation is what makes a user one of its editors."""

    organisation = models.OneToOneField(
        Organisation,
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="supplier",
        limit_choices_to={"org_type": "supplier"},
    )
    code = models.CharField(
        "supplier id",
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{5,6}$", "A supplier id is five or six digits, such as 10000.")],
    )
    legal_name = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    address = models.TextField(blank=True)
    companies_house_number = models.CharField(max_length=8, blank=True)
    is_active = models.BooleanField(default=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def is_demo(self) -> bool:
        return self.organisation.is_demo


class SupplierContact(models.Model):
    """A person buyers can contact: for one listing when `solution` is set, for the supplier otherwise."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    solution = models.ForeignKey(
        "catalogue.Solution", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=255)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
