"""The conformance of several solutions at once, for the comparison: each claimed capability's status and
the date of the result it rests on, each claimed epic's result, and each standard's status.

The listing page builds this per solution (catalogue.conformance.display.conformance_view, five queries
each); a comparison of four would cost twenty, so here the same rules (catalogue.conformance.status:
`epic_state`, `capability_state`, `standard_state`) are applied to rows read for all the solutions in
five queries, however many solutions, capabilities, epics or standards there are.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils import timezone

from catalogue.conformance import status as rules
from catalogue.models import (
    CapabilityEpic,
    EpicConformance,
    EpicLevel,
    Solution,
    SolutionEpic,
    Standard,
    StandardConformance,
    StandardType,
)


class Held(NamedTuple):
    """A current result, in the shape status.py's rules read (outcome, tested_at)."""

    outcome: str
    tested_at: datetime.datetime


@dataclass(frozen=True)
class EpicResult:
    code: str
    name: str
    level: str  # must / should / may, or "" when not recorded
    state: str  # passed / failed / lapsed / not_tested
    tested_at: datetime.datetime | None


@dataclass
class CapabilityResult:
    status: str  # a ConformanceStatus value
    as_of: datetime.datetime | None  # the latest MUST-epic result the status rests on
    epics: list[EpicResult] = field(default_factory=list)


@dataclass
class StandardResult:
    status: str  # met / not_met
    tested_at: datetime.datetime | None
    state: str  # passed / failed / lapsed / not_tested, for the words next to the date


@dataclass
class SolutionConformance:
    capabilities: dict[int, CapabilityResult] = field(default_factory=dict)  # capability id ->
    standards: dict[int, StandardResult] = field(default_factory=dict)  # standard id ->


def conformance_of(
    solutions: Sequence[Solution], now: datetime.datetime | None = None
) -> tuple[dict[int, SolutionConformance], list[Standard]]:
    """Per solution id, its conformance now; and the overarching standards (which apply to every
    solution, claimed or not). Needs `capabilities` and `standards` prefetched."""
    cutoff = rules.validity_cutoff(now or timezone.now())
    solution_ids = [s.pk for s in solutions]
    capability_ids = {c.pk for s in solutions for c in s.capabilities.all()}

    # Every epic of the claimed capabilities with its level there: the MUST ones decide the status,
    # the others give the level of the epics claimed beyond them.
    musts: dict[int, list[tuple[int, str, str]]] = {}
    levels: dict[tuple[int, int], str] = {}
    for capability_id, epic_id, code, name, level in CapabilityEpic.objects.filter(
        capability_id__in=capability_ids
    ).values_list("capability_id", "epic_id", "epic__code", "epic__name", "level"):
        levels[capability_id, epic_id] = level
        if level == EpicLevel.MUST:
            musts.setdefault(capability_id, []).append((epic_id, code, name))
    claimed: dict[tuple[int, int], list[tuple[int, str, str, bool]]] = {}
    for solution_id, capability_id, epic_id, code, name, supplier_defined in SolutionEpic.objects.filter(
        solution_id__in=solution_ids
    ).values_list(
        "solution_id", "capability_id", "epic_id", "epic__code", "epic__name", "epic__supplier_defined"
    ):
        claimed.setdefault((solution_id, capability_id), []).append((epic_id, code, name, supplier_defined))
    epic_results = {
        (solution_id, epic_id): Held(outcome, tested_at)
        for solution_id, epic_id, outcome, tested_at in EpicConformance.objects.filter(
            solution_id__in=solution_ids
        ).values_list("solution_id", "epic_id", "outcome", "tested_at")
    }
    standard_results = {
        (solution_id, standard_id): Held(outcome, tested_at)
        for solution_id, standard_id, outcome, tested_at in StandardConformance.objects.filter(
            solution_id__in=solution_ids
        ).values_list("solution_id", "standard_id", "outcome", "tested_at")
    }
    overarching = list(Standard.objects.filter(standard_type=StandardType.OVERARCHING))

    result: dict[int, SolutionConformance] = {}
    for solution in solutions:
        conformance = SolutionConformance()

        def epic(epic_id: int, code: str, name: str, level: str, sid: int = solution.pk) -> EpicResult:
            held = epic_results.get((sid, epic_id))
            return EpicResult(
                code, name, level, rules.epic_state(held, cutoff), held.tested_at if held else None
            )

        for capability in solution.capabilities.all():
            must_rows = [epic(*row, EpicLevel.MUST) for row in musts.get(capability.pk, [])]
            must_ids = {row[0] for row in musts.get(capability.pk, [])}
            # Supplier-defined epics are MAY wherever they are claimed (SolutionEpicQuerySet.with_level).
            others = [
                epic(
                    epic_id,
                    code,
                    name,
                    levels.get((capability.pk, epic_id)) or (EpicLevel.MAY if supplier_defined else ""),
                )
                for epic_id, code, name, supplier_defined in claimed.get((solution.pk, capability.pk), [])
                if epic_id not in must_ids
            ]
            dates = [row.tested_at for row in must_rows if row.tested_at]
            conformance.capabilities[capability.pk] = CapabilityResult(
                status=rules.capability_state([row.state for row in must_rows]),
                as_of=max(dates) if dates else None,
                epics=sorted(must_rows, key=lambda r: r.code) + sorted(others, key=lambda r: r.code),
            )
        for standard in [*overarching, *solution.standards.all()]:
            held = standard_results.get((solution.pk, standard.pk))
            conformance.standards[standard.pk] = StandardResult(
                status=rules.standard_state(held, cutoff),
                tested_at=held.tested_at if held else None,
                state=rules.epic_state(held, cutoff),
            )
        result[solution.pk] = conformance
    return result, overarching
