"""The read-only audit trail of one procurement record (an order, a competition...), as a page section
and as a CSV download. Callers check that the user may see the record first; these only read.

    context.update(audit_trail_context("order", order.pk))
    # and in the template: {% include "procurement/includes/audit_trail.html" %}
    return audit_csv_response("order", order.pk, f"{order.call_off_id}-audit.csv")
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.http import StreamingHttpResponse

from .csv_cells import safe_cell
from .models import AuditRecord

CSV_HEADER = ["When (UTC)", "Action", "Who", "Organisation", "Record", "Record id", "Changes", "Details"]


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    record: AuditRecord
    changes: list[Change]
    notes: list[tuple[str, str]]

    @property
    def who(self) -> str:
        return str(self.record.actor) if self.record.actor_id else "The system, or someone who has left"


def _text(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def entry(record: AuditRecord) -> Entry:
    """A record's details split into before → after changes and other notes, for people to read."""
    details = dict(record.details or {})
    before, after = details.pop("before", None), details.pop("after", None)
    changes = []
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for key in [*before, *(k for k in after if k not in before)]:
            changes.append(Change(_label(key), _text(before.get(key)), _text(after.get(key))))
    notes = [(_label(key), _text(value)) for key, value in details.items()]
    return Entry(record, changes, notes)


def records(subject_type: str, subject_id: int):
    return (
        AuditRecord.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .select_related("actor", "organisation")
        .order_by("created_at", "pk")
    )


def audit_trail_context(subject_type: str, subject_id: int) -> dict[str, Any]:
    """Context for the procurement/includes/audit_trail.html include: the record's history, oldest first."""
    return {"audit_entries": [entry(record) for record in records(subject_type, subject_id)]}


def _rows(subject_type: str, subject_id: int) -> Iterator[list[str]]:
    yield CSV_HEADER
    for record in records(subject_type, subject_id).iterator(chunk_size=500):
        item = entry(record)
        yield [
            record.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            record.get_action_display(),
            item.who,
            record.organisation.name if record.organisation_id else "",
            record.subject_name,
            str(record.subject_id),
            "; ".join(f"{c.field}: {c.before} -> {c.after}" for c in item.changes),
            "; ".join(f"{label}: {value}" for label, value in item.notes),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_response(subject_type: str, subject_id: int, filename: str) -> StreamingHttpResponse:
    """The record's audit trail as a CSV download, every cell safe to open in a spreadsheet."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([safe_cell(cell) for cell in row]) for row in _rows(subject_type, subject_id)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
