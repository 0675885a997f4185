"""The order lifecycle as an explicit map: which action may move an order from which status, and to
which. Service functions call `check` inside their transaction (after locking the row), so an illegal
move, including a second completion racing the first, raises IllegalTransition with a message fit
to show the user.

    in progress --complete--> completed --accept (supplier)--> accepted
    in progress --delete--> (gone; its audit trail stays)
    completed / accepted --terminate--> terminated
    completed / accepted --amend--> (a new revision, in progress; when it is completed, this one
                                     becomes superseded)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .models import Order, OrderStatus

IN_PROGRESS, COMPLETED, ACCEPTED = OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED, OrderStatus.ACCEPTED
TERMINATED, SUPERSEDED = OrderStatus.TERMINATED, OrderStatus.SUPERSEDED


class IllegalTransition(ValidationError):
    """An action the order's status does not allow. A ValidationError, so forms and views that show
    validation errors show this one too."""


@dataclass(frozen=True)
class Transition:
    verb: str  # for messages: "complete", "accept", ...
    allowed_from: frozenset[str]
    to: str | None  # None: the action does not change this order's status (delete, amend)


TRANSITIONS: dict[str, Transition] = {
    "edit": Transition("change", frozenset({IN_PROGRESS}), None),
    "complete": Transition("complete", frozenset({IN_PROGRESS}), COMPLETED),
    "accept": Transition("accept", frozenset({COMPLETED}), ACCEPTED),
    "terminate": Transition("terminate", frozenset({COMPLETED, ACCEPTED}), TERMINATED),
    "amend": Transition("amend", frozenset({COMPLETED, ACCEPTED}), None),
    "delete": Transition("delete", frozenset({IN_PROGRESS}), None),
    # Not a user action: what completing an amendment does to the revision it amends.
    "supersede": Transition("supersede", frozenset({COMPLETED, ACCEPTED}), SUPERSEDED),
}

# Why an action is refused, by the order's status; more helpful than "not allowed".
REASONS = {
    IN_PROGRESS: "it is still in progress",
    COMPLETED: "it has already been completed",
    ACCEPTED: "it has already been accepted by the supplier",
    TERMINATED: "it has been terminated",
    SUPERSEDED: "it has been superseded by an amendment",
}


def allowed(order: Order, action: str) -> bool:
    return order.status in TRANSITIONS[action].allowed_from


def check(order: Order, action: str) -> Transition:
    """The transition for `action`, or IllegalTransition saying why the order's status forbids it."""
    transition = TRANSITIONS[action]
    if order.status not in transition.allowed_from:
        raise IllegalTransition(
            f"You cannot {transition.verb} order {order.call_off_id}: {REASONS[order.status]}.",
            code=f"illegal_{action}",
        )
    return transition


def actions_allowed(order: Order) -> set[str]:
    return {action for action in TRANSITIONS if allowed(order, action)}
