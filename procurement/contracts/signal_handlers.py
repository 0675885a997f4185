"""Contracts' reactions to orders' signals and the catalogue's events. Wired in ContractsConfig.ready().

The signals arrive after their change has committed; each receiver only queues Celery tasks (on
commit, in case a sender ever calls it inside a transaction). A failure to queue is logged, never
raised: the order or the catalogue change it follows has already happened and must not look failed.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from catalogue import events
from procurement.orders import signals as order_signals

from . import tasks
from .models import ReleaseKind

logger = logging.getLogger(__name__)


def _queue(task, *args) -> None:
    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not queue %s%r", task.name, args)

    transaction.on_commit(send)


@receiver(order_signals.order_completed, dispatch_uid="contracts_order_completed")
def order_completed(sender, order, **kwargs) -> None:
    kind = ReleaseKind.AMENDMENT if order.previous_id else ReleaseKind.AWARD
    _queue(tasks.publish_release, order.pk, str(kind))
    _queue(tasks.notify_supplier_of_order, order.pk)


@receiver(order_signals.order_accepted, dispatch_uid="contracts_order_accepted")
def order_accepted(sender, order, **kwargs) -> None:
    _queue(tasks.notify_buyer_of_acceptance, order.pk)


@receiver(order_signals.order_terminated, dispatch_uid="contracts_order_terminated")
def order_terminated(sender, order, **kwargs) -> None:
    _queue(tasks.publish_release, order.pk, str(ReleaseKind.TERMINATION))


@receiver(events.conformance_changed, dispatch_uid="contracts_conformance_changed")
def conformance_changed(
    sender, solution_id, was_accredited, accredited, lapsed=(), reason="", **kwargs
) -> None:
    if accredited == was_accredited and accredited:
        return  # still accredited: nothing to flag and nothing to clear
    _queue(tasks.review_compliance, solution_id, accredited, was_accredited, list(lapsed), reason)
