"""Celery tasks of the catalogue: processing harness reports, polling harness feeds, lapsing results."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def process_report_task(self, report_id: int) -> int:
    """Process a received report; retried when the database is busy. Each attempt is one transaction,
    so a failure leaves nothing half done; after the last retry the report is marked failed."""
    from .conformance.ingest import mark_failed, process_report

    try:
        report = process_report(report_id)
    except OperationalError:
        if self.request.retries >= self.max_retries:
            mark_failed(report_id, "The database was unavailable; processing gave up after retries.")
        raise
    except Exception as error:  # a report that cannot be processed: keep it, say why, do not retry
        logger.exception("Report %s could not be processed", report_id)
        mark_failed(report_id, f"{type(error).__name__}: {error}")
        return 0
    return report.case_count


@shared_task
def recompute_lapsed_conformance() -> int:
    """Daily: statuses resting on results older than the validity period become lapsed."""
    from .conformance.status import recompute, solutions_with_old_results

    return recompute(solutions_with_old_results(), reason="lapse")


@shared_task
def poll_harness_feeds() -> int:
    """Fetch what is new from every active harness feed (see catalogue/conformance/feeds.py)."""
    from .conformance.feeds import poll_all_feeds

    return poll_all_feeds()
