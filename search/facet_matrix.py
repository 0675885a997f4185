"""The read model's facet codes, held in memory as arrays, so facet filters and counts cost milliseconds.

Counting facets in SQL means unnesting every candidate's codes and grouping them: at 50,000 listings
and a broad text match, a quarter of a million rows and most of a search's time (docs/search.md). Here
each process keeps one matrix of (listing, facet code) pairs, in both orientations, with each listing's
place in the name and publication orders; a search asks the database only for what the text (and a
price) matches, then filters, counts, sorts and pages with numpy.

The copy is current by construction: every write to the read model changes `IndexState.token` in the
same transaction (`touch`), and every search reads the token (one primary-key lookup) and brings the
matrix up to date when it differs: by patching the listings the writes since its token changed (the
chain of `IndexChange` rows), or, when that chain is broken or holds a rebuild, by reading one narrow
row per listing (bench/search.py prints both times).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from .models import IndexChange
from .query import FACETS

_lock = threading.RLock()
# Cached text matches per process: each holds a few arrays the size of the catalogue (about 1 MB at
# 50,000 listings).
CACHE_SIZE = 32
_current: FacetMatrix | None = None
# Changes kept for patching: a process further behind than this reads the whole matrix again.
KEPT_CHANGES = 1000
# Past this many changed listings, reading everything costs less than patching.
MOST_PATCHED = 5000


def touch(changed: Iterable[int] | None = None) -> None:
    """Mark the read model changed; call inside the transaction that changes it, with the listings
    written or removed (None: any of them, as a rebuild). The state row stays locked until that
    transaction ends, so writers take turns and the chain of changes follows their commit order."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    new = uuid.uuid4().hex
    ids = sorted({int(i) for i in changed}) if changed is not None else None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM search_indexstate WHERE id = 1{lock}")
        row = cursor.fetchone()
        cursor.execute(
            "INSERT INTO search_indexstate (id, token) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token",
            [new],
        )
        IndexChange.objects.create(previous=row[0] if row else "", token=new, solution_ids=ids)
        # Only the latest changes are kept; the primary key finds the old ones.
        cursor.execute(
            "DELETE FROM search_indexchange WHERE id <= (SELECT MAX(id) FROM search_indexchange) - %s",
            [KEPT_CHANGES],
        )


def token() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM search_indexstate WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""


@dataclass(frozen=True)
class FacetMatrix:
    token: str
    ids: np.ndarray  # solution ids, ascending: a listing's row is its position here
    # Row-wise: the codes of listing i are codes[indptr[i]:indptr[i + 1]]; row_of[k] is the listing
    # of codes[k]. Column-wise: the listings with code c are rows_by_code[code_ptr[c]:code_ptr[c + 1]].
    indptr: np.ndarray
    codes: np.ndarray
    row_of: np.ndarray
    code_ptr: np.ndarray
    rows_by_code: np.ndarray
    name_rank: np.ndarray  # dense rank of name_sort (ties share a rank), as the database collates
    published_rank: np.ndarray  # position in "latest published first, then name, then id"
    code_facet: np.ndarray  # facet number (index in FACETS) of each code; -1 for an unknown code
    code_value: tuple[str, ...]  # value of each code ("" for an unknown code)
    # name_sort of each row (str objects, so a patch can index them as arrays) and its publication time
    # (NaN: never published): what patching needs to recompute the orders.
    names: np.ndarray
    name_values: np.ndarray  # the distinct names in order: name_rank r is name_values[r - 1]
    published: np.ndarray
    # What backends derive from this state of the index (such as a text's matches), dropped with the
    # matrix when the index changes. Least recently used first; at most CACHE_SIZE entries.
    cache: OrderedDict = field(default_factory=OrderedDict, compare=False, repr=False)
    # After a patch: the cache of the matrix patched from (its entries still at that matrix's rows),
    # each old row's new row (-1: changed or gone), and the solution ids changed, so a backend can
    # carry a cached match over by matching only the changed listings again.
    carried: dict = field(default_factory=dict, compare=False, repr=False)
    row_map: np.ndarray | None = field(default=None, compare=False, repr=False)
    changed: np.ndarray | None = field(default=None, compare=False, repr=False)

    def remember(self, key, value) -> None:
        with _lock:
            self.cache[key] = value
            self.cache.move_to_end(key)
            while len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    def rows(self, solution_ids: np.ndarray) -> tuple[np.ndarray, bool]:
        """The rows of these solution ids, and whether every one was found."""
        position = np.searchsorted(self.ids, solution_ids)
        position[position >= len(self.ids)] = 0
        found = self.ids[position] == solution_ids if len(self.ids) else np.zeros(len(solution_ids), bool)
        return position[found], bool(found.all())

    def having(self, code: int) -> np.ndarray:
        """A mask of the listings that have this code."""
        mask = np.zeros(self.size, dtype=bool)
        if 0 <= code < len(self.code_ptr) - 1:
            mask[self.rows_by_code[self.code_ptr[code] : self.code_ptr[code + 1]]] = True
        return mask

    def code_of(self, facet: str, value: str) -> int | None:
        number = FACET_NUMBERS[facet]
        for code in np.flatnonzero(self.code_facet == number):
            if self.code_value[code] == value:
                return int(code)
        return None


FACET_NUMBERS = {facet: number for number, facet in enumerate(FACETS)}


def current() -> FacetMatrix:
    """The matrix for the read model as committed now (patched or reloaded if writes have happened)."""
    global _current
    now = token()
    matrix = _current
    if matrix is not None and matrix.token == now:
        return matrix
    with _lock:
        if _current is None or _current.token != now:
            _current = (patched(_current) if _current is not None else None) or load(now)
        return _current


def patched(matrix: FacetMatrix) -> FacetMatrix | None:
    """The matrix brought up to date by re-reading only the listings written since its token, or None
    when the changes since then are unknown (pruned, rolled back), include a rebuild, or are many.

    Reading the changes and then the rows takes two snapshots: rows written in between are read as
    they are now, newer than the last change seen. That is safe because patching is idempotent: the
    next patch re-reads those listings again (their change follows in the chain)."""
    changes = list(
        IndexChange.objects.filter(id__gte=IndexChange.objects.filter(token=matrix.token).values("id")[:1])
        .order_by("id")
        .values_list("previous", "token", "solution_ids")
    )
    expected, changed = matrix.token, set()
    for previous, token_set, solution_ids in changes[1:]:
        if previous != expected or solution_ids is None:
            return None
        expected = token_set
        changed.update(solution_ids)
    if expected == matrix.token or len(changed) > MOST_PATCHED:
        return None
    wanted = sorted(changed)
    new_ids, new_lengths, new_codes, new_names, new_published = _read(
        f"WHERE solution_id IN ({', '.join(['%s'] * len(wanted))})", wanted
    )
    # Keep the rows of the listings not changed, add the changed ones as they are now (a removed
    # listing has no row to add), and put them all back in id order.
    keep = ~np.isin(matrix.ids, np.fromiter(changed, dtype=np.int64, count=len(changed)))
    lengths = np.diff(matrix.indptr)
    ids = np.concatenate([matrix.ids[keep], new_ids])
    order = np.argsort(ids, kind="stable")
    all_lengths = np.concatenate([lengths[keep], new_lengths])
    all_codes = np.concatenate([matrix.codes[keep[matrix.row_of]], new_codes])
    starts = np.zeros(len(ids), dtype=np.int64)
    np.cumsum(all_lengths[:-1], out=starts[1:])
    lengths_in_order = all_lengths[order]
    out_starts = np.cumsum(lengths_in_order) - lengths_in_order
    gather = np.arange(int(lengths_in_order.sum())) + np.repeat(starts[order] - out_starts, lengths_in_order)
    names = np.concatenate([matrix.names[keep], _objects(new_names)])
    published = np.concatenate([matrix.published[keep], new_published])
    name_values, ranks = _name_ranks_patched(matrix, keep, _objects(new_names))
    new = _assemble(
        expected,
        ids[order],
        lengths_in_order,
        all_codes[gather],
        names[order],
        published[order],
        names_ranked=(name_values, ranks[order]),
    )
    row_map = np.full(matrix.size, -1, dtype=np.int64)
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    row_map[keep] = position[: int(keep.sum())]
    with _lock:
        carried = dict(matrix.cache)
    return dataclasses.replace(
        new, carried=carried, row_map=row_map, changed=np.array(sorted(changed), dtype=np.int64)
    )


def _name_ranks_patched(matrix: FacetMatrix, keep: np.ndarray, new_names: np.ndarray):
    """The distinct names in order and each row's dense rank among them (kept rows first, then the new
    ones), from the matrix's own: names no kept row uses drop out, new ones are inserted in place.
    Sorting every name again costs a patch more than the rest of it."""
    kept_rank = matrix.name_rank[keep]
    used = np.zeros(len(matrix.name_values) + 1, dtype=bool)
    used[kept_rank] = True
    remaining = matrix.name_values[used[1:]]
    kept_rank = np.cumsum(used)[kept_rank]  # dense again among the remaining names
    fresh = _objects(sorted(set(new_names)))
    position = np.searchsorted(remaining, fresh) if len(remaining) else np.zeros(len(fresh), dtype=np.int64)
    found = np.zeros(len(fresh), dtype=bool)
    inside = position < len(remaining)
    found[inside] = remaining[position[inside]] == fresh[inside]
    inserted_at = position[~found]  # ascending, as `fresh` is
    values = np.insert(remaining, inserted_at, fresh[~found])
    # A remaining name at index i moves up by the names inserted at or before i.
    kept_rank = kept_rank + np.searchsorted(inserted_at, kept_rank - 1, side="right")
    new_rank = np.searchsorted(values, new_names) + 1 if len(new_names) else np.zeros(0, dtype=np.int64)
    return values, np.concatenate([kept_rank, new_rank]).astype(np.int64)


def _objects(values) -> np.ndarray:
    """Strings as a numpy array of str objects (np.array would make fixed-width unicode of them)."""
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def load(state: str) -> FacetMatrix:
    """Read the whole matrix: on PostgreSQL an index-only scan of a covering index (migration 0006),
    not the wide table."""
    return _assemble(state, *_read("", []))


def _read(where: str, params: list) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Listings' ids (ascending), numbers of codes, codes (one after another), names and publication
    times (seconds since 1970; NaN if never published)."""
    sql = (
        "SELECT solution_id, facet_codes, name_sort, published_at FROM search_listingdocument "
        f"{where} ORDER BY solution_id"
    )
    if connection.vendor == "postgresql":
        return _read_postgresql(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(r[0], json.loads(r[1]) if r[1] else [], r[2], r[3]) for r in cursor.fetchall()]
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lengths = np.fromiter((len(r[1]) for r in rows), dtype=np.int64, count=len(rows))
    codes = np.fromiter((c for r in rows for c in r[1]), dtype=np.int32, count=int(lengths.sum()))
    published = np.fromiter((_epoch(r[3]) for r in rows), dtype=np.float64, count=len(rows))
    return ids, lengths, codes, [r[2] for r in rows], published


def _assemble(
    state: str,
    ids: np.ndarray,
    lengths: np.ndarray,
    codes: np.ndarray,
    names,
    published: np.ndarray,
    *,
    names_ranked: tuple[np.ndarray, np.ndarray] | None = None,
) -> FacetMatrix:
    """The matrix of these listings (in id order): both orientations, and the name and publication
    orders, computed by code point as the C collation and Elasticsearch's keyword sort order names.
    `names_ranked`: the distinct names in order and each row's rank among them, if already known."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, facet, value FROM search_facetcode")
        code_rows = cursor.fetchall()
    count = len(ids)
    indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    row_of = np.repeat(np.arange(count, dtype=np.int32), lengths)
    highest = max([int(codes.max()) if len(codes) else 0, *(c for c, _, _ in code_rows)], default=0)
    code_facet = np.full(highest + 1, -1, dtype=np.int16)
    values = [""] * (highest + 1)
    for code, facet, value in code_rows:
        if facet in FACET_NUMBERS:
            code_facet[code] = FACET_NUMBERS[facet]
            values[code] = value
    # Name order: a dense rank (equal names share one; Python orders str by code point); publication
    # order: latest first, never published last, then by name and id.
    if names_ranked is None:
        name_values = _objects(sorted(set(names)))
        dense = {name: rank for rank, name in enumerate(name_values, start=1)}
        name_rank = np.fromiter((dense[name] for name in names), dtype=np.int64, count=count)
    else:
        name_values, name_rank = names_ranked
    published_rank = np.empty(count, dtype=np.int64)
    published_rank[np.lexsort((ids, name_rank, -np.nan_to_num(published, nan=-np.inf)))] = np.arange(count)
    # Stable, so each code's listings stay in row order; 16-bit codes sort by radix, five times faster.
    order = np.argsort(codes.astype(np.int16) if highest < 2**15 else codes, kind="stable")
    code_ptr = np.zeros(highest + 2, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=highest + 1), out=code_ptr[1:])
    return FacetMatrix(
        token=state,
        ids=ids,
        indptr=indptr,
        codes=codes,
        row_of=row_of,
        code_ptr=code_ptr,
        rows_by_code=row_of[order],
        name_rank=name_rank,
        published_rank=published_rank,
        code_facet=code_facet,
        code_value=tuple(values),
        names=names if isinstance(names, np.ndarray) else _objects(names),
        name_values=name_values,
        published=published,
    )


# PostgreSQL's binary formats, read with numpy rather than as a million Python ints: an int4[] is a
# header (dimensions, null flag, element type, then length and lower bound per dimension) and then
# (length, value) pairs of big-endian int32; a timestamptz is microseconds since 2000-01-01 UTC.
INT4_ARRAY_OID, TIMESTAMPTZ_OID = 1007, 1184
POSTGRES_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC).timestamp()


def _read_postgresql(sql: str, params: list):
    import psycopg
    from psycopg.adapt import Loader

    class Raw(Loader):
        format = psycopg.pq.Format.BINARY

        def load(self, data) -> bytes:
            return bytes(data)

    connection.ensure_connection()
    # Django's cursors bind on the client, which cannot ask for binary results.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.adapters.register_loader(INT4_ARRAY_OID, Raw)
        cursor.adapters.register_loader(TIMESTAMPTZ_OID, Raw)
        cursor.execute(sql, params, binary=True)
        rows = cursor.fetchall()
    count = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=count)
    # A one-dimensional array's elements start after 20 header bytes; an empty one has no dimension
    # (12 bytes) and a NULL has no bytes at all.
    arrays = [r[1][20:] if r[1] else b"" for r in rows]
    lengths = np.fromiter((len(a) // 8 for a in arrays), dtype=np.int64, count=count)
    codes = np.frombuffer(b"".join(arrays), dtype=">i4")[1::2].astype(np.int32)
    names = [r[2] for r in rows]
    micros = np.fromiter(
        (int.from_bytes(r[3], "big", signed=True) if r[3] else 0 for r in rows), dtype=np.int64, count=count
    )
    published = np.where(
        np.fromiter((r[3] is not None for r in rows), dtype=bool, count=count),
        micros / 1e6 + POSTGRES_EPOCH,
        np.nan,
    )
    return ids, lengths, codes, names, published


def _epoch(value) -> float:
    if value is None:
        return np.nan
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.datetime.fromisoformat(value)
    return value.timestamp()


@dataclass
class Filtered:
    """What the facet filters leave of a candidate set: the results (rows passing every filter) and
    every facet's disjunctive counts (a selected facet's counts ignore that facet's own filter)."""

    results: np.ndarray
    counts: list[tuple[str, str, int]]


def filter_and_count(
    matrix: FacetMatrix, candidates: np.ndarray, selected: dict[str, tuple[str, ...]]
) -> Filtered:
    """`candidates`: a mask over the matrix's rows (what the text, price and restrictions allow).
    `selected`: facet -> chosen values. "all" facets need every value, "any" facets one of them."""
    flags: list[tuple[int, np.ndarray]] = []
    for facet, values in selected.items():
        if not values:
            continue
        known = [matrix.code_of(facet, value) for value in values]
        if FACETS[facet] == "all":
            mask = np.ones(matrix.size, dtype=bool)
            for code in known:
                mask &= matrix.having(code) if code is not None else False
        else:
            mask = np.zeros(matrix.size, dtype=bool)
            for code in known:
                if code is not None:
                    mask |= matrix.having(code)
        flags.append((FACET_NUMBERS[facet], mask))
    # failing: 0 for a candidate passing every filter, the facet's number + 1 for one failing exactly
    # that facet's filter (it counts only in that facet), -1 for the rest (they count nowhere).
    failures = np.zeros(matrix.size, dtype=np.int8)
    failing = np.zeros(matrix.size, dtype=np.int16)
    for number, mask in flags:
        failures += ~mask
        failing[~mask] = number + 1
    failing[(failures > 1) | ~candidates] = -1
    of_entry = failing[matrix.row_of]
    counted = (of_entry == 0) | (of_entry == matrix.code_facet[matrix.codes].astype(np.int16) + 1)
    totals = np.bincount(matrix.codes[counted], minlength=len(matrix.code_facet))
    facet_names = list(FACETS)
    counts = [
        (facet_names[matrix.code_facet[code]], matrix.code_value[code], int(totals[code]))
        for code in np.flatnonzero(totals)
        if matrix.code_facet[code] >= 0
    ]
    return Filtered(results=np.flatnonzero(failing == 0), counts=counts)
