"""From harness results to status: per epic, per capability, per standard, and accreditation.

* Epic (per solution): the latest passed or failed result; "lapsed" when older than the validity
  period (CONFORMANCE_VALIDITY_DAYS, default 365); "not tested" when there is none.
* Capability (claimed by the solution): "met" when every (active) MUST epic passed within the validity period;
  "partially met" when some did; "not met" when none did and at least one failed; "not tested"
  otherwise (no current results, or a capability with no MUST epic to evidence).
* Standard: "met" when its latest result passed within the validity period, "not met" otherwise.
* Accredited: at least one claimed capability, all of them met, and every overarching standard met.

`recompute(solution_ids)` stores the capability statuses and accreditation and announces what changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import events
from ..models import (
    CapabilityConformance,
    CapabilityEpic,
    ConformanceStatus,
    EpicConformance,
    EpicLevel,
    Outcome,
    Solution,
    Standard,
    StandardConformance,
    StandardType,
)

LAPSED = "lapsed"
NOT_TESTED = "not_tested"
MET = "met"
NOT_MET = "not_met"


def validity_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.CONFORMANCE_VALIDITY_DAYS)


def epic_state(conformance: EpicConformance | None, cutoff: datetime.datetime) -> str:
    """passed / failed / lapsed / not_tested for one epic of one solution."""
    if conformance is None:
        return NOT_TESTED
    if conformance.tested_at < cutoff:
        return LAPSED
    return conformance.outcome


def capability_state(must_states: list[str]) -> str:
    if not must_states:
        return ConformanceStatus.NOT_TESTED
    passed = sum(state == Outcome.PASSED for state in must_states)
    if passed == len(must_states):
        return ConformanceStatus.MET
    if passed:
        return ConformanceStatus.PARTIALLY_MET
    if any(state == Outcome.FAILED for state in must_states):
        return ConformanceStatus.NOT_MET
    return ConformanceStatus.NOT_TESTED


def standard_state(conformance: StandardConformance | None, cutoff: datetime.datetime) -> str:
    if conformance is None or conformance.tested_at < cutoff or conformance.outcome != Outcome.PASSED:
        return NOT_MET
    return MET


@dataclass
class SolutionStatus:
    """Everything the conformance of one solution comes to, computed from its stored results."""

    solution: Solution
    capabilities: dict[int, str] = field(default_factory=dict)  # capability id -> ConformanceStatus
    capability_as_of: dict[int, datetime.datetime | None] = field(default_factory=dict)
    epics: dict[int, str] = field(default_factory=dict)  # epic id -> passed/failed/lapsed/not_tested
    standards: dict[int, str] = field(default_factory=dict)  # standard id -> met/not_met
    accredited: bool = False
    lapsed: list[str] = field(default_factory=list)  # refs of requirements whose result lapsed


def compute(solution: Solution, now: datetime.datetime | None = None) -> SolutionStatus:
    cutoff = validity_cutoff(now)
    status = SolutionStatus(solution)
    claimed = list(solution.capabilities.all())
    epic_results = {
        c.epic_id: c for c in EpicConformance.objects.filter(solution=solution).select_related("epic")
    }
    musts: dict[int, list[int]] = {}
    # Retired epics are no longer required: a harness tests the current ones.
    for link in CapabilityEpic.objects.filter(
        capability__in=claimed, level=EpicLevel.MUST, epic__is_active=True
    ):
        musts.setdefault(link.capability_id, []).append(link.epic_id)
    for epic_id, conformance in epic_results.items():
        status.epics[epic_id] = epic_state(conformance, cutoff)
        if status.epics[epic_id] == LAPSED:
            status.lapsed.append(conformance.epic.code)
    for capability in claimed:
        epic_ids = musts.get(capability.pk, [])
        states = [status.epics.get(epic_id, NOT_TESTED) for epic_id in epic_ids]
        status.capabilities[capability.pk] = capability_state(states)
        dates = [epic_results[e].tested_at for e in epic_ids if e in epic_results]
        status.capability_as_of[capability.pk] = max(dates) if dates else None

    relevant = {s.pk: s for s in Standard.objects.filter(standard_type=StandardType.OVERARCHING)}
    relevant.update({s.pk: s for s in solution.standards.all()})
    standard_results = {
        c.standard_id: c
        for c in StandardConformance.objects.filter(solution=solution, standard__in=list(relevant))
    }
    for standard_id, standard in relevant.items():
        conformance = standard_results.get(standard_id)
        status.standards[standard_id] = standard_state(conformance, cutoff)
        if conformance is not None and conformance.tested_at < cutoff:
            status.lapsed.append(standard.ref)
    overarching = [pk for pk, s in relevant.items() if s.standard_type == StandardType.OVERARCHING]
    status.accredited = (
        bool(claimed)
        and all(state == ConformanceStatus.MET for state in status.capabilities.values())
        and all(status.standards[pk] == MET for pk in overarching)
    )
    return status


@transaction.atomic
def recompute(
    solution_ids: Iterable[int], *, reason: str = "results", now: datetime.datetime | None = None
) -> int:
    """Store the capability statuses and accreditation of these solutions (rows locked in id order, so
    two reports about the same solution are applied one after the other) and announce each change.
    Returns how many solutions changed."""
    changed = 0
    now = now or timezone.now()
    for solution in (
        Solution.objects.select_for_update().filter(pk__in=sorted(set(solution_ids))).order_by("pk")
    ):
        status = compute(solution, now)
        stored = {c.capability_id: c for c in CapabilityConformance.objects.filter(solution=solution)}
        capability_changes = []
        for capability_id, state in status.capabilities.items():
            row = stored.pop(capability_id, None)
            if row is None:
                CapabilityConformance.objects.create(
                    solution=solution,
                    capability_id=capability_id,
                    status=state,
                    as_of=status.capability_as_of[capability_id],
                )
                capability_changes.append((capability_id, None, state))
            elif row.status != state or row.as_of != status.capability_as_of[capability_id]:
                if row.status != state:
                    capability_changes.append((capability_id, row.status, state))
                row.status, row.as_of = state, status.capability_as_of[capability_id]
                row.save(update_fields=["status", "as_of", "changed_at"])
        # Capabilities no longer claimed: their status goes with the claim.
        CapabilityConformance.objects.filter(pk__in=[row.pk for row in stored.values()]).delete()

        was_accredited = solution.is_accredited
        if was_accredited != status.accredited:
            solution.is_accredited = status.accredited
            solution.accreditation_changed_at = now
            # Not updated_at: the listing's content did not change.
            solution.save(update_fields=["is_accredited", "accreditation_changed_at"])
        if capability_changes or was_accredited != status.accredited:
            changed += 1
            events.announce(
                events.conformance_changed,
                solution_id=solution.pk,
                was_accredited=was_accredited,
                accredited=status.accredited,
                capability_changes=capability_changes,
                lapsed=sorted(status.lapsed),
                reason=reason,
            )
    return changed


def solutions_with_old_results(now: datetime.datetime | None = None) -> list[int]:
    """Solutions holding a result older than the validity period (passed or failed: a lapsed failure
    turns "not met" into "not tested"): the daily lapse check recomputes only these, and a recompute
    that finds nothing new changes and announces nothing."""
    cutoff = validity_cutoff(now)
    old = {"tested_at__lt": cutoff}
    return sorted(
        set(EpicConformance.objects.filter(**old).values_list("solution_id", flat=True))
        | set(StandardConformance.objects.filter(**old).values_list("solution_id", flat=True))
    )
