"""Build the demo: real organisations, the real catalogue, invented demo listings, demo users, scale listings.

`manage.py seed_demo` calls `seed_demo()`. Real data comes first (the shared README: "Prefer real data to
invented data everywhere"):

* Organisations: the real ICB, sub-ICB location, PCN and GP practices in accounts/demo_data/organisations.csv
  (its README says how it was derived), plus a catalogue team.
* The real catalogue from catalogue/reference_data/buying_catalogue/: 74 suppliers, 28 solutions with their
  assessed capabilities and epics, 17 additional and 72 associated services, 115 prices. Text is stored as it
  is; the only corrections are listed in `REAL_DATA_CORRECTIONS`.
* Invented listings (`is_demo=True`) under a handful of invented suppliers (names end "(demo)", codes from
  99000), so the demo has more than 60 solutions covering every framework, capability category, hosting type,
  client type, integration, price shape and listing state. A fixed seed makes them the same on every run.
* Demo users, all with the password `DEMO_PASSWORD`, created only when missing: a changed password is never
  reset.
* Optionally N scale-test listings (`seed_scale_listings`), bulk-inserted in batches, under invented
  scale-test suppliers (codes from 990001, 999 listings each), with deterministic ids so re-running adds
  nothing.

Everything is matched on natural keys (ODS code, supplier id, catalogue id, price reference) and only
written where a value differs (`catalogue.reference.sync_rows`), so a second run writes nothing; nothing is
ever deleted.
"""

from __future__ import annotations

import datetime
import json
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models, reset_queries, transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationType, Role, User

from . import events
from .conformance.ingest import ImportedCase, record_imported_results
from .models import (
    AdditionalService,
    AssociatedService,
    CalculationType,
    Capability,
    CapabilityEpic,
    CapabilityStatus,
    ClientApplicationType,
    ConformanceReport,
    Epic,
    EpicLevel,
    Framework,
    HarnessClient,
    HarnessSecret,
    HostingOption,
    HostingType,
    IntegrationDirection,
    IntegrationType,
    ListingAction,
    ListingStateChange,
    Outcome,
    PracticeReorganisation,
    Price,
    PriceTier,
    PriceType,
    ProvisioningType,
    PublicationState,
    QuantityBasis,
    SLAType,
    Solution,
    SolutionClientApplication,
    SolutionEpic,
    SolutionIntegration,
    Standard,
    StandardType,
    Supplier,
    SupplierContact,
    TimeUnit,
)
from .models.solutions import DESCRIPTION_MAX_LENGTH, FEATURE_MAX_LENGTH, MAX_FEATURES, SUMMARY_MAX_LENGTH
from .reference import BUYING_CATALOGUE_DIR, Tally, add_links, load_reference, read_csv, split_ids, sync_rows

DEMO_PASSWORD = "Marketplace-demo-1"
"""The password of every demo user (quoted in the README). Only ever set when a demo user is created."""

DEMO_SEED = 20260401
SCALE_SUPPLIER_CODE_START = 990001
SCALE_LISTINGS_PER_SUPPLIER = 999  # a solution id has three digits after the supplier id: -001 to -999
SCALE_BATCH_SIZE = 1000

REAL_DATA_CORRECTIONS = {
    "unit_description": 'The source truncates "per SystmOne unit (test"; stored as "per SystmOne unit".',
    "hosting": 'A hosting type is listed only if its summary is non-empty and does not say "not available".',
    "features": "Empty feature slots in the source are dropped.",
}

CATALOGUE_TEAM_NAME = "Catalogue team"


def demo_data_dir() -> Path:
    return Path(apps.get_app_config("accounts").path) / "demo_data"


# --- Small helpers ------------------------------------------------------------------------------------------


def _flag(value: str) -> bool:
    return value.strip().lower() in {"true", "yes", "1"}


def _parse_source_datetime(value: str) -> datetime.datetime | None:
    """The seed data's timestamps (`2020-03-25T07:30:18.1133333`, SQL Server, 7 decimal places, no zone):
    read as UK local time, which is what the service ran in."""
    if not value:
        return None
    head, _, fraction = value.partition(".")
    naive = datetime.datetime.fromisoformat(f"{head}.{(fraction or '0')[:6].ljust(6, '0')}")
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _m2m(model: type[models.Model], name: str) -> tuple[type[models.Model], str, str]:
    """The through model of a many-to-many field and its two id columns."""
    m2m = model._meta.get_field(name)
    return m2m.remote_field.through, m2m.m2m_column_name(), m2m.m2m_reverse_name()


def _add(summary: dict[str, Tally], name: str, tally: Tally) -> None:
    summary[name] = summary.get(name, Tally()) + tally


def _state(value: str) -> str:
    """`Published` / `Draft` in the source -> our publication states."""
    return {"published": PublicationState.PUBLISHED, "draft": PublicationState.DRAFT}.get(
        value.strip().lower(), PublicationState.DRAFT
    ).value


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _clip(text: str, limit: int) -> str:
    """Shorten generated text (never real text) to a limit, at a word boundary."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# --- What the reference data offers, indexed once -----------------------------------------------------------


@dataclass
class RefIndex:
    """Ids and lists from the reference tables, in a fixed order (by code), so random choices made from them
    pick the same rows on every database."""

    frameworks: dict[str, int]
    capabilities: dict[str, Capability]
    capability_frameworks: dict[str, list[str]]
    must_epics: dict[str, list[int]]
    may_epics: dict[str, list[int]]
    integration_types: dict[tuple[str, str], int]
    overarching_standards: list[int]
    interoperability_by_capability: dict[str, list[int]]

    @classmethod
    def load(cls) -> RefIndex:
        capabilities = {c.ref: c for c in Capability.objects.order_by("sort_key")}
        capability_frameworks = {ref: [] for ref in capabilities}
        for ref, code in Capability.frameworks.through.objects.order_by("framework__code").values_list(
            "capability__ref", "framework__code"
        ):
            capability_frameworks[ref].append(code)
        must: dict[str, list[int]] = {ref: [] for ref in capabilities}
        may: dict[str, list[int]] = {ref: [] for ref in capabilities}
        links = (
            CapabilityEpic.objects.filter(epic__is_active=True, epic__is_demo=False)
            .order_by("epic__code")
            .values_list("capability__ref", "epic_id", "level")
        )
        for ref, epic_id, level in links:
            (must if level == EpicLevel.MUST else may)[ref].append(epic_id)
        interoperability: dict[str, list[int]] = {ref: [] for ref in capabilities}
        for ref, standard_id in (
            Standard.capabilities.through.objects.filter(
                standard__standard_type=StandardType.INTEROPERABILITY
            )
            .order_by("standard__sort_key")
            .values_list("capability__ref", "standard_id")
        ):
            interoperability[ref].append(standard_id)
        return cls(
            frameworks=dict(Framework.objects.values_list("code", "id")),
            capabilities=capabilities,
            capability_frameworks=capability_frameworks,
            must_epics=must,
            may_epics=may,
            integration_types={
                (integration, name): pk
                for integration, name, pk in IntegrationType.objects.order_by(
                    "integration__name", "name"
                ).values_list("integration__name", "name", "id")
            },
            overarching_standards=list(
                Standard.objects.filter(standard_type=StandardType.OVERARCHING)
                .order_by("sort_key")
                .values_list("id", flat=True)
            ),
            interoperability_by_capability=interoperability,
        )


# --- Organisations ----------------------------------------------------------------------------------------

ORG_LEVELS = [
    OrganisationType.ICB,
    OrganisationType.SUB_ICB_LOCATION,
    OrganisationType.PCN,
    OrganisationType.GP_PRACTICE,
]


def seed_organisations(summary: dict[str, Tally]) -> dict[str, int]:
    """The real NHS organisations of accounts/demo_data/organisations.csv, a level at a time so each level's
    parents exist; then the catalogue team. Returns ODS code -> id."""
    rows = read_csv(demo_data_dir() / "organisations.csv")
    ids: dict[str, int] = {}
    for level in ORG_LEVELS:
        level_rows = []
        for row in rows:
            if row["org_type"] != level:
                continue
            level_rows.append(
                {
                    "ods_code": row["ods_code"],
                    "name": row["name"],
                    "org_type": level.value,
                    "parent_id": ids[row["parent"]] if row["parent"] else None,
                    "pcn_id": ids[row["pcn"]] if row["pcn"] else None,
                    "is_active": _flag(row["is_active"]),
                    "postcode": row["postcode"],
                    "list_size": int(row["list_size"]) if row["list_size"] else None,
                    "list_size_date": datetime.date.fromisoformat(row["list_size_date"])
                    if row["list_size_date"]
                    else None,
                    "is_demo": False,
                }
            )
        tally, level_ids = sync_rows(Organisation, ("ods_code",), level_rows)
        _add(summary, "Organisation", tally)
        ids.update(level_ids)

    team = Organisation.objects.filter(org_type=OrganisationType.CATALOGUE_TEAM).order_by("pk").first()
    if team is None:
        team = Organisation.objects.create(
            name=CATALOGUE_TEAM_NAME, org_type=OrganisationType.CATALOGUE_TEAM, ods_code=None
        )
        _add(summary, "Organisation", Tally(created=1))
    else:
        _add(summary, "Organisation", Tally(unchanged=1))
    ids["catalogue_team"] = team.pk
    return ids


# --- Suppliers --------------------------------------------------------------------------------------------


@dataclass
class SupplierSpec:
    code: str
    name: str
    legal_name: str
    summary: str
    website: str
    address: str
    is_active: bool = True
    is_demo: bool = False


def sync_suppliers(specs: Sequence[SupplierSpec], summary: dict[str, Tally]) -> dict[str, int]:
    """Suppliers matched on their supplier id; each is an Organisation of type supplier with no ODS code.
    Returns supplier id (code) -> organisation id (the Supplier's primary key)."""
    existing = dict(Supplier.objects.filter(code__in=[s.code for s in specs]).values_list("code", "pk"))
    new_orgs = [
        Organisation(name=s.name, org_type=OrganisationType.SUPPLIER, ods_code=None, is_demo=s.is_demo)
        for s in specs
        if s.code not in existing
    ]
    created = Organisation.objects.bulk_create(new_orgs, batch_size=500)
    new_ids = iter(org.pk for org in created)
    org_ids = {s.code: existing[s.code] if s.code in existing else next(new_ids) for s in specs}
    org_tally, _ = sync_rows(
        Organisation,
        ("id",),
        [
            {
                "id": org_ids[s.code],
                "name": s.name,
                "org_type": OrganisationType.SUPPLIER.value,
                "is_demo": s.is_demo,
            }
            for s in specs
            if s.code in existing
        ],
    )
    _add(summary, "Organisation", org_tally + Tally(created=len(created)))
    supplier_tally, _ = sync_rows(
        Supplier,
        ("code",),
        [
            {
                "code": s.code,
                "organisation_id": org_ids[s.code],
                "legal_name": s.legal_name,
                "summary": s.summary,
                "website": s.website,
                "address": s.address,
                "is_active": s.is_active,
            }
            for s in specs
        ],
    )
    _add(summary, "Supplier", supplier_tally)
    return org_ids


def add_demo_contacts(org_ids: dict[str, int], summary: dict[str, Tally]) -> None:
    """One invented primary contact for each supplier that has none (the source data has no contacts). The
    address is on the reserved example.com domain, the phone number in Ofcom's drama range, and the department
    says it is a demo contact, so no one mistakes it for a real one."""
    with_contacts = set(
        SupplierContact.objects.filter(supplier_id__in=org_ids.values()).values_list("supplier_id", flat=True)
    )
    new = [
        SupplierContact(
            supplier_id=org_id,
            name="Customer enquiries",
            department="Demo contact",
            email=f"contact-{code}@example.com",
            phone=f"01632 960{int(code) % 1000:03d}",
            is_primary=True,
        )
        for code, org_id in sorted(org_ids.items())
        if org_id not in with_contacts
    ]
    SupplierContact.objects.bulk_create(new)
    _add(summary, "SupplierContact", Tally(created=len(new), unchanged=len(org_ids) - len(new)))


def real_supplier_specs() -> list[SupplierSpec]:
    return [
        SupplierSpec(
            code=row["Id"],
            name=row["Name"],
            legal_name=row["LegalName"],
            summary=row["Summary"],
            website=row["SupplierUrl"],
            address=row["Address"],
            is_active=_flag(row["IsActive"]) and not _flag(row["Deleted"]),
        )
        for row in read_csv(BUYING_CATALOGUE_DIR / "suppliers.csv")
    ]


# --- Prices -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceSpec:
    """A list price in the shape of the model: tiers are (lower, upper or None, unit price)."""

    provisioning_type: str
    unit_description: str
    range_description: str
    time_unit: str
    tiers: tuple[tuple[int, int | None, Decimal], ...]
    calculation_type: str = CalculationType.SINGLE_FIXED
    quantity_basis: str = QuantityBasis.PER_SOLUTION
    price_type: str = PriceType.FLAT
    is_published: bool = True


def sync_prices(entries: Sequence[tuple[str, str, int, PriceSpec]], summary: dict[str, Tally]) -> None:
    """Prices matched on their reference, and their tiers on (price, lower bound).
    `entries` are (reference, owner field attname, owner id, spec)."""
    rows = [
        {
            "reference": reference,
            "solution_id": owner_id if owner == "solution_id" else None,
            "additional_service_id": owner_id if owner == "additional_service_id" else None,
            "associated_service_id": owner_id if owner == "associated_service_id" else None,
            "price_type": spec.price_type,
            "calculation_type": spec.calculation_type,
            "provisioning_type": spec.provisioning_type,
            "quantity_basis": spec.quantity_basis,
            "unit_description": spec.unit_description,
            "range_description": spec.range_description,
            "time_unit": spec.time_unit,
            "currency": "GBP",
            "is_published": spec.is_published,
        }
        for reference, owner, owner_id, spec in entries
    ]
    tally, price_ids = sync_rows(Price, ("reference",), rows)
    _add(summary, "Price", tally)
    tier_rows = [
        {"price_id": price_ids[reference], "lower": lower, "upper": upper, "unit_price": unit_price}
        for reference, _, _, spec in entries
        for lower, upper, unit_price in spec.tiers
    ]
    tier_tally, _ = sync_rows(
        PriceTier,
        ("price_id", "lower"),
        tier_rows,
        existing=PriceTier.objects.filter(price_id__in=price_ids.values()),
    )
    _add(summary, "PriceTier", tier_tally)


# --- The real catalogue -----------------------------------------------------------------------------------

HOSTING_KEYS = {
    "PublicCloud": HostingType.PUBLIC_CLOUD,
    "PrivateCloud": HostingType.PRIVATE_CLOUD,
    "HybridHostingType": HostingType.HYBRID,
    "OnPremise": HostingType.ON_PREMISE,
}
CLIENT_TYPES = {
    "browser-based": ClientApplicationType.BROWSER_BASED,
    "native-mobile": ClientApplicationType.NATIVE_MOBILE,
    "native-desktop": ClientApplicationType.NATIVE_DESKTOP,
}
PROVISIONING = {
    "patient": ProvisioningType.PER_PATIENT,
    "declarative": ProvisioningType.DECLARATIVE,
    "ondemand": ProvisioningType.ON_DEMAND,
}
CALCULATION = {
    "singlefixed": CalculationType.SINGLE_FIXED,
    "volume": CalculationType.VOLUME,
    "cumulative": CalculationType.CUMULATIVE,
}
# PracticeReorganisationType in the source: 0 or blank none, 1 merger, 2 split, 3 merger or split (checked
# against the names: 1 "Merger"/"Practice Merge", 2 "Split"/"Practice Split", 3 "Practice Reorganisation").
REORGANISATION = {
    "": PracticeReorganisation.NONE,
    "0": PracticeReorganisation.NONE,
    "1": PracticeReorganisation.MERGER,
    "2": PracticeReorganisation.SPLIT,
    "3": PracticeReorganisation.MERGER_OR_SPLIT,
}
NOT_AVAILABLE = re.compile(r"\bnot available\b", re.IGNORECASE)


def real_unit_description(value: str) -> str:
    """The source's unit descriptions, with its one truncation ("per SystmOne unit (test") repaired."""
    return re.sub(r"\s*\((?:test)?$", "", value.strip())


def real_features(value: str) -> list[str]:
    return [item for item in (json.loads(value) if value else []) if item.strip()]


def real_hosting(value: str) -> list[dict[str, Any]]:
    options = []
    for key, details in (json.loads(value) if value else {}).items():
        hosting_summary = (details.get("Summary") or "").strip()
        if key not in HOSTING_KEYS or not hosting_summary or NOT_AVAILABLE.search(hosting_summary):
            continue
        options.append(
            {
                "hosting_type": HOSTING_KEYS[key].value,
                "summary": details.get("Summary") or "",
                "link": details.get("Link") or "",
                "hosting_model": details.get("HostingModel") or "",
                "requires_hscn": details.get("RequiresHSCN") or "",
            }
        )
    return options


def real_client_applications(value: str) -> tuple[list[str], dict[str, Any]]:
    details = json.loads(value) if value else {}
    types = [CLIENT_TYPES[t].value for t in details.pop("ClientApplicationTypes", []) if t in CLIENT_TYPES]
    return types, details


def seed_real_catalogue(summary: dict[str, Tally]) -> dict[str, int]:
    """The Buying Catalogue's real suppliers, listings, services and prices. Returns supplier code -> id."""
    supplier_ids = sync_suppliers(real_supplier_specs(), summary)
    add_demo_contacts(supplier_ids, summary)
    index = RefIndex.load()

    solutions = read_csv(BUYING_CATALOGUE_DIR / "solutions.csv")
    rows, create_only = [], {}
    for row in solutions:
        _, client_details = real_client_applications(row["ClientApplication"])
        published = _state(row["PublishedStatus"]) == PublicationState.PUBLISHED
        updated = _parse_source_datetime(row["LastUpdated"])
        rows.append(
            {
                "catalogue_id": row["CatalogueItemId"],
                "supplier_id": supplier_ids[row["SupplierId"]],
                "name": row["Name"],
                "summary": row["Summary"],
                "description": row["FullDescription"],
                "features": real_features(row["Features"]),
                "implementation_timescales": row["ImplementationDetail"],
                "roadmap": row["RoadMap"],
                "integrations_url": row["IntegrationsUrl"],
                "about_url": row["AboutUrl"],
                "client_application_details": client_details,
                "publication_state": _state(row["PublishedStatus"]),
                "published_at": updated if published else None,
                "is_demo": False,
            }
        )
        create_only[row["CatalogueItemId"]] = {
            "created_at": _parse_source_datetime(row["Created"]),
            "updated_at": updated,
        }
    tally, solution_ids = sync_rows(Solution, ("catalogue_id",), rows, create_only=create_only)
    _add(summary, "Solution", tally)

    hosting, clients, frameworks = [], [], set()
    for row in solutions:
        solution_id = solution_ids[row["CatalogueItemId"]]
        hosting += [{"solution_id": solution_id, **option} for option in real_hosting(row["Hosting"])]
        types, _ = real_client_applications(row["ClientApplication"])
        clients += [{"solution_id": solution_id, "application_type": t} for t in types]
        frameworks |= {(solution_id, index.frameworks[code]) for code in split_ids(row["FrameworkIds"])}
    _sync_solution_children(solution_ids.values(), hosting, clients, [], summary)
    _add(summary, "Solution.frameworks", add_links(*_m2m(Solution, "frameworks"), frameworks))

    # Services, then what was assessed (capabilities and epics) for solutions and additional services.
    services = read_csv(BUYING_CATALOGUE_DIR / "services.csv")
    additional = [s for s in services if s["CatalogueItemType"] == "Additional Service"]
    associated = [s for s in services if s["CatalogueItemType"] == "Associated Service"]
    tally, additional_ids = sync_rows(
        AdditionalService,
        ("catalogue_id",),
        [
            {
                "catalogue_id": s["CatalogueItemId"],
                "solution_id": solution_ids[s["SolutionId"]],
                "name": s["Name"],
                "summary": s["Summary"],
                "description": s["Description"],
                "publication_state": _state(s["PublishedStatus"]),
                "is_demo": False,
            }
            for s in additional
        ],
    )
    _add(summary, "AdditionalService", tally)
    tally, associated_ids = sync_rows(
        AssociatedService,
        ("catalogue_id",),
        [
            {
                "catalogue_id": s["CatalogueItemId"],
                "supplier_id": supplier_ids[s["SupplierId"]],
                "name": s["Name"],
                "summary": s["Summary"],
                "description": s["Description"],
                "order_guidance": s["OrderGuidance"],
                "practice_reorganisation": REORGANISATION[s["PracticeReorganisationType"].strip()].value,
                "publication_state": _state(s["PublishedStatus"]),
                "is_demo": False,
            }
            for s in associated
        ],
    )
    _add(summary, "AssociatedService", tally)
    solutions_by_supplier: dict[str, list[int]] = {}
    for row in solutions:
        solutions_by_supplier.setdefault(row["SupplierId"], []).append(solution_ids[row["CatalogueItemId"]])
    _add(
        summary,
        "AssociatedService.solutions",
        add_links(
            *_m2m(AssociatedService, "solutions"),
            {
                (associated_ids[s["CatalogueItemId"]], solution_id)
                for s in associated
                for solution_id in solutions_by_supplier.get(s["SupplierId"], [])
            },
        ),
    )

    # Only passed capabilities are claimed, and only met epics of claimed capabilities.
    passed = [
        (row["CatalogueItemId"], row["CapabilityRef"])
        for row in read_csv(BUYING_CATALOGUE_DIR / "item_capabilities.csv")
        if _flag(row["Pass"])
    ]
    capability_id = {ref: cap.pk for ref, cap in index.capabilities.items()}
    _add(
        summary,
        "Solution.capabilities",
        add_links(
            *_m2m(Solution, "capabilities"),
            {(solution_ids[item], capability_id[ref]) for item, ref in passed if item in solution_ids},
        ),
    )
    _add(
        summary,
        "AdditionalService.capabilities",
        add_links(
            *_m2m(AdditionalService, "capabilities"),
            {(additional_ids[item], capability_id[ref]) for item, ref in passed if item in additional_ids},
        ),
    )
    claimed = set(passed)
    epic_ids = dict(Epic.objects.values_list("code", "id"))
    epic_rows = [
        {
            "solution_id": solution_ids[row["CatalogueItemId"]],
            "capability_id": capability_id[row["CapabilityRef"]],
            "epic_id": epic_ids[row["EpicId"]],
        }
        for row in read_csv(BUYING_CATALOGUE_DIR / "item_epics.csv")
        if _flag(row["IsMet"])
        and (row["CatalogueItemId"], row["CapabilityRef"]) in claimed
        and row["CatalogueItemId"] in solution_ids
    ]
    tally, _ = sync_rows(
        SolutionEpic,
        ("solution_id", "capability_id", "epic_id"),
        epic_rows,
        existing=SolutionEpic.objects.filter(solution_id__in=solution_ids.values()),
    )
    _add(summary, "SolutionEpic", tally)

    tiers = {row["CataloguePriceId"]: [] for row in read_csv(BUYING_CATALOGUE_DIR / "price_tiers.csv")}
    for row in read_csv(BUYING_CATALOGUE_DIR / "price_tiers.csv"):
        tiers[row["CataloguePriceId"]].append(
            (
                int(row["LowerRange"]),
                int(row["UpperRange"]) if row["UpperRange"] else None,
                Decimal(row["Price"]),
            )
        )
    owners = {
        "Solution": ("solution_id", solution_ids),
        "Additional Service": ("additional_service_id", additional_ids),
        "Associated Service": ("associated_service_id", associated_ids),
    }
    entries = []
    for row in read_csv(BUYING_CATALOGUE_DIR / "prices.csv"):
        owner_field, ids = owners[row["CatalogueItemType"]]
        spec = PriceSpec(
            price_type=PriceType(row["PriceType"].strip().lower()).value,
            calculation_type=CALCULATION[row["CalculationType"].strip().lower()].value,
            provisioning_type=PROVISIONING[row["ProvisioningType"].strip().lower()].value,
            quantity_basis=QuantityBasis.PER_SERVICE_RECIPIENT.value
            if row["QuantityCalculationType"] == "PerServiceRecipient"
            else QuantityBasis.PER_SOLUTION.value,
            unit_description=real_unit_description(row["PricingUnitDescription"]),
            range_description=row["PricingUnitRangeDescription"],
            time_unit=TimeUnit(row["TimeUnit"]).value if row["TimeUnit"] else "",
            is_published=_flag(row["IsPublished"]),
            tiers=tuple(sorted(tiers[row["CataloguePriceId"]])),
        )
        entries.append((row["CataloguePriceId"], owner_field, ids[row["CatalogueItemId"]], spec))
    sync_prices(entries, summary)
    return supplier_ids


def _sync_solution_children(
    solution_ids: Iterable[int],
    hosting: list[dict[str, Any]],
    clients: list[dict[str, Any]],
    integrations: list[dict[str, Any]],
    summary: dict[str, Tally],
) -> None:
    ids = list(solution_ids)
    tally, _ = sync_rows(
        HostingOption,
        ("solution_id", "hosting_type"),
        hosting,
        existing=HostingOption.objects.filter(solution_id__in=ids),
    )
    _add(summary, "HostingOption", tally)
    tally, _ = sync_rows(
        SolutionClientApplication,
        ("solution_id", "application_type"),
        clients,
        existing=SolutionClientApplication.objects.filter(solution_id__in=ids),
    )
    _add(summary, "SolutionClientApplication", tally)
    tally, _ = sync_rows(
        SolutionIntegration,
        ("solution_id", "integration_type_id", "direction"),
        integrations,
        existing=SolutionIntegration.objects.filter(solution_id__in=ids),
    )
    _add(summary, "SolutionIntegration", tally)


# --- Invented demo listings -------------------------------------------------------------------------------

DEMO_SUPPLIERS = [
    # supplier id (invented ones start at 99000), name, what they make
    ("99000", "Northwind Health Software", "online and video consultation for general practice"),
    ("99001", "Riverside Digital Care", "apps and messaging that let patients manage their own care"),
    ("99002", "Meadowbank Clinical Systems", "the clinical systems a GP practice runs on"),
    ("99003", "Harbourlight Telehealth", "remote monitoring, telecare and cloud telephony"),
    ("99004", "Oakfield Data Services", "reporting, population health and risk stratification"),
    ("99005", "Kestrel Medicines Technology", "prescribing and medicines optimisation"),
    ("99006", "Larkspur Workflow", "document management, workflow and care coordination"),
    ("99007", "Fellside Health Systems", "GP clinical systems for smaller and rural practices"),
]


@dataclass(frozen=True)
class DemoListing:
    supplier: str
    name: str
    capabilities: tuple[str, ...]
    summary: str
    state: str = PublicationState.PUBLISHED
    frameworks: tuple[str, ...] = ()  # replaces the capabilities' frameworks when given


P = PublicationState
DEMO_LISTINGS = [
    DemoListing(
        "99000",
        "Consultly Online Consultation",
        ("C43",),
        "Patients describe their problem online in plain English; the practice triages and replies "
        "the same day.",
    ),
    DemoListing(
        "99000",
        "Consultly Video",
        ("C44",),
        "Secure video consultations from a link sent by text message, with no app for the patient "
        "to install.",
    ),
    DemoListing(
        "99000",
        "Consultly Complete",
        ("C43", "C44"),
        "Online and video consultation in one product, sharing one triage queue and one patient record.",
    ),
    DemoListing(
        "99000",
        "Triageflow",
        ("C43", "C2"),
        "Online triage forms written by GPs that route each request to the right person in the practice.",
    ),
    DemoListing(
        "99000",
        "ClinicCall Video",
        ("C44", "C18"),
        "Video consultations and remote observations for patients on long-term condition reviews.",
        P.IN_REMEDIATION,
    ),
    DemoListing(
        "99000",
        "Consultly for PCNs",
        ("C43", "C44", "C23"),
        "Online and video consultation shared across the practices of a primary care network.",
        P.SUBMITTED,
    ),
    DemoListing(
        "99001",
        "PatientPath App",
        ("C1", "C3", "C4"),
        "A patient app to book appointments, order repeat prescriptions and view the GP record.",
    ),
    DemoListing(
        "99001",
        "PatientPath Messaging",
        ("C2", "C7"),
        "Two-way secure messaging between patients and their practice, with automated reminders.",
    ),
    DemoListing(
        "99001",
        "CarePassport",
        ("C33", "C32"),
        "A personal health record patients keep themselves, with support for personal health budgets.",
    ),
    DemoListing(
        "99001",
        "Social Connect",
        ("C37",),
        "Social prescribing referrals, link-worker caseloads and outcome tracking in one place.",
    ),
    DemoListing(
        "99001",
        "Vaccination Booker",
        ("C46", "C47"),
        "Vaccination clinics for a PCN: invitations, booking and recording of doses and reactions.",
        frameworks=("TIF001",),
    ),
    DemoListing(
        "99001",
        "Proxy Access Manager",
        ("C4",),
        "Lets carers and care homes view records on a patient's behalf, with the practice in control.",
        P.DRAFT,
    ),
    DemoListing(
        "99001",
        "PatientPath Online Consult",
        ("C43",),
        "Online consultation forms inside the PatientPath app, sent straight to the practice workflow.",
    ),
    DemoListing(
        "99002",
        "Meadowbank GP Clinical",
        ("C13", "C14", "C15"),
        "The full GP clinical system: patient records, consultations and prescribing in one application.",
    ),
    DemoListing(
        "99002",
        "Meadowbank Appointments",
        ("C5", "C23"),
        "Appointment books, session templates and cross-organisation booking for practices and hubs.",
    ),
    DemoListing(
        "99002",
        "Meadowbank Referrals",
        ("C11", "C29"),
        "Referrals to secondary care and advice and guidance requests from inside the consultation.",
    ),
    DemoListing(
        "99002",
        "Meadowbank Rota",
        ("C12", "C25"),
        "Staff rotas, rooms and resources for a practice or a whole primary care network.",
    ),
    DemoListing(
        "99002",
        "Meadowbank Prescribing",
        ("C14", "C30"),
        "Electronic prescribing with decision support and medicines optimisation prompts.",
    ),
    DemoListing(
        "99002",
        "Meadowbank Dispensing",
        ("C42", "C14"),
        "Stock, dispensing and endorsement for dispensing practices.",
        P.SUSPENDED,
    ),
    DemoListing(
        "99002",
        "Meadowbank Consultation Recorder",
        ("C15", "C6"),
        "Structured consultation templates with clinical decision support as you type.",
    ),
    DemoListing(
        "99002",
        "Meadowbank Video Consult",
        ("C44",),
        "Video consultations launched from the appointment book, written back to the record.",
    ),
    DemoListing(
        "99003",
        "Harbourlight Remote Monitoring",
        ("C18",),
        "Patients send readings from home; clinicians see trends and alerts on one dashboard.",
    ),
    DemoListing(
        "99003",
        "Harbourlight Telecare",
        ("C38",),
        "Alarms and sensors for people living independently, monitored around the clock.",
    ),
    DemoListing(
        "99003",
        "Harbourlight Care Homes",
        ("C21", "C27"),
        "Ward rounds, observations and care notes shared between care homes and the practice.",
    ),
    DemoListing(
        "99003",
        "Harbourlight Cloud Telephony",
        ("C2",),
        "Cloud telephony with call queueing, call-back and call recording for GP practices.",
        frameworks=("ATP001",),
    ),
    DemoListing(
        "99003",
        "Harbourlight Call Analytics",
        ("C16",),
        "Call volumes, waiting times and abandoned calls, practice by practice.",
        P.UNPUBLISHED,
        frameworks=("ATP001",),
    ),
    DemoListing(
        "99003",
        "Harbourlight Caseload",
        ("C22",),
        "Caseload management for community teams working alongside general practice.",
    ),
    DemoListing(
        "99004",
        "Oakfield Population Health",
        ("C34", "C35"),
        "Finds the patients who would benefit most from proactive care across a PCN or ICB.",
    ),
    DemoListing(
        "99004",
        "Oakfield Insight Reporting",
        ("C16", "C26"),
        "Practice and PCN dashboards built from the clinical record, refreshed every night.",
    ),
    DemoListing(
        "99004",
        "Oakfield Cohort Finder",
        ("C45",),
        "Builds cohorts for recalls and invitations from searches a clinician can read.",
        frameworks=("TIF001",),
    ),
    DemoListing(
        "99004",
        "Oakfield Extracts Checker",
        ("C10",),
        "Checks national GP extracts before they are submitted and explains every difference.",
    ),
    DemoListing(
        "99004",
        "Oakfield Risk Stratifier",
        ("C35",),
        "Risk scores for admission and frailty, with the reasons behind each score.",
        P.IN_REMEDIATION,
    ),
    DemoListing(
        "99004",
        "Oakfield Unified Record",
        ("C39", "C36"),
        "One view of a patient's record and shared care plan across health and social care.",
    ),
    DemoListing(
        "99005",
        "Kestrel Medicines Optimiser",
        ("C30",),
        "Prompts at the point of prescribing for safer, more cost-effective medicines.",
    ),
    DemoListing(
        "99005",
        "Kestrel Repeat Prescriptions",
        ("C3", "C14"),
        "Repeat prescription requests online, checked and issued from one queue.",
    ),
    DemoListing(
        "99005",
        "Kestrel Medication Review",
        ("C30", "C6"),
        "Structured medication reviews for pharmacists in the practice or the PCN.",
    ),
    DemoListing(
        "99005",
        "Kestrel Pharmacy Connect",
        ("C14",),
        "Sends prescriptions and queries between the practice and community pharmacies.",
        P.SUBMITTED,
    ),
    DemoListing(
        "99006",
        "Larkspur Document Manager",
        ("C9", "C17"),
        "Incoming letters scanned, coded and filed to the right record with their actions.",
    ),
    DemoListing(
        "99006",
        "Larkspur Workflow",
        ("C20", "C50"),
        "Practice workflows and tasks designed by the practice, not the supplier.",
    ),
    DemoListing(
        "99006",
        "Larkspur Task Manager",
        ("C50",),
        "Shared task lists for the whole practice team, linked to the patient record.",
    ),
    DemoListing(
        "99006",
        "Larkspur Cross-Site Workflow",
        ("C24",),
        "Hands work between practices, hubs and community services with a clear audit trail.",
    ),
    DemoListing(
        "99006",
        "Larkspur Productivity Suite",
        ("C41",),
        "Automates routine administrative jobs so that staff spend their time on patients.",
    ),
    DemoListing(
        "99006",
        "Larkspur Scan Station",
        ("C17",),
        "High-volume scanning of paper records for digitisation projects.",
        P.UNPUBLISHED,
    ),
    DemoListing(
        "99006",
        "Larkspur Digital Diagnostics",
        ("C8",),
        "Requests tests and receives results electronically, matched to the requesting clinician.",
    ),
    DemoListing(
        "99006",
        "Larkspur Shared Care Plans",
        ("C36",),
        "Care plans written once and shared with the patient and everyone caring for them.",
    ),
    DemoListing(
        "99006",
        "Larkspur Care Coordinator",
        ("C7", "C24"),
        "Coordinates communications and tasks for patients with complex care across services.",
        P.DRAFT,
    ),
    DemoListing(
        "99007",
        "Fellside GP",
        ("C13", "C15", "C14"),
        "A complete GP clinical system designed for small and rural practices, including dispensing ones.",
    ),
    DemoListing(
        "99007",
        "Fellside Appointments",
        ("C5", "C12"),
        "Appointment books and staff rotas that a practice manager can set up in an afternoon.",
    ),
    DemoListing(
        "99007",
        "Fellside Referral Manager",
        ("C11",),
        "Creates, tracks and chases referrals, with letters drafted from the consultation.",
    ),
]
del P

HOSTING_TEXT = {
    HostingType.PUBLIC_CLOUD: (
        "Hosted in the UK regions of a public cloud provider, assured against the NHS Data Security and "
        "Protection Toolkit.",
        "",
    ),
    HostingType.PRIVATE_CLOUD: (
        "Hosted in the supplier's own UK data centres and provided as software as a service.",
        "End user devices must be connected to HSCN/N3",
    ),
    HostingType.HYBRID: (
        "Clinical data stays in UK data centres; patient-facing services run in a UK public cloud region.",
        "End user devices must be connected to HSCN/N3",
    ),
    HostingType.ON_PREMISE: (
        "Installed on a server at the practice, supported and updated remotely by the supplier.",
        "End user devices must be connected to HSCN/N3",
    ),
}
CITIZEN_CAPABILITIES = {"C1", "C2", "C3", "C4", "C18", "C32", "C33", "C43", "C44", "C46"}
CLINICAL_SYSTEM_CAPABILITIES = {"C13", "C14", "C15"}
IMPLEMENTATION_TEXT = [
    "Most practices are live within {weeks} weeks: a kick-off call, configuration with the practice team, "
    "remote training for every role, and support on the first days of use.",
    "A typical implementation takes {weeks} weeks. A named project manager agrees the plan with the "
    "practice, migrates any existing data and trains a super user in each team.",
    "Implementation takes about {weeks} weeks and is delivered remotely: configuration, data checks, "
    "training sessions for clinicians and administrators, and a review a month after go-live.",
]
ROADMAP_TEXT = [
    "Planned for the next release: better accessibility for screen-reader users and more NHS App "
    "integration.",
    "This year's roadmap adds reporting for primary care networks and single sign-on with NHS Care Identity.",
    "Next on the roadmap: FHIR-based interfaces and configurable dashboards for practice managers.",
]


PRICE_SHAPES = (
    "per_patient",
    "per_patient_cumulative",
    "per_patient_volume_by_practice",
    "practice_band",
    "practice_monthly",
    "licence_volume",
    "user_band",
    "consultation_on_demand",
    "sms_cumulative",
)
"""Every price shape the service supports: flat and tiered (single fixed, cumulative, volume), per patient per
year, declarative per month or year, on demand, per solution and per service recipient."""

PRICE_SHAPES_BY_CAPABILITY = [
    # capabilities, the price shapes that suit them
    (
        {"C5", "C6", "C10", "C11", "C12", "C13", "C14", "C15", "C29", "C30", "C42"},
        ("per_patient", "per_patient_cumulative", "per_patient_volume_by_practice", "practice_band"),
    ),
    ({"C18", "C23", "C43", "C44"}, ("per_patient", "consultation_on_demand", "practice_band")),
    ({"C1", "C2", "C3", "C4", "C32", "C33", "C37", "C46", "C47"}, ("per_patient", "sms_cumulative")),
    (
        {"C16", "C26", "C34", "C35", "C36", "C39", "C45"},
        ("practice_monthly", "per_patient_volume_by_practice"),
    ),
]
OTHER_PRICE_SHAPES = ("user_band", "licence_volume", "practice_monthly")
TELEPHONY_PRICE_SHAPES = ("licence_volume", "user_band")


def price_spec(shape: str, rng: random.Random) -> PriceSpec:
    """A list price of one of PRICE_SHAPES with amounts drawn from `rng`; tiers are contiguous from 1 and the
    last is unbounded. Amounts are in pence except the SMS price, which is quoted to a tenth of a penny."""

    def pounds(low: float, high: float) -> Decimal:
        return Decimal(str(round(rng.uniform(low, high), 2)))

    def discount(amount: Decimal, factor: str) -> Decimal:
        return (amount * Decimal(factor)).quantize(Decimal("0.01"))

    tiered = {"price_type": PriceType.TIERED}
    if shape == "per_patient":
        return PriceSpec(
            ProvisioningType.PER_PATIENT,
            "per patient",
            "patients",
            TimeUnit.PER_YEAR,
            ((1, None, pounds(0.1, 2.5)),),
        )
    if shape == "per_patient_cumulative":
        base = pounds(0.5, 2.5)
        return PriceSpec(
            ProvisioningType.PER_PATIENT,
            "per patient",
            "patients",
            TimeUnit.PER_YEAR,
            ((1, 10000, base), (10001, 50000, discount(base, "0.8")), (50001, None, discount(base, "0.6"))),
            calculation_type=CalculationType.CUMULATIVE,
            **tiered,
        )
    if shape == "per_patient_volume_by_practice":
        base = pounds(0.4, 1.8)
        return PriceSpec(
            ProvisioningType.PER_PATIENT,
            "per patient",
            "patients",
            TimeUnit.PER_YEAR,
            ((1, 7500, base), (7501, None, discount(base, "0.75"))),
            calculation_type=CalculationType.VOLUME,
            quantity_basis=QuantityBasis.PER_SERVICE_RECIPIENT,
            **tiered,
        )
    if shape == "practice_band":
        base = Decimal(rng.randrange(900, 2400, 50))
        return PriceSpec(
            ProvisioningType.PER_PATIENT,
            "per practice, banded by list size",
            "patients",
            TimeUnit.PER_YEAR,
            ((1, 5000, base), (5001, 10000, discount(base, "1.6")), (10001, None, discount(base, "2.4"))),
            calculation_type=CalculationType.SINGLE_FIXED,
            quantity_basis=QuantityBasis.PER_SERVICE_RECIPIENT,
            **tiered,
        )
    if shape == "practice_monthly":
        return PriceSpec(
            ProvisioningType.DECLARATIVE,
            "per practice",
            "practices",
            TimeUnit.PER_MONTH,
            ((1, None, pounds(60, 400)),),
            quantity_basis=QuantityBasis.PER_SERVICE_RECIPIENT,
        )
    if shape == "licence_volume":
        base = pounds(15, 40)
        return PriceSpec(
            ProvisioningType.DECLARATIVE,
            "per licence",
            "licences",
            TimeUnit.PER_MONTH,
            ((1, 10, base), (11, 50, discount(base, "0.8")), (51, None, discount(base, "0.65"))),
            calculation_type=CalculationType.VOLUME,
            **tiered,
        )
    if shape == "user_band":
        base = Decimal(rng.randrange(600, 1500, 25))
        return PriceSpec(
            ProvisioningType.DECLARATIVE,
            "per team, banded by number of users",
            "users",
            TimeUnit.PER_YEAR,
            ((1, 20, base), (21, None, discount(base, "1.75"))),
            calculation_type=CalculationType.SINGLE_FIXED,
            **tiered,
        )
    if shape == "consultation_on_demand":
        return PriceSpec(
            ProvisioningType.ON_DEMAND,
            "per consultation",
            "consultations",
            TimeUnit.PER_MONTH,
            ((1, None, pounds(1.5, 6)),),
        )
    if shape == "sms_cumulative":
        return PriceSpec(
            ProvisioningType.ON_DEMAND,
            "per SMS fragment",
            "SMS fragments",
            TimeUnit.PER_YEAR,
            ((1, 100000, Decimal("0.035")), (100001, None, Decimal("0.028"))),
            calculation_type=CalculationType.CUMULATIVE,
            **tiered,
        )
    raise ValueError(f"Unknown price shape {shape!r}")


def _price_shapes_for(listing_refs: Sequence[str], frameworks: Sequence[str]) -> tuple[str, ...]:
    if list(frameworks) == ["ATP001"]:
        return TELEPHONY_PRICE_SHAPES
    for refs, shapes in PRICE_SHAPES_BY_CAPABILITY:
        if listing_refs[0] in refs:
            return shapes
    return OTHER_PRICE_SHAPES


def _least_used(rng: random.Random, candidates: Sequence[str], used: dict[str, int]) -> str:
    """The candidate used least so far (ties broken by `rng`), so that every shape is represented."""
    fewest = min(used.get(c, 0) for c in candidates)
    choice = rng.choice([c for c in candidates if used.get(c, 0) == fewest])
    used[choice] = used.get(choice, 0) + 1
    return choice


def _demo_features(index: RefIndex, refs: Sequence[str], epic_names: dict[int, str]) -> list[str]:
    """Features from the names of the MUST epics claimed, taking each capability in turn."""
    queues = [list(index.must_epics[ref]) for ref in refs]
    features: list[str] = []
    while any(queues) and len(features) < MAX_FEATURES:
        for queue in queues:
            if queue and len(features) < MAX_FEATURES:
                text = _clip(_sentence_case(epic_names[queue.pop(0)]), FEATURE_MAX_LENGTH)
                if text not in features:
                    features.append(text)
    return features


def _demo_frameworks(index: RefIndex, refs: Sequence[str], override: Sequence[str]) -> list[str]:
    if override:
        return list(override)
    codes = sorted({code for ref in refs for code in index.capability_frameworks[ref]})
    return codes or ["TIF001"]


def _choose_integrations(
    rng: random.Random, index: RefIndex, refs: Sequence[str]
) -> list[tuple[int, str, str]]:
    """(integration type id, direction, integrates with): clinical systems provide IM1 and GP Connect,
    everything else consumes them; NHS App integrations follow the capability."""
    claimed = set(refs)
    options: list[tuple[tuple[str, str], str]] = []
    if claimed & CLINICAL_SYSTEM_CAPABILITIES:
        options += [
            (("IM1", "Bulk"), IntegrationDirection.PROVIDER),
            (("IM1", "Transactional"), IntegrationDirection.PROVIDER),
            (("IM1", "Patient Facing"), IntegrationDirection.PROVIDER),
            (("GP Connect", "Access Record HTML"), IntegrationDirection.PROVIDER),
            (("GP Connect", "Appointment Management"), IntegrationDirection.PROVIDER),
        ]
    else:
        options += [
            (("IM1", rng.choice(["Bulk", "Transactional", "Patient Facing"])), IntegrationDirection.CONSUMER),
            (
                (
                    "GP Connect",
                    rng.choice(["Access Record HTML", "Access Record Structured", "Send Document"]),
                ),
                IntegrationDirection.CONSUMER,
            ),
        ]
    if "C43" in claimed:
        options.append((("NHS App", "Online Consultations"), IntegrationDirection.CONSUMER))
    if claimed & {"C33", "C32"}:
        options.append((("NHS App", "Personal Health Records"), IntegrationDirection.CONSUMER))
    if claimed & {"C2", "C7", "C1"}:
        options.append((("NHS App", "Primary Care Notifications"), IntegrationDirection.CONSUMER))
    picked = rng.sample(options, k=min(len(options), rng.randint(1, 3)))
    result = []
    for key, direction in sorted(picked):
        integrates_with = "EMIS Web, SystmOne" if direction == IntegrationDirection.CONSUMER else ""
        result.append((index.integration_types[key], direction.value, integrates_with))
    return result


def _choose_hosting(rng: random.Random) -> list[str]:
    types = list(HostingType)
    return sorted(t.value for t in rng.sample(types, k=rng.choice([1, 1, 2, 2, 3])))


def _choose_clients(rng: random.Random, refs: Sequence[str]) -> list[str]:
    chosen = {ClientApplicationType.BROWSER_BASED.value}
    if set(refs) & CITIZEN_CAPABILITIES or rng.random() < 0.3:
        chosen.add(ClientApplicationType.NATIVE_MOBILE.value)
    if set(refs) & CLINICAL_SYSTEM_CAPABILITIES or rng.random() < 0.25:
        chosen.add(ClientApplicationType.NATIVE_DESKTOP.value)
    return sorted(chosen)


def _client_details(clients: Sequence[str]) -> dict[str, Any]:
    details: dict[str, Any] = {
        "BrowsersSupported": ["Google Chrome", "Microsoft Edge", "Mozilla Firefox", "Safari"],
        "MobileResponsive": True,
        "MinimumConnectionSpeed": "2Mbps",
        "MinimumDesktopResolution": "16:9 – 1366 x 768",
    }
    if ClientApplicationType.NATIVE_MOBILE in clients:
        details["MobileOperatingSystems"] = {"OperatingSystems": ["Apple IOS", "Android"]}
    if ClientApplicationType.NATIVE_DESKTOP in clients:
        details["NativeDesktopOperatingSystemsDescription"] = "Microsoft Windows 10 and 11"
    return details


def _demo_dates(rng: random.Random) -> datetime.datetime:
    start = datetime.datetime(2025, 1, 6, 9, 30, tzinfo=datetime.UTC)
    return start + datetime.timedelta(days=rng.randint(0, 420), minutes=rng.randint(0, 480))


def _demo_supplier_specs() -> list[SupplierSpec]:
    specs = []
    for code, name, makes in DEMO_SUPPLIERS:
        slug = name.split()[0].lower()
        specs.append(
            SupplierSpec(
                code=code,
                name=f"{name} (demo)",
                legal_name=f"{name} Ltd (demo)",
                summary=f"{name} is an invented supplier for the demo. It makes {makes}.",
                website=f"https://{slug}.example.com/",
                address=f"{int(code) - 98990} Example Street, Leeds, LS1 4AP (invented)",
                is_demo=True,
            )
        )
    return specs


def demo_catalogue_ids() -> dict[str, str]:
    """Demo listing name -> solution id: the supplier's id and the listing's number among its listings."""
    numbers: dict[str, int] = {}
    ids = {}
    for listing in DEMO_LISTINGS:
        numbers[listing.supplier] = numbers.get(listing.supplier, 0) + 1
        ids[listing.name] = f"{listing.supplier}-{numbers[listing.supplier]:03d}"
    return ids


def seed_demo_catalogue(summary: dict[str, Tally]) -> None:
    """The invented listings of DEMO_LISTINGS, filled in from the real model with a fixed random seed."""
    rng = random.Random(DEMO_SEED)
    org_ids = sync_suppliers(_demo_supplier_specs(), summary)
    add_demo_contacts(org_ids, summary)
    index = RefIndex.load()
    epic_names = dict(Epic.objects.values_list("id", "name"))
    shapes_used: dict[str, int] = {}
    slugs = {code: name.split()[0].lower() for code, name, _ in DEMO_SUPPLIERS}

    catalogue_ids = demo_catalogue_ids()
    rows, plans = [], []
    for listing in DEMO_LISTINGS:
        catalogue_id = catalogue_ids[listing.name]
        refs = list(listing.capabilities)
        capability_text = " ".join(
            f"{index.capabilities[ref].name}: {index.capabilities[ref].description}" for ref in refs
        )
        clients = _choose_clients(rng, refs)
        state = PublicationState(listing.state)
        rows.append(
            {
                "catalogue_id": catalogue_id,
                "supplier_id": org_ids[listing.supplier],
                "name": listing.name,
                "summary": _clip(listing.summary, SUMMARY_MAX_LENGTH),
                "description": _clip(f"{listing.summary}\n\n{capability_text}", DESCRIPTION_MAX_LENGTH),
                "features": _demo_features(index, refs, epic_names),
                "implementation_timescales": rng.choice(IMPLEMENTATION_TEXT).format(weeks=rng.randint(2, 12)),
                "sla_type": SLAType.TYPE_1.value
                if set(refs) & CLINICAL_SYSTEM_CAPABILITIES
                else rng.choice(list(SLAType)).value,
                "roadmap": rng.choice(ROADMAP_TEXT),
                "roadmap_url": f"https://{slugs[listing.supplier]}.example.com/roadmap",
                "integrations_url": f"https://{slugs[listing.supplier]}.example.com/integrations",
                "about_url": f"https://{slugs[listing.supplier]}.example.com/about",
                "client_application_details": _client_details(clients),
                "publication_state": state.value,
                "published_at": None
                if state in (PublicationState.DRAFT, PublicationState.SUBMITTED)
                else _demo_dates(rng),
                "is_demo": True,
            }
        )
        may = {ref: rng.sample(index.may_epics[ref], k=min(2, len(index.may_epics[ref]))) for ref in refs}
        interoperability = sorted({s for ref in refs for s in index.interoperability_by_capability[ref]})
        plans.append(
            {
                "catalogue_id": catalogue_id,
                "refs": refs,
                "frameworks": _demo_frameworks(index, refs, listing.frameworks),
                "epics": [(ref, epic) for ref in refs for epic in index.must_epics[ref]]
                + [(ref, epic) for ref in refs for epic in may[ref]],
                "hosting": _choose_hosting(rng),
                "clients": clients,
                "integrations": _choose_integrations(rng, index, refs),
                "standards": index.overarching_standards
                + rng.sample(interoperability, k=min(len(interoperability), rng.randint(1, 3))),
                "prices": [
                    price_spec(
                        _least_used(rng, _price_shapes_for(refs, listing.frameworks), shapes_used), rng
                    )
                ]
                + ([price_spec(rng.choice(PRICE_SHAPES), rng)] if rng.random() < 0.2 else []),
            }
        )
    tally, solution_ids = sync_rows(Solution, ("catalogue_id",), rows)
    _add(summary, "Solution", tally)

    hosting, clients, integrations = [], [], []
    frameworks, capabilities, standards, epics = set(), set(), set(), []
    price_entries = []
    for plan in plans:
        sid = solution_ids[plan["catalogue_id"]]
        hosting += [
            {
                "solution_id": sid,
                "hosting_type": t,
                "summary": HOSTING_TEXT[t][0],
                "requires_hscn": HOSTING_TEXT[t][1],
            }
            for t in plan["hosting"]
        ]
        clients += [{"solution_id": sid, "application_type": t} for t in plan["clients"]]
        integrations += [
            {"solution_id": sid, "integration_type_id": t, "direction": d, "integrates_with": w}
            for t, d, w in plan["integrations"]
        ]
        frameworks |= {(sid, index.frameworks[code]) for code in plan["frameworks"]}
        capabilities |= {(sid, index.capabilities[ref].pk) for ref in plan["refs"]}
        standards |= {(sid, standard) for standard in plan["standards"]}
        epics += [
            {"solution_id": sid, "capability_id": index.capabilities[ref].pk, "epic_id": epic}
            for ref, epic in plan["epics"]
        ]
        price_entries += [
            (f"demo-{plan['catalogue_id']}-{n}", "solution_id", sid, spec)
            for n, spec in enumerate(plan["prices"], start=1)
        ]
    _sync_solution_children(solution_ids.values(), hosting, clients, integrations, summary)
    _add(summary, "Solution.frameworks", add_links(*_m2m(Solution, "frameworks"), frameworks))
    _add(summary, "Solution.capabilities", add_links(*_m2m(Solution, "capabilities"), capabilities))
    _add(summary, "Solution.standards", add_links(*_m2m(Solution, "standards"), standards))
    tally, _ = sync_rows(
        SolutionEpic,
        ("solution_id", "capability_id", "epic_id"),
        epics,
        existing=SolutionEpic.objects.filter(solution_id__in=solution_ids.values()),
    )
    _add(summary, "SolutionEpic", tally)
    price_entries += _seed_demo_services(rng, index, org_ids, solution_ids, summary)
    sync_prices(price_entries, summary)


DEMO_ADDITIONAL_SERVICES = [
    # solution name, service name, capabilities, summary, price (a PRICE_SHAPES name or a PriceSpec)
    (
        "Consultly Complete",
        "Consultly Translation",
        ("C43",),
        "Patients write in their own language; the practice reads and replies in English.",
        "per_patient",
    ),
    (
        "Meadowbank GP Clinical",
        "Meadowbank Mobile Working",
        ("C13",),
        "The clinical record on a tablet for home visits, working offline and syncing on return.",
        "licence_volume",
    ),
    (
        "Meadowbank GP Clinical",
        "Meadowbank Analytics Pack",
        ("C16",),
        "Searches and reports across the practice's records, with QOF and enhanced-service templates.",
        "per_patient",
    ),
    (
        "PatientPath App",
        "PatientPath Proxy Access",
        ("C4",),
        "Lets a parent or carer use the app on behalf of someone else, with the practice's approval.",
        "practice_monthly",
    ),
    (
        "Oakfield Population Health",
        "Oakfield Risk Models",
        ("C35",),
        "Extra risk models for frailty, falls and unplanned admission.",
        "per_patient_volume_by_practice",
    ),
    (
        "Harbourlight Remote Monitoring",
        "Harbourlight Device Loan",
        ("C18",),
        "Blood pressure monitors and pulse oximeters lent to patients and collected after use.",
        PriceSpec(
            ProvisioningType.DECLARATIVE,
            "per device",
            "devices",
            TimeUnit.PER_MONTH,
            ((1, None, Decimal("6.50")),),
        ),
    ),
]
DEMO_ASSOCIATED_SERVICES = [
    # supplier, name, practice reorganisation, summary, price
    (
        "99002",
        "Data migration",
        PracticeReorganisation.NONE,
        "Moves a practice's records from its previous clinical system, with checks before go-live.",
        PriceSpec(
            ProvisioningType.DECLARATIVE, "per migration", "migrations", "", ((1, None, Decimal(2500)),)
        ),
    ),
    (
        "99002",
        "Practice merger",
        PracticeReorganisation.MERGER,
        "Merges the records of two practices into one clinical system.",
        PriceSpec(
            ProvisioningType.DECLARATIVE, "per practice merge", "mergers", "", ((1, None, Decimal(3950)),)
        ),
    ),
    (
        "99002",
        "Practice split",
        PracticeReorganisation.SPLIT,
        "Splits one practice's records between two new practices.",
        PriceSpec(
            ProvisioningType.DECLARATIVE, "per practice split", "splits", "", ((1, None, Decimal(3950)),)
        ),
    ),
    (
        "99006",
        "Practice merger or split",
        PracticeReorganisation.MERGER_OR_SPLIT,
        "Moves documents and workflows when practices merge or split.",
        PriceSpec(
            ProvisioningType.DECLARATIVE,
            "per merger or split",
            "mergers or splits",
            "",
            ((1, None, Decimal(1200)),),
        ),
    ),
    (
        "99000",
        "Remote training",
        PracticeReorganisation.NONE,
        "Live online training for the practice team, in sessions of up to twelve people.",
        PriceSpec(
            ProvisioningType.DECLARATIVE,
            "per half day",
            "half days",
            "",
            ((1, 3, Decimal(450)), (4, None, Decimal(380))),
            calculation_type=CalculationType.VOLUME,
            price_type=PriceType.TIERED,
            quantity_basis=QuantityBasis.PER_SERVICE_RECIPIENT,
        ),
    ),
    (
        "99004",
        "Report design day",
        PracticeReorganisation.NONE,
        "An analyst builds the reports and dashboards a practice or PCN asks for.",
        PriceSpec(ProvisioningType.ON_DEMAND, "per day", "days", "", ((1, None, Decimal(650)),)),
    ),
    (
        "99003",
        "On-site installation",
        PracticeReorganisation.NONE,
        "An engineer installs and tests the equipment at the practice or in the patient's home.",
        PriceSpec(
            ProvisioningType.DECLARATIVE,
            "per installation",
            "installations",
            "",
            ((1, 10, Decimal(180)), (11, None, Decimal(140))),
            calculation_type=CalculationType.CUMULATIVE,
            price_type=PriceType.TIERED,
        ),
    ),
]


def _seed_demo_services(
    rng: random.Random,
    index: RefIndex,
    org_ids: dict[str, int],
    solution_ids: dict[str, int],
    summary: dict[str, Tally],
) -> list[tuple[str, str, int, PriceSpec]]:
    """Additional and associated services of the demo suppliers; returns their price entries."""
    by_name = demo_catalogue_ids()
    additional_rows, capability_links, entries = [], [], []
    counts: dict[str, int] = {}
    for solution_name, name, refs, service_summary, price in DEMO_ADDITIONAL_SERVICES:
        parent = by_name[solution_name]
        counts[parent] = counts.get(parent, 0) + 1
        catalogue_id = f"{parent}A{counts[parent]:03d}"
        additional_rows.append(
            {
                "catalogue_id": catalogue_id,
                "solution_id": solution_ids[parent],
                "name": name,
                "summary": service_summary,
                "description": service_summary,
                "publication_state": PublicationState.PUBLISHED.value,
                "is_demo": True,
            }
        )
        capability_links.append((catalogue_id, refs))
        entries.append((catalogue_id, price if isinstance(price, PriceSpec) else price_spec(price, rng)))
    tally, additional_ids = sync_rows(AdditionalService, ("catalogue_id",), additional_rows)
    _add(summary, "AdditionalService", tally)
    _add(
        summary,
        "AdditionalService.capabilities",
        add_links(
            *_m2m(AdditionalService, "capabilities"),
            {
                (additional_ids[cid], index.capabilities[ref].pk)
                for cid, refs in capability_links
                for ref in refs
            },
        ),
    )
    entries = [
        (f"demo-{catalogue_id}-1", "additional_service_id", additional_ids[catalogue_id], spec)
        for catalogue_id, spec in entries
    ]

    associated_rows, prices = [], []
    counts = {}
    for supplier, name, reorganisation, service_summary, spec in DEMO_ASSOCIATED_SERVICES:
        counts[supplier] = counts.get(supplier, 0) + 1
        catalogue_id = f"{supplier}-S-{counts[supplier]:03d}"
        associated_rows.append(
            {
                "catalogue_id": catalogue_id,
                "supplier_id": org_ids[supplier],
                "name": name,
                "summary": service_summary,
                "description": service_summary,
                "order_guidance": "Order one unit for each practice that needs the service.",
                "practice_reorganisation": reorganisation.value,
                "publication_state": PublicationState.PUBLISHED.value,
                "is_demo": True,
            }
        )
        prices.append((catalogue_id, supplier, spec))
    tally, associated_ids = sync_rows(AssociatedService, ("catalogue_id",), associated_rows)
    _add(summary, "AssociatedService", tally)
    links = {
        (associated_ids[catalogue_id], solution_ids[solution])
        for catalogue_id, supplier, _ in prices
        for solution in by_name.values()
        if solution.startswith(f"{supplier}-")
    }
    _add(summary, "AssociatedService.solutions", add_links(*_m2m(AssociatedService, "solutions"), links))
    entries += [
        (f"demo-{catalogue_id}-1", "associated_service_id", associated_ids[catalogue_id], spec)
        for catalogue_id, _, spec in prices
    ]
    return entries


# --- Demo users -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str], ...]  # (organisation key, role)
    description: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("practice.manager@example.com", "Helen", "Carter", (("ods:A81001", Role.BUYER),), "Buyer"),
    DemoUser(
        "commissioner@example.com",
        "David",
        "Okafor",
        # Two organisations, so the demo shows the organisation switcher: the ICB and its sub-ICB location.
        (("ods:QHM", Role.BUYER), ("ods:QHM", Role.ORGANISATION_ADMIN), ("ods:16C", Role.BUYER)),
        "Buyer, organisation admin",
    ),
    DemoUser(
        "supplier.a@example.com",
        "Priya",
        "Nair",
        (("supplier:10000", Role.SUPPLIER_EDITOR),),
        "Supplier editor",
    ),
    DemoUser(
        "supplier.b@example.com",
        "Tom",
        "Brennan",
        (("supplier:10030", Role.SUPPLIER_EDITOR),),
        "Supplier editor",
    ),
    DemoUser(
        "moderator@example.com",
        "Grace",
        "Liu",
        (("catalogue_team", Role.CATALOGUE_MODERATOR),),
        "Catalogue moderator",
        is_staff=True,
    ),
    DemoUser("admin@example.com", "Sam", "Taylor", (), "Superuser", is_staff=True, is_superuser=True),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str
    password: str = DEMO_PASSWORD


def seed_users(
    org_ids: dict[str, int], supplier_ids: dict[str, int], summary: dict[str, Tally]
) -> list[DemoLogin]:
    """Create the demo users that are missing (with DEMO_PASSWORD) and any missing memberships. An existing
    user is left exactly as it is, so a password changed in the demo is never reset."""

    def organisation_id(key: str) -> int:
        kind, _, value = key.partition(":")
        if kind == "ods":
            return org_ids[value]
        if kind == "supplier":
            return supplier_ids[value]
        return org_ids[key]

    existing = set(
        User.objects.filter(email__in=[u.email for u in DEMO_USERS]).values_list("email", flat=True)
    )
    created = 0
    for spec in DEMO_USERS:
        if spec.email in existing:
            continue
        User.objects.create_user(
            spec.email,
            DEMO_PASSWORD,
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=spec.is_staff,
            is_superuser=spec.is_superuser,
        )
        created += 1
    _add(summary, "User", Tally(created=created, unchanged=len(DEMO_USERS) - created))

    users = dict(User.objects.filter(email__in=[u.email for u in DEMO_USERS]).values_list("email", "pk"))
    wanted = {
        (users[spec.email], organisation_id(key), role.value)
        for spec in DEMO_USERS
        for key, role in spec.memberships
    }
    present = set(
        Membership.objects.filter(user_id__in=users.values()).values_list(
            "user_id", "organisation_id", "role"
        )
    )
    missing = sorted(wanted - present)
    Membership.objects.bulk_create([Membership(user_id=u, organisation_id=o, role=r) for u, o, r in missing])
    _add(summary, "Membership", Tally(created=len(missing), unchanged=len(wanted & present)))

    names = {org.pk: str(org) for org in Organisation.objects.filter(pk__in=[o for _, o, _ in wanted])}
    logins = []
    for spec in DEMO_USERS:
        orgs = sorted({names[organisation_id(key)] for key, _ in spec.memberships})
        logins.append(DemoLogin(spec.email, spec.description, ", ".join(orgs) or "(all)"))
    return logins


# --- Scale-test listings ----------------------------------------------------------------------------------


def scale_catalogue_id(position: int) -> str:
    """The deterministic id of the scale listing at `position` (0-based): 999 per scale supplier."""
    supplier = SCALE_SUPPLIER_CODE_START + position // SCALE_LISTINGS_PER_SUPPLIER
    return f"{supplier}-{position % SCALE_LISTINGS_PER_SUPPLIER + 1:03d}"


def _scale_supplier_specs(count: int) -> list[SupplierSpec]:
    return [
        SupplierSpec(
            code=str(SCALE_SUPPLIER_CODE_START + k),
            name=f"Scale Test Supplier {k + 1:03d} (demo)",
            legal_name=f"Scale Test Supplier {k + 1:03d} Ltd (demo)",
            summary="Generated for scale tests; not a real supplier.",
            website="https://scale-test.example.com/",
            address="Generated for scale tests",
            is_demo=True,
        )
        for k in range(count)
    ]


def _scale_capability_pool(index: RefIndex) -> list[str]:
    """Effective capabilities, with online and video consultation and the foundation capabilities weighted up
    as in the real market."""
    pool = [ref for ref, cap in index.capabilities.items() if cap.status == CapabilityStatus.EFFECTIVE]
    weighted = pool + ["C43"] * 6 + ["C44"] * 5
    weighted += [ref for ref, cap in index.capabilities.items() if cap.is_foundation] * 2
    return weighted


def seed_scale_listings(
    count: int,
    summary: dict[str, Tally],
    *,
    batch_size: int = SCALE_BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Bulk-insert scale-test listings up to `count` of them; returns how many were new.

    Listing i always gets the id `scale_catalogue_id(i)` and content drawn from a random generator seeded with
    i, so it is the same whatever N and however many already exist; re-running with the same N adds nothing.
    Text is real (capability descriptions and real listings' summaries) so search behaves as on real data.
    """
    if count <= 0:
        return 0
    suppliers = -(-count // SCALE_LISTINGS_PER_SUPPLIER)
    org_ids = sync_suppliers(_scale_supplier_specs(suppliers), summary)
    present = set(
        Solution.objects.filter(supplier_id__in=org_ids.values()).values_list("catalogue_id", flat=True)
    )
    todo = [i for i in range(count) if scale_catalogue_id(i) not in present]
    _add(summary, "Solution (scale)", Tally(unchanged=count - len(todo)))
    if not todo:
        return 0

    index = RefIndex.load()
    pool = _scale_capability_pool(index)
    texts = [
        row["Summary"] for row in read_csv(BUYING_CATALOGUE_DIR / "solutions.csv") if row["Summary"].strip()
    ]
    states = [PublicationState.PUBLISHED.value] * 23 + [s.value for s in PublicationState if s != "published"]
    through = {name: _m2m(Solution, name) for name in ("frameworks", "capabilities")}
    now = timezone.now()

    created = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        plans, solutions = [], []
        for position in batch:
            rng = random.Random(f"scale:{position}")
            refs = sorted(set(rng.sample(pool, k=rng.choice([1, 1, 2, 2, 3]))), key=lambda r: int(r[1:]))
            names = " and ".join(index.capabilities[ref].name for ref in refs)
            catalogue_id = scale_catalogue_id(position)
            supplier_code = catalogue_id.split("-")[0]
            state = rng.choice(states)
            description = " ".join(
                [rng.choice(texts)] + [index.capabilities[ref].description for ref in refs]
            )
            solutions.append(
                Solution(
                    catalogue_id=catalogue_id,
                    supplier_id=org_ids[supplier_code],
                    name=f"Scale Test {position + 1:06d} {index.capabilities[refs[0]].name}",
                    summary=_clip(f"Generated listing for {names}. {rng.choice(texts)}", SUMMARY_MAX_LENGTH),
                    description=_clip(description, DESCRIPTION_MAX_LENGTH),
                    features=[_clip(index.capabilities[ref].name, FEATURE_MAX_LENGTH) for ref in refs],
                    sla_type=rng.choice(list(SLAType)).value,
                    publication_state=state,
                    published_at=now
                    if state in ("published", "in_remediation", "suspended", "unpublished")
                    else None,
                    client_application_details={},
                    is_demo=True,
                )
            )
            plans.append((rng, refs))
        Solution.objects.bulk_create(solutions, batch_size=batch_size)

        frameworks, capabilities, epics, hosting, clients, integrations, prices = [], [], [], [], [], [], []
        tiers_for: list[PriceSpec] = []
        for solution, (rng, refs) in zip(solutions, plans, strict=True):
            sid = solution.pk
            codes = _demo_frameworks(index, refs, ())
            if rng.random() < 0.05:
                codes = sorted({*codes, "ATP001"})
            through_fw, left_fw, right_fw = through["frameworks"]
            frameworks += [through_fw(**{left_fw: sid, right_fw: index.frameworks[c]}) for c in codes]
            through_cap, left_cap, right_cap = through["capabilities"]
            for ref in refs:
                cap_id = index.capabilities[ref].pk
                capabilities.append(through_cap(**{left_cap: sid, right_cap: cap_id}))
                may = index.may_epics[ref]
                chosen = index.must_epics[ref] + (rng.sample(may, k=min(len(may), rng.randint(0, 2))))
                epics += [SolutionEpic(solution_id=sid, capability_id=cap_id, epic_id=e) for e in chosen]
            hosting += [
                HostingOption(
                    solution_id=sid,
                    hosting_type=t,
                    summary=HOSTING_TEXT[t][0],
                    requires_hscn=HOSTING_TEXT[t][1],
                )
                for t in _choose_hosting(rng)
            ]
            clients += [
                SolutionClientApplication(solution_id=sid, application_type=t)
                for t in _choose_clients(rng, refs)
            ]
            integrations += [
                SolutionIntegration(solution_id=sid, integration_type_id=t, direction=d, integrates_with=w)
                for t, d, w in _choose_integrations(rng, index, refs)
            ]
            spec = price_spec(rng.choice(PRICE_SHAPES), rng)
            prices.append(
                Price(
                    solution_id=sid,
                    reference=f"scale-{solution.catalogue_id}",
                    price_type=spec.price_type,
                    calculation_type=spec.calculation_type,
                    provisioning_type=spec.provisioning_type,
                    quantity_basis=spec.quantity_basis,
                    unit_description=spec.unit_description,
                    range_description=spec.range_description,
                    time_unit=spec.time_unit,
                )
            )
            tiers_for.append(spec)
        for model, objs in (
            (through["frameworks"][0], frameworks),
            (through["capabilities"][0], capabilities),
            (SolutionEpic, epics),
            (HostingOption, hosting),
            (SolutionClientApplication, clients),
            (SolutionIntegration, integrations),
        ):
            model.objects.bulk_create(objs, batch_size=5000)
        Price.objects.bulk_create(prices, batch_size=batch_size)
        PriceTier.objects.bulk_create(
            [
                PriceTier(price_id=price.pk, lower=lower, upper=upper, unit_price=unit_price)
                for price, spec in zip(prices, tiers_for, strict=True)
                for lower, upper, unit_price in spec.tiers
            ],
            batch_size=5000,
        )
        created += len(batch)
        reset_queries()  # with DEBUG on, Django keeps every query's SQL; these are large
        if progress:
            progress(created, len(todo))
    _add(summary, "Solution (scale)", Tally(created=created))
    return created


# --- Conformance: the demo harness, the old service's assessments, demo harness runs -----------------------

DEMO_HARNESS_NAME = "Demo test harness (local use only)"
# The demo harness's token and secret (quoted in the README). For local use only: `seed_demo` is never run in
# production, and anyone who reads the source can sign as this harness.
DEMO_HARNESS_TOKEN = "demo-harness-token"
DEMO_HARNESS_SECRET = "demo-harness-secret-for-local-use-only"

IMPORTED_HARNESS_NAME = "NHS Buying Catalogue assessment (imported)"
IMPORTED_RUN_PREFIX = "buying-catalogue-import-"
DEMO_RUN_HARNESS_NAME = "Demo test harness"
DEMO_RUN_PREFIX = "demo-harness-"

# Demo listings whose latest run failed one MUST epic: partially met where the capability has other MUST
# epics, not met where that was its only one. The two in remediation are among them (DEMO_STATE_REASONS).
DEMO_CONFORMANCE_FAILING = (
    "ClinicCall Video",
    "Oakfield Risk Stratifier",
    "Meadowbank Appointments",
    "Kestrel Medication Review",
)
# Demo listings whose only run is older than the validity period: lapsed, so not accredited.
DEMO_CONFORMANCE_LAPSED = ("Harbourlight Caseload", "Meadowbank Dispensing")


def seed_demo_harness(summary: dict[str, Tally]) -> HarnessClient:
    """The demo harness client with its documented token and an active secret of the documented value
    (created again if someone revoked it, as a re-run repairs other seeded values)."""
    client, created = HarnessClient.objects.get_or_create(
        name=DEMO_HARNESS_NAME, defaults={"token": DEMO_HARNESS_TOKEN, "is_demo": True}
    )
    updated = False
    if client.token != DEMO_HARNESS_TOKEN or not client.is_demo or not client.is_active:
        client.token, client.is_demo, client.is_active = DEMO_HARNESS_TOKEN, True, True
        client.save(update_fields=["token", "is_demo", "is_active"])
        updated = not created
    _add(
        summary,
        "HarnessClient",
        Tally(created=int(created), updated=int(updated), unchanged=int(not created and not updated)),
    )
    _, secret_created = HarnessSecret.objects.get_or_create(
        client=client, secret=DEMO_HARNESS_SECRET, revoked_at=None
    )
    _add(summary, "HarnessSecret", Tally(created=int(secret_created), unchanged=int(not secret_created)))
    return client


def imported_assessments() -> dict[str, list[ImportedCase]]:
    """The old service's hand-recorded epic assessments (item_epics.csv), per solution id: IsMet true is a
    pass, false a failure (the source's own status, "Failed" or "Not Evidenced", is kept in the message),
    LastUpdated is when it was tested. item_capabilities.csv gives each capability's recorded outcome."""
    capability_status = {
        (row["CatalogueItemId"], row["CapabilityRef"]): row["Status"]
        for row in read_csv(BUYING_CATALOGUE_DIR / "item_capabilities.csv")
    }
    cases: dict[str, list[ImportedCase]] = {}
    for row in read_csv(BUYING_CATALOGUE_DIR / "item_epics.csv"):
        item, ref = row["CatalogueItemId"], row["CapabilityRef"]
        context = f"{ref} {row['CapabilityName']}"
        if (item, ref) in capability_status:
            context += f", capability recorded as {capability_status[item, ref]}"
        cases.setdefault(item, []).append(
            ImportedCase(
                solution_id=item,
                requirement=row["EpicId"],
                outcome=Outcome.PASSED if _flag(row["IsMet"]) else Outcome.FAILED,
                executed_at=_parse_source_datetime(row["LastUpdated"]),
                name=f"[{row['EpicId']}] {row['EpicName']}"[:500],
                message=f"Recorded by hand as {row['Status']} ({context}).",
            )
        )
    return cases


@dataclass(frozen=True)
class DemoRun:
    run_id: str
    executed_at: datetime.datetime
    failing: tuple[str, ...] = ()


def _demo_runs(
    rng: random.Random, catalogue_id: str, name: str, failable: Sequence[str], today: datetime.datetime
) -> list[DemoRun]:
    """The harness runs of one demo listing, oldest first, dated back from `today` by a seeded number of
    days: a lapsed listing's one run is 13 to 16 months old; a failing listing's latest run, within the
    last six weeks, failed one of `failable`; the others passed their latest run within the last two
    months, and some had an earlier run that failed, fixed since."""

    def when(low: int, high: int) -> datetime.datetime:
        return today - datetime.timedelta(days=rng.randint(low, high), minutes=rng.randint(0, 600))

    prefix = f"{DEMO_RUN_PREFIX}{catalogue_id}-"
    if name in DEMO_CONFORMANCE_LAPSED:
        return [DemoRun(f"{prefix}1", when(400, 480))]
    if name in DEMO_CONFORMANCE_FAILING:
        return [DemoRun(f"{prefix}1", when(5, 40), (rng.choice(failable),))]
    latest = when(3, 60)
    if failable and rng.random() < 0.4:
        earlier = latest - datetime.timedelta(days=rng.randint(20, 90))
        return [DemoRun(f"{prefix}1", earlier, (rng.choice(failable),)), DemoRun(f"{prefix}2", latest)]
    return [DemoRun(f"{prefix}1", latest)]


def seed_conformance(summary: dict[str, Tally], today: datetime.datetime | None = None) -> None:
    """The demo harness; the real listings' imported assessments (from 2020, so lapsed now: that is what
    they are); and harness runs for the demo listings, recent enough to be current, so that most demo
    listings are accredited, a few partially met (DEMO_CONFORMANCE_FAILING) and one or two lapsed
    (DEMO_CONFORMANCE_LAPSED). Draft listings have not been tested yet.

    Each run is recorded once, by run id, with `record_imported_results`, which applies it like a harness
    report: a re-run adds nothing. The demo runs are dated back from `today` (now) with a seeded random
    generator of their own, so the rest of the demo is unchanged by them.
    """
    today = (today or timezone.now()).replace(second=0, microsecond=0)
    seed_demo_harness(summary)
    done = set(ConformanceReport.objects.filter(client=None).values_list("run_id", flat=True))
    tally = Tally()

    solution_ids = set(Solution.objects.filter(is_demo=False).values_list("catalogue_id", flat=True))
    for item, cases in sorted(imported_assessments().items()):
        run_id = f"{IMPORTED_RUN_PREFIX}{item}"
        if item not in solution_ids:
            continue
        if run_id in done:
            tally.unchanged += 1
            continue
        record_imported_results(run_id, cases, harness_name=IMPORTED_HARNESS_NAME)
        tally.created += 1

    rng = random.Random(f"{DEMO_SEED}:conformance")
    catalogue_ids = demo_catalogue_ids()
    solutions = {
        s.catalogue_id: s
        for s in Solution.objects.filter(catalogue_id__in=catalogue_ids.values()).prefetch_related(
            "capabilities", "standards"
        )
    }
    overarching = list(
        Standard.objects.filter(standard_type=StandardType.OVERARCHING)
        .order_by("sort_key")
        .values_list("ref", flat=True)
    )
    must = [
        (ref, code, active)
        for ref, code, active in CapabilityEpic.objects.filter(level=EpicLevel.MUST)
        .order_by("capability__sort_key", "epic__code")
        .values_list("capability__ref", "epic__code", "epic__is_active")
    ]
    claimed_epics: dict[str, list[str]] = {}
    for catalogue_id, code in (
        SolutionEpic.objects.filter(solution__catalogue_id__in=list(solutions))
        .order_by("epic__code")
        .values_list("solution__catalogue_id", "epic__code")
    ):
        claimed_epics.setdefault(catalogue_id, []).append(code)

    for listing in DEMO_LISTINGS:
        catalogue_id = catalogue_ids[listing.name]
        solution = solutions.get(catalogue_id)
        if solution is None or listing.state == PublicationState.DRAFT:
            continue
        refs = {c.ref for c in solution.capabilities.all()}
        epics = [code for ref, code, _ in must if ref in refs]
        # Fail an active MUST epic of the capability with the most of them (partially met where it can be).
        active: dict[str, list[str]] = {}
        for ref, code, is_active in must:
            if ref in refs and is_active:
                active.setdefault(ref, []).append(code)
        failable = max(active.values(), key=len, default=[])
        requirements = list(
            dict.fromkeys(
                epics
                + claimed_epics.get(catalogue_id, [])
                + overarching
                + sorted(
                    (s.ref for s in solution.standards.all()),
                    key=lambda r: int(r[1:]) if r[1:].isdigit() else 0,
                )
            )
        )
        for run in _demo_runs(rng, catalogue_id, listing.name, failable, today):
            if run.run_id in done:
                tally.unchanged += 1
                continue
            cases = [
                ImportedCase(
                    solution_id=catalogue_id,
                    requirement=code,
                    outcome=Outcome.FAILED if code in run.failing else Outcome.PASSED,
                    executed_at=run.executed_at,
                    name=f"[{code}] demo check",
                    message="Demo: the expected behaviour was not observed." if code in run.failing else "",
                )
                for code in requirements
            ]
            record_imported_results(run.run_id, cases, harness_name=DEMO_RUN_HARNESS_NAME, is_demo=True)
            tally.created += 1
    _add(summary, "ConformanceReport", tally)


# --- The whole demo ---------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    summary: dict[str, Tally] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    scale_created: int = 0


# Why the demo's listings are in the states they are, as the catalogue team would have recorded it.
DEMO_STATE_REASONS = {
    PublicationState.SUSPENDED: (
        ListingAction.SUSPENDED,
        "Demo: suspended while the supplier's clinical safety case (DCB0129) is assessed again.",
    ),
    PublicationState.IN_REMEDIATION: (
        ListingAction.REMEDIATION,
        "Demo: the latest test-harness run failed one MUST epic; the supplier is putting it right.",
    ),
    PublicationState.UNPUBLISHED: (
        ListingAction.UNPUBLISHED,
        "Demo: the supplier withdrew this product from the framework.",
    ),
}


def _record_demo_states(summary: dict[str, Tally]) -> None:
    """An audit record, with a reason, for each demo listing seeded straight into a state the catalogue
    team sets (so a suspended listing's page can say why). Once per listing."""
    tally = Tally()
    recorded = set(ListingStateChange.objects.values_list("solution_id", flat=True))
    for solution in Solution.objects.filter(is_demo=True, publication_state__in=list(DEMO_STATE_REASONS)):
        if solution.pk in recorded:
            tally.unchanged += 1
            continue
        action, reason = DEMO_STATE_REASONS[solution.publication_state]
        ListingStateChange.objects.create(
            solution=solution,
            action=action,
            from_state=PublicationState.PUBLISHED,
            to_state=solution.publication_state,
            reason=reason,
        )
        tally.created += 1
    _add(summary, "ListingStateChange", tally)


def seed_demo(*, scale_solutions: int = 0, progress: Callable[[int, int], None] | None = None) -> SeedResult:
    """Load the reference data and build the whole demo in one transaction; see the module docstring."""
    result = SeedResult()
    with transaction.atomic():
        result.summary.update(load_reference())
        org_ids = seed_organisations(result.summary)
        supplier_ids = seed_real_catalogue(result.summary)
        seed_demo_catalogue(result.summary)
        result.logins = seed_users(org_ids, supplier_ids, result.summary)
        result.scale_created = seed_scale_listings(scale_solutions, result.summary, progress=progress)
        _record_demo_states(result.summary)
        seed_conformance(result.summary)
        # Other apps (the CMS makes a listing page for each) hear of the real and demo listings once
        # this commits. Not of the scale-test ones: those test search, and a page each would take long.
        # Scale suppliers have six-digit codes (SCALE_SUPPLIER_CODE_START); real and demo ones five.
        events.announce_listings_loaded(
            Solution.objects.filter(supplier__code__regex=r"^[0-9]{5}$").values_list("pk", flat=True)
        )
    return result


def format_logins(logins: Sequence[DemoLogin]) -> list[str]:
    """The demo logins as a plain-text table."""
    header = DemoLogin("Email", "Role", "Organisation", "Password")
    rows = [header, *logins]
    widths = [
        max(len(getattr(row, name)) for row in rows) for name in ("email", "role", "organisation", "password")
    ]

    def line(row: DemoLogin) -> str:
        cells = (row.email, row.role, row.organisation, row.password)
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(header), "  ".join("-" * width for width in widths), *(line(row) for row in logins)]
