"""Competition rules enforced in the domain (procurement/competitions/services.py): the freeze, the
selection, recipients (chosen or CSV), contract length, criteria, prices, scores, ranking and the
award becoming an order; every change audited with before and after."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from catalogue.models import ListingAction, ListingStateChange, PriceTier, PublicationState
from procurement.competitions import results, services
from procurement.competitions.models import CompetitionStatus, Criteria, Route
from procurement.models import AuditAction, AuditRecord
from tests.factories import MembershipFactory, PracticeFactory

from .helpers import default_price_entries, ready_competition, reasons_for, start

EVEN = {"features": 25, "implementation": 25, "interoperability": 25, "service_levels": 25}
PRICE_ONLY = {"criteria": Criteria.PRICE_ONLY}


def history(competition):
    return list(
        AuditRecord.objects.filter(subject_type="competition", subject_id=competition.pk).order_by("pk")
    )


def test_start_freezes_the_matching_solutions_and_catalogue_edits_never_change_them(world):
    approval = ListingStateChange.objects.create(
        solution=world.solutions["Tiered Three"],
        action=ListingAction.APPROVED,
        from_state=PublicationState.SUBMITTED,
        to_state=PublicationState.PUBLISHED,
    )
    competition = start(world)
    frozen = {row.solution_name: row for row in competition.solutions.all()}
    assert set(frozen) == set(world.solutions)
    assert sorted(row.search_rank for row in frozen.values()) == [1, 2, 3, 4, 5]
    tiered = frozen["Tiered Three"]
    assert tiered.prices[0]["tiers"] == [
        {"lower": 1, "upper": 5000, "unit_price": "1.5000"},
        {"lower": 5001, "upper": None, "unit_price": "1.1000"},
    ]
    assert tiered.is_accredited and tiered.publication_state == PublicationState.PUBLISHED
    assert tiered.listing_version == str(approval.pk)
    assert tiered.frameworks == [
        {"code": "LIVE001", "name": "LIVE001", "maximum_term_months": 36, "live": True}
    ]
    assert frozen["Unaccredited Five"].is_accredited is False
    (created,) = history(competition)
    assert created.action == AuditAction.COMPETITION_CREATED
    assert len(created.details["after"]["solutions"]) == 5

    # The catalogue moves on: a price rises, a listing is renamed, accreditation is lost.
    solution = world.solutions["Tiered Three"]
    PriceTier.objects.filter(price__solution=solution).update(unit_price=Decimal("9.99"))
    solution.name, solution.is_accredited = "Renamed", False
    solution.save()
    tiered.refresh_from_db()
    assert tiered.solution_name == "Tiered Three"
    assert tiered.is_accredited is True
    assert tiered.prices[0]["tiers"][0]["unit_price"] == "1.5000"
    # ...but the rule is checked live: it can no longer be selected.
    keep = world.ids("Flat One", "Tiered Three")
    with pytest.raises(ValidationError) as error:
        services.select_solutions(
            competition, user=world.buyer, selected=keep, reasons=reasons_for(competition, keep)
        )
    assert "cannot be awarded: it is not accredited" in str(error.value)


def test_selection_needs_2_to_8_awardable_and_a_reason_for_each_left_out(world):
    competition = start(world)
    keep = world.ids("Flat One", "Flat Two")
    reasons = reasons_for(competition, keep)
    missing = dict(reasons)
    missing.pop(world.solutions["Tiered Three"].catalogue_id)
    with pytest.raises(ValidationError) as error:
        services.select_solutions(competition, user=world.buyer, selected=keep, reasons=missing)
    assert error.value.message_dict == {
        f"reason-{world.solutions['Tiered Three'].catalogue_id}": [
            "Say why Tiered Three does not meet your needs"
        ]
    }
    assert not competition.solutions.filter(selected__isnull=False).exists()  # nothing half-saved

    unaccredited = world.ids("Flat One", "Unaccredited Five")
    with pytest.raises(ValidationError, match="Unaccredited Five cannot be awarded"):
        services.select_solutions(
            competition,
            user=world.buyer,
            selected=unaccredited,
            reasons=reasons_for(competition, unaccredited),
        )
    with pytest.raises(ValidationError, match="at least one"):
        services.select_solutions(competition, user=world.buyer, selected=[], reasons={})

    services.select_solutions(competition, user=world.buyer, selected=keep, reasons=reasons)
    competition.refresh_from_db()
    assert competition.route == Route.COMPETITION
    left_out = competition.solutions.get(solution=world.solutions["Practice Four"])
    assert (left_out.selected, left_out.exclusion_reason) == (False, "Does not meet our needs")
    change = history(competition)[-1]
    assert change.details["before"]["selected"] == []
    assert change.details["after"]["selected"] == sorted(keep)

    # Exactly one selected: the direct-award route.
    one = world.ids("Practice Four")
    services.select_solutions(
        competition, user=world.buyer, selected=one, reasons=reasons_for(competition, one)
    )
    competition.refresh_from_db()
    assert competition.route == Route.DIRECT_AWARD


def test_more_than_eight_cannot_be_selected(world):
    from tests.factories import PriceFactory, SolutionFactory

    for number in range(5):
        solution = SolutionFactory(
            name=f"Extra {number}",
            frameworks=[world.framework],
            capabilities=list(world.solutions["Flat One"].capabilities.all()),
            is_accredited=True,
        )
        PriceFactory(solution=solution)
        world.solutions[solution.name] = solution
    from search.indexing import reindex

    reindex([s.pk for s in world.solutions.values()])
    competition = start(world)
    nine = [row.catalogue_id for row in competition.solutions.all() if row.is_accredited]
    assert len(nine) == 9
    with pytest.raises(ValidationError, match="at most 8"):
        services.select_solutions(
            competition, user=world.buyer, selected=nine, reasons=reasons_for(competition, nine)
        )


def test_recipients_are_the_organisations_practices_or_a_csv_with_every_bad_line_reported(world):
    competition = start(world)
    stranger = PracticeFactory(ods_code="X99999")
    with pytest.raises(ValidationError, match="only practices your organisation buys for"):
        services.set_recipients(competition, user=world.buyer, recipients=[world.practices[0], stranger])
    assert not competition.recipients.exists()

    text = "ODS code,Practice name\nY00001,Alpha\n\nnot-a-code,?\nY00001,again\nX99999,stranger\ny00002\n"
    upload = SimpleUploadedFile("recipients.csv", text.encode(), content_type="text/csv")
    with pytest.raises(ValidationError) as error:
        services.parse_recipients_csv(upload, world.icb)
    assert error.value.message_dict["csv_file"] == [
        "Line 4: “NOT-A-CODE” is not a practice ODS code (a letter and five digits)",
        "Line 5: Y00001 is listed twice (first on line 2)",
        "Line 6: X99999 is not an open practice Test ICB buys for",
    ]
    good = SimpleUploadedFile("r.csv", "\ufeffODS code\r\nY00001\r\ny00002\r\n".encode())
    assert [p.ods_code for p in services.parse_recipients_csv(good, world.icb)] == ["Y00001", "Y00002"]
    big = BytesIO(b"Y00001\n" * (services.CSV_MAX_BYTES // 7 + 1))
    with pytest.raises(ValidationError, match="256 KB or smaller"):
        services.parse_recipients_csv(big, world.icb)
    with pytest.raises(ValidationError, match="UTF-8"):
        services.parse_recipients_csv(BytesIO(b"\xff\xfeY\x000\x00"), world.icb)

    template = services.recipients_template_csv(world.icb)
    assert template.splitlines()[:2] == ["ODS code,Practice name (ignored)", "Y00001,Alpha Surgery"]


def test_contract_length_at_most_the_frameworks_maximum_term(world):
    competition = start(world)
    with pytest.raises(ValidationError, match="1 to 36 months"):
        services.set_contract_length(competition, user=world.buyer, months=37)
    with pytest.raises(ValidationError, match="1 to 36 months"):
        services.set_contract_length(competition, user=world.buyer, months=0)
    services.set_contract_length(competition, user=world.buyer, months=24)
    competition.refresh_from_db()
    assert competition.maximum_term_months == 24
    assert history(competition)[-1].details == {
        "before": {"maximum_term_months": None},
        "after": {"maximum_term_months": 24},
        "section": "contract_length",
    }


def test_criteria_weightings_and_what_the_elements_need(world):
    competition = ready_competition(world)
    with pytest.raises(ValidationError) as error:
        services.set_criteria(
            competition,
            user=world.buyer,
            criteria=Criteria.PRICE_AND_NON_PRICE,
            price_weight=95,
            element_weights=EVEN,
        )
    assert set(error.value.message_dict) == {"price_weight", "feature-1", "integration_types"}
    services.set_criteria(
        competition,
        user=world.buyer,
        criteria=Criteria.PRICE_AND_NON_PRICE,
        price_weight=60,
        element_weights={**EVEN, "interoperability": 0, "features": 50},
        feature_requirements=[{"text": "Online triage", "level": "must"}, {"text": "", "level": ""}],
    )
    competition.refresh_from_db()
    assert (competition.price_weight, competition.non_price_weight) == (60, 40)
    assert competition.feature_requirements == [{"text": "Online triage", "level": "must"}]


def test_prices_negotiated_never_above_list_and_quantities_for_every_recipient(world):
    competition = ready_competition(world)
    entries = default_price_entries(competition)
    flat_one, _, tiered = world.ids("Flat One", "Flat Two", "Tiered Three")
    assert entries[flat_one]["quantities"] == {"Y00001": "10000", "Y00002": "6000", "Y00003": "4000"}
    entries[flat_one]["agreed_unit_price"] = "1.01"
    entries[tiered]["agreed_unit_price"] = "1.00"
    entries[tiered]["quantities"]["Y00002"] = "lots"
    with pytest.raises(ValidationError) as error:
        services.set_prices(competition, user=world.buyer, entries=entries)
    assert error.value.message_dict == {
        f"agreed-{flat_one}": ["The negotiated price for Flat One cannot be above its list price (£1)"],
        f"agreed-{tiered}": ["A negotiated price can only replace a flat price; Tiered Three's is tiered"],
        f"quantity-{tiered}-Y00002": ["Enter a whole number of units for Beta Practice (Tiered Three)"],
    }
    assert not competition.solutions.exclude(price_key="").exists()
    entries = default_price_entries(competition)
    entries[flat_one]["agreed_unit_price"] = "0.90"
    services.set_prices(competition, user=world.buyer, entries=entries)
    totals = {cost.solution.catalogue_id: cost.total for cost in results.costs(competition)}
    # 20,000 patients for 3 years: £0.90 negotiated; £1.20 list; per practice volume tiers.
    assert totals == {
        flat_one: Decimal("54000.00"),
        world.ids("Flat Two")[0]: Decimal("72000.00"),
        tiered: Decimal("70800.00"),
    }


def full_scores(competition, by_name: dict[str, tuple[int, int, int, int]]):
    return {
        row.catalogue_id: {
            element: {"score": str(score), "justification": f"{element} looks like a {score}"}
            for element, score in zip(EVEN, by_name[row.solution_name], strict=True)
        }
        for row in results.selected_solutions(competition)
    }


def test_results_rank_by_weighted_total_ties_shown_and_the_award_becomes_an_order(world):
    competition = ready_competition(world)
    services.set_prices(competition, user=world.buyer, entries=default_price_entries(competition))
    # Interoperability would need required integration types: weighted 0 here.
    weights = {"features": 25, "implementation": 25, "interoperability": 0, "service_levels": 50}
    services.set_criteria(
        competition,
        user=world.buyer,
        criteria=Criteria.PRICE_AND_NON_PRICE,
        price_weight=60,
        element_weights=weights,
        feature_requirements=[{"text": "Online triage", "level": "must"}],
    )
    assert not results.ready_for_results(competition)
    bad = full_scores(
        competition, {"Flat One": (3, 3, 3, 3), "Flat Two": (5, 5, 5, 5), "Tiered Three": (4, 4, 4, 4)}
    )
    first = next(iter(bad))
    bad[first]["features"] = {"score": "6", "justification": ""}
    with pytest.raises(ValidationError) as error:
        services.set_scores(competition, user=world.buyer, scores=bad)
    assert set(error.value.message_dict) == {f"score-{first}-features", f"justification-{first}-features"}

    # Flat One: price 5 (cheapest, £60,000), non-price 3 -> 4.2. Flat Two: price 4 (£72,000 is 20%
    # above), non-price 4.5 (25% x 5 + 25% x 5 + 50% x 4) -> 4.2. Tiered Three: price 4, non-price 2 -> 3.2.
    scores = full_scores(
        competition, {"Flat One": (3, 3, 0, 3), "Flat Two": (5, 5, 0, 4), "Tiered Three": (2, 2, 0, 2)}
    )
    services.set_scores(competition, user=world.buyer, scores=scores)
    competition.refresh_from_db()
    assert results.ready_for_results(competition)
    ranked = results.compute_results(competition)
    assert [(r.solution.solution_name, r.price_score, r.total, r.rank, r.tied) for r in ranked] == [
        ("Flat One", 5, Decimal("4.2"), 1, True),
        ("Flat Two", 4, Decimal("4.2"), 1, True),
        ("Tiered Three", 4, Decimal("3.2"), 3, False),
    ]

    flat_two = world.ids("Flat Two")[0]
    with pytest.raises(ValidationError, match="tied for first place"):
        services.award_competition(competition, user=world.buyer)
    with pytest.raises(ValidationError, match="Say why"):
        services.award_competition(competition, user=world.buyer, catalogue_id=flat_two)
    order = services.award_competition(
        competition, user=world.buyer, catalogue_id=flat_two, justification="Better service levels"
    )
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.AWARDED
    assert competition.order == order and order.competition == competition
    assert order.route == "competition" and order.solution == world.solutions["Flat Two"]
    assert sorted(r.ods_code for r in order.recipients.all()) == ["Y00001", "Y00002", "Y00003"]
    assert order.maximum_term_months == 36
    assert order.total_cost() == Decimal("72000.00")
    awarded = history(competition)[-1]
    assert awarded.action == AuditAction.COMPETITION_AWARDED
    assert awarded.details["before"] == {"status": "in_progress"}
    assert awarded.details["after"]["winner"] == flat_two
    assert [r["rank"] for r in awarded.details["results"]] == [1, 1, 3]

    # Awarded: closed to every change, and a second award (a double submit) makes no second order.
    with pytest.raises(services.CompetitionClosed):
        services.award_competition(
            competition, user=world.buyer, catalogue_id=flat_two, justification="again"
        )
    with pytest.raises(services.CompetitionClosed):
        services.set_contract_length(competition, user=world.buyer, months=12)


def test_price_only_award_refused_when_the_winner_lost_accreditation(world):
    competition = ready_competition(world)
    services.set_prices(competition, user=world.buyer, entries=default_price_entries(competition))
    services.set_criteria(competition, user=world.buyer, **PRICE_ONLY)
    competition.refresh_from_db()
    ranked = results.compute_results(competition)
    # Price only ranks by price score: £70,800 and £72,000 are both within 25% of £60,000, so tie.
    assert {r.solution.solution_name: (r.price_score, r.rank, r.tied) for r in ranked} == {
        "Flat One": (5, 1, False),
        "Tiered Three": (4, 2, True),
        "Flat Two": (4, 2, True),
    }
    world.solutions["Flat One"].is_accredited = False
    world.solutions["Flat One"].save()
    with pytest.raises(ValidationError, match="Flat One cannot be awarded: it is not accredited"):
        services.award_competition(competition, user=world.buyer)
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.IN_PROGRESS and competition.order is None


def test_direct_award_only_within_the_value_limit(world, settings):
    competition = start(world)
    one = world.ids("Flat One")
    services.select_solutions(
        competition, user=world.buyer, selected=one, reasons=reasons_for(competition, one)
    )
    services.set_recipients(competition, user=world.buyer, recipients=world.practices)
    services.set_contract_length(competition, user=world.buyer, months=36)
    competition.refresh_from_db()
    routes = results.routes(competition)
    assert routes.estimated_value == Decimal("60000.00")
    assert not routes.available(results.DIRECT_AWARD)
    assert routes.option(results.DIRECT_AWARD).reason == (
        "The estimated value, £60,000.00, is above the £40,000.00 limit for a direct award."
    )
    with pytest.raises(ValidationError, match=r"above the £40,000\.00 limit"):
        services.direct_award(competition, user=world.buyer)

    settings.COMPETITION_DIRECT_AWARD_LIMIT = 60_000
    order = services.direct_award(competition, user=world.buyer)
    competition.refresh_from_db()
    assert order.route == "direct_award" and competition.order == order
    assert history(competition)[-1].action == AuditAction.DIRECT_AWARD


def test_only_the_organisations_buyers_change_a_competition(world):
    competition = start(world)
    outsider = MembershipFactory(role=Role.BUYER).user
    with pytest.raises(PermissionDenied):
        services.set_contract_length(competition, user=outsider, months=12)
    with pytest.raises(PermissionDenied):
        services.create_competition(organisation=world.icb, user=outsider, shortlist=world.shortlist)


def test_one_match_takes_the_direct_award_route_and_big_contracts_leave_the_catalogue(world, settings):
    from procurement import services as procurement_services

    only_one = procurement_services.create_shortlist(
        user=world.buyer, organisation=world.icb, name="Just one", parameters={"q": "Practice Four"}
    )
    single = services.create_competition(organisation=world.icb, user=world.buyer, shortlist=only_one)
    assert single.route == Route.DIRECT_AWARD and single.selection_confirmed
    assert [row.solution_name for row in single.solutions.filter(selected=True)] == ["Practice Four"]

    # Above the catalogue limit a further competition is not available here, and cannot be awarded.
    settings.COMPETITION_CATALOGUE_LIMIT = 70_000
    competition = ready_competition(world)
    services.set_prices(competition, user=world.buyer, entries=default_price_entries(competition))
    services.set_criteria(competition, user=world.buyer, **PRICE_ONLY)
    competition.refresh_from_db()
    routes = results.routes(competition)
    assert routes.estimated_value == Decimal("72000.00")
    assert not routes.available(results.COMPETITION)
    assert (
        "above the £70,000.00 limit for a competition on the catalogue"
        in routes.option(results.COMPETITION).reason
    )
    assert "outside this service" in routes.option(results.OFF_CATALOGUE).reason
    with pytest.raises(ValidationError, match="limit for a competition on the catalogue"):
        services.award_competition(competition, user=world.buyer)
