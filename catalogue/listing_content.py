"""The supplier-owned content of a listing, as plain data.

A supplier edits this content in a draft (a Wagtail page revision, in cms/); the catalogue stores the
published version in its own models (Solution and the rows around it). `ListingContent` is the shape
both sides agree on: `ListingContent.from_solution()` reads the published version, cms builds one from a
draft, and `catalogue.services.apply_listing_content()` writes one into the catalogue. Listing pages
render supplier content from it whichever side it came from, so a preview looks exactly like the live
page will.

What a supplier owns: summary, description, features, implementation timescales, roadmap, SLA type,
links, hosting, client application types and details, integrations, list prices, additional and
associated services, and the listing's contacts. What the catalogue team or the test harness owns
(name, frameworks, capabilities, epics, standards, publication state) is not here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .models import (
    CalculationType,
    ClientApplicationType,
    HostingType,
    IntegrationDirection,
    PracticeReorganisation,
    PriceType,
    ProvisioningType,
    QuantityBasis,
    SLAType,
    TimeUnit,
)
from .pricing import Tier

if TYPE_CHECKING:
    from .models import AdditionalService, AssociatedService, IntegrationType, Price, Solution


def _label(choices, value: str) -> str:
    return dict(choices).get(value, value)


@dataclass(frozen=True)
class PriceContent:
    provisioning_type: str
    unit_description: str
    tiers: tuple[Tier, ...]
    time_unit: str = ""
    calculation_type: str = CalculationType.SINGLE_FIXED
    quantity_basis: str = QuantityBasis.PER_SOLUTION
    range_description: str = ""
    unit_definition: str = ""

    @property
    def price_type(self) -> str:
        """Derived, never stored apart: a price with one tier is flat."""
        return PriceType.FLAT if len(self.tiers) == 1 else PriceType.TIERED

    def get_time_unit_display(self) -> str:
        return _label(TimeUnit.choices, self.time_unit)

    def get_provisioning_type_display(self) -> str:
        return _label(ProvisioningType.choices, self.provisioning_type)

    def get_calculation_type_display(self) -> str:
        return _label(CalculationType.choices, self.calculation_type)

    @classmethod
    def from_price(cls, price: Price) -> PriceContent:
        return cls(
            provisioning_type=price.provisioning_type,
            unit_description=price.unit_description,
            tiers=tuple(Tier(t.lower, t.upper, Decimal(t.unit_price)) for t in price.tiers.all()),
            time_unit=price.time_unit,
            calculation_type=price.calculation_type,
            quantity_basis=price.quantity_basis,
            range_description=price.range_description,
            unit_definition=price.unit_definition,
        )


@dataclass(frozen=True)
class HostingContent:
    hosting_type: str
    summary: str = ""
    link: str = ""
    hosting_model: str = ""
    requires_hscn: str = ""

    def get_hosting_type_display(self) -> str:
        return _label(HostingType.choices, self.hosting_type)

    def __str__(self) -> str:
        return self.get_hosting_type_display()


@dataclass(frozen=True)
class IntegrationContent:
    integration_type: IntegrationType
    direction: str
    integrates_with: str = ""
    description: str = ""

    def get_direction_display(self) -> str:
        return _label(IntegrationDirection.choices, self.direction)


@dataclass(frozen=True)
class ContactContent:
    name: str
    email: str
    department: str = ""
    phone: str = ""


@dataclass(frozen=True)
class AdditionalServiceContent:
    """An additional service. `catalogue_id` is empty for one the supplier has just added: the
    catalogue gives it the next id when it is published."""

    name: str
    summary: str = ""
    description: str = ""
    prices: tuple[PriceContent, ...] = ()
    catalogue_id: str = ""
    is_demo: bool = field(default=False, compare=False)  # catalogue-owned: shown, never edited

    @classmethod
    def from_service(cls, service: AdditionalService) -> AdditionalServiceContent:
        return cls(
            name=service.name,
            summary=service.summary,
            description=service.description,
            prices=tuple(PriceContent.from_price(p) for p in _published_prices(service)),
            catalogue_id=service.catalogue_id,
            is_demo=service.is_demo,
        )


@dataclass(frozen=True)
class AssociatedServiceContent:
    name: str
    summary: str = ""
    description: str = ""
    order_guidance: str = ""
    practice_reorganisation: str = PracticeReorganisation.NONE
    prices: tuple[PriceContent, ...] = ()
    catalogue_id: str = ""
    is_demo: bool = field(default=False, compare=False)  # catalogue-owned: shown, never edited

    def get_practice_reorganisation_display(self) -> str:
        return _label(PracticeReorganisation.choices, self.practice_reorganisation)

    @classmethod
    def from_service(cls, service: AssociatedService) -> AssociatedServiceContent:
        return cls(
            name=service.name,
            summary=service.summary,
            description=service.description,
            order_guidance=service.order_guidance,
            practice_reorganisation=service.practice_reorganisation,
            prices=tuple(PriceContent.from_price(p) for p in _published_prices(service)),
            catalogue_id=service.catalogue_id,
            is_demo=service.is_demo,
        )


@dataclass(frozen=True)
class ListingContent:
    summary: str = ""
    description: str = ""
    features: tuple[str, ...] = ()
    implementation_timescales: str = ""
    roadmap: str = ""
    roadmap_url: str = ""
    integrations_url: str = ""
    about_url: str = ""
    sla_type: str = ""
    hosting_options: tuple[HostingContent, ...] = ()
    client_application_types: tuple[str, ...] = ()
    client_application_details: dict = field(default_factory=dict)
    integrations: tuple[IntegrationContent, ...] = ()
    prices: tuple[PriceContent, ...] = ()
    additional_services: tuple[AdditionalServiceContent, ...] = ()
    associated_services: tuple[AssociatedServiceContent, ...] = ()
    contacts: tuple[ContactContent, ...] = ()

    def get_sla_type_display(self) -> str:
        return _label(SLAType.choices, self.sla_type)

    def as_json(self) -> dict:
        """The content as JSON-safe data (prices as strings, integration types by id and name), for the
        record of what went live."""
        return _jsonable(asdict(self))

    @property
    def client_application_labels(self) -> list[str]:
        return [_label(ClientApplicationType.choices, value) for value in self.client_application_types]

    @classmethod
    def from_solution(cls, solution: Solution) -> ListingContent:
        """The published content of a solution. Reads the prefetches of `Solution.objects.with_facts()`
        when they are there (no query per row), the database otherwise."""
        prices = getattr(solution, "list_prices", None)
        if prices is None:
            prices = _published_prices(solution)
        additional = getattr(solution, "public_additional_services", None)
        if additional is None:
            additional = solution.additional_services.published()
        associated = getattr(solution, "public_associated_services", None)
        if associated is None:
            associated = solution.associated_services.published()
        return cls(
            summary=solution.summary,
            description=solution.description,
            features=tuple(solution.features or ()),
            implementation_timescales=solution.implementation_timescales,
            roadmap=solution.roadmap,
            roadmap_url=solution.roadmap_url,
            integrations_url=solution.integrations_url,
            about_url=solution.about_url,
            sla_type=solution.sla_type,
            hosting_options=tuple(
                HostingContent(h.hosting_type, h.summary, h.link, h.hosting_model, h.requires_hscn)
                for h in solution.hosting_options.all()
            ),
            client_application_types=tuple(a.application_type for a in solution.client_applications.all()),
            client_application_details=requirements_as_text(solution.client_application_details),
            integrations=tuple(
                IntegrationContent(i.integration_type, i.direction, i.integrates_with, i.description)
                for i in solution.integrations.all()
            ),
            prices=tuple(PriceContent.from_price(p) for p in prices),
            additional_services=tuple(AdditionalServiceContent.from_service(s) for s in additional),
            associated_services=tuple(AssociatedServiceContent.from_service(s) for s in associated),
            contacts=tuple(
                ContactContent(c.name, c.email, c.department, c.phone) for c in solution.listing_contacts()
            ),
        )


def _jsonable(value):
    from .models import IntegrationType

    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1.2500 -> "1.25", 10 -> "10"
    if isinstance(value, IntegrationType):
        return {"id": value.pk, "name": str(value)}
    return value


def requirements_as_text(details: dict | None) -> dict[str, str]:
    """Client application details as label -> text, the way suppliers edit and buyers read them:
    lists joined, yes/no for booleans, nested details flattened, empty ones left out."""
    return {str(label): text for label, value in (details or {}).items() if (text := _as_text(value))}


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value if item not in (None, ""))
    if isinstance(value, dict):
        return "; ".join(f"{key}: {text}" for key, item in value.items() if (text := _as_text(item)))
    return "" if value is None else str(value).strip()


def _published_prices(item) -> list[Price]:
    prefetched = getattr(item, "list_prices", None)
    if prefetched is not None:
        return prefetched
    return [p for p in item.prices.all() if p.is_published]
