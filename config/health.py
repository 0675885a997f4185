"""GET /health/: the state of the database, the broker and the search backend.

200 when every part is up, 503 naming what is down. Each check has a short timeout so a dead broker
cannot hang the load balancer's probe. "in-process" means the part runs inside this process (the
embedded default) and so is up whenever this answer is.

A part can also be "degraded": not itself working, but covered. Search is degraded when Elasticsearch
cannot answer (unreachable, or its index is missing) while the database, which searches answer from
instead (search.service), can: the answer stays 200 and names it under "degraded".
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "up", "engine": connection.vendor}


def check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "up", "mode": "in-process"}
    from config.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT)
        conn.default_channel  # noqa: B018 - opening the channel proves the broker answers
    return {"status": "up", "mode": "broker", "transport": conn.transport_cls}


def check_search() -> dict:
    if settings.SEARCH_BACKEND == "database":
        return {"status": "up", "backend": "database"}
    from search.backends.elasticsearch import ElasticsearchBackend, client_from_settings

    backend = ElasticsearchBackend(client_from_settings(timeout=settings.HEALTH_CHECK_TIMEOUT, max_retries=0))
    try:
        version = backend.client.info()["version"]["number"]
        if not backend.client.indices.exists_alias(name=backend.alias):
            raise LookupError(f"no index {backend.alias!r}: run manage.py search_index --rebuild")
    except Exception as exc:
        check_search_fallback()  # if the database cannot answer either, search is down
        return {
            "status": "degraded",
            "backend": "elasticsearch",
            "fallback": "database",
            "error": f"{type(exc).__name__}: {exc}"[:300],
        }
    return {"status": "up", "backend": "elasticsearch", "version": version}


def check_search_fallback() -> None:
    """The database read model that searches fall back to answers."""
    from search.models import ListingDocument

    ListingDocument.objects.exists()


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "broker": check_broker,
    "search": check_search,
}


def run_checks() -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            result = check()
        except Exception as exc:  # any failure of a dependency is "down", with its reason
            result = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = result
    return results


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    down = sorted(name for name, result in checks.items() if result["status"] == "down")
    degraded = sorted(name for name, result in checks.items() if result["status"] == "degraded")
    status = "down" if down else "degraded" if degraded else "up"
    body = {"status": status, "down": down, "degraded": degraded, "checks": checks}
    return JsonResponse(body, status=503 if down else 200)
