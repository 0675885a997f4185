"""Reading a competition: what each selected solution costs over the contract (from its frozen price
list, by the price engine), the routes open to the buyer at the estimated value, how far each task
has got, and the ranked results. Nothing here changes anything (services.py does)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from accounts.models import Organisation
from catalogue.pricing import Cost, format_money, to_pence

from . import scoring
from .models import Competition, CompetitionSolution, Criteria, Route

DIRECT_AWARD = "direct_award"
COMPETITION = "competition"
OFF_CATALOGUE = "off_catalogue"


def direct_award_limit() -> Decimal:
    return Decimal(str(getattr(settings, "COMPETITION_DIRECT_AWARD_LIMIT", 40_000)))


def catalogue_competition_limit() -> Decimal:
    return Decimal(str(getattr(settings, "COMPETITION_CATALOGUE_LIMIT", 250_000)))


def allowed_term(competition: Competition, solutions: Sequence[CompetitionSolution] | None = None) -> int:
    """The longest contract the frameworks allow: the shortest maximum term among the live frameworks
    of the solutions in play (the selected ones, or all frozen ones before the selection)."""
    if solutions is None:
        solutions = selected_solutions(competition) or list(competition.solutions.all())
    terms = [
        framework["maximum_term_months"]
        for solution in solutions
        for framework in solution.frameworks
        if framework.get("live")
    ]
    return min(terms) if terms else 0


def recipients_of(competition: Competition) -> list[Organisation]:
    """The recipients, from the prefetch when there is one (Competition.objects.with_details()), else
    loading only what costs need: an ICB's competition may have hundreds."""
    if "recipients" in getattr(competition, "_prefetched_objects_cache", {}):
        return list(competition.recipients.all())
    return list(
        competition.recipients.only("pk", "ods_code", "name", "list_size").order_by("name", "ods_code")
    )


def selected_solutions(competition: Competition) -> list[CompetitionSolution]:
    return [solution for solution in competition.solutions.all() if solution.selected]


def default_price(solution: CompetitionSolution) -> dict | None:
    """The price a buyer most likely means, as compare does: per patient, else per practice, else the
    first one listed."""
    prices = solution.prices
    for price in prices:
        if price["provisioning_type"] == "per_patient":
            return price
    for price in prices:
        if price["provisioning_type"] == "declarative" and price["unit_description"].strip().lower() in {
            "per practice",
            "practice",
        }:
            return price
    return prices[0] if prices else None


def default_quantity(price: dict, recipient: Organisation) -> int:
    """Pre-filled quantity: a per-patient price counts the practice's registered list size; anything
    else one unit per practice, for the buyer to change."""
    if price["provisioning_type"] == "per_patient":
        return recipient.list_size or 0
    return 1


@dataclass(frozen=True)
class SolutionCost:
    solution: CompetitionSolution
    price: dict | None
    quantities: dict[str, int]
    agreed_unit_price: Decimal | None
    cost: Cost | None

    @property
    def total(self) -> Decimal | None:
        return to_pence(self.cost.total) if self.cost else None

    @property
    def price_text(self) -> str:
        if self.price is None:
            return "No price"
        return describe_frozen_price(self.price)


def describe_frozen_price(price: dict) -> str:
    from catalogue.pricing import describe_price

    frozen = scoring.FrozenPrice.from_snapshot(price)

    class _Price:  # describe_price reads these attributes
        price_type = frozen.price_type
        calculation_type = price["calculation_type"]
        time_unit = price["time_unit"]
        unit_description = price.get("unit_description", "")
        range_description = price.get("range_description", "")
        pk = None

    return describe_price(_Price(), frozen.tiers)


def solution_cost(
    solution: CompetitionSolution, recipients: Sequence[Organisation], term_months: int | None
) -> SolutionCost:
    """The whole-contract cost of a solution at the price and quantities recorded for it (or, before
    the buyer records them, the default price and the list sizes)."""
    price = solution.price() or default_price(solution)
    if price is None:
        return SolutionCost(solution, None, {}, None, None)
    stored = solution.quantities or {}
    quantities = {
        recipient.ods_code: int(stored.get(recipient.ods_code, default_quantity(price, recipient)))
        for recipient in recipients
    }
    agreed = solution.agreed_unit_price if solution.price_key == price["key"] else None
    if not recipients or not term_months:
        return SolutionCost(solution, price, quantities, agreed, None)
    cost = scoring.contract_cost(
        scoring.FrozenPrice.from_snapshot(price), list(quantities.values()), term_months, agreed
    )
    return SolutionCost(solution, price, quantities, agreed, cost)


def costs(competition: Competition) -> list[SolutionCost]:
    recipients = recipients_of(competition)
    return [
        solution_cost(solution, recipients, competition.maximum_term_months)
        for solution in selected_solutions(competition)
    ]


@dataclass(frozen=True)
class RouteOption:
    route: str
    title: str
    available: bool
    reason: str


@dataclass(frozen=True)
class Routes:
    estimated_value: Decimal | None
    options: list[RouteOption]

    def available(self, route: str) -> bool:
        return any(option.route == route and option.available for option in self.options)

    def option(self, route: str) -> RouteOption:
        return next(option for option in self.options if option.route == route)


def estimated_value(competition: Competition, solution_costs: Sequence[SolutionCost]) -> Decimal | None:
    """The contract's estimated value: the highest whole-contract total among the solutions in play
    (the value the buyer might commit to), or None until recipients and length are known."""
    totals = [cost.total for cost in solution_costs]
    if not totals or any(total is None for total in totals):
        return None
    return max(totals)


def routes(competition: Competition, solution_costs: Sequence[SolutionCost] | None = None) -> Routes:
    """The routes the framework's value thresholds allow, each with the reason when it is not open."""
    if solution_costs is None:
        solution_costs = costs(competition)
    value = estimated_value(competition, solution_costs)
    count = len(solution_costs)
    direct_limit, catalogue_limit = direct_award_limit(), catalogue_competition_limit()

    if count != 1:
        direct = RouteOption(
            DIRECT_AWARD,
            "Direct award",
            False,
            f"A direct award is only for when exactly one solution meets your needs; {count} are selected."
            if count
            else "Choose the solution that meets your needs first.",
        )
    elif value is None:
        direct = RouteOption(
            DIRECT_AWARD, "Direct award", False, "Choose service recipients and a contract length first."
        )
    elif value > direct_limit:
        direct = RouteOption(
            DIRECT_AWARD,
            "Direct award",
            False,
            f"The estimated value, {format_money(value)}, is above the {format_money(direct_limit)} "
            "limit for a direct award.",
        )
    else:
        direct = RouteOption(
            DIRECT_AWARD, "Direct award", True, f"Up to {format_money(direct_limit)}: you can award directly."
        )

    if not 2 <= count <= 8:
        competition_option = RouteOption(
            COMPETITION,
            "Further competition",
            False,
            "A further competition needs 2 to 8 solutions that meet your needs.",
        )
    elif value is not None and value > catalogue_limit:
        competition_option = RouteOption(
            COMPETITION,
            "Further competition",
            False,
            f"The estimated value, {format_money(value)}, is above the {format_money(catalogue_limit)} "
            "limit for a competition on the catalogue.",
        )
    else:
        competition_option = RouteOption(
            COMPETITION,
            "Further competition",
            True,
            f"Up to {format_money(catalogue_limit)}: compete the selected solutions on the catalogue.",
        )

    off = RouteOption(
        OFF_CATALOGUE,
        "Off-catalogue competition",
        False,
        f"Above {format_money(catalogue_limit)} a competition is run off the catalogue, outside this service."
        if value is not None and value > catalogue_limit
        else f"Only for contracts above {format_money(catalogue_limit)}.",
    )
    return Routes(value, [direct, competition_option, off])


# --- The task list ------------------------------------------------------------------------------------

NOT_STARTED, COMPLETED, CANNOT_START = "Not started", "Completed", "Cannot start yet"


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    url_name: str
    status: str

    @property
    def done(self) -> bool:
        return self.status == COMPLETED

    @property
    def startable(self) -> bool:
        return self.status != CANNOT_START


def prices_done(competition: Competition) -> bool:
    selected = selected_solutions(competition)
    return bool(selected) and all(solution.price() is not None for solution in selected)


def scores_done(competition: Competition) -> bool:
    if competition.criteria == Criteria.PRICE_ONLY:
        return True
    if competition.criteria != Criteria.PRICE_AND_NON_PRICE:
        return False
    elements = [element for element, weight in competition.element_weights().items() if weight]
    return all(
        all(element in (solution.scores or {}) for element in elements)
        for solution in selected_solutions(competition)
    )


def tasks(competition: Competition) -> list[Task]:
    """The sections of the call-off and how far each has got. Recipients and length come after the
    selection; criteria, prices and scores belong to the competition route only."""
    selected = competition.selection_confirmed

    def status(done: bool, can_start: bool = True) -> str:
        return COMPLETED if done else (NOT_STARTED if can_start else CANNOT_START)

    items = [
        Task("solutions", "Choose solutions", "competitions:solutions", status(selected)),
        Task(
            "recipients",
            "Service recipients",
            "competitions:recipients",
            status(competition.recipients_confirmed, selected),
        ),
        Task(
            "contract_length",
            "Contract length",
            "competitions:contract-length",
            status(competition.maximum_term_months is not None, selected),
        ),
    ]
    if competition.route == Route.DIRECT_AWARD:
        return items
    ready = selected and competition.recipients_confirmed and competition.maximum_term_months is not None
    items += [
        Task(
            "criteria",
            "Award criteria and weightings",
            "competitions:criteria",
            status(bool(competition.criteria), selected),
        ),
        Task(
            "prices", "Prices and quantities", "competitions:prices", status(prices_done(competition), ready)
        ),
        Task(
            "scores",
            "Score the solutions",
            "competitions:scores",
            status(
                bool(competition.criteria) and scores_done(competition), ready and bool(competition.criteria)
            ),
        ),
    ]
    return items


# --- Results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    solution: CompetitionSolution
    cost: SolutionCost
    price_score: int
    element_scores: dict[str, int]
    non_price: Decimal | None
    total: Decimal
    rank: int
    tied: bool

    @property
    def total_text(self) -> str:
        return f"{self.total:.2f}"


def compute_results(
    competition: Competition, solution_costs: Sequence[SolutionCost] | None = None
) -> list[Result]:
    """Every selected solution scored and ranked, highest first. Needs prices, recipients, length and
    (for non-price criteria) scores: callers check `ready_for_results` first."""
    if solution_costs is None:
        solution_costs = costs(competition)
    totals = [cost.cost.total for cost in solution_costs]
    cheapest = min(totals)
    price_weight = competition.price_weight if competition.criteria == Criteria.PRICE_AND_NON_PRICE else 100
    weights = competition.element_weights()
    rows: dict[str, tuple] = {}
    for cost in solution_costs:
        solution = cost.solution
        points = scoring.price_score(cost.cost.total, cheapest)
        element_scores = {
            element: int(entry["score"])
            for element, entry in (solution.scores or {}).items()
            if element in weights
        }
        non_price = scoring.non_price_score(weights, element_scores) if price_weight < 100 else None
        total = scoring.weighted_total(price_weight, points, weights, element_scores)
        rows[solution.catalogue_id] = (solution, cost, points, element_scores, non_price, total)
    ranked = scoring.rank({key: row[5] for key, row in rows.items()})
    return [Result(*rows[item.key], rank=item.rank, tied=item.tied) for item in ranked]


def ready_for_results(competition: Competition) -> bool:
    return all(task.done for task in tasks(competition)) and competition.route == Route.COMPETITION


def winners(results: Sequence[Result]) -> list[Result]:
    return [result for result in results if result.rank == 1]
