"""Search in the database: PostgreSQL full-text search, or SQLite FTS5 in the embedded default.

The database answers what only it can: which listings match the text (and a price cap at a list size),
with their rank, and the snippets of one page. Everything about facets (filters, disjunctive counts, the
total) and the order of the results comes from the in-memory facet matrix (search/facet_matrix.py),
which is current by construction. A text's matches are cached with the matrix until the index changes,
so refining, paging and sorting a search cost no text match (docs/search.md).
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import connection, transaction

from .. import facet_matrix
from ..query import FACETS, FacetValue, Hit, SearchQuery

MARK_START, MARK_END = "\u27e6", "\u27e7"  # sentinels for highlights, never in listing text


def marked(snippet: str) -> str:
    """A snippet as safe HTML: the text escaped, the matched words in <mark>."""
    escaped = html.escape(snippet or "")
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


@dataclass
class TextMatch:
    """How a dialect matches words: the table to read (as `d`, with a `solution_id`), a join, a
    condition and a rank (higher is better), each with the parameters it takes."""

    condition: str = "1=1"
    condition_params: list = field(default_factory=list)
    rank: str = "0"
    rank_params: list = field(default_factory=list)
    table: str = "search_listingdocument"
    join: str = ""


@dataclass
class Matched:
    """The listings a text (and a price cap) matches, as matrix rows, with what the database said of
    them: rank (NaN until ranked, 0 without text) and cost at the list size (inf when none)."""

    rows: np.ndarray
    ranks: np.ndarray
    costs: np.ndarray
    prices: dict[int, Decimal] = field(default_factory=dict)

    def carry(self, matrix, fresh: Matched) -> Matched:
        """This match (made on the matrix `matrix` was patched from) on `matrix`: the listings not
        changed since keep their rank and cost, at their new rows; the changed ones are as `fresh`
        (their match made again) says."""
        moved = matrix.row_map[self.rows]
        kept = moved >= 0
        changed = set(matrix.changed.tolist())
        carried = Matched(
            rows=np.union1d(moved[kept], fresh.rows),
            ranks=fresh.ranks.copy(),
            costs=fresh.costs.copy(),
            prices={i: p for i, p in self.prices.items() if i not in changed},
        )
        carried.ranks[moved[kept]] = self.ranks[self.rows[kept]]
        carried.costs[moved[kept]] = self.costs[self.rows[kept]]
        carried.prices.update(fresh.prices)
        return carried


class DatabaseBackend:
    name = "database"

    # --- dialect hooks --------------------------------------------------------------------------
    def text_match(self, words: list[str]) -> TextMatch:
        raise NotImplementedError

    def snippets(self, ids: list[int], words: list[str]) -> dict[int, str]:
        raise NotImplementedError

    nulls_last = "NULLS LAST"
    # Whether a listing's rank depends on that listing alone (so a rank survives other listings'
    # changes and a cached match can be carried over a patch). bm25 weighs words by the whole corpus.
    rank_is_per_listing = False

    def prepare(self, cursor, words: list[str]) -> None:
        """Planner settings for the search statement (none by default)."""

    def ranks_in_match(self, query: SearchQuery) -> bool:
        """Whether to rank every text match in the match's statement (else `rank()` ranks just the
        results later). SQLite's bm25 exists only inside the match, so by default, yes."""
        return True

    def finish(self, cursor, words: list[str]) -> None:
        """Undo `prepare`."""

    # --- the query ---------------------------------------------------------------------------
    def _candidates(self, query: SearchQuery, words: list[str], ranked: bool) -> tuple[str, list]:
        """SQL for what the database must decide: the listings matching the text and the price cap,
        each with its rank (when `ranked`) and its cost at the list size."""
        text = self.text_match(words) if words else TextMatch()
        if not ranked:
            text.rank, text.rank_params = "0", []
        price, price_params = "NULL", []
        where, where_params = text.condition, list(text.condition_params)
        if query.list_size:
            segment = (
                "FROM search_listingpricesegment s WHERE s.document_id = d.solution_id "
                "AND s.lower <= %s AND (s.upper IS NULL OR s.upper >= %s)"
            )
            price = f"(SELECT s.slope * %s + s.intercept {segment})"
            price_params = [query.list_size, query.list_size, query.list_size]
            if query.max_price is not None:
                cap = "s.slope * %s + s.intercept <= CAST(%s AS NUMERIC)"  # cast: SQLite binds text
                where += f" AND EXISTS (SELECT 1 {segment} AND {cap})"
                where_params += [query.list_size, query.list_size, query.list_size, query.max_price]
        sql = f"SELECT d.solution_id, {text.rank}, {price} FROM {text.table} d {text.join} WHERE {where}"
        return sql, [*text.rank_params, *price_params, *where_params]

    def matches(self, matrix: facet_matrix.FacetMatrix, query: SearchQuery, words: list[str]) -> Matched:
        """What the text and the price cap match, from the matrix's cache when this text has been
        asked since the index last changed: a buyer refining a search by facets, paging or sorting
        asks the same text again and again, and only the facet work is new. After a patch (a few
        listings reindexed), a text the previous matrix had cached is carried over: only the changed
        listings are matched again."""
        key = ("match", tuple(words), query.list_size, query.max_price)
        found = matrix.cache.get(key)
        if found is not None:
            return found
        ranked = not words or self.ranks_in_match(query)
        # Taken out as it is carried, so the old arrays are freed once every cached text has moved.
        carried = matrix.carried.pop(key, None) if matrix.carried and self.rank_is_per_listing else None
        if carried is not None:
            fresh, complete = self._match(matrix, query, words, ranked, only=matrix.changed)
            found = carried.carry(matrix, fresh)
        else:
            found, complete = self._match(matrix, query, words, ranked)
        if complete:
            matrix.remember(key, found)
        return found

    def _match(
        self, matrix, query: SearchQuery, words: list[str], ranked: bool, only: np.ndarray | None = None
    ) -> tuple[Matched, bool]:
        """Run the match (for the listings `only`, if given); and whether the matrix knew every listing
        found (one written since it was read is left out, and the answer not cached)."""
        sql, params = self._candidates(query, words, ranked)
        if only is not None:
            sql += f" AND d.solution_id IN ({', '.join(['%s'] * len(only))})" if len(only) else " AND 1=0"
            params = [*params, *only.tolist()]
        with transaction.atomic(), connection.cursor() as cursor:
            self.prepare(cursor, words)
            cursor.execute(sql, params)
            rows_found = cursor.fetchall()
            self.finish(cursor, words)
        ids = np.fromiter((row[0] for row in rows_found), dtype=np.int64, count=len(rows_found))
        rows, complete = matrix.rows(ids)
        if not complete:
            # Written between reading the matrix and matching (another process's reindex): the rows
            # the matrix does not know are left out of this answer; the next search catches up.
            keep = np.isin(ids, matrix.ids)
            rows_found = [row for row, kept in zip(rows_found, keep, strict=True) if kept]
        matched = Matched(rows=rows, ranks=np.full(matrix.size, np.nan), costs=np.full(matrix.size, np.inf))
        if ranked:
            matched.ranks[rows] = [float(row[1] or 0) for row in rows_found]
        for row, (solution_id, _, price) in zip(rows, rows_found, strict=True):
            if price is not None:
                matched.prices[solution_id] = Decimal(str(price))
                matched.costs[row] = float(price)
        return matched, complete

    def search(
        self, query: SearchQuery, words: list[str]
    ) -> tuple[int, list[Hit], dict[str, list[FacetValue]]]:
        """The database finds what the text (and a price cap) matches; the in-memory facet matrix
        (search/facet_matrix.py) filters, counts every facet and orders; the results are ranked in
        the match or, when filters are likely to leave few of the matches, after it (`rank`)."""
        matrix = facet_matrix.current()
        matched = None
        if words or query.list_size:
            matched = self.matches(matrix, query, words)
            candidates = np.zeros(matrix.size, dtype=bool)
            candidates[matched.rows] = True
        else:
            candidates = np.ones(matrix.size, dtype=bool)
        if query.solution_ids is not None:
            allowed = np.fromiter(query.solution_ids, dtype=np.int64, count=len(query.solution_ids))
            candidates &= np.isin(matrix.ids, allowed)
        filtered = facet_matrix.filter_and_count(matrix, candidates, query.filters)
        results = filtered.results
        if words and query.sort == "relevance":
            self.rank(matrix, matched, results, words)
        ordered = self.order(matrix, results, query, matched, bool(words))
        page = ordered[query.offset : query.offset + query.page_size]
        prices = matched.prices if matched else {}
        hits = []
        for row in page:
            solution_id = int(matrix.ids[row])
            score = float(matched.ranks[row]) if matched and not np.isnan(matched.ranks[row]) else 0.0
            hits.append(Hit(solution_id=solution_id, score=score, price=prices.get(solution_id)))
        if words and hits:
            snippets = self.snippets([hit.solution_id for hit in hits], words)
            for hit in hits:
                hit.snippet = marked(snippets.get(hit.solution_id, ""))
        facets: dict[str, list[FacetValue]] = {facet: [] for facet in FACETS}
        for facet, value, count in filtered.counts:
            facets[facet].append(FacetValue(value, count, value in query.selected(facet)))
        for facet, values in facets.items():
            # A selected value with no matches still shows (with 0), so it can be unselected.
            present = {v.value for v in values}
            values.extend(FacetValue(v, 0, True) for v in query.selected(facet) if v not in present)
        return len(results), hits, facets

    @staticmethod
    def order(
        matrix, results: np.ndarray, query: SearchQuery, matched: Matched | None, text: bool
    ) -> np.ndarray:
        """The result rows in the query's order (ties: name, then id, as the database collates names)."""
        ids, names = matrix.ids[results], matrix.name_rank[results]
        if query.sort == "-name":
            return results[np.lexsort((ids, -names))]
        if query.sort == "-published":
            return results[np.argsort(matrix.published_rank[results], kind="stable")]
        if query.sort == "price" and matched is not None:
            return results[np.lexsort((ids, names, matched.costs[results]))]
        if query.sort == "relevance" and text and matched is not None:
            return results[np.lexsort((ids, names, -np.nan_to_num(matched.ranks[results])))]
        return results[np.lexsort((ids, names))]

    def rank(self, matrix, matched: Matched, results: np.ndarray, words: list[str]) -> None:
        """Fill in the rank of the results not ranked yet: each listing once per text and index."""
        missing = results[np.isnan(matched.ranks[results])]
        if not len(missing):
            return
        text = self.text_match(words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.solution_id, {text.rank} FROM {text.table} d WHERE d.solution_id = ANY(%s)",
                [*text.rank_params, matrix.ids[missing].tolist()],
            )
            ranked = cursor.fetchall()
        ids = np.fromiter((row[0] for row in ranked), dtype=np.int64, count=len(ranked))
        rows, _ = matrix.rows(ids)  # all found: they are the matrix's own ids
        matched.ranks[rows] = [float(row[1] or 0) for row in ranked]

    def rebuild(self, progress=None) -> int:
        """Every public listing into the read model, replacing it in one transaction: until it
        commits, searches see the previous index, so there is never a moment without one."""
        from django.db import transaction

        from .. import documents

        ids = list(documents.searchable().order_by("pk").values_list("pk", flat=True))
        terms: Counter = Counter()
        with transaction.atomic():
            documents.empty_read_model()
            batch: list = []
            for number, item in enumerate(documents.iter_built(ids), start=1):
                batch.append(item)
                terms.update(item[1].terms)
                if len(batch) == documents.BATCH_SIZE:
                    documents.store(batch, replace=False)
                    batch = []
                if progress:
                    progress(number, len(ids))
            documents.store(batch, replace=False)
            documents.add_terms(terms, fresh=True)
        self.tidy()
        return len(ids)

    def tidy(self) -> None:
        """After replacing every row: refresh the planner's statistics, and on PostgreSQL clear the
        dead rows the old index left (outside any transaction, as VACUUM must be)."""
        from django.db import connection

        tables = (
            "search_listingdocument",
            "search_listingtext",
            "search_facetcode",
            "search_listingpricesegment",
            "search_searchterm",
        )
        with connection.cursor() as cursor:
            for table in tables:
                if connection.vendor == "postgresql" and not connection.in_atomic_block:
                    cursor.execute(f"VACUUM ANALYZE {table}")
                else:
                    cursor.execute(f"ANALYZE {table}")


class PostgresBackend(DatabaseBackend):
    """tsvector search over the narrow `search_listingtext` table: each document's weighted vector,
    GIN-indexed (search/migrations/0007). Ranked by `ts_rank` (word frequency by field weight):
    `ts_rank_cd`'s cover density costs more than twice as much per match (docs/search.md)."""

    rank_is_per_listing = True  # ts_rank reads one vector and the query, no corpus statistics

    def prepare(self, cursor, words: list[str]) -> None:
        # The planner prices `search_vector @@ query` as cheap and scans the table when many listings
        # match, but then every vector is read and tested: slower, measured, than the GIN index's
        # bitmap (bench/search.py). Only for a text search (without text, scanning is
        # right), and only for this statement: `finish` puts it back.
        if words:
            cursor.execute("SET LOCAL enable_seqscan = off")

    def finish(self, cursor, words: list[str]) -> None:
        if words:
            cursor.execute("RESET enable_seqscan")

    def ranks_in_match(self, query: SearchQuery) -> bool:
        # Ranking reads each vector: for a text alone the results are the matches, so rank them as
        # they are matched; with filters or a restriction, rank only what passes (often a tenth).
        return not any(query.filters.values()) and query.solution_ids is None

    def text_match(self, words):
        tsquery = "to_tsquery('english', %s)"
        expression = " & ".join(words)
        return TextMatch(
            condition=f"d.search_vector @@ {tsquery}",
            condition_params=[expression],
            rank=f"ts_rank(d.search_vector, {tsquery})",
            rank_params=[expression],
            table="search_listingtext",
        )

    def snippets(self, ids, words):
        options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=1"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT solution_id, ts_headline('english', summary || ' ' || description, "
                "to_tsquery('english', %s), %s) FROM search_listingdocument WHERE solution_id = ANY(%s)",
                [" & ".join(words), options, ids],
            )
            return dict(cursor.fetchall())


class SQLiteBackend(DatabaseBackend):
    """FTS5 search: the `search_listing_fts` table kept in step by triggers (see the migrations).
    bm25 is lower for better matches, so the rank is its negative."""

    # name, supplier, capabilities, summary, features, epics, description
    WEIGHTS = "10.0, 4.0, 4.0, 2.0, 2.0, 2.0, 1.0"

    @staticmethod
    def match(words: list[str]) -> str:
        return " AND ".join(f'"{word}"' for word in words)

    def text_match(self, words):
        return TextMatch(
            join="JOIN search_listing_fts ON search_listing_fts.rowid = d.solution_id",
            condition="search_listing_fts MATCH %s",
            condition_params=[self.match(words)],
            rank=f"-bm25(search_listing_fts, {self.WEIGHTS})",
        )

    def snippets(self, ids, words):
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet(search_listing_fts, -1, %s, %s, '…', 24) FROM search_listing_fts "
                f"WHERE search_listing_fts MATCH %s AND rowid IN ({marks})",
                [MARK_START, MARK_END, self.match(words), *ids],
            )
            return dict(cursor.fetchall())
