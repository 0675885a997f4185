"""Open Contracting Data Standard 1.1: an order's award as an OCDS release, and release packages.

A release is built once, when the award is published, and stored frozen (`AwardRelease.release`):
later edits to the order, the supplier or the catalogue never change what was published. Only the
package around releases (its uri and publishedDate) is made when it is served.

Identifiers: the ocid is `OCDS_OCID_PREFIX` + the call-off number without its revision
("ocds-abc123-C000123"), so every revision of an order (an amendment) is a release of the same
contracting process; the award and contract ids are the call-off id with its revision. Parties are
identified by their organisation identifiers: `GB-NHS` + ODS code for the buyer, `GB-COH` + company
number for the supplier (a supplier without one recorded gets a local party id and no identifier,
since we must not invent a registration). Only public facts are published: names and identifiers,
never a person's name, email or telephone number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings

OCDS_VERSION = "1.1"
CURRENCY = "GBP"
#: Common Procurement Vocabulary: "Software package and information systems" (GP IT software).
CPV_SOFTWARE = {"scheme": "CPV", "id": "48000000", "description": "Software package and information systems"}

ROUTE_METHODS = {
    # route -> (procurementMethod, what it was, in words)
    "direct_award": ("direct", "Direct award from the {framework} framework"),
    "competition": ("selective", "Further competition between solutions on the {framework} framework"),
}

AWARD_TAGS = ["award", "contract"]
AMENDMENT_TAGS = ["awardUpdate", "contractAmendment"]
TERMINATION_TAGS = ["contractTermination"]


def ocid_for(order) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{order.call_off_id.split('-')[0]}"


def rfc3339(moment: datetime.datetime | datetime.date) -> str:
    """A date-time as OCDS wants it (RFC 3339, UTC). A bare date is the start of that day."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time.min, tzinfo=datetime.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def end_of_day(day: datetime.date) -> str:
    return rfc3339(datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=datetime.UTC))


def money(amount: Decimal | int | float | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    # Pounds and pence, as a JSON number; the stored order keeps the exact amount.
    return {"amount": float(Decimal(amount).quantize(Decimal("0.01"))), "currency": CURRENCY}


def buyer_party(organisation) -> dict[str, Any]:
    party: dict[str, Any] = {"name": organisation.name, "roles": ["buyer", "procuringEntity"]}
    if organisation.ods_code:
        party["id"] = f"GB-NHS-{organisation.ods_code}"
        party["identifier"] = {
            "scheme": "GB-NHS",
            "id": organisation.ods_code,
            "legalName": organisation.name,
        }
    else:
        party["id"] = f"organisation-{organisation.pk}"
    return party


def supplier_party(supplier, *, name: str | None = None) -> dict[str, Any]:
    name = name or supplier.name
    legal_name = supplier.legal_name or name
    party: dict[str, Any] = {"name": name, "roles": ["supplier"]}
    number = (supplier.companies_house_number or "").strip().upper()
    if number:
        party["id"] = f"GB-COH-{number}"
        party["identifier"] = {"scheme": "GB-COH", "id": number, "legalName": legal_name}
    else:
        # No company number recorded: the framework's supplier id keeps the party unique in the release.
        party["id"] = f"GB-GPITF-SUPPLIER-{supplier.code}"
    return party


def reference(party: dict[str, Any]) -> dict[str, str]:
    return {"id": party["id"], "name": party["name"]}


def contract_period(order) -> dict[str, Any] | None:
    start = getattr(order, "commencement_date", None)
    if start is None:
        return None
    period: dict[str, Any] = {"startDate": rfc3339(start)}
    end = order.end_date
    if end is not None:
        period["endDate"] = end_of_day(end)
        period["maxExtentDate"] = end_of_day(end)
        period["durationInDays"] = (end - start).days + 1
    return period


def release_items(order, item_rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """OCDS items from plain rows (id, description, quantity, unit name, unit price): what was bought,
    each classified as software under CPV."""
    items = []
    for row in item_rows:
        item: dict[str, Any] = {
            "id": str(row["id"]),
            "description": row["description"],
            "classification": dict(CPV_SOFTWARE),
        }
        if row.get("quantity") is not None:
            item["quantity"] = float(row["quantity"])
        unit: dict[str, Any] = {}
        if row.get("unit"):
            unit["name"] = row["unit"]
        if row.get("unit_price") is not None:
            unit["value"] = {"amount": float(row["unit_price"]), "currency": CURRENCY}
        if unit:
            item["unit"] = unit
        items.append(item)
    return items


def build_release(
    order,
    *,
    tags: Sequence[str],
    date: datetime.datetime,
    item_rows: Iterable[dict[str, Any]] = (),
    framework_uri: str = "",
    contract_status: str = "active",
    previous_release_id: str | None = None,
) -> dict[str, Any]:
    """The OCDS release for an order at `date` (JSON-ready: strings, numbers, lists, dicts)."""
    framework = order.framework
    method, method_details = ROUTE_METHODS[order.route]
    buyer = buyer_party(order.organisation)
    supplier = supplier_party(order.supplier, name=order.supplier_name)
    items = release_items(order, item_rows)
    value = money(order.total_cost())
    period = contract_period(order)
    title = order.solution_name  # as ordered: a later rename in the catalogue changes nothing
    release_id = f"{order.call_off_id}-{'-'.join(tags)}"
    award: dict[str, Any] = {
        "id": order.call_off_id,
        "title": title,
        "status": "active",
        "date": rfc3339(order.completed_at or date),
        "suppliers": [reference(supplier)],
    }
    contract: dict[str, Any] = {
        "id": order.call_off_id,
        "awardID": order.call_off_id,
        "title": title,
        "status": contract_status,
    }
    if value:
        award["value"] = value
        contract["value"] = value
    if items:
        award["items"] = items
        contract["items"] = items
    if period:
        award["contractPeriod"] = period
        contract["period"] = dict(period)
        if getattr(order, "terminated_on", None):
            # Ended early: the contract's period ends on the termination date, not the planned end.
            contract["period"]["endDate"] = end_of_day(order.terminated_on)
    if previous_release_id:
        amendment = {
            "date": rfc3339(date),
            "rationale": f"Order amended: revision {order.call_off_id} replaces the previous revision.",
            "amendsReleaseID": previous_release_id,
            "releaseID": release_id,
        }
        award["amendments"] = [dict(amendment, id=f"{order.call_off_id}-award")]
        contract["amendments"] = [dict(amendment, id=f"{order.call_off_id}-contract")]
    tender: dict[str, Any] = {
        "id": order.call_off_id.split("-")[0],
        "title": title,
        "status": "complete",
        "procuringEntity": reference(buyer),
        "procurementMethod": method,
        "procurementMethodDetails": method_details.format(framework=order.framework_name),
        "mainProcurementCategory": "services",
    }
    if items:
        tender["items"] = items
    if order.maximum_term_months:
        tender["contractPeriod"] = {"durationInDays": _days_in_months(order)}
    related = {
        "id": f"framework-{framework.code}",
        "relationship": ["framework"],
        "title": order.framework_name,
        "identifier": framework.code,
    }
    if framework_uri:
        related["uri"] = framework_uri
    return {
        "ocid": ocid_for(order),
        "id": release_id,
        "date": rfc3339(date),
        "tag": list(tags),
        "initiationType": "tender",
        "language": "en",
        "parties": [buyer, supplier],
        "buyer": reference(buyer),
        "tender": tender,
        "awards": [award],
        "contracts": [contract],
        "relatedProcesses": [related],
    }


def _days_in_months(order) -> int:
    if order.commencement_date and order.end_date:
        return (order.end_date - order.commencement_date).days + 1
    return int(order.maximum_term_months) * 30


def release_package(
    releases: Sequence[dict[str, Any]], *, uri: str, published_date: datetime.datetime
) -> dict[str, Any]:
    """A release package around stored releases (at least one: the schema requires it)."""
    package: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": rfc3339(published_date),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME},
    }
    if settings.OCDS_LICENSE_URL:
        package["license"] = settings.OCDS_LICENSE_URL
    if settings.OCDS_PUBLICATION_POLICY_URL:
        package["publicationPolicy"] = settings.OCDS_PUBLICATION_POLICY_URL
    package["releases"] = list(releases)
    return package
