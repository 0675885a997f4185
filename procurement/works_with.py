""" "Works with what we have": which integrations connect a candidate solution to the systems an
organisation already runs (its principal clinical system and other modules, `OrganisationSystem`).

The rule, in one place (`works_with`), for a candidate and each of our systems:

- the candidate **consumes** an integration type (IM1 Transactional, GP Connect Access Record HTML...)
  that our system **provides**: "IM1 Transactional: consumes, EMIS Web provides";
- the candidate **provides** a type our system **consumes**: "GP Connect Send Document: provides,
  Docman consumes";
- the candidate consumes a type and its supplier names our system as what it connects to
  (`SolutionIntegration.integrates_with`, such as "EMIS Web, SystmOne"): "IM1 Bulk: consumes, connects
  to EMIS Web (as the supplier states)". This is how a system recorded by name only, or a listing that
  declares no integrations of its own (the real catalogue's clinical systems), still counts.

`integrating_solution_ids` answers the same question for every listing at once, in the database (the
search filter); a test checks that the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Organisation
from catalogue.models import IntegrationDirection, Solution, SolutionIntegration

from .models import OrganisationSystem

CONSUMES, PROVIDES, NAMED = "consumes", "provides", "named"
# A named part shorter than this ("GP", "UK") would match too much.
MIN_NAME_LENGTH = 3
_SEPARATORS = re.compile(r"\s*(?:,|;|/|\band\b|&)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Connection:
    """One way a candidate connects to one of our systems."""

    integration_type: str  # "IM1 Transactional"
    candidate_role: str  # CONSUMES or PROVIDES
    system: str  # our system's name
    system_role: str  # PROVIDES, CONSUMES, or NAMED (the candidate's supplier names our system)

    def __str__(self) -> str:
        if self.system_role == NAMED:
            return f"{self.integration_type}: consumes, connects to {self.system} (as the supplier states)"
        return f"{self.integration_type}: {self.candidate_role}, {self.system} {self.system_role}"


@dataclass(frozen=True)
class WorksWith:
    connections: tuple[Connection, ...] = ()
    already_runs: bool = False  # the candidate is one of our systems

    def __bool__(self) -> bool:
        return bool(self.connections)

    def lines(self) -> list[str]:
        return [str(connection) for connection in self.connections]


@dataclass(frozen=True)
class OurSystem:
    """One of our systems and the integration types it declares (none when recorded by name only)."""

    name: str
    solution_id: int | None
    is_principal: bool
    provides: dict[int, str]  # integration type id -> "IM1 Bulk"
    consumes: dict[int, str]


@dataclass(frozen=True)
class OurSystems:
    systems: tuple[OurSystem, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.systems)

    @property
    def solution_ids(self) -> set[int]:
        return {s.solution_id for s in self.systems if s.solution_id is not None}

    @classmethod
    def of(cls, organisation: Organisation | None) -> OurSystems:
        """An organisation's recorded systems with their declared integrations (two queries)."""
        if organisation is None:
            return cls()
        records = list(OrganisationSystem.objects.filter(organisation_id=organisation.pk))
        if not records:
            return cls()
        declared: dict[int, list[SolutionIntegration]] = {}
        for integration in SolutionIntegration.objects.filter(
            solution_id__in={r.solution_id for r in records if r.solution_id}
        ).select_related("integration_type__integration"):
            declared.setdefault(integration.solution_id, []).append(integration)
        systems = []
        for record in records:
            rows = declared.get(record.solution_id, []) if record.solution_id else []
            systems.append(
                OurSystem(
                    name=record.name,
                    solution_id=record.solution_id,
                    is_principal=record.is_principal,
                    provides={
                        r.integration_type_id: str(r.integration_type)
                        for r in rows
                        if r.direction == IntegrationDirection.PROVIDER
                    },
                    consumes={
                        r.integration_type_id: str(r.integration_type)
                        for r in rows
                        if r.direction == IntegrationDirection.CONSUMER
                    },
                )
            )
        return cls(tuple(systems))


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def names_system(integrates_with: str, system_name: str) -> bool:
    """Whether a supplier's "integrates with" text names our system. Either may be the longer form:
    "EMIS Web" names our "Emis Web GP", and "SystmOne GP" names our "SystmOne"."""
    ours = _normalise(system_name)
    if len(ours) < MIN_NAME_LENGTH:
        return False
    for part in _SEPARATORS.split(integrates_with or ""):
        part = _normalise(part)
        if len(part) >= MIN_NAME_LENGTH and (part in ours or ours in part):
            return True
    return False


def works_with(
    candidate_integrations: Iterable[SolutionIntegration], ours: OurSystems, *, candidate_id: int
) -> WorksWith:
    """How a candidate solution connects to our systems. `candidate_integrations` are its declared
    integrations with `integration_type__integration` loaded (prefetched by the callers)."""
    connections: list[Connection] = []
    integrations = list(candidate_integrations)
    for system in ours.systems:
        if system.solution_id == candidate_id:
            continue  # a system does not "work with" itself
        for integration in integrations:
            type_id, label = integration.integration_type_id, str(integration.integration_type)
            if integration.direction == IntegrationDirection.CONSUMER:
                if type_id in system.provides:
                    connections.append(Connection(label, CONSUMES, system.name, PROVIDES))
                elif names_system(integration.integrates_with, system.name):
                    connections.append(Connection(label, CONSUMES, system.name, NAMED))
            elif type_id in system.consumes:
                connections.append(Connection(label, PROVIDES, system.name, CONSUMES))
    return WorksWith(tuple(dict.fromkeys(connections)), already_runs=candidate_id in ours.solution_ids)


def works_with_solution(solution: Solution, ours: OurSystems) -> WorksWith:
    """`works_with` for a solution whose `integrations` are prefetched (or will be queried once)."""
    return works_with(solution.integrations.all(), ours, candidate_id=solution.pk)


def works_with_many(solutions: Sequence[Solution], ours: OurSystems) -> dict[int, WorksWith]:
    """`works_with` for several solutions, with their integrations loaded in one query."""
    if not ours:
        return {s.pk: WorksWith() for s in solutions}
    by_solution: dict[int, list[SolutionIntegration]] = {s.pk: [] for s in solutions}
    for integration in SolutionIntegration.objects.filter(solution_id__in=by_solution).select_related(
        "integration_type__integration"
    ):
        by_solution[integration.solution_id].append(integration)
    return {pk: works_with(rows, ours, candidate_id=pk) for pk, rows in by_solution.items()}


def integrating_solution_ids(ours: OurSystems) -> set[int]:
    """Every solution that `works_with` our systems, found in the database (for the search filter):
    the same three rules, over all listings at once. Visibility is the caller's business (search only
    holds public listings)."""
    if not ours:
        return set()
    provided = {type_id for s in ours.systems for type_id in s.provides}
    consumed = {type_id for s in ours.systems for type_id in s.consumes}
    # The suppliers' "integrates with" texts are few and repeated: match the distinct ones here.
    texts = (
        SolutionIntegration.objects.filter(direction=IntegrationDirection.CONSUMER)
        .exclude(integrates_with="")
        .values_list("integrates_with", flat=True)
        .distinct()
    )
    named = [text for text in texts if any(names_system(text, s.name) for s in ours.systems)]
    condition = (
        Q(direction=IntegrationDirection.CONSUMER, integration_type_id__in=provided)
        | Q(direction=IntegrationDirection.PROVIDER, integration_type_id__in=consumed)
        | Q(direction=IntegrationDirection.CONSUMER, integrates_with__in=named)
    )
    ids = set(SolutionIntegration.objects.filter(condition).values_list("solution_id", flat=True))
    # One of our own systems may match only through itself; `works_with` decides for those few.
    for solution_id in ids & ours.solution_ids:
        rows = SolutionIntegration.objects.filter(solution_id=solution_id).select_related(
            "integration_type__integration"
        )
        if not works_with(rows, ours, candidate_id=solution_id):
            ids.discard(solution_id)
    return ids
