"""Open contracting at volume: publishing an award (building and freezing its OCDS release) for an order
with 200 service recipients, and serving /api/v1/ocds/ with 5,000 published contracting processes.
Prints the time per publication, the server time per API request (p50, p95) for the first page, a deep
page and one package, and the SQL queries per request.

Usage (from the project root):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ocds .venv/bin/python bench/ocds_api.py [--runs 100]

The database (created if missing, then migrated) keeps nothing: the data is made inside a transaction
that is rolled back at the end. The builder uses the order tests' helpers (tests/procurement/orders),
so it needs the dev dependencies (factory_boy).
"""

from __future__ import annotations

import datetime
import functools
import os
import statistics
import sys
import time
from pathlib import Path

from _common import p50_p95, prepare_database, rolled_back, timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_ocds")
os.environ.setdefault("DEBUG", "false")

RECIPIENTS = 200
ORDERS = 20
PROCESSES = 5000


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 100
    prepare_database()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    prefix = settings.OCDS_OCID_PREFIX
    from procurement.contracts.models import PublishedRelease, ReleaseKind
    from procurement.contracts.services import publish_release
    from procurement.orders.models import Order
    from procurement.orders.services import ItemDraft, complete_order
    from tests.procurement.orders.helpers import make_world, ready_order

    with rolled_back():
        world = make_world(practices=RECIPIENTS)
        items = [
            ItemDraft(price=world.per_patient),
            ItemDraft(price=world.per_practice, quantities={p.ods_code: 1 for p in world.practices}),
        ]
        orders = [ready_order(world, items=items) for _ in range(ORDERS)]
        for order in orders:
            complete_order(order, user=world.buyer)  # its on-commit publication waits for a commit
        publish_ms = []
        for order in orders:
            started = time.perf_counter()
            assert publish_release(order.pk, ReleaseKind.AWARD) is not None
            publish_ms.append((time.perf_counter() - started) * 1000)

        # More contracting processes, served from the database as the real ones are: copies of one
        # completed order (distinct call-off numbers) with a copy of its release each.
        template = PublishedRelease.objects.first()
        source = Order.objects.get(pk=template.order_id)
        copies = []
        for n in range(PROCESSES - ORDERS):
            copy = Order.objects.get(pk=source.pk)
            copy.pk = None
            copy.number = 900_000 + n
            copies.append(copy)
        copies = Order.objects.bulk_create(copies, batch_size=1000)
        now = timezone.now()
        PublishedRelease.objects.bulk_create(
            (
                PublishedRelease(
                    order_id=copy.pk,
                    organisation_id=template.organisation_id,
                    kind=ReleaseKind.AWARD,
                    ocid=f"{prefix}-C{copy.number:06d}",
                    release_id=f"C{copy.number:06d}-01-award-contract",
                    published_at=now - datetime.timedelta(minutes=n),
                    release={**template.release, "ocid": f"{prefix}-C{copy.number:06d}"},
                )
                for n, copy in enumerate(copies)
            ),
            batch_size=1000,
        )

        client = Client(HTTP_HOST="localhost")
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        def get(url: str):
            response = client.get(url)
            assert response.status_code == 200, response.content[:500]
            return response

        results = {}
        for label, url in (
            ("list, first page (20 packages)", "/api/v1/ocds/"),
            ("list, page 200 (20 packages)", "/api/v1/ocds/?page=200"),
            ("one package", f"/api/v1/ocds/{template.ocid}/"),
        ):
            queries.clear()
            with connection.execute_wrapper(count):
                response = get(url)
            samples, _ = timed(functools.partial(get, url), runs, warm_up=3)
            results[label] = (*p50_p95(samples), len(queries), len(response.content))

        print(f"OCDS: {ORDERS} orders ({RECIPIENTS} recipients, 2 items); {PROCESSES:,} processes published")
        publish_ms.sort()
        print(
            f"  publish an award (build + freeze the release): "
            f"p50 {statistics.median(publish_ms):.1f} ms, max {publish_ms[-1]:.1f} ms"
        )
        for label, (p50, p95, query_count, size) in results.items():
            print(
                f"  GET {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {query_count} SQL queries, "
                f"{size / 1024:.0f} KiB ({runs} runs)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
