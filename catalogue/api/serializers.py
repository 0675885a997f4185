"""Read-only representations of the catalogue for the public API.

The serializers never query on their own: each reads only what its view prefetched (see views.py),
so a list costs the same number of queries whatever its length. Where a value is computed (a price in
plain words, a framework's being live today, the epics a solution claims under each capability) it is
a method field annotated for drf-spectacular, so the OpenAPI schema states its real type.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.models import (
    AdditionalService,
    AssociatedService,
    Capability,
    CapabilityEpic,
    ClientApplicationType,
    ConformanceStatus,
    Epic,
    EpicLevel,
    Framework,
    HostingOption,
    Integration,
    IntegrationType,
    Price,
    PriceTier,
    ReportSource,
    Solution,
    SolutionIntegration,
    Standard,
    StandardType,
    Supplier,
    SupplierContact,
)
from catalogue.pricing import describe_price, describe_tier, format_money


@extend_schema_field(OpenApiTypes.URI)
class ListingURLField(serializers.ReadOnlyField):
    """Absolute URL of a solution's public listing page (the HTML page, not the API resource)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        kwargs.setdefault("help_text", "The solution's listing page on the marketplace.")
        super().__init__(**kwargs)

    def to_representation(self, value: Solution) -> str:
        path = value.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def _api_url(view_name: str, lookup_field: str) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(
        view_name=f"api:{view_name}", lookup_field=lookup_field, help_text="This resource in the API."
    )


# --- Reference data ----------------------------------------------------------------------------


class FrameworkSerializer(serializers.ModelSerializer):
    is_live = serializers.SerializerMethodField(help_text="Whether call-offs can be made from it today.")
    funding_types = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Funding sources allowed."
    )
    url = _api_url("framework-detail", "code")

    class Meta:
        model = Framework
        fields = [
            "code",
            "name",
            "short_name",
            "owner",
            "active_from",
            "expires_on",
            "is_expired",
            "is_live",
            "maximum_term_months",
            "funding_types",
            "url",
        ]

    def get_is_live(self, obj: Framework) -> bool:
        return obj.is_live()


class CapabilityEpicSerializer(serializers.ModelSerializer):
    """An epic as it appears inside a capability: with its level there (must, should or may)."""

    code = serializers.CharField(source="epic.code", read_only=True)
    name = serializers.CharField(source="epic.name", read_only=True)
    supplier_defined = serializers.BooleanField(source="epic.supplier_defined", read_only=True)
    is_active = serializers.BooleanField(source="epic.is_active", read_only=True)

    class Meta:
        model = CapabilityEpic
        fields = ["code", "name", "supplier_defined", "is_active", "level"]


class CapabilitySerializer(serializers.ModelSerializer):
    frameworks = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text="Codes of the frameworks it belongs to."
    )
    epics = CapabilityEpicSerializer(source="capability_epics", many=True, read_only=True)
    url = _api_url("capability-detail", "ref")

    class Meta:
        model = Capability
        fields = [
            "ref",
            "name",
            "description",
            "version",
            "source_url",
            "category",
            "status",
            "is_foundation",
            "frameworks",
            "epics",
            "url",
        ]


class EpicCapabilitySerializer(serializers.ModelSerializer):
    """A capability as it appears inside an epic: with the epic's level in it."""

    ref = serializers.CharField(source="capability.ref", read_only=True)
    name = serializers.CharField(source="capability.name", read_only=True)

    class Meta:
        model = CapabilityEpic
        fields = ["ref", "name", "level"]


class EpicSerializer(serializers.ModelSerializer):
    capabilities = EpicCapabilitySerializer(source="capability_epics", many=True, read_only=True)
    url = _api_url("epic-detail", "code")

    class Meta:
        model = Epic
        fields = [
            "code",
            "name",
            "description",
            "supplier_defined",
            "is_active",
            "is_demo",
            "capabilities",
            "url",
        ]


class StandardSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(source="standard_type", choices=StandardType.choices, read_only=True)
    capabilities = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="ref", help_text="Refs of the capabilities it applies to."
    )
    # The model's own `url` is the standard's published document, so the API link is `api_url`.
    api_url = _api_url("standard-detail", "ref")

    class Meta:
        model = Standard
        fields = ["ref", "name", "description", "type", "version", "url", "capabilities", "api_url"]
        extra_kwargs = {"url": {"help_text": "The standard's published document."}}


class IntegrationTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntegrationType
        fields = ["name", "description"]


class IntegrationSerializer(serializers.ModelSerializer):
    types = IntegrationTypeSerializer(many=True, read_only=True)

    class Meta:
        model = Integration
        fields = ["name", "description", "types"]


# --- Suppliers ---------------------------------------------------------------------------------


class SupplierContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierContact
        fields = ["name", "department", "email", "phone", "is_primary"]


class SupplierSolutionSerializer(serializers.ModelSerializer):
    """A solution inside its supplier: enough to follow the link."""

    url = _api_url("solution-detail", "catalogue_id")
    listing_url = ListingURLField()

    class Meta:
        model = Solution
        fields = ["catalogue_id", "name", "publication_state", "url", "listing_url"]


class SupplierSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)
    contacts = SupplierContactSerializer(many=True, read_only=True)
    solutions = SupplierSolutionSerializer(
        source="visible_solutions",
        many=True,
        read_only=True,
        help_text="Its listings you may see: the public ones (plus, for its own editors and the catalogue "
        "team, the others).",
    )
    url = _api_url("supplier-detail", "code")

    class Meta:
        model = Supplier
        fields = [
            "code",
            "name",
            "legal_name",
            "summary",
            "website",
            "address",
            "contacts",
            "solutions",
            "url",
        ]


class SupplierBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)
    url = _api_url("supplier-detail", "code")

    class Meta:
        model = Supplier
        fields = ["code", "name", "url"]


class SolutionSupplierSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)
    contacts = SupplierContactSerializer(many=True, read_only=True)
    url = _api_url("supplier-detail", "code")

    class Meta:
        model = Supplier
        fields = ["code", "name", "legal_name", "summary", "website", "address", "contacts", "url"]


# --- Prices ------------------------------------------------------------------------------------


class PriceTierSerializer(serializers.ModelSerializer):
    range = serializers.SerializerMethodField(help_text="The band in words, such as “1 to 999 patients”.")
    unit_price_text = serializers.SerializerMethodField(
        help_text="The unit price in pounds, such as “£1.25”."
    )

    class Meta:
        model = PriceTier
        fields = ["lower", "upper", "unit_price", "unit_price_text", "range"]

    def get_range(self, obj: PriceTier) -> str:
        return describe_tier(obj, self.context.get("range_description", ""))

    def get_unit_price_text(self, obj: PriceTier) -> str:
        return format_money(obj.unit_price)


class PriceSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField(
        help_text="The price in plain words, such as “£1.25 per patient per year”."
    )
    tiers = serializers.SerializerMethodField()

    class Meta:
        model = Price
        fields = [
            "description",
            "price_type",
            "calculation_type",
            "provisioning_type",
            "quantity_basis",
            "unit_description",
            "unit_definition",
            "range_description",
            "time_unit",
            "currency",
            "tiers",
        ]

    def get_description(self, obj: Price) -> str:
        return describe_price(obj)

    @extend_schema_field(PriceTierSerializer(many=True))
    def get_tiers(self, obj: Price) -> list[dict[str, Any]]:
        context = {**self.context, "range_description": obj.range_description}
        return PriceTierSerializer(obj.tiers.all(), many=True, context=context).data


# --- Solutions ---------------------------------------------------------------------------------


class AdditionalServiceSerializer(serializers.ModelSerializer):
    capabilities = serializers.SlugRelatedField(many=True, read_only=True, slug_field="ref")
    prices = PriceSerializer(source="list_prices", many=True, read_only=True)

    class Meta:
        model = AdditionalService
        fields = ["catalogue_id", "name", "summary", "description", "capabilities", "prices"]


class AssociatedServiceSerializer(serializers.ModelSerializer):
    prices = PriceSerializer(source="list_prices", many=True, read_only=True)

    class Meta:
        model = AssociatedService
        fields = [
            "catalogue_id",
            "name",
            "summary",
            "description",
            "order_guidance",
            "practice_reorganisation",
            "prices",
        ]


class SolutionIntegrationSerializer(serializers.ModelSerializer):
    integration = serializers.CharField(
        source="integration_type.integration.name", read_only=True, help_text="IM1, GP Connect or NHS App."
    )
    integration_type = serializers.CharField(source="integration_type.name", read_only=True)

    class Meta:
        model = SolutionIntegration
        fields = ["integration", "integration_type", "direction", "integrates_with", "description"]


class HostingOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = HostingOption
        fields = ["hosting_type", "summary", "link", "hosting_model", "requires_hscn"]


class FrameworkBriefSerializer(serializers.ModelSerializer):
    is_live = serializers.SerializerMethodField(help_text="Whether call-offs can be made from it today.")

    class Meta:
        model = Framework
        fields = ["code", "name", "short_name", "is_live"]

    def get_is_live(self, obj: Framework) -> bool:
        return obj.is_live()


class ClaimedEpicSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    supplier_defined = serializers.BooleanField()
    level = serializers.ChoiceField(
        choices=EpicLevel.choices,
        allow_null=True,
        help_text="The epic's level within the capability; null if the epic is not part of it.",
    )


class SolutionCapabilitySerializer(serializers.Serializer):
    ref = serializers.CharField()
    name = serializers.CharField()
    is_foundation = serializers.BooleanField()
    epics = ClaimedEpicSerializer(many=True, help_text="The epics the solution claims for this capability.")


class SolutionStandardSerializer(serializers.Serializer):
    ref = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=StandardType.choices)
    version = serializers.CharField()
    url = serializers.URLField(allow_blank=True)
    applies = serializers.ChoiceField(
        choices=[("claimed", "Claimed by the solution"), ("overarching", "Applies to every solution")],
        help_text="Why the standard applies: the solution claims it, or it applies to every solution.",
    )


ACCREDITED_HELP = (
    "Whether current harness results meet every capability it claims and every overarching standard "
    "(see /api/v1/solutions/{catalogue_id}/conformance/). Only an accredited listing can be awarded."
)


class SolutionListSerializer(serializers.ModelSerializer):
    supplier = SupplierBriefSerializer(read_only=True)
    frameworks = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    capabilities = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="ref", help_text="Refs of the capabilities it claims."
    )
    listing_url = ListingURLField()
    url = _api_url("solution-detail", "catalogue_id")

    class Meta:
        model = Solution
        fields = [
            "catalogue_id",
            "name",
            "supplier",
            "summary",
            "frameworks",
            "capabilities",
            "publication_state",
            "last_reviewed",
            "published_at",
            "is_demo",
            "is_accredited",
            "listing_url",
            "url",
        ]
        extra_kwargs = {"is_accredited": {"help_text": ACCREDITED_HELP}}


class SolutionDetailSerializer(serializers.ModelSerializer):
    """Everything a buyer needs to compare a listing.

    Reads the prefetches of `Solution.objects.with_facts()` and, from the context,
    `overarching_standards`; see views.py.
    """

    supplier = SolutionSupplierSerializer(read_only=True)
    features = serializers.ListField(child=serializers.CharField(), read_only=True)
    frameworks = FrameworkBriefSerializer(many=True, read_only=True)
    capabilities = serializers.SerializerMethodField()
    standards = serializers.SerializerMethodField()
    integrations = SolutionIntegrationSerializer(many=True, read_only=True)
    hosting_options = HostingOptionSerializer(many=True, read_only=True)
    client_applications = serializers.SerializerMethodField()
    client_application_details = serializers.DictField(
        read_only=True, help_text="Browsers supported, connection speed, resolution, hardware and so on."
    )
    prices = PriceSerializer(source="list_prices", many=True, read_only=True)
    additional_services = AdditionalServiceSerializer(
        source="public_additional_services", many=True, read_only=True
    )
    associated_services = AssociatedServiceSerializer(
        source="public_associated_services", many=True, read_only=True
    )
    listing_url = ListingURLField()
    url = _api_url("solution-detail", "catalogue_id")

    class Meta:
        model = Solution
        fields = [
            "catalogue_id",
            "name",
            "supplier",
            "summary",
            "description",
            "features",
            "frameworks",
            "capabilities",
            "standards",
            "integrations",
            "integrations_url",
            "hosting_options",
            "client_applications",
            "client_application_details",
            "implementation_timescales",
            "sla_type",
            "roadmap",
            "roadmap_url",
            "about_url",
            "prices",
            "additional_services",
            "associated_services",
            "publication_state",
            "last_reviewed",
            "published_at",
            "is_demo",
            "is_accredited",
            "listing_url",
            "url",
        ]
        extra_kwargs = {"is_accredited": {"help_text": ACCREDITED_HELP}}

    @extend_schema_field(SolutionCapabilitySerializer(many=True))
    def get_capabilities(self, obj: Solution) -> list[dict[str, Any]]:
        """Claimed capabilities in ref order, each with the epics claimed for it. A capability that
        appears only through a claimed epic is listed too, so no claimed epic goes missing."""
        rows = [
            {
                "ref": claim.capability.ref,
                "name": claim.capability.name,
                "is_foundation": claim.capability.is_foundation,
                "epics": [
                    {
                        "code": solution_epic.epic.code,
                        "name": solution_epic.epic.name,
                        "supplier_defined": solution_epic.epic.supplier_defined,
                        "level": solution_epic.level,
                    }
                    for solution_epic in claim.epics
                ],
            }
            for claim in obj.capability_claims()
        ]
        return SolutionCapabilitySerializer(rows, many=True, context=self.context).data

    @extend_schema_field(SolutionStandardSerializer(many=True))
    def get_standards(self, obj: Solution) -> list[dict[str, Any]]:
        """The standards the solution claims plus the overarching ones, which apply to every solution
        whether claimed or not; a claimed overarching standard is listed once, as overarching."""
        overarching: Iterable[Standard] = self.context.get("overarching_standards")
        if overarching is None:
            overarching = Standard.objects.filter(standard_type=StandardType.OVERARCHING)
        standards = {standard.pk: (standard, "claimed") for standard in obj.standards.all()}
        standards.update({standard.pk: (standard, "overarching") for standard in overarching})
        rows = [
            {
                "ref": standard.ref,
                "name": standard.name,
                "type": standard.standard_type,
                "version": standard.version,
                "url": standard.url,
                "applies": applies,
            }
            for standard, applies in sorted(
                standards.values(), key=lambda pair: (pair[0].sort_key, pair[0].ref)
            )
        ]
        return SolutionStandardSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ClientApplicationType.choices))
    )
    def get_client_applications(self, obj: Solution) -> list[str]:
        return [application.application_type for application in obj.client_applications.all()]


# --- Conformance (from the standards test harness) ------------------------------------------------
# Plain serializers over the rows views.SolutionViewSet.conformance assembles: the statuses come from
# catalogue.conformance.status.compute(), the evidence from the results they rest on.

EPIC_STATES = [
    ("passed", "Passed within the validity period"),
    ("failed", "Failed (the latest result)"),
    ("lapsed", "Tested, but the latest result is older than the validity period"),
    ("not_tested", "No result"),
]
STANDARD_STATES = [("met", "Passed within the validity period"), ("not_met", "Failed, lapsed or not tested")]


class EvidenceSerializer(serializers.Serializer):
    """The harness report a result came from."""

    report_id = serializers.IntegerField()
    url = serializers.URLField(help_text="The report in the API: its state, counts and warnings.")
    evidence_url = serializers.URLField(help_text="The report's public evidence page.")


class ConformanceEpicSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(
        choices=EpicLevel.choices,
        allow_null=True,
        help_text="Its level in this capability; null for a claimed epic the capability does not list.",
    )
    is_active = serializers.BooleanField(help_text="false: a retired epic, kept because the model lists it.")
    claimed = serializers.BooleanField(help_text="Whether the solution claims this epic.")
    state = serializers.ChoiceField(choices=EPIC_STATES)
    tested_at = serializers.DateTimeField(allow_null=True, help_text="When the latest result was recorded.")
    evidence = EvidenceSerializer(allow_null=True)


class ConformanceCapabilitySerializer(serializers.Serializer):
    ref = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(
        choices=ConformanceStatus.choices,
        help_text="met: every MUST epic passed within the validity period; partially_met: some did; "
        "not_met: none did and one failed; not_tested: otherwise.",
    )
    as_of = serializers.DateTimeField(allow_null=True, help_text="The latest MUST-epic result it rests on.")
    epics = ConformanceEpicSerializer(many=True, help_text="Its MUST epics and the epics claimed under it.")


class ConformanceStandardSerializer(serializers.Serializer):
    ref = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=StandardType.choices)
    state = serializers.ChoiceField(choices=STANDARD_STATES)
    tested_at = serializers.DateTimeField(allow_null=True)
    evidence = EvidenceSerializer(allow_null=True)


class HarnessNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()


class ConformanceRunSerializer(serializers.Serializer):
    """One report with results for the solution; the counts are this solution's cases only."""

    report_id = serializers.IntegerField()
    run_id = serializers.CharField()
    harness = HarnessNameSerializer()
    executed_at = serializers.DateTimeField(allow_null=True)
    source = serializers.ChoiceField(choices=ReportSource.choices)
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()
    pass_rate = serializers.FloatField(
        allow_null=True, help_text="passed / (passed + failed), 0 to 1; null when nothing passed or failed."
    )
    url = serializers.URLField()
    evidence_url = serializers.URLField()


class SolutionConformanceSerializer(serializers.Serializer):
    catalogue_id = serializers.CharField()
    name = serializers.CharField()
    accredited = serializers.BooleanField(
        help_text="Every claimed capability met and every overarching standard met, by results within the "
        "validity period, as of now."
    )
    accreditation_changed_at = serializers.DateTimeField(allow_null=True)
    validity_days = serializers.IntegerField(help_text="How long a result counts, in days.")
    capabilities = ConformanceCapabilitySerializer(many=True)
    standards = ConformanceStandardSerializer(
        many=True, help_text="The overarching standards and those claimed."
    )
    history = ConformanceRunSerializer(many=True, help_text="Every report with results for it, newest first.")
    url = serializers.URLField()
