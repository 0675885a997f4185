"""What the benchmarks share: their throwaway PostgreSQL database, and timing a call.

A benchmark run as `.venv/bin/python bench/<name>.py` has bench/ on sys.path, so it imports this module
as `_common`. Nothing here imports Django at import time: a script sets its environment (settings
module, DATABASE_URL) first, then calls `prepare_database`.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

# The server's maintenance database, to create a benchmark's own database from.
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named at the end of `url` if it does not exist yet. Any other
    database (such as SQLite) is left to Django."""
    import psycopg

    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare_database() -> None:
    """The database of DATABASE_URL created if missing, Django set up, and every migration applied."""
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction undone at the end, so a benchmark's data is made for the run and kept nowhere. An
    exception inside it still propagates (after the rollback)."""
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def timed(function: Callable[[], T], runs: int, *, warm_up: int = 0) -> tuple[list[float], T]:
    """Call `function` `warm_up` times unmeasured (caches, compiled templates), then `runs` (at least 1)
    times. Returns the milliseconds each measured call took, in order, and what the last call returned."""
    for _ in range(warm_up):
        function()
    samples: list[float] = []
    value: T
    for _ in range(runs):
        started = time.perf_counter()
        value = function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, value


def p50_p95(samples: Sequence[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank, rounded down) of at least one sample."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]
