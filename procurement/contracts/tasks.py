"""Contracts' background work. Each task is idempotent (publication and notifications are keyed by a
unique record), so a retry or a second delivery does nothing twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(**RETRY)
def publish_release(order_id: int, kind: str) -> str | None:
    """Publish an order's OCDS release of `kind` (award, amendment, termination); its release id."""
    from .services import publish_release as publish

    release = publish(order_id, kind)
    return release.release_id if release else None


@shared_task(**RETRY)
def notify_supplier_of_order(order_id: int) -> bool:
    from .services import notify_supplier_of_order as notify

    return notify(order_id)


@shared_task(**RETRY)
def notify_buyer_of_acceptance(order_id: int) -> bool:
    from .services import notify_buyer_of_acceptance as notify

    return notify(order_id)


@shared_task(**RETRY)
def send_contract_end_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): reminders 90 and 45 days before live contracts end, each once."""
    from .services import send_contract_end_reminders as send

    return send()


@shared_task(**RETRY)
def review_compliance(
    solution_id: int, accredited: bool, was_accredited: bool, lapsed: list[str], reason: str
) -> list[int]:
    """Flag live orders of a solution that lost accreditation, or resolve their flags when it is back."""
    from .services import review_compliance as review

    return list(
        review(
            solution_id, accredited=accredited, was_accredited=was_accredited, lapsed=lapsed, reason=reason
        )
    )
