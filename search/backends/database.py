"""Search in the database: PostgreSQL full-text search, or SQLite FTS5 in the embedded default.

One statement gives the page of results, the total and every facet's counts (the shared README's
lesson: count facets from one candidate set). The candidate set is the listings that match the text
and the price filter, each with a true/false column per facet filter; a listing is a result when every
column is true, and a facet's counts use every column but its own (disjunctive facets). Facet values
are read from each candidate's own list of facet codes (`facet_codes`), so counting needs no join to
a table of every listing's values.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from ..models import FacetCode
from ..query import FACETS, FacetValue, Hit, SearchQuery

MARK_START, MARK_END = "\u27e6", "\u27e7"  # sentinels for highlights, never in listing text


def marked(snippet: str) -> str:
    """A snippet as safe HTML: the text escaped, the matched words in <mark>."""
    escaped = html.escape(snippet or "")
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


@dataclass
class TextMatch:
    """How a dialect matches words: a join, a condition and a rank (higher is better), each with the
    parameters it takes."""

    condition: str = "1=1"
    condition_params: list = field(default_factory=list)
    rank: str = "0"
    rank_params: list = field(default_factory=list)
    join: str = ""
    # Rank only the results, not every text match: the page query joins the document back (`d`)
    # and computes the rank there. Needs a rank expression that works outside the match's query.
    rank_at_page: bool = False


class DatabaseBackend:
    name = "database"

    # --- dialect hooks --------------------------------------------------------------------------
    def text_match(self, words: list[str]) -> TextMatch:
        raise NotImplementedError

    def snippets(self, ids: list[int], words: list[str]) -> dict[int, str]:
        raise NotImplementedError

    nulls_last = "NULLS LAST"

    def prepare(self, cursor, words: list[str]) -> None:
        """Planner settings for the search statement (none by default)."""

    def finish(self, cursor, words: list[str]) -> None:
        """Undo `prepare`."""

    def has_all(self, codes: list[int]) -> str:
        """SQL: the document `d` has every one of these facet codes."""
        raise NotImplementedError

    def has_any(self, codes: list[int]) -> str:
        """SQL: the document `d` has at least one of these facet codes."""
        raise NotImplementedError

    def codes_of_candidates(self, failing: str, where: str) -> str:
        """SQL: a row (code, failing) for each facet code of each candidate `c` meeting `where`."""
        raise NotImplementedError

    @staticmethod
    def selected_codes(query: SearchQuery) -> dict[tuple[str, str], int]:
        """The codes of the selected facet values (a value no listing has had has no code)."""
        selected = {(facet, value) for facet in FACETS for value in query.selected(facet)}
        if not selected:
            return {}
        rows = FacetCode.objects.filter(
            facet__in={facet for facet, _ in selected}, value__in={value for _, value in selected}
        ).values_list("facet", "value", "pk")
        return {(facet, value): pk for facet, value, pk in rows if (facet, value) in selected}

    # --- the query ---------------------------------------------------------------------------
    def _candidates(self, query: SearchQuery, words: list[str]) -> tuple[str, list, list[str]]:
        """The candidate CTE's SQL, its params, and the facet filters it has a column for."""
        text = self.text_match(words) if words else TextMatch()
        columns, flagged = [], []
        codes = self.selected_codes(query)
        for facet, mode in FACETS.items():
            values = set(query.selected(facet))
            if not values:
                continue
            known = sorted(codes[(facet, value)] for value in values if (facet, value) in codes)
            if mode == "all":
                # Every value must be there; one that no listing has ever had matches nothing.
                column = self.has_all(known) if len(known) == len(values) else "1=0"
            else:
                column = self.has_any(known) if known else "1=0"
            columns.append(f"({column}) AS f_{facet}")
            flagged.append(facet)
        price, price_params = "NULL", []
        where, where_params = text.condition, list(text.condition_params)
        if query.solution_ids is not None:
            # Our own integers, written into the SQL like the facet codes (none: nothing matches).
            only = ", ".join(str(int(pk)) for pk in sorted(query.solution_ids))
            where += f" AND d.solution_id IN ({only})" if only else " AND 1=0"
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
        select = ", ".join(
            [
                "d.solution_id AS id",
                f"{'0' if text.rank_at_page else text.rank} AS rank",
                f"{price} AS price",
                "d.name_sort AS name_sort",
                "d.published_at AS published_at",
                "d.facet_codes AS codes",
                *columns,
            ]
        )
        # MATERIALIZED: computed once per statement, however often the statement refers to it.
        source = f"search_listingdocument d {text.join}"
        sql = f"WITH cand AS MATERIALIZED (SELECT {select} FROM {source} WHERE {where})"
        # Parameters in the order their placeholders appear: select (rank, price, columns), then where.
        rank_params = [] if text.rank_at_page else text.rank_params
        return sql, [*rank_params, *price_params, *where_params], flagged

    def order_by(self, query: SearchQuery, has_text: bool) -> str:
        if query.sort == "name":
            return "c.name_sort ASC, c.id ASC"
        if query.sort == "-name":
            return "c.name_sort DESC, c.id ASC"
        if query.sort == "-published":
            return f"c.published_at DESC {self.nulls_last}, c.name_sort ASC, c.id ASC"
        if query.sort == "price":
            return f"c.price ASC {self.nulls_last}, c.name_sort ASC, c.id ASC"
        return ("rank DESC, " if has_text else "") + "c.name_sort ASC, c.id ASC"

    def search(
        self, query: SearchQuery, words: list[str]
    ) -> tuple[int, list[Hit], dict[str, list[FacetValue]]]:
        cte, params, flagged = self._candidates(query, words)
        text = self.text_match(words) if words else TextMatch()
        all_flags = " AND ".join(f"c.f_{facet}" for facet in flagged) or "1=1"
        rank, rank_params, page_join = "c.rank", [], ""
        if text.rank_at_page and words:
            rank, rank_params = text.rank, text.rank_params
            page_join = "JOIN search_listingdocument d ON d.solution_id = c.id"
        # A listing failing two or more filters counts in no facet: leave it out before unnesting. One
        # failing a single filter counts only in that filter's facet: `failing` says which (0: none).
        failures = " + ".join(f"CASE WHEN c.f_{facet} THEN 0 ELSE 1 END" for facet in flagged) or "0"
        failing = (
            "CASE "
            + " ".join(f"WHEN NOT c.f_{facet} THEN {n}" for n, facet in enumerate(flagged, start=1))
            + " ELSE 0 END"
            if flagged
            else "0"
        )
        counts_in = " OR ".join(
            [
                "x.failing = 0",
                *(f"(x.failing = {n} AND fc.facet = '{facet}')" for n, facet in enumerate(flagged, 1)),
            ]
        )
        codes = self.codes_of_candidates(failing, f"{failures} <= 1")
        # One statement, so the candidates are found once: the page (numbered, to keep its order
        # through the UNION), the total, and every facet's counts, as rows of one shape.
        sql = (
            f"{cte}, page AS (SELECT c.id, {rank} AS rank, c.price FROM cand c {page_join} "
            f"WHERE {all_flags} ORDER BY {self.order_by(query, bool(words))} LIMIT %s OFFSET %s), "
            f"numbered AS (SELECT id, rank, price, ROW_NUMBER() OVER () AS position FROM page) "
            f"SELECT 'page', CAST(id AS TEXT), CAST(position AS TEXT), rank, price FROM numbered "
            f"UNION ALL SELECT 'total', NULL, NULL, COUNT(*), NULL FROM cand c WHERE {all_flags} "
            # Count by code first (integers: cheap), then name the few hundred codes.
            f"UNION ALL SELECT 'facet', fc.facet, fc.value, SUM(x.n), NULL FROM ("
            f"SELECT code, failing, COUNT(*) AS n FROM ({codes}) y "
            f"GROUP BY code, failing) x "
            f"JOIN search_facetcode fc ON fc.id = x.code WHERE {counts_in} GROUP BY fc.facet, fc.value"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            self.prepare(cursor, words)
            cursor.execute(sql, [*params, *rank_params, query.page_size, query.offset])
            rows = cursor.fetchall()
            self.finish(cursor, words)
        page = sorted((row for row in rows if row[0] == "page"), key=lambda row: int(row[2]))
        total = next(int(row[3]) for row in rows if row[0] == "total")
        counts = [(row[1], row[2], int(row[3])) for row in rows if row[0] == "facet"]
        hits = [
            Hit(
                solution_id=int(row[1]),
                score=float(row[3] or 0),
                price=None if row[4] is None else Decimal(str(row[4])),
            )
            for row in page
        ]
        if words and hits:
            snippets = self.snippets([hit.solution_id for hit in hits], words)
            for hit in hits:
                hit.snippet = marked(snippets.get(hit.solution_id, ""))
        facets: dict[str, list[FacetValue]] = {facet: [] for facet in FACETS}
        for facet, value, count in counts:
            if facet in facets:
                facets[facet].append(FacetValue(value, count, value in query.selected(facet)))
        for facet, values in facets.items():
            # A selected value with no matches still shows (with 0), so it can be unselected.
            present = {v.value for v in values}
            values.extend(FacetValue(v, 0, True) for v in query.selected(facet) if v not in present)
        return total, hits, facets

    def rebuild(self, progress=None) -> int:
        """Every public listing into the read model, replacing it in one transaction: until it
        commits, searches see the previous index, so there is never a moment without one."""
        from django.db import transaction

        from .. import documents

        ids = list(documents.searchable().order_by("pk").values_list("pk", flat=True))
        with transaction.atomic():
            documents.empty_read_model()
            batch: list = []
            for number, item in enumerate(documents.iter_built(ids), start=1):
                batch.append(item)
                if len(batch) == documents.BATCH_SIZE:
                    documents.store(batch, replace=False)
                    batch = []
                if progress:
                    progress(number, len(ids))
            documents.store(batch, replace=False)
        self.tidy()
        return len(ids)

    def tidy(self) -> None:
        """After replacing every row: refresh the planner's statistics, and on PostgreSQL clear the
        dead rows the old index left (outside any transaction, as VACUUM must be)."""
        from django.db import connection

        tables = (
            "search_listingdocument",
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
    """tsvector search: the stored, weighted, GIN-indexed `search_vector` (see the migrations)."""

    def prepare(self, cursor, words: list[str]) -> None:
        # The planner prices `search_vector @@ query` as cheap and scans the table when many listings
        # match, but each row's vector must then be read from TOAST: ten times slower, measured, than
        # the GIN index's bitmap (bench/search.py). Only for a text search (without text, scanning is
        # right), and only for this statement: `finish` puts it back.
        if words:
            cursor.execute("SET LOCAL enable_seqscan = off")

    def finish(self, cursor, words: list[str]) -> None:
        if words:
            cursor.execute("RESET enable_seqscan")

    # Codes are integers from our own table, so they are written into the SQL, not bound.
    def has_all(self, codes):
        return f"d.facet_codes @> ARRAY[{', '.join(str(int(c)) for c in codes)}]::integer[]"

    def has_any(self, codes):
        return f"d.facet_codes && ARRAY[{', '.join(str(int(c)) for c in codes)}]::integer[]"

    def codes_of_candidates(self, failing, where):
        # unnest in the select list (a ProjectSet) costs less per row than a LATERAL function scan.
        return f"SELECT unnest(c.codes) AS code, {failing} AS failing FROM cand c WHERE {where}"

    def text_match(self, words):
        tsquery = "to_tsquery('english', %s)"
        expression = " & ".join(words)
        return TextMatch(
            condition=f"d.search_vector @@ {tsquery}",
            condition_params=[expression],
            rank=f"ts_rank_cd(d.search_vector, {tsquery})",
            rank_params=[expression],
            rank_at_page=True,
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

    def has_all(self, codes):
        marks = ", ".join(str(int(c)) for c in codes)
        found = f"SELECT COUNT(DISTINCT value) FROM json_each(d.facet_codes) WHERE value IN ({marks})"
        return f"({found}) = {len(codes)}"

    def has_any(self, codes):
        marks = ", ".join(str(int(c)) for c in codes)
        return f"EXISTS (SELECT 1 FROM json_each(d.facet_codes) WHERE value IN ({marks}))"

    def codes_of_candidates(self, failing, where):
        each = "cand c JOIN json_each(c.codes) AS u"
        return f"SELECT u.value AS code, {failing} AS failing FROM {each} WHERE {where}"

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
