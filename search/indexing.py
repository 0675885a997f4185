"""Writing listings into the configured backend's index, one by one or all at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from catalogue.models import Solution

from . import documents
from .backends import configured_backend, database_backend
from .cache import index_changed
from .models import ListingDocument


def reindex(solution_ids: Iterable[int]) -> str:
    """Index the public listings among these, remove the others. The database read model is always
    kept (it is the fallback and the source of Elasticsearch documents); Elasticsearch, when
    configured, is written too."""
    ids = set(solution_ids)
    public = set(Solution.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
    built = list(documents.iter_built(public))
    documents.store(built, remove=ids - public)
    backend = configured_backend()
    if backend.name != "database":
        backend.index(built, remove=ids - public)
    transaction.on_commit(index_changed)
    return f"{len(built)} indexed, {len(ids - public)} removed"


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Every public listing, from scratch, in batches (the database read model in one transaction, so
    readers see the old index until the new one is complete)."""
    count = database_backend().rebuild(progress=progress)
    backend = configured_backend()
    if backend.name != "database":
        backend.rebuild(progress=progress)
    transaction.on_commit(index_changed)
    return count


def check() -> dict[str, list[str]]:
    """Listings missing from the index, stale in it (built from other data than the catalogue now
    holds), or in it but no longer public: catalogue ids, for `search_index --check`."""
    built = dict(documents.iter_built())
    held = dict(ListingDocument.objects.values_list("solution_id", "source_hash"))
    names = dict(Solution.objects.filter(pk__in=set(built) | set(held)).values_list("pk", "catalogue_id"))
    return {
        "missing": sorted(names[i] for i in set(built) - set(held)),
        "stale": sorted(names[i] for i in set(built) & set(held) if built[i].source_hash != held[i]),
        "extra": sorted(names.get(i, str(i)) for i in set(held) - set(built)),
    }
