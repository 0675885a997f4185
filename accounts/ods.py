"""Load NHS organisations from the ODS CSV exports, and registered list sizes, into `Organisation`.

Files (layouts in docs/ods.md):

* `epraccur.csv`: GP practices, headerless, 27 columns, in the legacy format (status A/C/D/P, prescribing
  setting 4) or the current ODS Data Search and Export format (ACTIVE/INACTIVE/DORMANT, role RO76).
* `eccg.csv`: sub-ICB locations (CCGs before July 2022), headerless, 27 columns; column 4 is the ICB.
* `ePCN.xlsx` saved as CSV: "PCN Details" (PCNs) and "PCN Core Partner Details" (which practice is in which
  PCN), with or without their header row.
* "Patients Registered at a GP Practice" (`gp-reg-pat-prac-all.csv`): list sizes, CCG-era or sub-ICB-era
  header.

Why it is built this way:

* The format is recognised from the first row (header or shape); a file that is none of them, empty, not
  UTF-8 text, an Excel workbook or bigger than the size limit is refused before anything is written. An
  error found part-way (bytes that are not UTF-8 further down) rolls back the whole run: everything happens
  in one transaction.
* Files are read a line at a time and written in batches of BATCH_SIZE: only the codes seen so far (to
  report duplicates) and the few thousand non-practice organisations are kept in memory.
* Each row is compared with what the database holds and only the fields that differ are written
  (bulk_create / bulk_update), so a second run of the same file writes nothing and `updated_at` stays put.
* A bad row (bad ODS code, missing name, unknown parent or practice, unknown status, bad date, non-numeric
  list size, wrong number of columns, a code seen earlier in the file) is reported with its line number
  and skipped; the rest of the file still loads.
* Nothing is closed because it is missing from a file: excerpts and regional files are normal.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Organisation, OrganisationType

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_FILE_BYTES = 100 * 1024 * 1024  # the real epraccur.csv is about 4 MB, the list-size file under 1 MB

EPRACCUR_LEGACY = "epraccur (legacy format)"
EPRACCUR_CURRENT = "epraccur (ODS Data Search and Export format)"
ECCG = "eccg (sub-ICB locations)"
PCN_DETAILS = "ePCN PCN Details"
PCN_PARTNERS = "ePCN PCN Core Partner Details"
LIST_SIZES_CCG = "Patients Registered at a GP Practice (CCG era)"
LIST_SIZES_SUB_ICB = "Patients Registered at a GP Practice (sub-ICB location era)"

ODS_FORMATS = (ECCG, EPRACCUR_LEGACY, EPRACCUR_CURRENT, PCN_DETAILS, PCN_PARTNERS)  # in loading order
LIST_SIZE_FORMATS = (LIST_SIZES_CCG, LIST_SIZES_SUB_ICB)

PRACTICE_CODE = re.compile(r"^[A-Z][0-9]{5}$")
PCN_CODE = re.compile(r"^U[0-9]{5}$")
SUB_ICB_CODE = re.compile(r"^[0-9A-Z]{3}$|^[0-9A-Z]{5}$")
ICB_CODE = re.compile(r"^Q[0-9A-Z]{2}$")

# epraccur status (column 13): only an active practice is open; dormant and proposed ones cannot buy.
LEGACY_STATUS = {"A": True, "C": False, "D": False, "P": False}
CURRENT_STATUS = {"ACTIVE": True, "INACTIVE": False, "DORMANT": False, "PROPOSED": False}
LEGACY_GP_SETTING = "4"
CURRENT_GP_ROLE = "RO76"

PCN_DETAILS_HEADER = ("PCN CODE", "PCN NAME")
PCN_PARTNERS_HEADER = ("PARTNER ORGANISATION CODE", "PARTNER NAME")
_LIST_SIZE_COLUMNS = (
    "PUBLICATION,EXTRACT_DATE,TYPE,{area}_CODE,ONS_{area}_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS"
)
LIST_SIZE_HEADERS = {
    LIST_SIZES_CCG: _LIST_SIZE_COLUMNS.format(area="CCG").split(","),
    LIST_SIZES_SUB_ICB: _LIST_SIZE_COLUMNS.format(area="SUB_ICB_LOCATION").split(","),
}


# How messages name each type ("sub-ICB location", not the label's "Sub-ICB location" lower-cased wholesale).
TYPE_NAMES = {
    OrganisationType.GP_PRACTICE: "GP practice",
    OrganisationType.PCN: "PCN",
    OrganisationType.SUB_ICB_LOCATION: "sub-ICB location",
    OrganisationType.ICB: "ICB",
}


def _type_name(org_type: str) -> str:
    return TYPE_NAMES.get(org_type, OrganisationType(org_type).label.lower())


class OdsFileError(Exception):
    """The file as a whole cannot be used (unknown format, empty, not UTF-8 CSV, too big): nothing changed."""


@dataclass
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    """What one file (or a whole run) did. `closed` counts organisations this run marked closed (created
    closed or changed from open to closed); they are also counted in `created` or `updated`. `skipped`
    counts rows about something else (not GP practices, commissioning hubs, list sizes by age or sex)."""

    path: str = ""
    format: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    skipped: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated

    def add(self, other: ImportResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.closed += other.closed
        self.skipped += other.skipped
        self.bad_rows.extend(other.bad_rows)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"closed {self.closed}, bad rows {len(self.bad_rows)}"
        )


class Progress:
    """A progress bar drawn by hand: bytes read against the file's size, redrawn at most ten times a
    second. `write` is None to draw nothing (not a terminal and no --progress)."""

    def __init__(self, write: Callable[[str], None] | None, label: str, total: int) -> None:
        self.write, self.label, self.total = write, label, max(total, 1)
        self.done = 0
        self.drawn_at = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        if self.write and time.monotonic() - self.drawn_at >= 0.1:
            self._draw()

    def finish(self) -> None:
        if self.write:
            self.done = self.total
            self._draw()
            self.write("\n")

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        filled = int(share * 30)
        self.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%}")
        self.drawn_at = time.monotonic()


# --- Reading ------------------------------------------------------------------------------------------


def detect_format(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Which of the known files this is, from its first row; OdsFileError saying why when it is none."""
    path = Path(path)
    if not path.is_file():
        raise OdsFileError(f"{path}: no such file.")
    size = path.stat().st_size
    if size > max_bytes:
        raise OdsFileError(
            f"{path.name}: {size:,} bytes is bigger than the limit of {max_bytes:,} bytes (--max-size)."
        )
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if not head.strip():
        raise OdsFileError(f"{path.name}: the file is empty.")
    if head.startswith(b"PK\x03\x04"):
        raise OdsFileError(
            f"{path.name}: this is an Excel workbook or a zip file: save each sheet as CSV first."
        )
    if b"\x00" in head:
        raise OdsFileError(f"{path.name}: this is not a text (CSV) file.")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not merely a character cut in two at the end of the sample
            raise OdsFileError(f"{path.name}: this is not UTF-8 text (byte {error.start + 1}).") from None
        text = head[: error.start].decode("utf-8-sig")
    try:
        first = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as error:
        raise OdsFileError(f"{path.name}: this is not a CSV file ({error}).") from None
    cells = [cell.strip().upper() for cell in first]

    if tuple(cells[:2]) == PCN_DETAILS_HEADER:
        return PCN_DETAILS
    if tuple(cells[:2]) == PCN_PARTNERS_HEADER:
        return PCN_PARTNERS
    for name, header in LIST_SIZE_HEADERS.items():
        if cells == header:
            return name
    if cells[:3] == ["PUBLICATION", "EXTRACT_DATE", "TYPE"]:
        raise OdsFileError(
            f"{path.name}: a list-size file with unexpected columns ({', '.join(cells)}); expected "
            f"{','.join(LIST_SIZE_HEADERS[LIST_SIZES_SUB_ICB])}."
        )
    if len(cells) == 27:
        setting = cells[25]
        if PRACTICE_CODE.match(cells[0]) and setting.isdigit() and cells[12] in LEGACY_STATUS:
            return EPRACCUR_LEGACY
        if PRACTICE_CODE.match(cells[0]) and setting.startswith("RO") and cells[12] in CURRENT_STATUS:
            return EPRACCUR_CURRENT
        if SUB_ICB_CODE.match(cells[0]) and not setting:
            return ECCG
    if len(cells) == 12 and PCN_CODE.match(cells[0]):
        return PCN_DETAILS  # the headerless export
    if len(cells) in (10, 11) and PRACTICE_CODE.match(cells[0]) and PCN_CODE.match(cells[4]):
        return PCN_PARTNERS  # the headerless export
    preview = ",".join(first[:4])[:80]
    raise OdsFileError(
        f"{path.name}: unknown format (first row has {len(first)} columns: {preview}...). Expected one of: "
        f"{', '.join(ODS_FORMATS + LIST_SIZE_FORMATS)}."
    )


def read_rows(path: Path, progress: Progress) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record, streamed. The line number is the record's last physical line,
    as a spreadsheet would show it. Raises OdsFileError on bytes that are not UTF-8 or a broken CSV."""

    def lines() -> Iterator[str]:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, 1):
                progress.advance(len(raw))
                try:
                    yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise OdsFileError(f"{path.name}: line {number} is not UTF-8 text.") from None

    reader = csv.reader(lines())
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):  # blank lines (a trailing one, say) are not rows
                yield reader.line_num, [cell.strip() for cell in cells]
    except csv.Error as error:
        raise OdsFileError(f"{path.name}: line {reader.line_num} is not valid CSV ({error}).") from None


def parse_date(value: str) -> datetime.date:
    """ODS dates are YYYYMMDD; list-size files use 2026-04-01 now and 01JAN2021 before."""
    for pattern in ("%Y%m%d", "%Y-%m-%d", "%d%b%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date (expected YYYYMMDD)")


def _is_header(cells: list[str], header: tuple[str, ...]) -> bool:
    return tuple(cell.upper() for cell in cells[: len(header)]) == header


# --- Writing ------------------------------------------------------------------------------------------


class _Writer:
    """Collects the wanted values of organisations by ODS code and writes them in batches: creates the
    missing ones (or reports them when `create` is False), updates only the fields that differ."""

    def __init__(self, result: ImportResult, org_type: str, *, create: bool = True) -> None:
        self.result, self.org_type, self.create = result, org_type, create
        self.pending: dict[str, tuple[int, dict[str, Any]]] = {}
        self.after_create: Callable[[Organisation], None] | None = None

    def add(self, line: int, code: str, values: dict[str, Any]) -> None:
        self.pending[code] = (line, values)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        result = self.result
        existing = {org.ods_code: org for org in Organisation.objects.filter(ods_code__in=self.pending)}
        creates: list[Organisation] = []
        updates: list[Organisation] = []
        changed: set[str] = set()
        for code, (line, values) in self.pending.items():
            org = existing.get(code)
            if org is None:
                if not self.create:
                    label = _type_name(self.org_type)
                    result.bad_rows.append(
                        BadRow(line, f"unknown {label} {code}: it is not in the database.")
                    )
                    continue
                creates.append(Organisation(ods_code=code, org_type=self.org_type, **values))
                result.created += 1
                result.closed += values.get("is_active") is False
                continue
            if org.org_type != self.org_type:
                result.bad_rows.append(
                    BadRow(line, f"{code} is already a {_type_name(org.org_type)} ({org.name}).")
                )
                continue
            if (
                "list_size_date" in values
                and org.list_size_date
                and org.list_size_date > values["list_size_date"]
            ):
                result.unchanged += 1  # a newer list size is held already: an older file does not undo it
                continue
            diff = [name for name, value in values.items() if getattr(org, name) != value]
            if not diff:
                result.unchanged += 1
                continue
            result.closed += org.is_active and values.get("is_active") is False
            for name in diff:
                setattr(org, name, values[name])
            updates.append(org)
            changed.update(diff)
            result.updated += 1
        if creates:
            Organisation.objects.bulk_create(creates, batch_size=BATCH_SIZE)
            if self.after_create:
                for org in creates:
                    self.after_create(org)
        if updates:
            now = timezone.now()
            for org in updates:
                org.updated_at = now
            Organisation.objects.bulk_update(updates, sorted(changed | {"updated_at"}), batch_size=BATCH_SIZE)
        self.pending = {}


class _Parents:
    """ODS code -> (id, type) of every organisation above a practice, loaded once per run (a few thousand
    rows) so rows can name their parent without a query each."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[int, str]] = {
            code: (pk, org_type)
            for code, pk, org_type in Organisation.objects.filter(ods_code__isnull=False)
            .exclude(org_type=OrganisationType.GP_PRACTICE)
            .values_list("ods_code", "pk", "org_type")
        }

    def remember(self, org: Organisation) -> None:
        self.known[org.ods_code] = (org.pk, org.org_type)

    def resolve(
        self,
        code: str,
        org_type: str,
        result: ImportResult,
        *,
        name: str = "",
        parent_id: int | None = None,
    ) -> int | str:
        """The id of the organisation `code` of type `org_type`, or a message saying what is wrong. When it
        is unknown and `name` is given (the row names it), it is created with that name."""
        label = _type_name(org_type)
        found = self.known.get(code)
        if found:
            if found[1] != org_type:
                return f"parent {code} is a {_type_name(found[1])}, not a {label}."
            return found[0]
        if not name:
            return f"unknown parent: no {label} {code} in the database or the files (load eccg.csv first)."
        org = Organisation.objects.create(ods_code=code, name=name, org_type=org_type, parent_id=parent_id)
        self.remember(org)
        result.created += 1
        return org.pk


def _is_open(close: datetime.date | None, today: datetime.date) -> bool:
    return close is None or close > today


def _dates(
    line: int, cells: list[str], result: ImportResult, *columns: int
) -> list[datetime.date | None] | None:
    """Parse optional date columns; None (after reporting the row) when one is not a date."""
    found: list[datetime.date | None] = []
    for column in columns:
        try:
            found.append(parse_date(cells[column]) if cells[column] else None)
        except ValueError as error:
            result.bad_rows.append(BadRow(line, f"column {column + 1}: {error}."))
            return None
    return found


class _Seen:
    """Codes already loaded from this file, to report a duplicate with the line it repeats."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}

    def repeated(self, line: int, code: str, result: ImportResult) -> bool:
        if code in self.lines:
            result.bad_rows.append(BadRow(line, f"{code} appears again (first on line {self.lines[code]})."))
            return True
        self.lines[code] = line
        return False


# --- The files ----------------------------------------------------------------------------------------


def _load_sub_icb_locations(
    rows: Iterable[tuple[int, list[str]]], result: ImportResult, parents: _Parents, today: datetime.date
) -> None:
    writer = _Writer(result, OrganisationType.SUB_ICB_LOCATION)
    writer.after_create = parents.remember
    seen = _Seen()
    for line, cells in rows:
        if len(cells) != 27:
            result.bad_rows.append(BadRow(line, f"has {len(cells)} columns, expected 27."))
            continue
        code, name, icb_code, kind = cells[0].upper(), cells[1], cells[3].upper(), cells[13].upper()
        if kind == "H":
            result.skipped += 1  # a commissioning hub, not a sub-ICB location
            continue
        if not SUB_ICB_CODE.match(code):
            result.bad_rows.append(BadRow(line, f"bad ODS code '{code}' for a sub-ICB location."))
            continue
        if not name:
            result.bad_rows.append(BadRow(line, f"{code} has no name."))
            continue
        dates = _dates(line, cells, result, 11)
        if dates is None or seen.repeated(line, code, result):
            continue
        values: dict[str, Any] = {"name": name, "is_active": _is_open(dates[0], today), "closed_on": dates[0]}
        # Before July 2022 these were CCGs and column 4 was an NHS England area team, not an ICB: a CCG-era
        # row leaves the parent alone rather than invent an ICB.
        if not name.upper().endswith(" CCG"):
            if not ICB_CODE.match(icb_code):
                result.bad_rows.append(BadRow(line, f"bad ICB code '{icb_code}' in column 4."))
                continue
            icb = parents.known.get(icb_code)
            if icb is None:
                # No ODS file here describes ICBs, so one first seen as a parent gets its code as its
                # name until someone names it (the admin, or the demo's real name).
                icb_org = Organisation.objects.create(
                    ods_code=icb_code, name=f"ICB {icb_code}", org_type="icb"
                )
                parents.remember(icb_org)
                result.created += 1
                icb = (icb_org.pk, icb_org.org_type)
            if icb[1] != OrganisationType.ICB:
                result.bad_rows.append(BadRow(line, f"parent {icb_code} is not an ICB."))
                continue
            values["parent_id"] = icb[0]
        writer.add(line, code, values)
    writer.flush()


def _load_practices(
    rows: Iterable[tuple[int, list[str]]],
    result: ImportResult,
    parents: _Parents,
    *,
    legacy: bool,
) -> None:
    statuses, gp_setting = (LEGACY_STATUS, LEGACY_GP_SETTING) if legacy else (CURRENT_STATUS, CURRENT_GP_ROLE)
    writer = _Writer(result, OrganisationType.GP_PRACTICE)
    seen = _Seen()
    for line, cells in rows:
        if len(cells) != 27:
            result.bad_rows.append(BadRow(line, f"has {len(cells)} columns, expected 27."))
            continue
        code, name, postcode = cells[0].upper(), cells[1], cells[9].upper()
        status, commissioner, setting = cells[12].upper(), cells[14].upper(), cells[25].upper()
        if setting != gp_setting:
            result.skipped += 1  # a prescribing cost centre that is not a GP practice (walk-in centre...)
            continue
        if not PRACTICE_CODE.match(code):
            result.bad_rows.append(
                BadRow(line, f"bad ODS code '{code}': a practice's is a letter and 5 digits.")
            )
            continue
        if not name:
            result.bad_rows.append(BadRow(line, f"{code} has no name."))
            continue
        if status not in statuses:
            result.bad_rows.append(
                BadRow(line, f"{code}: unknown status '{status}' (expected one of {', '.join(statuses)}).")
            )
            continue
        if len(postcode) > 10:
            result.bad_rows.append(BadRow(line, f"{code}: '{postcode}' is not a postcode."))
            continue
        dates = _dates(line, cells, result, 11)
        if dates is None:
            continue
        if not commissioner:
            result.bad_rows.append(BadRow(line, f"{code} has no commissioner (column 15)."))
            continue
        parent = parents.resolve(commissioner, OrganisationType.SUB_ICB_LOCATION, result)
        if isinstance(parent, str):
            result.bad_rows.append(BadRow(line, f"{code}: {parent}"))
            continue
        if seen.repeated(line, code, result):
            continue
        is_active = statuses[status]
        writer.add(
            line,
            code,
            {
                "name": name,
                "parent_id": parent,
                "is_active": is_active,
                "closed_on": None if is_active else dates[0],
                "postcode": postcode,
            },
        )
    writer.flush()


def _load_pcns(
    rows: Iterable[tuple[int, list[str]]], result: ImportResult, parents: _Parents, today: datetime.date
) -> None:
    writer = _Writer(result, OrganisationType.PCN)
    writer.after_create = parents.remember
    seen = _Seen()
    for line, cells in rows:
        if _is_header(cells, PCN_DETAILS_HEADER):
            continue
        if len(cells) != 12:
            result.bad_rows.append(BadRow(line, f"has {len(cells)} columns, expected 12."))
            continue
        code, name, parent_code, parent_name = cells[0].upper(), cells[1], cells[2].upper(), cells[3]
        if not PCN_CODE.match(code):
            result.bad_rows.append(BadRow(line, f"bad ODS code '{code}': a PCN's is U and 5 digits."))
            continue
        if not name:
            result.bad_rows.append(BadRow(line, f"{code} has no name."))
            continue
        if not SUB_ICB_CODE.match(parent_code):
            result.bad_rows.append(BadRow(line, f"{code}: bad sub-ICB location code '{parent_code}'."))
            continue
        dates = _dates(line, cells, result, 5)
        if dates is None:
            continue
        parent = parents.resolve(parent_code, OrganisationType.SUB_ICB_LOCATION, result, name=parent_name)
        if isinstance(parent, str):
            result.bad_rows.append(BadRow(line, f"{code}: {parent}"))
            continue
        if seen.repeated(line, code, result):
            continue
        is_active = _is_open(dates[0], today)
        writer.add(
            line,
            code,
            {
                "name": name,
                "parent_id": parent,
                "is_active": is_active,
                "closed_on": dates[0],
                "postcode": cells[11].upper()[:10],
            },
        )
    writer.flush()


def _load_pcn_members(
    rows: Iterable[tuple[int, list[str]]], result: ImportResult, parents: _Parents, today: datetime.date
) -> None:
    """Set each practice's PCN. A practice has one PCN at a time: a current relationship (no end date, or
    one in the future) sets it; an ended one clears it only if the practice is still shown in that PCN.
    Practices must exist already (from epraccur); a PCN the file names but the database lacks is created."""
    wanted: dict[str, tuple[int, int | None, bool]] = {}  # practice -> (line, PCN id, current?)
    for line, cells in rows:
        if _is_header(cells, PCN_PARTNERS_HEADER):
            continue
        if len(cells) not in (10, 11):
            result.bad_rows.append(BadRow(line, f"has {len(cells)} columns, expected 11."))
            continue
        practice, pcn_code, pcn_name = cells[0].upper(), cells[4].upper(), cells[5]
        if not PRACTICE_CODE.match(practice):
            result.bad_rows.append(
                BadRow(line, f"bad ODS code '{practice}': a practice's is a letter and 5 digits.")
            )
            continue
        if not PCN_CODE.match(pcn_code):
            result.bad_rows.append(BadRow(line, f"{practice}: bad PCN code '{pcn_code}'."))
            continue
        dates = _dates(line, cells, result, 8, 9)
        if dates is None:
            continue
        pcn = parents.known.get(pcn_code)
        if pcn is None:
            if not pcn_name:
                result.bad_rows.append(BadRow(line, f"{practice}: unknown PCN {pcn_code} with no name."))
                continue
            sub_icb = parents.resolve(
                cells[6].upper(), OrganisationType.SUB_ICB_LOCATION, result, name=cells[7]
            )
            pcn_org = Organisation.objects.create(
                ods_code=pcn_code,
                name=pcn_name,
                org_type=OrganisationType.PCN,
                parent_id=None if isinstance(sub_icb, str) else sub_icb,
            )
            parents.remember(pcn_org)
            result.created += 1
            pcn = (pcn_org.pk, pcn_org.org_type)
        if pcn[1] != OrganisationType.PCN:
            result.bad_rows.append(BadRow(line, f"{practice}: {pcn_code} is not a PCN."))
            continue
        current = _is_open(dates[1], today)
        earlier = wanted.get(practice)
        if earlier and earlier[2] and current:
            result.bad_rows.append(
                BadRow(line, f"{practice} is already a current member of another PCN (line {earlier[0]}).")
            )
            continue
        if earlier and earlier[2]:
            continue  # an ended relationship never undoes a current one
        wanted[practice] = (line, pcn[0], current)

    # Only practice codes and ids are held (one entry per practice), never the rows themselves.
    codes = list(wanted)
    for start in range(0, len(codes), BATCH_SIZE):
        batch = codes[start : start + BATCH_SIZE]
        held = dict(
            Organisation.objects.filter(
                ods_code__in=batch, org_type=OrganisationType.GP_PRACTICE
            ).values_list("ods_code", "pcn_id")
        )
        writer = _Writer(result, OrganisationType.GP_PRACTICE, create=False)
        for code in batch:
            line, pcn_id, current = wanted[code]
            if current or code not in held:
                writer.add(line, code, {"pcn_id": pcn_id})
            elif held[code] == pcn_id:
                writer.add(line, code, {"pcn_id": None})
            else:
                result.unchanged += 1
        writer.flush()


def _load_list_sizes(rows: Iterable[tuple[int, list[str]]], result: ImportResult) -> None:
    writer = _Writer(result, OrganisationType.GP_PRACTICE, create=False)
    seen = _Seen()
    dates: dict[str, datetime.date] = {}  # every row of a file has the same extract date: parse it once
    rows = iter(rows)
    next(rows, None)  # the header, checked by detect_format
    for line, cells in rows:
        if len(cells) != 10:
            result.bad_rows.append(BadRow(line, f"has {len(cells)} columns, expected 10."))
            continue
        extract, kind, code, sex, age, number = (
            cells[1],
            cells[2],
            cells[5].upper(),
            cells[7],
            cells[8],
            cells[9],
        )
        if kind.upper() != "GP" or sex.upper() != "ALL" or age.upper() != "ALL":
            result.skipped += 1
            continue
        if not PRACTICE_CODE.match(code):
            result.bad_rows.append(
                BadRow(line, f"bad ODS code '{code}': a practice's is a letter and 5 digits.")
            )
            continue
        if not number.isdigit():
            result.bad_rows.append(BadRow(line, f"{code}: list size '{number}' is not a whole number."))
            continue
        if extract not in dates:
            try:
                dates[extract] = parse_date(extract.upper())
            except ValueError as error:
                result.bad_rows.append(BadRow(line, f"{code}: extract date {error}."))
                continue
        if seen.repeated(line, code, result):
            continue
        writer.add(line, code, {"list_size": int(number), "list_size_date": dates[extract]})
    writer.flush()


# --- Entry points -------------------------------------------------------------------------------------


def _run(
    paths: Iterable[str | Path],
    allowed: tuple[str, ...],
    other_command: str,
    *,
    max_bytes: int,
    progress: Callable[[str], None] | None,
    today: datetime.date | None,
) -> list[ImportResult]:
    today = today or timezone.localdate()
    files = []
    for path in paths:
        path = Path(path)
        kind = detect_format(path, max_bytes=max_bytes)
        if kind not in allowed:
            raise OdsFileError(
                f"{path.name}: this is a {kind} file: load it with `manage.py {other_command}`."
            )
        files.append((allowed.index(kind), path, kind))
    files.sort(key=lambda item: item[0])  # parents before children whatever order they were given in

    results = []
    with transaction.atomic():
        parents = _Parents()
        for _, path, kind in files:
            result = ImportResult(path=str(path), format=kind)
            bar = Progress(progress, path.name, path.stat().st_size)
            rows = read_rows(path, bar)
            if kind == ECCG:
                _load_sub_icb_locations(rows, result, parents, today)
            elif kind in (EPRACCUR_LEGACY, EPRACCUR_CURRENT):
                _load_practices(rows, result, parents, legacy=kind == EPRACCUR_LEGACY)
            elif kind == PCN_DETAILS:
                _load_pcns(rows, result, parents, today)
            elif kind == PCN_PARTNERS:
                _load_pcn_members(rows, result, parents, today)
            else:
                _load_list_sizes(rows, result)
            bar.finish()
            # No user acts here (an operator runs a command): the log is the record of what each run did.
            logger.info("ODS import of %s (%s): %s", path.name, kind, result.summary())
            results.append(result)
    return results


def import_ods(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[str], None] | None = None,
    today: datetime.date | None = None,
) -> list[ImportResult]:
    """Load ODS files (any of ODS_FORMATS, recognised from their first row) in one transaction, sub-ICB
    locations first, then practices, PCNs and PCN membership. Raises OdsFileError, having changed nothing,
    when a file cannot be used; bad rows are reported in the results and skipped."""
    return _run(paths, ODS_FORMATS, "import_list_sizes", max_bytes=max_bytes, progress=progress, today=today)


def import_list_sizes(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[str], None] | None = None,
) -> list[ImportResult]:
    """Load registered list sizes (SEX=ALL, AGE=ALL rows) onto known practices, in one transaction. A list
    size older than the one held is left alone. Raises OdsFileError, having changed nothing, when a file
    cannot be used."""
    return _run(paths, LIST_SIZE_FORMATS, "import_ods", max_bytes=max_bytes, progress=progress, today=None)
