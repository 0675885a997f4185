"""Caching the unfiltered catalogue: the landing page of /catalogue/ counts every facet over every
listing, the most expensive search there is and the most often asked. Its answer changes only when
the index does, so it is cached under the index's generation, which every write to the index moves on.
Searches with text or filters are never cached: they are answered fresh.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from .query import SearchQuery

GENERATION_KEY = "search:generation"
TIMEOUT = 600  # seconds; a safety net, since every index write already moves the generation on
T = TypeVar("T")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh cache: start from the clock, so no entry of an earlier generation can be mistaken.
        cache.add(GENERATION_KEY, time.time_ns())
        value = cache.get(GENERATION_KEY, 0)
    return value


def index_changed() -> None:
    """Call after the index has changed (on commit): every cached answer is out of date."""
    with contextlib.suppress(ValueError):  # no generation yet: the next reader starts one
        cache.incr(GENERATION_KEY)


def is_browse(query: SearchQuery) -> bool:
    return (
        not query.text.strip()
        and not any(query.filters.values())
        and query.max_price is None
        and query.solution_ids is None
    )


def cached_browse(query: SearchQuery, backend_name: str, compute: Callable[[], T]) -> T:
    """`compute()`, cached for the unfiltered catalogue; called straight through for anything else."""
    if not is_browse(query):
        return compute()
    key = (
        f"search:browse:{generation()}:{backend_name}:{query.sort}:{query.page}:{query.page_size}:"
        f"{query.list_size or ''}"
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return found
