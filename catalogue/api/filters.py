"""Query-string filters of the public API, one FilterSet per resource.

Every filter validates its value before it touches the queryset: an unknown framework code, capability
reference or supplier id, a state that does not exist or a boolean written as "maybe" gives a 400 whose
JSON body names the parameter (django-filter's backend raises a DRF ValidationError), never a 500 and
never a silently ignored filter, which would return more than the client asked for.

The filters narrow whatever queryset the view hands them. For solutions that is already
`Solution.objects.visible_to(user)`, so `publication_state=draft` can only ever find drafts the user
may see.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.utils import extend_schema_field

from catalogue.models import (
    Capability,
    CapabilityStatus,
    Epic,
    Framework,
    PublicationState,
    Solution,
    Standard,
    StandardType,
    Supplier,
)

UNKNOWN_FRAMEWORK = (
    "Unknown framework code “%(value)s”. Use a code from /api/v1/frameworks/, such as NHSDGP001."
)
UNKNOWN_CAPABILITY = (
    "Unknown capability reference “%(value)s”. Use a ref from /api/v1/capabilities/, such as C14."
)
CAPABILITIES_HELP = (
    "A capability ref, such as C14. Repeat the parameter to require several: "
    "a solution must claim all of them."
)
UNKNOWN_SUPPLIER = "Unknown supplier id “%(value)s”. Use a code from /api/v1/suppliers/, such as 10000."


class StrictBooleanField(forms.Field):
    """A yes/no query parameter that rejects anything else.

    django-filter's own BooleanFilter turns an unrecognised value ("maybe", "ture") into "no filter",
    so a typo silently returns everything. Here it is a validation error instead.
    """

    TRUE_VALUES = frozenset({"true", "1", "yes"})
    FALSE_VALUES = frozenset({"false", "0", "no"})
    default_error_messages = {"invalid": "“%(value)s” is not a boolean. Use true or false."}

    def to_python(self, value: Any) -> bool | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE_VALUES:
            return True
        if text in self.FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})


class StrictBooleanFilter(django_filters.BooleanFilter):
    """BooleanFilter with StrictBooleanField (the OpenAPI schema still shows it as a boolean)."""

    field_class = StrictBooleanField


class StableOrderingFilter(django_filters.OrderingFilter):
    """OrderingFilter that always ends with the primary key, so that pages of a list ordered by a
    non-unique column (two listings reviewed on the same day) neither repeat nor skip rows."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


def _framework_filter(field_name: str, help_text: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Framework.objects.all(),
        to_field_name="code",
        help_text=help_text,
        error_messages={"invalid_choice": UNKNOWN_FRAMEWORK},
    )


class CapabilityFilter(django_filters.FilterSet):
    framework = _framework_filter(
        "frameworks", "Only capabilities of this framework (its code, such as NHSDGP001)."
    )
    foundation = StrictBooleanFilter(
        field_name="is_foundation",
        help_text="true: only the foundation capabilities; false: only the others.",
    )
    status = django_filters.ChoiceFilter(choices=CapabilityStatus.choices, help_text="Effective or expired.")
    category = django_filters.CharFilter(
        lookup_expr="iexact", help_text="Exact category name, case-insensitive, such as “Consultations”."
    )

    class Meta:
        model = Capability
        fields = ["framework", "foundation", "status", "category"]


class EpicFilter(django_filters.FilterSet):
    capability = django_filters.ModelChoiceFilter(
        field_name="capabilities",
        queryset=Capability.objects.all(),
        to_field_name="ref",
        help_text="Only epics of this capability (its ref, such as C14).",
        error_messages={"invalid_choice": UNKNOWN_CAPABILITY},
    )
    supplier_defined = StrictBooleanFilter(help_text="true: only supplier-defined epics (S00001 and so on).")
    is_active = StrictBooleanFilter(help_text="false: only epics that are no longer in use.")

    class Meta:
        model = Epic
        fields = ["capability", "supplier_defined", "is_active"]


class StandardFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        field_name="standard_type", choices=StandardType.choices, help_text="Only standards of this type."
    )

    class Meta:
        model = Standard
        fields = ["type"]


class SolutionFilter(django_filters.FilterSet):
    framework = _framework_filter(
        "frameworks", "Only solutions on this framework (its code, such as NHSDGP001)."
    )
    # field_name ends in __ref because, with conjoined=True, django-filter filters by the chosen
    # objects' to_field_name value (the ref), not by the objects themselves. That path hides the
    # type from drf-spectacular, hence the annotation (it still documents an array of them).
    capability = extend_schema_field({"type": "string", "description": CAPABILITIES_HELP})(
        django_filters.ModelMultipleChoiceFilter(
            field_name="capabilities__ref",
            queryset=Capability.objects.all(),
            to_field_name="ref",
            conjoined=True,
            help_text=CAPABILITIES_HELP,
            error_messages={"invalid_choice": UNKNOWN_CAPABILITY},
        )
    )
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(),
        to_field_name="code",
        help_text="Only this supplier's solutions (its id, such as 10000).",
        error_messages={"invalid_choice": UNKNOWN_SUPPLIER},
    )
    publication_state = django_filters.ChoiceFilter(
        choices=PublicationState.choices,
        help_text="Only listings in this state, among those you may see (anyone sees published and "
        "in_remediation; suppliers also their own, the catalogue team all).",
    )
    foundation = StrictBooleanFilter(
        method="filter_foundation",
        help_text="true: solutions claiming at least one foundation capability; false: those claiming none.",
    )
    is_demo = StrictBooleanFilter(
        help_text="true: only listings invented for the demo; false: only real ones."
    )
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("last_reviewed", "last_reviewed"), ("published_at", "published_at")),
        help_text="Sort by name, last_reviewed or published_at; prefix with - for descending.",
    )

    class Meta:
        model = Solution
        fields = ["framework", "capability", "supplier", "publication_state", "foundation", "is_demo"]

    def filter_foundation(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        """An EXISTS subquery rather than a join, so a solution claiming two foundation capabilities
        is not listed twice and the list needs no DISTINCT. (django-filter never calls it without a value.)"""
        claims_foundation = Exists(
            Solution.capabilities.through.objects.filter(
                solution=OuterRef("pk"), capability__is_foundation=True
            )
        )
        return queryset.filter(claims_foundation) if value else queryset.exclude(claims_foundation)
