"""What the catalogue announces, for other apps to react to without the catalogue knowing them.

Sent only after the transaction commits (`transaction.on_commit`), with ids rather than objects, so a
receiver that queues a Celery task sends something serialisable and never acts on a rolled-back change.

listing_state_changed    solution_id, old_state, new_state, action, user_id, reason
listing_content_changed  solution_id (the published content of a listing changed)
listings_loaded          solution_ids (many listings were created or changed in bulk: seeding, imports)
conformance_changed      solution_id, was_accredited, accredited, capability_changes [(capability id,
                         old status or None, new status)], lapsed [refs whose results lapsed], reason
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

listing_state_changed = Signal()
listing_content_changed = Signal()
listings_loaded = Signal()
conformance_changed = Signal()


def announce(signal: Signal, **kwargs) -> None:
    """Send `signal` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: signal.send(sender=None, **kwargs))


def announce_listings_loaded(solution_ids: Iterable[int]) -> None:
    ids = sorted(set(solution_ids))
    if ids:
        announce(listings_loaded, solution_ids=ids)
