# ruff: noqa: F811 - pytest fixtures imported from works_with_helpers are redefined as arguments
"""procurement.works_with: which integrations connect a candidate solution to the systems an
organisation runs, with the real integration types; and the database version the search uses agrees."""

from __future__ import annotations

import pytest

from procurement import services
from procurement.works_with import (
    OurSystems,
    integrating_solution_ids,
    names_system,
    works_with_many,
    works_with_solution,
)
from tests.factories import SolutionFactory

from .works_with_helpers import (  # noqa: F401 - fixtures
    clinical,
    integrate,
    practice,
    practice_buyer,
    types,
)

pytestmark = pytest.mark.django_db


def test_a_consumer_of_what_our_clinical_system_provides_works_with_it(
    types, clinical, practice, practice_buyer
):
    services.record_system(practice, user=practice_buyer, solution=clinical, principal=True)
    triage = SolutionFactory(name="Triage Online")
    integrate(triage, types, "IM1 Transactional", "consumer")
    integrate(triage, types, "NHS App Online Consultations", "consumer")  # nothing of ours provides it
    docs = SolutionFactory(name="Docs Flow")
    integrate(docs, types, "GP Connect Send Document", "provider")
    unrelated = SolutionFactory(name="Bulk Reports")
    integrate(unrelated, types, "IM1 Bulk", "consumer")  # our clinical system does not provide bulk

    ours = OurSystems.of(practice)

    assert works_with_solution(triage, ours).lines() == [
        "IM1 Transactional: consumes, Meadowbank GP Clinical provides"
    ]
    assert works_with_solution(docs, ours).lines() == [
        "GP Connect Send Document: provides, Meadowbank GP Clinical consumes"
    ]
    assert not works_with_solution(unrelated, ours)
    assert integrating_solution_ids(ours) == {triage.pk, docs.pk}


def test_a_system_recorded_by_name_counts_when_the_supplier_names_it(types, practice, practice_buyer):
    services.record_system(practice, user=practice_buyer, name="EMIS Web", principal=True)
    consult = SolutionFactory(name="Consult Anywhere")
    integrate(consult, types, "IM1 Bulk", "consumer", integrates_with="EMIS Web, SystmOne")
    tpp_only = SolutionFactory(name="For SystmOne")
    integrate(tpp_only, types, "IM1 Bulk", "consumer", integrates_with="SystmOne")

    ours = OurSystems.of(practice)

    assert works_with_solution(consult, ours).lines() == [
        "IM1 Bulk: consumes, connects to EMIS Web (as the supplier states)"
    ]
    assert not works_with_solution(tpp_only, ours)
    assert integrating_solution_ids(ours) == {consult.pk}


def test_names_match_either_way_round_and_not_on_fragments():
    assert names_system("EMIS Web, SystmOne", "Emis Web GP")
    assert names_system("SystmOne GP and Vision", "SystmOne")
    assert not names_system("EMIS Web", "Vision")
    assert not names_system("GP", "GP")  # too short to mean anything
    assert not names_system("", "EMIS Web")


def test_a_system_does_not_work_with_itself_and_no_systems_means_nothing_works(
    types, clinical, practice, practice_buyer
):
    assert not OurSystems.of(practice)
    assert integrating_solution_ids(OurSystems.of(practice)) == set()
    services.record_system(practice, user=practice_buyer, solution=clinical, principal=True)

    result = works_with_solution(clinical, OurSystems.of(practice))

    assert not result
    assert result.already_runs
    assert clinical.pk not in integrating_solution_ids(OurSystems.of(practice))


def test_the_search_version_agrees_with_works_with_for_every_listing(
    types, clinical, practice, practice_buyer
):
    services.record_system(practice, user=practice_buyer, solution=clinical, principal=True)
    services.record_system(practice, user=practice_buyer, name="Docman")
    candidates = [clinical]
    for number, (name, direction, named) in enumerate(
        [
            ("IM1 Transactional", "consumer", ""),
            ("IM1 Transactional", "provider", ""),
            ("GP Connect Send Document", "provider", ""),
            ("GP Connect Send Document", "consumer", ""),
            ("IM1 Bulk", "consumer", "Docman 10"),
            ("IM1 Bulk", "provider", "Docman"),  # a provider's text is not a claim to connect
            ("NHS App Personal Health Records", "consumer", "EMIS Web"),
        ]
    ):
        candidate = SolutionFactory(name=f"Candidate {number}")
        integrate(candidate, types, name, direction, integrates_with=named)
        candidates.append(candidate)
    ours = OurSystems.of(practice)

    expected = {pk for pk, result in works_with_many(candidates, ours).items() if result}

    assert integrating_solution_ids(ours) == expected
    assert len(expected) == 3
