"""Load the public GP IT Futures reference data (catalogue/reference_data/) into the database.

Two sources are merged: the project's own reference files (capabilities, standards, a handful of known
epics, integration types, frameworks) and the fuller extract of the NHS Buying Catalogue's seed data under
`buying_catalogue/`. The project's files win where both say something (names, statuses, standard types,
levels); the Buying Catalogue adds what they lack (descriptions, versions, URLs, categories, the full epic
list, funding types). What each model takes from where:

* Framework: every row of frameworks.csv; `expired` -> is_expired; funding types from the Buying Catalogue's
  file where it lists the framework (otherwise whatever is stored is kept).
* Capability: every row of capabilities.csv (46); frameworks = the union of both files' framework ids;
  is_foundation for C5, C11, C12, C13, C14 and C15.
* Epic and CapabilityEpic: every epic of buying_catalogue/epics.csv (768, one row per epic-capability link),
  level lower-cased; supplier-defined epics are always MAY. epics-known.csv adds or overrides the links,
  levels and names it lists.
* Standard: the Buying Catalogue's non-deleted standards. Type from standards.csv; a standard it does not
  list (S6 "Clinical Decision Support - Standard") is capability specific. Name from standards.csv where it
  has one.
* Integration and IntegrationType: integrations.csv, with descriptions from the Buying Catalogue's file.

The load is idempotent and never deletes: rows are matched on their natural keys (code, ref, name) and
updated only when a value differs, so a second run writes nothing. Links (many-to-many rows) are only ever
added, so links the catalogue team adds in the admin, and demo epics, survive a reload.

The helpers `sync_rows` and `add_links` are also what `catalogue/demo.py` builds the demo with.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import (
    Capability,
    CapabilityEpic,
    CapabilityStatus,
    Epic,
    EpicLevel,
    Framework,
    Integration,
    IntegrationType,
    Standard,
    StandardType,
)

REFERENCE_DIR = Path(__file__).resolve().parent / "reference_data"
BUYING_CATALOGUE_DIR = REFERENCE_DIR / "buying_catalogue"

FOUNDATION_CAPABILITIES = frozenset({"C5", "C11", "C12", "C13", "C14", "C15"})

# How many keys go into one `IN (...)` lookup: well under SQLite's and PostgreSQL's parameter limits.
LOOKUP_CHUNK = 900


class ReferenceDataError(Exception):
    """The reference files contradict themselves (an unknown framework id, a link to a missing epic...)."""


@dataclass
class Tally:
    """What a sync did to one model: rows created, rows whose values changed, rows already right."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged
        )

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts. `newline=""` keeps line breaks inside quoted cells as they are."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ref_sort_key(ref: str) -> int:
    """The numeric part of a ref (C14 -> 14), as Capability.save and Standard.save compute it. Rows written
    with bulk_create skip save(), so the loaders set it themselves."""
    return int(ref[1:]) if ref[1:].isdigit() else 0


def split_ids(value: str) -> list[str]:
    """`NHSDGP001;TIF001` -> ["NHSDGP001", "TIF001"]; an empty cell means none."""
    return [item.strip() for item in value.split(";") if item.strip()]


def _chunks(items: Sequence[Any], size: int = LOOKUP_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and getattr(field, "auto_now", False)
    ]


def sync_rows(
    model: type[models.Model],
    key: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    existing: models.QuerySet | None = None,
    create_only: Mapping[Any, Mapping[str, Any]] | None = None,
    batch_size: int = 1000,
) -> tuple[Tally, dict[Any, int]]:
    """Make the database hold `rows` (dicts of field attnames to values), matched on the `key` fields.

    Missing rows are bulk-created; existing ones are compared field by field and only the fields that
    differ are written, so re-running with the same rows writes nothing (and `updated_at` does not move).
    Fields a row leaves out are never touched. `create_only` maps a key to values set only when the row is
    created, such as the dates a real listing was created and last updated: those are written after the
    insert because bulk_create stamps auto_now fields with the current time.

    `existing` scopes the lookup of current rows (needed for composite keys on large tables); by default
    rows are looked up by their single key field. Returns the tally and a map of key (a value for a
    single-field key, a tuple otherwise) to primary key for every row.
    """
    rows = list(rows)
    single = len(key) == 1

    def key_of(values: Mapping[str, Any] | models.Model) -> Any:
        if isinstance(values, models.Model):
            parts = tuple(getattr(values, name) for name in key)
        else:
            parts = tuple(values[name] for name in key)
        return parts[0] if single else parts

    wanted: dict[Any, Mapping[str, Any]] = {}
    for row in rows:
        wanted[key_of(row)] = row  # a later duplicate wins, as a later update_or_create would

    def fetch() -> dict[Any, models.Model]:
        if existing is not None:
            return {key_of(obj): obj for obj in existing.all()}
        if not single:
            return {key_of(obj): obj for obj in model._base_manager.all()}
        found = {}
        for chunk in _chunks(list(wanted)):
            found.update({key_of(obj): obj for obj in model._base_manager.filter(**{f"{key[0]}__in": chunk})})
        return found

    current = fetch()

    tally = Tally()
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    auto_now = _auto_now_fields(model)
    now = timezone.now()
    for row_key, row in wanted.items():
        obj = current.get(row_key)
        if obj is None:
            to_create.append(model(**row))
            continue
        differing = [name for name, value in row.items() if getattr(obj, name) != value]
        if not differing:
            tally.unchanged += 1
            continue
        for name in differing:
            setattr(obj, name, row[name])
        for name in auto_now:
            setattr(obj, name, now)
        changed_fields.update(differing, auto_now)
        to_update.append(obj)
        tally.updated += 1

    if to_create:
        created = model._base_manager.bulk_create(to_create, batch_size=batch_size)
        tally.created = len(created)
        if any(obj.pk is None for obj in created):  # a backend that cannot return ids from a bulk insert
            current = fetch()
            created = [current[key_of(obj)] for obj in created]
        else:
            current.update({key_of(obj): obj for obj in created})
        if create_only:
            stamped: list[models.Model] = []
            stamped_fields: set[str] = set()
            for obj in created:
                extra = create_only.get(key_of(obj))
                if extra:
                    for name, value in extra.items():
                        setattr(obj, name, value)
                    stamped.append(obj)
                    stamped_fields.update(extra)
            if stamped:
                model._base_manager.bulk_update(stamped, sorted(stamped_fields), batch_size=batch_size)
    if to_update:
        model._base_manager.bulk_update(to_update, sorted(changed_fields), batch_size=batch_size)
    return tally, {row_key: current[row_key].pk for row_key in wanted}


def add_links(
    through: type[models.Model],
    left: str,
    right: str,
    pairs: Iterable[tuple[int, int]],
    *,
    batch_size: int = 2000,
) -> Tally:
    """Add the (left id, right id) rows of a many-to-many table that are missing; never remove any.

    Links are only added so that a reload keeps what people added by hand; `updated` is always 0.
    """
    wanted = set(pairs)
    lefts = sorted({a for a, _ in wanted})
    present: set[tuple[int, int]] = set()
    for chunk in _chunks(lefts):
        present.update(through._base_manager.filter(**{f"{left}__in": chunk}).values_list(left, right))
    missing = sorted(wanted - present)
    if missing:
        through._base_manager.bulk_create(
            [through(**{left: a, right: b}) for a, b in missing], batch_size=batch_size
        )
    return Tally(created=len(missing), unchanged=len(wanted & present))


@dataclass(frozen=True)
class ReferenceFiles:
    """The reference CSVs, read once. Kept apart from the load so tests can compare against the same rows."""

    frameworks: list[dict[str, str]]
    capabilities: list[dict[str, str]]
    standards: list[dict[str, str]]
    epics_known: list[dict[str, str]]
    integrations: list[dict[str, str]]
    bc_frameworks: list[dict[str, str]]
    bc_capabilities: list[dict[str, str]]
    bc_epics: list[dict[str, str]]
    bc_standards: list[dict[str, str]]
    bc_standards_capabilities: list[dict[str, str]]
    bc_integrations: list[dict[str, str]]

    @classmethod
    def read(cls, directory: Path = REFERENCE_DIR) -> ReferenceFiles:
        bc = directory / "buying_catalogue"
        return cls(
            frameworks=read_csv(directory / "frameworks.csv"),
            capabilities=read_csv(directory / "capabilities.csv"),
            standards=read_csv(directory / "standards.csv"),
            epics_known=read_csv(directory / "epics-known.csv"),
            integrations=read_csv(directory / "integrations.csv"),
            bc_frameworks=read_csv(bc / "frameworks.csv"),
            bc_capabilities=read_csv(bc / "capabilities.csv"),
            bc_epics=read_csv(bc / "epics.csv"),
            bc_standards=read_csv(bc / "standards.csv"),
            bc_standards_capabilities=read_csv(bc / "standards_capabilities.csv"),
            bc_integrations=read_csv(bc / "integrations.csv"),
        )


def _flag(value: str) -> bool:
    return value.strip().lower() in {"true", "yes", "1"}


def framework_rows(files: ReferenceFiles) -> list[dict[str, Any]]:
    funding = {row["Id"]: split_ids(row["FundingTypeNames"]) for row in files.bc_frameworks}
    rows = []
    for row in files.frameworks:
        values: dict[str, Any] = {
            "code": row["id"],
            "name": row["name"],
            "short_name": row["short_name"],
            "owner": row["owner"],
            "is_expired": _flag(row["expired"]),
            "maximum_term_months": int(row["maximum_term_months"]),
        }
        if row["id"] in funding:
            values["funding_types"] = funding[row["id"]]
        rows.append(values)
    return rows


def capability_rows(files: ReferenceFiles) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    """Capability rows, and each capability's framework codes (the union of both files)."""
    extra = {row["CapabilityRef"]: row for row in files.bc_capabilities}
    rows, frameworks = [], {}
    for row in files.capabilities:
        ref = row["ref"]
        more = extra.get(ref, {})
        values: dict[str, Any] = {
            "ref": ref,
            "name": row["name"],
            "status": CapabilityStatus(row["status"].strip().lower()).value,
            "is_foundation": ref in FOUNDATION_CAPABILITIES,
            "sort_key": ref_sort_key(ref),
        }
        if more:
            values.update(
                description=more["Description"].strip(),
                version=more["Version"],
                source_url=more["SourceUrl"],
                category=more["Category"],
            )
        rows.append(values)
        frameworks[ref] = set(split_ids(row["frameworks"])) | set(split_ids(more.get("FrameworkIds", "")))
    return rows, frameworks


def epic_rows(files: ReferenceFiles) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """Epic rows, and the level of every (capability ref, epic code) link."""
    epics: dict[str, dict[str, Any]] = {}
    levels: dict[tuple[str, str], str] = {}
    for row in files.bc_epics:
        supplier_defined = _flag(row["SupplierDefined"])
        epics.setdefault(
            row["Id"],
            {
                "code": row["Id"],
                "name": row["Name"].strip(),
                "supplier_defined": supplier_defined,
                "is_active": _flag(row["IsActive"]),
            },
        )
        level = EpicLevel.MAY if supplier_defined else EpicLevel(row["CompliancyLevel"].strip().lower())
        levels[(row["CapabilityRef"], row["Id"])] = level.value
    for row in files.epics_known:
        code = row["id"]
        supplier_defined = code.startswith("S")
        epic = epics.setdefault(code, {"code": code, "supplier_defined": supplier_defined, "is_active": True})
        epic["name"] = row["name"].strip()
        level = EpicLevel.MAY if epic["supplier_defined"] else EpicLevel(row["level"].strip().lower())
        levels[(row["capability"], code)] = level.value
    return list(epics.values()), levels


def standard_rows(files: ReferenceFiles) -> tuple[list[dict[str, Any]], set[tuple[str, str]]]:
    """Standard rows (deleted legacy standards skipped), and the (standard ref, capability ref) links."""
    typed = {row["ref"]: row for row in files.standards}
    rows = []
    for row in files.bc_standards:
        if _flag(row["IsDeleted"]):
            continue
        ref = row["Id"]
        known = typed.get(ref)
        rows.append(
            {
                "ref": ref,
                "name": (known["name"] if known and known["name"] else row["Name"]).strip(),
                "description": row["Description"].strip(),
                "standard_type": StandardType(known["type"]).value
                if known
                else StandardType.CAPABILITY_SPECIFIC.value,
                "version": row["Version"],
                "url": row["Url"],
                "sort_key": ref_sort_key(ref),
            }
        )
    loaded = {row["ref"] for row in rows}
    missing = set(typed) - loaded
    if missing:
        raise ReferenceDataError(
            f"standards.csv lists standards the Buying Catalogue lacks: {sorted(missing)}"
        )
    links = {
        (row["StandardId"], row["CapabilityRef"])
        for row in files.bc_standards_capabilities
        if row["StandardId"] in loaded
    }
    return rows, links


def integration_rows(files: ReferenceFiles) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Integration names, and (integration, type, description) for every integration type."""
    descriptions = {
        (row["Integration"], row["IntegrationType"]): row["Description"].strip()
        for row in files.bc_integrations
    }
    names: list[str] = []
    types = []
    for row in files.integrations:
        if row["integration"] not in names:
            names.append(row["integration"])
        types.append(
            (row["integration"], row["type"], descriptions.get((row["integration"], row["type"]), ""))
        )
    return names, types


@transaction.atomic
def load_reference(files: ReferenceFiles | None = None) -> dict[str, Tally]:
    """Merge the reference files into the database in one transaction; returns a tally per model."""
    files = files or ReferenceFiles.read()
    summary: dict[str, Tally] = {}

    summary["Framework"], framework_ids = sync_rows(Framework, ("code",), framework_rows(files))

    cap_rows, cap_frameworks = capability_rows(files)
    summary["Capability"], capability_ids = sync_rows(Capability, ("ref",), cap_rows)
    pairs = set()
    for ref, codes in cap_frameworks.items():
        unknown = codes - set(framework_ids)
        if unknown:
            raise ReferenceDataError(f"{ref} names frameworks that frameworks.csv lacks: {sorted(unknown)}")
        pairs.update((capability_ids[ref], framework_ids[code]) for code in codes)
    summary["Capability.frameworks"] = add_links(
        Capability.frameworks.through, "capability_id", "framework_id", pairs
    )

    epics, levels = epic_rows(files)
    summary["Epic"], epic_ids = sync_rows(Epic, ("code",), epics)
    links = []
    for (ref, code), level in levels.items():
        if ref not in capability_ids:
            raise ReferenceDataError(f"Epic {code} belongs to {ref}, which capabilities.csv lacks")
        links.append({"capability_id": capability_ids[ref], "epic_id": epic_ids[code], "level": level})
    summary["CapabilityEpic"], _ = sync_rows(
        CapabilityEpic,
        ("capability_id", "epic_id"),
        links,
        existing=CapabilityEpic.objects.filter(capability_id__in=capability_ids.values()),
    )

    std_rows, std_links = standard_rows(files)
    summary["Standard"], standard_ids = sync_rows(Standard, ("ref",), std_rows)
    summary["Standard.capabilities"] = add_links(
        Standard.capabilities.through,
        "standard_id",
        "capability_id",
        {(standard_ids[std], capability_ids[cap]) for std, cap in std_links if cap in capability_ids},
    )

    names, types = integration_rows(files)
    summary["Integration"], integration_ids = sync_rows(Integration, ("name",), [{"name": n} for n in names])
    type_rows = []
    for integration, name, description in types:
        row: dict[str, Any] = {"integration_id": integration_ids[integration], "name": name}
        if description:
            row["description"] = description
        type_rows.append(row)
    summary["IntegrationType"], _ = sync_rows(
        IntegrationType,
        ("integration_id", "name"),
        type_rows,
        existing=IntegrationType.objects.filter(integration_id__in=integration_ids.values()),
    )
    return summary


def format_summary(summary: Mapping[str, Tally]) -> list[str]:
    """One line per model, names aligned, for the management commands."""
    width = max((len(name) for name in summary), default=0)
    return [f"{name.ljust(width)}  {tally}" for name, tally in summary.items()]
