"""The order's task list: its sections, in order, and whether each is complete. Completing an order
requires every section to be complete (services.complete_order checks it again under the lock)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from .models import Order

NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_START = "not_started", "in_progress", "completed", "cannot_start"
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    COMPLETED: "Completed",
    CANNOT_START: "Cannot start yet",
}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    status: str
    problems: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_complete(self) -> bool:
        return self.status == COMPLETED


SECTION_TITLES = {
    "description": "Order description",
    "ordering-party": "Ordering party and contact",
    "supplier": "Supplier and contact",
    "term": "Commencement date, initial period and maximum term",
    "recipients": "Service recipients",
    "items": "Catalogue solution, additional and associated services",
    "delivery": "Planned delivery dates",
    "funding": "Funding source",
    "review": "Review and complete",
}


def _status(problems: list[str], started: bool) -> str:
    if not problems:
        return COMPLETED
    return IN_PROGRESS if started else NOT_STARTED


def term_problems(order: Order) -> list[str]:
    problems = []
    if order.commencement_date is None:
        problems.append("Enter a commencement date.")
    if order.initial_period_months is None:
        problems.append("Enter the initial period.")
    if order.maximum_term_months is None:
        problems.append("Enter the maximum term.")
    elif order.maximum_term_months > order.framework_maximum_term_months:
        problems.append(
            f"The maximum term must be {order.framework_maximum_term_months} months or fewer "
            f"({order.framework_name}'s maximum)."
        )
    if (
        order.initial_period_months is not None
        and order.maximum_term_months is not None
        and order.initial_period_months > order.maximum_term_months
    ):
        problems.append("The initial period cannot be longer than the maximum term.")
    return problems


def item_problems(order: Order, items: list, recipients: list) -> list[str]:
    problems = []
    if not any(item.item_type == "solution" for item in items):
        problems.append("Add the catalogue solution's price.")
    for item in items:
        if item.is_per_recipient:
            missing = [r.ods_code for r in recipients if not item.recipient_quantities.get(r.ods_code)]
            if not recipients or missing:
                problems.append(f"Enter a quantity for each service recipient of {item.name}.")
        elif not item.quantity:
            problems.append(f"Enter a quantity for {item.name}.")
        if item.is_on_demand and not item.estimation_period:
            problems.append(f"Choose whether the quantity of {item.name} is per month or per year.")
    return problems


def sections(order: Order) -> list[Section]:
    """Every section with its status. Reads the items and recipients (prefetched by with_details)."""
    items, recipients = list(order.items.all()), list(order.recipients.all())
    result: dict[str, tuple[list[str], bool]] = {}
    result["description"] = ([] if order.description.strip() else ["Enter a description."], False)
    contact = [order.ordering_party_contact_name, order.ordering_party_contact_email]
    result["ordering-party"] = (
        [] if all(contact) else ["Enter the ordering party's contact name and email address."],
        any(contact),
    )
    supplier_contact = [order.supplier_contact_name, order.supplier_contact_email]
    result["supplier"] = (
        [] if all(supplier_contact) else ["Enter the supplier's contact name and email address."],
        any(supplier_contact),
    )
    term = term_problems(order)
    result["term"] = (term, len(term) < 3)
    result["recipients"] = ([] if recipients else ["Choose at least one service recipient."], False)
    result["items"] = (item_problems(order, items, recipients), bool(items))
    missing_dates = [item.name for item in items if item.planned_delivery_date is None]
    result["delivery"] = (
        [f"Enter a planned delivery date for {name}." for name in missing_dates]
        if items
        else ["Add items first."],
        bool(items) and len(missing_dates) < len(items),
    )
    missing_funding = [item.name for item in items if not item.funding_source]
    result["funding"] = (
        [f"Choose the funding source for {name}." for name in missing_funding]
        if items
        else ["Add items first."],
        bool(items) and len(missing_funding) < len(items),
    )
    built = [
        Section(key, SECTION_TITLES[key], _status(problems, started), tuple(problems))
        for key, (problems, started) in result.items()
    ]
    ready = all(section.is_complete for section in built)
    review_problems = () if ready else ("Complete every other section first.",)
    built.append(
        Section(
            "review",
            SECTION_TITLES["review"],
            (COMPLETED if order.status != "in_progress" else NOT_STARTED) if ready else CANNOT_START,
            review_problems,
        )
    )
    return built


def completion_problems(order: Order) -> list[str]:
    """Everything that stops the order being completed now, in words."""
    problems = [
        problem for section in sections(order) if section.key != "review" for problem in section.problems
    ]
    # A new order may not start in the past; an amendment changes a contract that may have started.
    if order.revision == 1 and order.commencement_date and order.commencement_date < timezone.localdate():
        problems.append("The commencement date is in the past: change it to today or later.")
    return problems
