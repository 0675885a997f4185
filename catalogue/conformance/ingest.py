"""Taking harness reports in: receive (in the request: parse, check, store the body, queue), then
process (in a Celery task: results, current statuses, accreditation), each step atomic.

The request parses the body once to refuse what cannot be used (400, nothing stored) and to tell the
harness about unknown ids at once; the task parses the stored body again and does the rest, so a
failed or retried task never leaves half a report and the web request never waits for the work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import (
    ConformanceReport,
    EpicConformance,
    HarnessClient,
    HarnessResult,
    Outcome,
    ReportFormat,
    ReportSource,
    ReportStatus,
    ReportWarning,
    Solution,
    StandardConformance,
)
from ..models.reference import Epic, Standard
from . import status
from .parsing import ReportFormatError, parse_report

__all__ = ["DuplicateRunError", "Receipt", "ReportFormatError", "process_report", "receive_report"]


RUN_ID_MAX_LENGTH = 200
MAX_DURATION_MS = 2**31 - 1


class DuplicateRunError(Exception):
    """A run id this client already reported, with a different body."""


@dataclass
class Receipt:
    report: ConformanceReport
    duplicate: bool
    warnings: list[dict] = field(default_factory=list)


@dataclass
class Resolver:
    """Catalogue ids, epic codes and standard refs to rows, loaded once per report."""

    solutions: dict[str, int]
    epics: dict[str, int]
    standards: dict[str, int]

    @classmethod
    def for_cases(cls, cases: Sequence) -> Resolver:
        """`cases`: parsed or imported cases (anything with solution_id, requirement and name)."""
        solution_codes = {case.solution_id for case in cases if case.solution_id}
        requirements = {case.requirement for case in cases if case.requirement}
        return cls(
            solutions=dict(
                Solution.objects.filter(catalogue_id__in=solution_codes).values_list("catalogue_id", "pk")
            ),
            epics=dict(Epic.objects.filter(code__in=requirements).values_list("code", "pk")),
            standards=dict(Standard.objects.filter(ref__in=requirements).values_list("ref", "pk")),
        )

    def warnings(self, cases: Sequence) -> list[dict]:
        """Each problem once, with how many cases it affects: unknown or missing ids."""
        found: dict[tuple[str, str], dict] = {}

        def add(code: str, message: str, case_name: str) -> None:
            entry = found.setdefault(
                (code, message), {"code": code, "message": message, "case": case_name, "cases": 0}
            )
            entry["cases"] += 1

        for case in cases:
            if not case.solution_id:
                add("missing_solution", "A test case names no solution.", case.name)
            elif case.solution_id not in self.solutions:
                add("unknown_solution", f"Unknown solution id {case.solution_id}.", case.name)
            if not case.requirement:
                add(
                    "missing_requirement",
                    "A test case names no requirement (epic id or standard ref).",
                    case.name,
                )
            elif case.requirement not in self.epics and case.requirement not in self.standards:
                add(
                    "unknown_requirement",
                    f"Unknown requirement {case.requirement}: not an epic or standard.",
                    case.name,
                )
        return list(found.values())

    def result(self, report: ConformanceReport, case, fallback_time) -> HarnessResult:
        """A result row for a case, with ids resolved and values cut to what the columns hold."""
        duration = getattr(case, "duration_ms", None)
        return HarnessResult(
            report=report,
            solution_id=self.solutions.get(case.solution_id),
            epic_id=self.epics.get(case.requirement),
            standard_id=None if case.requirement in self.epics else self.standards.get(case.requirement),
            solution_code=case.solution_id[:40],
            requirement=case.requirement[:40],
            name=(case.name or f"{case.requirement} (recorded)")[:500],
            outcome=case.outcome,
            message=case.message,
            duration_ms=None if duration is None else min(max(duration, 0), MAX_DURATION_MS),
            executed_at=case.executed_at or fallback_time,
        )


def store_results(report: ConformanceReport, cases: Sequence, fallback_time) -> set[int]:
    """Record a report's results and warnings, make them current where newer, count them and mark the
    report processed. The caller is in a transaction. Returns the ids of the solutions concerned."""
    resolver = Resolver.for_cases(cases)
    solution_ids = set(resolver.solutions.values())
    # Lock the solutions first, in id order, so concurrent reports about them apply one at a time.
    list(
        Solution.objects.select_for_update()
        .filter(pk__in=sorted(solution_ids))
        .order_by("pk")
        .values_list("pk")
    )
    results = [resolver.result(report, case, fallback_time) for case in cases]
    HarnessResult.objects.bulk_create(results, batch_size=2000)
    ReportWarning.objects.bulk_create(
        ReportWarning(report=report, code=w["code"], message=w["message"], case_name=w["case"][:500])
        for w in resolver.warnings(cases)
    )
    update_current_results(report)
    counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in Outcome.values}
    report.case_count = len(results)
    report.passed_count = counts[Outcome.PASSED]
    report.failed_count = counts[Outcome.FAILED]
    report.skipped_count = counts[Outcome.SKIPPED]
    report.status = ReportStatus.PROCESSED
    report.processed_at = timezone.now()
    report.error = ""
    report.save()
    return solution_ids


def receive_report(
    client: HarnessClient | None,
    body: bytes,
    content_type: str,
    *,
    source: str = ReportSource.PUSHED,
) -> Receipt:
    """Parse and store a report and queue its processing. The same run with the same body again is a
    duplicate (the stored report is returned); the same run id with another body is refused."""
    from ..tasks import process_report_task

    parsed = parse_report(body, content_type)  # ReportFormatError: nothing stored
    if len(parsed.run_id) > RUN_ID_MAX_LENGTH:
        raise ReportFormatError(f"The run id is longer than {RUN_ID_MAX_LENGTH} characters.")
    content_hash = hashlib.sha256(body).hexdigest()
    existing = ConformanceReport.objects.filter(client=client, run_id=parsed.run_id).first()
    if existing is not None:
        if existing.content_hash != content_hash:
            raise DuplicateRunError(
                f"Run {parsed.run_id} was already reported with different content; give a new run a new id."
            )
        warnings = Resolver.for_cases(parsed.cases).warnings(parsed.cases)
        return Receipt(existing, duplicate=True, warnings=warnings)
    warnings = Resolver.for_cases(parsed.cases).warnings(parsed.cases)
    try:
        with transaction.atomic():
            report = ConformanceReport.objects.create(
                client=client,
                source=source,
                format=parsed.format,
                run_id=parsed.run_id,
                content_hash=content_hash,
                content_type=content_type,
                body_gzip=ConformanceReport.compress(body),
                harness_name=parsed.harness_name,
                harness_version=parsed.harness_version,
                executed_at=parsed.executed_at,
            )
            transaction.on_commit(lambda: process_report_task.delay(report.pk))
    except IntegrityError:
        # The same run arrived twice at once: the other request stored it.
        existing = ConformanceReport.objects.get(client=client, run_id=parsed.run_id)
        if existing.content_hash != content_hash:
            raise DuplicateRunError(
                f"Run {parsed.run_id} was already reported with different content."
            ) from None
        return Receipt(existing, duplicate=True, warnings=warnings)
    return Receipt(report, duplicate=False, warnings=warnings)


@transaction.atomic
def process_report(report_id: int) -> ConformanceReport:
    """Turn a stored report into results and statuses, all or nothing. Idempotent: a processed report
    is left as it is."""
    report = ConformanceReport.objects.select_for_update().get(pk=report_id)
    if report.status == ReportStatus.PROCESSED:
        return report
    parsed = (
        parse_report(report.body, report.content_type) if report.format != ReportFormat.IMPORTED else None
    )
    if parsed is None:
        raise ValueError("Imported reports are made processed by the importer")
    solution_ids = store_results(
        report, parsed.cases, parsed.executed_at or report.received_at or timezone.now()
    )
    status.recompute(solution_ids, reason="report")
    return report


def update_current_results(report: ConformanceReport) -> None:
    """Make this report's results the current ones where they are newer than what is held. Skipped
    cases say nothing about conformance and are kept as history only."""
    latest: dict[tuple, HarnessResult] = {}
    for result in (
        report.results.exclude(outcome=Outcome.SKIPPED).exclude(solution=None).order_by("executed_at", "pk")
    ):
        if result.epic_id:
            latest[("epic", result.solution_id, result.epic_id)] = result
        elif result.standard_id:
            latest[("standard", result.solution_id, result.standard_id)] = result
    epic_keys = [(s, e) for kind, s, e in latest if kind == "epic"]
    standard_keys = [(s, st) for kind, s, st in latest if kind == "standard"]
    solution_ids = {s for _, s, _ in latest}
    held_epics = {
        (c.solution_id, c.epic_id): c
        for c in EpicConformance.objects.filter(
            solution_id__in=solution_ids, epic_id__in={e for _, e in epic_keys}
        )
    }
    held_standards = {
        (c.solution_id, c.standard_id): c
        for c in StandardConformance.objects.filter(
            solution_id__in=solution_ids, standard_id__in={st for _, st in standard_keys}
        )
    }
    for (kind, solution_id, target_id), result in latest.items():
        held = (held_epics if kind == "epic" else held_standards).get((solution_id, target_id))
        if held is not None and held.tested_at > result.executed_at:
            continue  # an older run arriving late does not overwrite a newer result
        model = EpicConformance if kind == "epic" else StandardConformance
        key = {"epic_id": target_id} if kind == "epic" else {"standard_id": target_id}
        model.objects.update_or_create(
            solution_id=solution_id,
            **key,
            defaults={"outcome": result.outcome, "tested_at": result.executed_at, "result": result},
        )


def mark_failed(report_id: int, error: str) -> None:
    """Record that processing gave up (after its retries); the report itself is kept."""
    ConformanceReport.objects.filter(pk=report_id).exclude(status=ReportStatus.PROCESSED).update(
        status=ReportStatus.FAILED, error=error[:2000]
    )


@dataclass(frozen=True)
class ImportedCase:
    """A result recorded outside the harness (the old service's hand-recorded assessments)."""

    solution_id: str
    requirement: str
    outcome: str
    executed_at: object  # datetime
    name: str = ""
    message: str = ""
    duration_ms: int | None = None


@transaction.atomic
def record_imported_results(
    run_id: str, cases: list[ImportedCase], *, harness_name: str, is_demo: bool = False
) -> ConformanceReport:
    """Store results that did not come from a harness report as a report of their own (source
    "imported"), kept as history like any other, and apply them. Idempotent by run id."""
    existing = ConformanceReport.objects.filter(client=None, run_id=run_id).first()
    if existing is not None:
        return existing
    import json

    body = json.dumps([vars(c) for c in cases], default=str, sort_keys=True).encode()
    report = ConformanceReport.objects.create(
        client=None,
        source=ReportSource.IMPORTED,
        format=ReportFormat.IMPORTED,
        run_id=run_id,
        content_hash=hashlib.sha256(body).hexdigest(),
        content_type="application/json",
        body_gzip=ConformanceReport.compress(body),
        harness_name=harness_name,
        executed_at=min((c.executed_at for c in cases), default=None),  # as a harness report's time
        is_demo=is_demo,
    )
    solution_ids = store_results(report, cases, report.executed_at or timezone.now())
    status.recompute(solution_ids, reason="import")
    return report
