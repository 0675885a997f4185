"""Procurement's background work: shortlist alerts, run by Celery beat (CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def send_shortlist_alerts() -> int:
    """For every shortlist someone wants alerts for, email them about solutions that have started
    matching since it was saved (newly published or newly accredited ones). Safe to run twice at once:
    each solution is announced once per shortlist. One shortlist's failure does not stop the others.

    Returns how many solutions were announced."""
    from .models import Shortlist
    from .services import announce_new_matches, shortlists_to_alert

    announced = 0
    for shortlist_id in shortlists_to_alert():
        shortlist = Shortlist.objects.filter(pk=shortlist_id).select_related("organisation").first()
        if shortlist is None:  # deleted since the list was taken
            continue
        try:
            announced += len(announce_new_matches(shortlist))
        except Exception:
            logger.exception("Shortlist alert failed for shortlist %s", shortlist_id)
    return announced
