"""Pulling reports: each active HarnessFeed is a URL answering a JSON list of
{"id": "<run id>", "url": "<report URL>"}; what is new is fetched and received like a pushed report
(same parsing, same idempotency by run id and content hash)."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urljoin

from django.conf import settings
from django.utils import timezone

from ..models import ConformanceReport, HarnessFeed, ReportSource
from .ingest import DuplicateRunError, receive_report
from .parsing import ReportFormatError

logger = logging.getLogger(__name__)


class FeedError(Exception):
    pass


def _fetch(url: str, limit: int) -> tuple[bytes, str]:
    request = urllib.request.Request(
        url, headers={"Accept": "application/json, application/xml, application/fhir+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CONFORMANCE_FEED_TIMEOUT) as response:
            body = response.read(limit + 1)
            content_type = response.headers.get_content_type()
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise FeedError(f"Could not fetch {url}: {error}") from error
    if len(body) > limit:
        raise FeedError(f"{url} is larger than {limit} bytes")
    return body, content_type


def poll_feed(feed: HarnessFeed) -> int:
    """Receive the feed's new reports; returns how many were new. Errors are recorded on the feed."""
    limit = settings.CONFORMANCE_MAX_BODY_BYTES
    new = 0
    try:
        listing, _ = _fetch(feed.url, limit)
        try:
            items = json.loads(listing)
        except ValueError as error:
            raise FeedError(f"The feed is not JSON: {error}") from error
        if not isinstance(items, list) or not all(
            isinstance(i, dict) and "id" in i and "url" in i for i in items
        ):
            raise FeedError('The feed must be a JSON list of {"id": ..., "url": ...} objects')
        known = set(ConformanceReport.objects.filter(client=feed.client).values_list("run_id", flat=True))
        problems = []
        for item in items:
            if str(item["id"]) in known:
                continue
            body, content_type = _fetch(urljoin(feed.url, str(item["url"])), limit)
            try:
                receipt = receive_report(feed.client, body, content_type, source=ReportSource.PULLED)
            except (ReportFormatError, DuplicateRunError) as error:
                problems.append(f"{item['id']}: {error}")
                continue
            new += 0 if receipt.duplicate else 1
        feed.last_error = "\n".join(problems)
    except FeedError as error:
        logger.warning("Harness feed %s: %s", feed.url, error)
        feed.last_error = str(error)
    feed.last_polled_at = timezone.now()
    feed.save(update_fields=["last_polled_at", "last_error"])
    return new


def poll_all_feeds() -> int:
    return sum(poll_feed(feed) for feed in HarnessFeed.objects.filter(is_active=True, client__is_active=True))
