"""Comparing 2 to 4 solutions side by side, with estimated costs: a plain data structure the page, the
CSV and the PDF all render.

Everything comes from the GET query string, so a comparison is a shareable link:

  solution=<catalogue id>     2 to 4 times
  term=<months>               1 to the frameworks' maximum call-off term (default 36)
  list_size=<n>               a list size anyone can type (a practice of that size)
  costs=1                     the cost form was submitted, so `practice` lists exactly what is included
  practice=<ODS code>         signed-in buyers: a practice of request.organisation to include
  size-<ODS code>=<n>         its list size, as edited (pre-filled from the practice's registered size)

There is no organisation parameter: the practices offered are always those of the organisation the
signed-in user acts for (request.organisation), and a practice code that is not one of them is refused.

Rows are data-driven: `SECTIONS` is a list of functions, each turning the loaded solutions into one
section of rows; adding a row (such as "works with your systems") is adding or extending one of them.
The page costs a fixed number of queries whatever the number of solutions or practices.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from accounts.models import BUYER_ORGANISATION_TYPES, Organisation
from catalogue.conformance.display import CAPABILITY_STATES, EPIC_STATES, STANDARD_STATES
from catalogue.models import (
    AdditionalService,
    Capability,
    EpicLevel,
    Price,
    Solution,
    SolutionIntegration,
    Standard,
)
from catalogue.pricing import describe_price

from ..works_with import OurSystems, works_with_solution
from .conformance import SolutionConformance, conformance_of
from .costs import Recipient, SolutionCost, solution_cost

MIN_SOLUTIONS, MAX_SOLUTIONS = 2, 4
DEFAULT_TERM_MONTHS = 36
MAX_LIST_SIZE = 1_000_000
# A link with many wrong practice codes gets a few named and a count, not a page of errors.
MAX_NAMED_UNKNOWN = 5
NOT_STATED = "Not stated"
NOT_CLAIMED = "Not claimed"
MAX_NUMBER_LENGTH = 15  # "1,000,000,000" and some spaces; anything longer is not a list size or a term
_WHOLE_NUMBER = re.compile(r"^[0-9][0-9,]*$")


# --- What is shown ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of a cell: words, optionally a status tag (words and NHS colour) and a detail (a date)."""

    text: str = ""
    tag: str = ""
    colour: str = ""
    detail: str = ""

    def __str__(self) -> str:
        return " ".join(part for part in (self.text, self.tag, self.detail) if part)


@dataclass
class Cell:
    lines: list[Line] = field(default_factory=list)
    more: list[Line] = field(default_factory=list)  # folded away on the page (epics under a capability)
    more_label: str = ""
    more_context: str = ""  # read out after more_label by screen readers: which row and solution

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def as_text(self) -> str:
        """The cell as one line of plain text (CSV)."""
        text = "; ".join(str(line) for line in self.lines) or NOT_STATED
        if self.more:
            text += f" ({self.more_label}: " + "; ".join(str(line) for line in self.more) + ")"
        return text


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row]
    note: str = ""
    link_text: str = ""  # a link under the note (such as "Record your systems")
    link_url: str = ""


@dataclass
class PracticeChoice:
    """A practice of the acting organisation in the cost form."""

    code: str
    name: str
    registered_size: int | None
    included: bool
    size_value: str  # what the list size box holds
    error: str = ""

    @property
    def input_id(self) -> str:
        return f"practice-{self.code}"

    @property
    def size_id(self) -> str:
        return f"size-{self.code}"


@dataclass
class Comparison:
    solution_ids: list[str]  # as asked for, cleaned
    solutions: list[Solution] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (input id, message)
    term_months: int = DEFAULT_TERM_MONTHS
    term_value: str = str(DEFAULT_TERM_MONTHS)
    max_term_months: int = DEFAULT_TERM_MONTHS
    list_size_value: str = ""
    list_size_error: str = ""
    term_error: str = ""
    practices: list[PracticeChoice] = field(default_factory=list)
    organisation: Organisation | None = None
    recipients: list[Recipient] = field(default_factory=list)
    costs: list[SolutionCost] = field(default_factory=list)

    @property
    def has_costs(self) -> bool:
        return any(cost.cost is not None for cost in self.costs)

    @property
    def included_count(self) -> int:
        return sum(practice.included for practice in self.practices)

    @property
    def practice_errors(self) -> bool:
        """Whether the practices list needs fixing (the page opens it)."""
        return any(anchor == "practices" or anchor.startswith("size-") for anchor, _ in self.errors)

    @property
    def total_list_size(self) -> int:
        return sum(recipient.list_size for recipient in self.recipients)

    def query_string(self) -> str:
        """The comparison as a query string: the shareable link, and the exports' parameters."""
        pairs: list[tuple[str, str]] = [("solution", sid) for sid in self.solution_ids]
        pairs.append(("term", self.term_value))
        if self.list_size_value:
            pairs.append(("list_size", self.list_size_value))
        if self.practices:
            pairs.append(("costs", "1"))
            for practice in self.practices:
                if practice.included:
                    pairs.append(("practice", practice.code))
                pairs.append((f"size-{practice.code}", practice.size_value))
        return urlencode(pairs)


# --- Sections (data-driven rows) ---------------------------------------------------------------------


@dataclass
class Loaded:
    """What the section builders read: the solutions (prefetched) and their conformance."""

    solutions: list[Solution]
    conformance: dict[int, SolutionConformance]
    overarching: list[Standard]
    organisation: Organisation | None = None  # the one the user acts for ("works with your systems")


def _date(value) -> str:
    return date_format(localtime(value), "j F Y") if value else ""


def _text_cell(value: str) -> Cell:
    value = (value or "").strip()
    return Cell([Line(value)] if value else [])


def _list_cell(values: Sequence[str]) -> Cell:
    return Cell([Line(value) for value in values if value])


def overview_section(loaded: Loaded) -> Section:
    solutions = loaded.solutions
    return Section(
        "overview",
        "Overview",
        [
            Row("supplier", "Supplier", [_text_cell(s.supplier.name) for s in solutions]),
            Row("solution_id", "Solution ID", [_text_cell(s.catalogue_id) for s in solutions]),
            Row(
                "frameworks",
                "Frameworks",
                [_list_cell([str(f) for f in s.frameworks.all()]) for s in solutions],
            ),
            Row(
                "accreditation",
                "Accreditation",
                [
                    Cell([Line(tag="Accredited", colour="green")])
                    if s.is_accredited
                    else Cell([Line(tag="Not accredited", colour="grey")])
                    for s in solutions
                ],
            ),
            Row("summary", "Summary", [_text_cell(s.summary) for s in solutions]),
        ],
    )


def capabilities_section(loaded: Loaded) -> Section:
    capabilities: dict[int, Capability] = {}
    for solution in loaded.solutions:
        capabilities.update({c.pk: c for c in solution.capabilities.all()})
    rows = []
    for capability in sorted(capabilities.values(), key=lambda c: (c.sort_key, c.ref)):
        cells = []
        for solution in loaded.solutions:
            result = loaded.conformance[solution.pk].capabilities.get(capability.pk)
            if result is None:
                cells.append(Cell([Line(NOT_CLAIMED)]))
                continue
            label, colour = CAPABILITY_STATES[result.status]
            detail = f"Latest result {_date(result.as_of)}" if result.as_of else "No results yet"
            epics = [
                Line(
                    text=f"{epic.code} {epic.name}"
                    + (f" ({EpicLevel(epic.level).label.lower()})" if epic.level in EpicLevel.values else ""),
                    tag=EPIC_STATES[epic.state][0],
                    colour=EPIC_STATES[epic.state][1],
                    detail=_date(epic.tested_at),
                )
                for epic in result.epics
            ]
            cells.append(
                Cell(
                    [Line(tag=label, colour=colour, detail=detail)],
                    epics,
                    "Epics",
                    f" of {capability.ref} in {solution.name}",
                )
            )
        rows.append(Row(f"capability-{capability.ref}", f"{capability.ref} {capability.name}", cells))
    return Section(
        "capabilities",
        "Capabilities and epics",
        rows,
        note="A solution meets a capability when it has passed every “must” epic of it in the standards "
        "test harness. Open a capability's epics to see each result and its date.",
    )


def standards_section(loaded: Loaded) -> Section:
    standards: dict[int, Standard] = {s.pk: s for s in loaded.overarching}
    for solution in loaded.solutions:
        standards.update({s.pk: s for s in solution.standards.all()})
    rows = []
    for standard in sorted(
        standards.values(), key=lambda s: (s.standard_type != "overarching", s.sort_key, s.ref)
    ):
        cells = []
        for solution in loaded.solutions:
            result = loaded.conformance[solution.pk].standards.get(standard.pk)
            if result is None:
                cells.append(Cell([Line(NOT_CLAIMED)]))
                continue
            label, colour = STANDARD_STATES[result.status]
            if result.tested_at:
                detail = f"{EPIC_STATES[result.state][0]} {_date(result.tested_at)}"
            else:
                detail = "Not tested"
            cells.append(Cell([Line(tag=label, colour=colour, detail=detail)]))
        label = f"{standard.ref} {standard.name}"
        if standard.standard_type == "overarching":
            label += " (overarching)"
        rows.append(Row(f"standard-{standard.ref}", label, cells))
    return Section(
        "standards",
        "Standards",
        rows,
        note="Overarching standards apply to every solution; the others where the supplier claims them.",
    )


def _integrations(solution: Solution) -> list[str]:
    lines = []
    for integration in solution.integrations.all():
        direction = "provides it" if integration.direction == "provider" else "uses it"
        text = f"{integration.integration_type} ({direction})"
        if integration.integrates_with:
            text += f", connects to {integration.integrates_with}"
        lines.append(text)
    return lines


def _additional_services(solution: Solution) -> list[str]:
    lines = []
    for service in solution.public_additional_services:
        prices = "; ".join(describe_price(p, p.tiers.all()) for p in service.list_prices)
        lines.append(f"{service.name}: {prices}" if prices else service.name)
    return lines


def service_section(loaded: Loaded) -> Section:
    solutions = loaded.solutions
    return Section(
        "service",
        "Service, hosting and integrations",
        [
            Row("integrations", "Integrations", [_list_cell(_integrations(s)) for s in solutions]),
            Row(
                "hosting",
                "Hosting",
                [
                    _list_cell([h.get_hosting_type_display() for h in s.hosting_options.all()])
                    for s in solutions
                ],
            ),
            Row(
                "client_applications",
                "Client application types",
                [
                    _list_cell([c.get_application_type_display() for c in s.client_applications.all()])
                    for s in solutions
                ],
            ),
            Row(
                "sla",
                "Service level agreement",
                [_text_cell(s.get_sla_type_display() if s.sla_type else "") for s in solutions],
            ),
            Row(
                "implementation",
                "Implementation timescales",
                [_text_cell(s.implementation_timescales) for s in solutions],
            ),
            Row(
                "additional_services",
                "Additional services",
                [_list_cell(_additional_services(s)) for s in solutions],
            ),
            Row(
                "list_prices",
                "List prices",
                [_list_cell([describe_price(p, p.tiers.all()) for p in s.list_prices]) for s in solutions],
            ),
        ],
    )


def works_with_section(loaded: Loaded) -> Section | None:
    """The "Works with your systems" row (procurement/works_with.py): for a buyer organisation that
    recorded its systems, how each solution connects to them; one that has not gets a link to record them;
    anyone else (anonymous, suppliers) no section. Two queries, whatever the solutions."""
    organisation = loaded.organisation
    if organisation is None or organisation.org_type not in BUYER_ORGANISATION_TYPES:
        return None
    title = "Works with your systems"
    ours = OurSystems.of(organisation)
    if not ours:
        return Section(
            "works_with",
            title,
            [],
            note="Record your principal clinical system and the modules you run to see which of these "
            "solutions work with them.",
            link_text="Record your systems",
            link_url=reverse("procurement:systems"),
        )
    cells = []
    for solution in loaded.solutions:
        result = works_with_solution(solution, ours)
        if result:
            cells.append(
                Cell([Line(tag="Works with your systems", colour="green"), *map(Line, result.lines())])
            )
        elif result.already_runs:
            cells.append(Cell([Line(tag="You already run this", colour="blue")]))
        else:
            cells.append(Cell([Line("No integration with your systems declared")]))
    names = ", ".join(system.name for system in ours.systems)
    return Section(
        "works_with",
        title,
        [Row("works_with", title, cells)],
        note=f"Your systems: {names}. A solution works with them when it uses an integration one of them "
        "provides, provides one they use, or its supplier names one of them.",
        link_text="Change your systems",
        link_url=reverse("procurement:systems"),
    )


SECTIONS: list[Callable[[Loaded], Section | None]] = [
    overview_section,
    works_with_section,
    capabilities_section,
    standards_section,
    service_section,
]
"""The comparison's sections in order. Each builds one section's rows from `Loaded` (None: no section)."""


# --- Loading -----------------------------------------------------------------------------------------


def _published_prices():
    return Price.objects.filter(is_published=True).prefetch_related("tiers")


def comparable_solutions(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Solution]:
    """The solutions `user` may compare (the permission-aware queryset), with everything the
    comparison reads prefetched: a fixed number of queries whatever is claimed."""
    return (
        Solution.objects.visible_to(user)
        .select_related("supplier__organisation")
        .prefetch_related(
            "frameworks",
            "capabilities",
            "standards",
            Prefetch(
                "integrations",
                queryset=SolutionIntegration.objects.select_related("integration_type__integration"),
            ),
            "hosting_options",
            "client_applications",
            Prefetch("prices", queryset=_published_prices(), to_attr="list_prices"),
            Prefetch(
                "additional_services",
                queryset=AdditionalService.objects.published().prefetch_related(
                    Prefetch("prices", queryset=_published_prices(), to_attr="list_prices")
                ),
                to_attr="public_additional_services",
            ),
        )
    )


def _whole_number(value: str) -> int | None:
    """A whole number as people type it ("8,000" too), or None when it is not one."""
    value = value.strip().replace(" ", "")
    # Length first: int() refuses (with an exception) numbers of thousands of digits.
    if len(value) > MAX_NUMBER_LENGTH or not _WHOLE_NUMBER.match(value):
        return None
    return int(value.replace(",", ""))


def _list_size(value: str, subject: str) -> tuple[int | None, str]:
    """(the list size, "") or (None, what is wrong with it)."""
    number = _whole_number(value)
    if number is None:
        return None, f"Enter {subject} as a whole number, such as 8,000"
    if number > MAX_LIST_SIZE:
        return None, f"Enter {subject} of {MAX_LIST_SIZE:,} or fewer"
    return number, ""


def _solution_ids(params: QueryDict) -> list[str]:
    ids: list[str] = []
    for value in params.getlist("solution"):
        value = value.strip()
        if value and value not in ids:
            ids.append(value)
    return ids


def _max_term(solutions: Sequence[Solution]) -> int:
    """The longest term every compared solution can be called off for: each solution's longest
    framework term, the shortest of those (a solution on no framework does not limit it)."""
    terms = [max(f.maximum_term_months for f in s.frameworks.all()) for s in solutions if s.frameworks.all()]
    return min(terms) if terms else DEFAULT_TERM_MONTHS


def _practice_choices(
    params: QueryDict, practices: Sequence[Organisation], comparison: Comparison
) -> list[Recipient]:
    """The acting organisation's practices as the form shows them, and those included as recipients.
    Before the form is submitted every practice with a known list size is included at that size."""
    submitted = params.get("costs") == "1"
    known = {p.ods_code for p in practices}
    chosen = set(params.getlist("practice"))
    unknown = sorted(chosen - known)
    for code in unknown[:MAX_NAMED_UNKNOWN]:
        # Named as given, never looked up: another organisation's practices are not shown here.
        comparison.errors.append(("practices", f"{code[:20]} is not one of the practices you buy for"))
    if len(unknown) > MAX_NAMED_UNKNOWN:
        more = len(unknown) - MAX_NAMED_UNKNOWN
        comparison.errors.append(("practices", f"{more} more practice codes are not practices you buy for"))
    recipients = []
    for practice in practices:
        registered = practice.list_size
        # Before the form is sent, every practice whose list size is known is included.
        included = practice.ods_code in chosen if submitted else registered is not None
        key = f"size-{practice.ods_code}"
        # A box the buyer emptied stays empty (and is asked about); one missing from the link, or the
        # form not yet sent, starts from the registered list size.
        if submitted and key in params:
            size_value = params[key].strip()
        else:
            size_value = str(registered) if registered is not None else ""
        choice = PracticeChoice(practice.ods_code, practice.name, registered, included, size_value)
        comparison.practices.append(choice)
        if not included:
            continue
        if not size_value:
            choice.error = f"Enter a list size for {practice.name}, or leave it out"
        else:
            size, choice.error = _list_size(size_value, f"the list size of {practice.name}")
            if size is not None:
                recipients.append(Recipient(practice.ods_code, practice.name, size))
        if choice.error:
            comparison.errors.append((choice.size_id, choice.error))
    return recipients


def build_comparison(
    params: QueryDict,
    *,
    user: AbstractBaseUser | AnonymousUser,
    organisation: Organisation | None,
    practices: Sequence[Organisation] = (),
) -> Comparison:
    """The comparison the query string asks for, as `user` may see it, with costs for the practices of
    `organisation` (given as `practices`, loaded by the caller) and any typed list size."""
    comparison = Comparison(solution_ids=_solution_ids(params), organisation=organisation)
    ids = comparison.solution_ids

    if len(ids) < MIN_SOLUTIONS:
        chosen = "no solutions" if not ids else "1 solution"
        comparison.errors.append(
            (
                "solutions",
                f"You chose {chosen}. Choose {MIN_SOLUTIONS} to {MAX_SOLUTIONS} solutions to compare",
            )
        )
    elif len(ids) > MAX_SOLUTIONS:
        comparison.errors.append(
            ("solutions", f"You chose {len(ids)} solutions. Choose at most {MAX_SOLUTIONS} to compare")
        )
    else:
        found = {s.catalogue_id: s for s in comparable_solutions(user).filter(catalogue_id__in=ids)}
        # Unknown ids and listings this user may not see get the same answer, so nothing leaks.
        for sid in ids:
            if sid not in found:
                comparison.errors.append(
                    ("solutions", f"There is no listed solution with the ID {sid[:20]}. Check the link")
                )
        comparison.solutions = [found[sid] for sid in ids if sid in found]

    comparison.max_term_months = _max_term(comparison.solutions)
    comparison.term_value = params.get("term", "").strip() or str(
        min(DEFAULT_TERM_MONTHS, comparison.max_term_months)
    )
    term = _whole_number(comparison.term_value)
    if term is None or not 1 <= term <= comparison.max_term_months:
        comparison.term_error = (
            f"Enter a term of 1 to {comparison.max_term_months} months, the longest call-off the "
            "frameworks allow"
        )
        comparison.errors.append(("term", comparison.term_error))
    else:
        comparison.term_months = term

    recipients = _practice_choices(params, practices, comparison) if practices else []
    comparison.list_size_value = params.get("list_size", "").strip()
    if comparison.list_size_value:
        size, comparison.list_size_error = _list_size(comparison.list_size_value, "the list size")
        if comparison.list_size_error:
            comparison.errors.append(("list-size", comparison.list_size_error))
        elif size == 0:
            comparison.list_size_error = "Enter a list size of 1 or more"
            comparison.errors.append(("list-size", comparison.list_size_error))
        else:
            recipients.append(Recipient("", "A practice of the list size you entered", size))
    comparison.recipients = recipients

    if len(comparison.solutions) < MIN_SOLUTIONS or len(comparison.solutions) != len(ids):
        return comparison
    conformance, overarching = conformance_of(comparison.solutions)
    loaded = Loaded(comparison.solutions, conformance, overarching, organisation)
    comparison.sections = [section for build in SECTIONS if (section := build(loaded)) is not None]
    if not comparison.errors:
        comparison.costs = [
            solution_cost(s, recipients, comparison.term_months) for s in comparison.solutions
        ]
    return comparison


def practices_for(organisation: Organisation | None) -> list[Organisation]:
    """The practices an organisation buys for (one query), for the cost form."""
    if organisation is None:
        return []
    return list(
        Organisation.objects.practices_of(organisation)
        .only("pk", "ods_code", "name", "list_size")
        .order_by("name")
    )
