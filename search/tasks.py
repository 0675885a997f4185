"""Keeping the index current: one listing at a time as the catalogue announces changes (debounced,
retried, idempotent), or all of them (`manage.py search_index --rebuild`)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError

DEBOUNCE_SECONDS = 3


def _pending_key(solution_id: int) -> str:
    return f"search:reindex-pending:{solution_id}"


def schedule_reindex(solution_ids) -> None:
    """Ask for these listings to be reindexed soon. Several changes to one listing within a few seconds
    make one task: the first schedules it, the others find it pending."""
    for solution_id in set(solution_ids):
        if cache.add(_pending_key(solution_id), True, timeout=DEBOUNCE_SECONDS * 10):
            reindex_listing.apply_async(args=[solution_id], countdown=DEBOUNCE_SECONDS)


@shared_task(
    autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5, acks_late=True
)
def reindex_listing(solution_id: int) -> str:
    """Bring one listing's index entry in line with the catalogue: write it if it is public, remove it
    if not. Idempotent: running it twice gives the same index."""
    from .indexing import reindex

    cache.delete(_pending_key(solution_id))  # changes from now on schedule another run
    return reindex([solution_id])


@shared_task(
    autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5, acks_late=True
)
def reindex_listings(solution_ids: list[int]) -> str:
    from .indexing import reindex

    return reindex(solution_ids)
