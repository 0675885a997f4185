"""What pages show of a solution's conformance: accreditation, each claimed capability with the epic
results it rests on, the standards, and the pass rate of its results report by report.

`conformance_view(solution)` builds it all in five queries whatever the number of capabilities, epics,
standards or reports (see `_load`), so a page that shows it never costs a query per epic. The states
follow the rules of catalogue/conformance/status.py, applied through its own functions
(`epic_state`, `capability_state`, `standard_state`) at the time of the request, so a result that has
lapsed shows as lapsed at once rather than after the daily recompute. It reads the solution's claimed
capabilities, epics and standards from the prefetches of `Solution.objects.with_facts()` when they
are there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import CharField, Count, DateTimeField, F, IntegerField, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from ..models import (
    CapabilityEpic,
    ConformanceStatus,
    EpicConformance,
    EpicLevel,
    HarnessResult,
    Outcome,
    Solution,
    SolutionEpic,
    Standard,
    StandardConformance,
    StandardType,
)
from ..models.reference import Capability
from . import status as rules

# The chart and its table show at most this many reports, the latest.
MAX_RUNS = 100

# state -> (words, NHS tag colour). Every state is shown in words: colour is never the only signal.
EPIC_STATES = {
    Outcome.PASSED: ("Passed", "green"),
    Outcome.FAILED: ("Failed", "red"),
    rules.LAPSED: ("Lapsed", "yellow"),
    rules.NOT_TESTED: ("Not tested", "grey"),
}
CAPABILITY_STATES = {
    ConformanceStatus.MET: ("Met", "green"),
    ConformanceStatus.PARTIALLY_MET: ("Partially met", "orange"),
    ConformanceStatus.NOT_MET: ("Not met", "red"),
    ConformanceStatus.NOT_TESTED: ("Not tested", "grey"),
}
STANDARD_STATES = {
    rules.MET: ("Met", "green"),
    rules.NOT_MET: ("Not met", "red"),
}
LEVEL_ORDER = {EpicLevel.MUST: 0, EpicLevel.SHOULD: 1, EpicLevel.MAY: 2}


@dataclass(frozen=True)
class Result:
    """The current result of one requirement: its state now (passed / failed / lapsed / not tested),
    what the result itself was, when, and the report it came from (the evidence)."""

    state: str = rules.NOT_TESTED
    outcome: str = ""
    tested_at: datetime.datetime | None = None
    report_id: int | None = None

    @property
    def label(self) -> str:
        return EPIC_STATES[self.state][0]

    @property
    def colour(self) -> str:
        return EPIC_STATES[self.state][1]

    @property
    def outcome_label(self) -> str:
        """What the result was ("Passed", "Failed"), also for one that has lapsed."""
        return Outcome(self.outcome).label if self.outcome else ""


@dataclass(frozen=True)
class EpicRow:
    code: str
    name: str
    level: str  # must / should / may, or "" when not recorded
    result: Result

    @property
    def level_label(self) -> str:
        return EpicLevel(self.level).label if self.level in EpicLevel.values else "Not recorded"


@dataclass
class CapabilityRow:
    capability: Capability
    status: str
    as_of: datetime.datetime | None  # the latest MUST-epic result the status rests on
    epics: list[EpicRow] = field(default_factory=list)  # its MUST epics, then the others claimed

    @property
    def label(self) -> str:
        return CAPABILITY_STATES[self.status][0]

    @property
    def colour(self) -> str:
        return CAPABILITY_STATES[self.status][1]

    @property
    def must_count(self) -> int:
        return sum(row.level == EpicLevel.MUST for row in self.epics)

    @property
    def must_passed(self) -> int:
        return sum(row.level == EpicLevel.MUST and row.result.state == Outcome.PASSED for row in self.epics)


@dataclass(frozen=True)
class StandardRow:
    standard: Standard
    status: str  # met / not_met
    result: Result

    @property
    def label(self) -> str:
        return STANDARD_STATES[self.status][0]

    @property
    def colour(self) -> str:
        return STANDARD_STATES[self.status][1]

    @property
    def is_overarching(self) -> bool:
        return self.standard.standard_type == StandardType.OVERARCHING


@dataclass(frozen=True)
class Run:
    """This solution's results in one report."""

    report_id: int
    date: datetime.datetime
    harness_name: str
    harness_version: str
    source: str
    passed: int
    failed: int

    @property
    def pass_rate(self) -> float:
        """Percentage of this solution's passed results among its passed and failed ones."""
        return 100 * self.passed / (self.passed + self.failed)


@dataclass
class ConformanceView:
    solution: Solution
    accredited: bool
    capabilities: list[CapabilityRow]
    standards: list[StandardRow]
    runs: list[Run]  # oldest first, at most MAX_RUNS
    more_runs: bool  # whether older reports were left out of `runs`
    validity_days: int
    now: datetime.datetime

    @property
    def explanation(self) -> str:
        """Why it is or is not accredited, in one sentence."""
        period = f"the last {self.validity_days} days"
        if self.accredited:
            return (
                "Every capability it claims is met and it meets every overarching standard, "
                f"by test results from {period}."
            )
        if not self.capabilities:
            return "It does not claim any capabilities, so it cannot be accredited."
        reasons = []
        unmet = [row for row in self.capabilities if row.status != ConformanceStatus.MET]
        if unmet:
            reasons.append(
                f"{len(unmet)} of the {len(self.capabilities)} capabilities it claims "
                f"{'is' if len(unmet) == 1 else 'are'} not fully met"
            )
        standards = [row for row in self.standards if row.is_overarching and row.status != rules.MET]
        if standards:
            reasons.append(
                f"{len(standards)} overarching standard{'' if len(standards) == 1 else 's'} "
                f"{'is' if len(standards) == 1 else 'are'} not met"
            )
        return f"By test results from {period}, {' and '.join(reasons)}."

    @property
    def has_results(self) -> bool:
        return bool(self.runs)

    @property
    def lapsed(self) -> list[str]:
        """Epic ids and standard refs whose result has lapsed."""
        codes = {
            row.code for cap in self.capabilities for row in cap.epics if row.result.state == rules.LAPSED
        }
        codes |= {row.standard.ref for row in self.standards if row.result.state == rules.LAPSED}
        return sorted(codes)


# --- Loading --------------------------------------------------------------------------------------

# Everything is read in five selections sharing the same columns, matched up in Python.
#   must             group = capability, item = one of its MUST epics (code, name)
#   epic_result      item = an epic, its current result (outcome, at, report)
#   standard         item = a standard that applies: overarching or claimed (code = ref, name)
#   standard_result  item = a standard, its current result (outcome, at, report)
#   run              report, code = harness name, name = harness version, outcome = the report's source,
#                    at = when it ran, passed and failed = this solution's results in it
COLUMNS = ("kind", "group", "item", "code", "name", "outcome", "at", "report", "passed", "failed")
_NULL = {
    "group": IntegerField,
    "item": IntegerField,
    "code": CharField,
    "name": CharField,
    "outcome": CharField,
    "at": DateTimeField,
    "report": IntegerField,
    "passed": IntegerField,
    "failed": IntegerField,
}


@dataclass(frozen=True)
class _Row:
    kind: str
    group: int | None
    item: int | None
    code: str | None
    name: str | None
    outcome: str | None
    at: datetime.datetime | None
    report: int | None
    passed: int | None
    failed: int | None


def _select(queryset, kind: str, **columns):
    """One selection of the query, in its columns (those not given are a typed NULL, so the UNION can
    match their types). Every column is an annotation, added in the order of COLUMNS, so each
    selection's SQL lists them in that order. Counts (aggregates, only in the last columns) are added
    after grouping by the others."""
    expressions = {"kind": Value(kind, output_field=CharField())}
    for name in COLUMNS[1:]:
        expressions[name] = columns.get(name, Cast(Value(None), output_field=_NULL[name]()))
    plain = {f"col_{n}": e for n, e in expressions.items() if not getattr(e, "contains_aggregate", False)}
    counts = {f"col_{n}": e for n, e in expressions.items() if getattr(e, "contains_aggregate", False)}
    if list(plain) + list(counts) != [f"col_{name}" for name in COLUMNS]:
        raise ValueError("Counts must be the last columns, or the selections' columns would not line up.")
    queryset = queryset.order_by().annotate(**plain)
    if counts:
        queryset = queryset.values(*plain).annotate(**counts)
    return queryset.values_list(*plain, *counts)


def _load(solution: Solution, capability_ids: list[int], standard_ids: list[int]) -> list[_Row]:
    """The MUST epics of the claimed capabilities, the solution's current epic results, the standards
    that apply and its current standard results, and its results counted per report (the latest
    MAX_RUNS + 1 reports, to tell whether there are more than MAX_RUNS): five queries whatever the size."""
    must = _select(
        CapabilityEpic.objects.filter(capability_id__in=capability_ids, level=EpicLevel.MUST),
        "must",
        group=F("capability_id"),
        item=F("epic_id"),
        code=F("epic__code"),
        name=F("epic__name"),
    )
    epic_results = _select(
        EpicConformance.objects.filter(solution=solution),
        "epic_result",
        item=F("epic_id"),
        outcome=F("outcome"),
        at=F("tested_at"),
        report=F("result__report_id"),
    )
    standards = _select(
        Standard.objects.filter(Q(standard_type=StandardType.OVERARCHING) | Q(pk__in=standard_ids)),
        "standard",
        item=F("pk"),
        code=F("ref"),
        name=F("name"),
    )
    standard_results = _select(
        StandardConformance.objects.filter(solution=solution),
        "standard_result",
        item=F("standard_id"),
        outcome=F("outcome"),
        at=F("tested_at"),
        report=F("result__report_id"),
    )
    # Aggregated, and grouped by the columns that are not counts (a queryset of annotations only).
    runs = _select(
        HarnessResult.objects.filter(solution=solution, outcome__in=[Outcome.PASSED, Outcome.FAILED]),
        "run",
        code=F("report__harness_name"),
        name=F("report__harness_version"),
        outcome=F("report__source"),
        at=Coalesce("report__executed_at", "report__received_at"),
        report=F("report_id"),
        passed=Count("pk", filter=Q(outcome=Outcome.PASSED)),
        failed=Count("pk", filter=Q(outcome=Outcome.FAILED)),
    ).order_by("-col_at", "-col_report")[: MAX_RUNS + 1]
    # Five plain queries rather than one UNION: SQLite (the embedded default) refuses a LIMIT inside a
    # compound statement, and five short queries are easier to read and cost next to nothing more.
    return [
        _Row(*row)
        for selection in (must, epic_results, standards, standard_results, runs)
        for row in selection
    ]


def _runs(rows: list[_Row]) -> tuple[list[Run], bool]:
    """The reports, oldest first, at most MAX_RUNS; and whether there were more."""
    runs = sorted(
        (
            Run(
                report_id=row.report,
                date=row.at,
                harness_name=row.code or "",
                harness_version=row.name or "",
                source=row.outcome or "",
                passed=row.passed,
                failed=row.failed,
            )
            for row in rows
        ),
        key=lambda run: (run.date, run.report_id),
    )
    return runs[-MAX_RUNS:], len(runs) > MAX_RUNS


def _claimed_epics(solution: Solution) -> list[SolutionEpic]:
    """The solution's claimed epics with their level: the with_facts() prefetch, else one query."""
    claimed = getattr(solution, "claimed_epics", None)
    if claimed is None:
        claimed = list(SolutionEpic.objects.filter(solution=solution).with_level())
    return claimed


@dataclass(frozen=True)
class _Held:
    """A current result as the requirements query gives it (what status.py's rules read, and the
    report it came from)."""

    outcome: str
    tested_at: datetime.datetime
    report_id: int


def _result(state: str, conformance: _Held | None) -> Result:
    if conformance is None:
        return Result(state=state)
    return Result(
        state=state,
        outcome=conformance.outcome,
        tested_at=conformance.tested_at,
        report_id=conformance.report_id,
    )


def _overarching_standard(pk: int, ref: str, name: str) -> Standard:
    """An overarching standard from the requirements query (unsaved; enough to show and sort)."""
    standard = Standard(pk=pk, ref=ref, name=name, standard_type=StandardType.OVERARCHING)
    standard.sort_key = int(ref[1:]) if ref[1:].isdigit() else 0
    return standard


def conformance_view(solution: Solution, now: datetime.datetime | None = None) -> ConformanceView:
    """Everything the pages show of a solution's conformance, as of `now` (the time of the request)."""
    now = now or timezone.now()
    cutoff = rules.validity_cutoff(now)
    claimed_capabilities = list(solution.capabilities.all())
    claimed_standards = {standard.pk: standard for standard in solution.standards.all()}
    claimed_epics = _claimed_epics(solution)

    rows = _load(solution, [c.pk for c in claimed_capabilities], list(claimed_standards))
    musts: dict[int, list[int]] = {}
    epic_names: dict[int, tuple[str, str]] = {}
    epic_results: dict[int, _Held] = {}
    standards: dict[int, Standard] = {}
    standard_results: dict[int, _Held] = {}
    for row in rows:
        if row.kind == "must":
            musts.setdefault(row.group, []).append(row.item)
            epic_names[row.item] = (row.code, row.name)
        elif row.kind == "epic_result":
            epic_results[row.item] = _Held(row.outcome, row.at, row.report)
        elif row.kind == "standard":
            standards[row.item] = claimed_standards.get(row.item) or _overarching_standard(
                row.item, row.code, row.name
            )
        elif row.kind == "standard_result":
            standard_results[row.item] = _Held(row.outcome, row.at, row.report)

    def epic_result(epic_id: int) -> Result:
        conformance = epic_results.get(epic_id)
        return _result(rules.epic_state(conformance, cutoff), conformance)

    capability_rows = []
    for capability in sorted(claimed_capabilities, key=lambda c: (c.sort_key, c.ref)):
        must_ids = musts.get(capability.pk, [])
        must_rows = sorted(
            (EpicRow(*epic_names[e], EpicLevel.MUST, epic_result(e)) for e in must_ids), key=lambda r: r.code
        )
        others = sorted(
            (
                EpicRow(item.epic.code, item.epic.name, item.level or "", epic_result(item.epic_id))
                for item in claimed_epics
                if item.capability_id == capability.pk and item.epic_id not in must_ids
            ),
            key=lambda r: (LEVEL_ORDER.get(r.level, 3), r.code),
        )
        dates = [epic_results[e].tested_at for e in must_ids if e in epic_results]
        capability_rows.append(
            CapabilityRow(
                capability=capability,
                status=rules.capability_state([row.result.state for row in must_rows]),
                as_of=max(dates) if dates else None,
                epics=[*must_rows, *others],
            )
        )

    standard_rows = []
    for standard in sorted(
        standards.values(), key=lambda s: (s.standard_type != StandardType.OVERARCHING, s.sort_key, s.ref)
    ):
        conformance = standard_results.get(standard.pk)
        standard_rows.append(
            StandardRow(
                standard=standard,
                status=rules.standard_state(conformance, cutoff),
                result=_result(rules.epic_state(conformance, cutoff), conformance),
            )
        )

    runs, more_runs = _runs([row for row in rows if row.kind == "run"])
    accredited = (
        bool(capability_rows)
        and all(row.status == ConformanceStatus.MET for row in capability_rows)
        and all(row.status == rules.MET for row in standard_rows if row.is_overarching)
    )
    return ConformanceView(
        solution=solution,
        accredited=accredited,
        capabilities=capability_rows,
        standards=standard_rows,
        runs=runs,
        more_runs=more_runs,
        validity_days=settings.CONFORMANCE_VALIDITY_DAYS,
        now=now,
    )
