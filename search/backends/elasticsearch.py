"""Search in Elasticsearch (8.x), for when the catalogue outgrows the database's own search or an
operator wants a cluster: SEARCH_BACKEND=elasticsearch, ELASTICSEARCH_URL, SEARCH_INDEX_PREFIX.

It answers exactly what the database backend (search/backends/database.py, the reference) answers:
the same matches, totals, facet counts and orders (tests/search/test_scenarios.py runs every scenario
on both). Documents are made from search/documents.py's BuiltDocument, the same facts the database
read model holds.

- Index: `<prefix>-listings` is an alias; `rebuild()` loads a new timestamped index
  (`<prefix>-listings-<utc timestamp>`) and swaps the alias in one `update_aliases` call, then deletes
  the old index, so searches always have a complete index. `index()` writes through the alias.
- Text: `multi_match` of type `cross_fields` with `operator: and` over the weighted text fields (every
  word must occur somewhere in the listing, as with the database's tsquery `a & b`), analysed by an
  English analyzer with the Porter2 (Snowball English) stemmer: PostgreSQL's `english` configuration
  stems with Snowball English too, where Elasticsearch's built-in `english` analyzer uses the older
  Porter stemmer ("generously" -> "gener" there, "generous" here and in PostgreSQL).
- Facets: disjunctive counts, the usual way: the facet filters go in `post_filter` (they narrow the
  hits, not the aggregations), and each facet's aggregation is filtered by every *other* facet's filter.
  Capability and epic filters need every selected value (one `term` filter each); the others need one.
- Price for a list size: each listing's first-year cost is stored as segments (search/price_index.py),
  indexed here as `nested` objects. Elasticsearch finds the listings priced at that list size (a nested
  range filter: lower <= n <= upper), but the cost itself (slope x n + intercept) would need a script,
  and osmem-server, the stand-in the tests run against, cannot evaluate scripts over nested documents
  (nor read `_source` in scripts, nor sort by a script over nested documents). So the cost comes from
  the database read model's ListingPriceSegment, exactly as the database backend computes it: the
  max-price filter becomes an id filter (the listings the read model prices within the maximum, or
  the complement, whichever is shorter), and the price sort fetches the matching ids from
  Elasticsearch (in name order) and orders them by the read model's cost. One code path, tested, and
  the same numbers as the database backend by construction. Sorting by price over a very large
  result set therefore costs a pass over every matching id.
- Unreachable cluster, timeout, missing index or a server-side failure raise SearchUnavailable, and
  search.service falls back to the database backend (health reports search "degraded").

Tests talk to osmem-server through search.es_testing.PlainJsonNode, named by the test-only setting
ELASTICSEARCH_NODE_CLASS; production leaves it unset and uses the client as it is.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db.models import Q as DbQ
from django.utils.module_loading import import_string
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    InnerDoc,
    Keyword,
    Long,
    Nested,
    Object,
    ScaledFloat,
    SearchAsYouType,
    Text,
    analyzer,
    normalizer,
    token_filter,
)
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from ..query import FACETS, FacetValue, Hit, SearchQuery
from .database import MARK_END, MARK_START, marked

logger = logging.getLogger(__name__)

FACET_SIZE = 10_000  # more buckets than any facet has values (768 real epics)
FETCH_SIZE = 5_000  # ids per request when the price sort needs every matching id
MAX_RESULT_WINDOW = 100_000  # so any page of a 50,000-listing catalogue can be asked for
DEFAULT_TIMEOUT = 5.0

# Text fields and their weights, as the database ranks them: name (A); supplier and capability names
# (B); summary, features and epic names (C); description (D).
TEXT_FIELDS = {
    "name": 10,
    "supplier_name": 4,
    "capability_text": 4,
    "summary": 2,
    "feature_text": 2,
    "epic_text": 2,
    "description": 1,
}

english = analyzer(
    "listing_english",
    tokenizer="standard",
    # No possessive_english filter: Porter2 already strips "'s", and osmem-server matches every
    # document for any query analysed with that filter.
    filter=[
        "lowercase",
        token_filter("listing_stop", "stop", stopwords="_english_"),
        token_filter("listing_stemmer", "stemmer", language="porter2"),
    ],
)
lowercase = normalizer("listing_lowercase", filter=["lowercase"])


class PriceSegment(InnerDoc):
    """Over list sizes lower..upper (no upper: unbounded) the first-year cost is slope x n + intercept."""

    lower = Long()
    upper = Long()
    slope = ScaledFloat(scaling_factor=10_000)
    intercept = ScaledFloat(scaling_factor=10_000)


# One keyword array per facet: facets.capability, facets.epic, ...
FacetValues = type("FacetValues", (InnerDoc,), {facet: Keyword(multi=True) for facet in FACETS})


class Listing(Document):
    """A public listing, as search/documents.py builds it."""

    solution_id = Long(required=True)  # the tie-breaker every sort ends with (sorting on _id is off in 8.x)
    catalogue_id = Keyword()
    name = Text(analyzer=english, fields={"suggest": SearchAsYouType()})
    name_sort = Keyword(normalizer=lowercase)  # built lower-cased already; the normaliser makes sure
    supplier_name = Text(analyzer=english, fields={"keyword": Keyword()})
    supplier_code = Keyword()
    capability_text = Text(analyzer=english)
    summary = Text(analyzer=english)
    feature_text = Text(analyzer=english)
    epic_text = Text(analyzer=english)
    description = Text(analyzer=english)
    published_at = Date()
    is_accredited = Boolean()
    is_foundation = Boolean()
    in_remediation = Boolean()
    facets = Object(FacetValues)
    segments = Nested(PriceSegment)
    source_hash = Keyword(index=False)

    class Index:
        name = "listings"  # a template: real names come from SEARCH_INDEX_PREFIX (ElasticsearchBackend)
        settings = {"number_of_shards": 1, "max_result_window": MAX_RESULT_WINDOW}


def to_action(index: str, solution_id: int, built) -> dict:
    """A bulk `index` action for one listing."""
    facets: dict[str, list[str]] = defaultdict(list)
    for facet, value in built.facets:
        facets[facet].append(value)
    document = Listing(
        meta={"id": solution_id, "index": index},
        solution_id=solution_id,
        facets=dict(facets),
        segments=[asdict(segment) for segment in built.segments],
        source_hash=built.source_hash,
        **built.fields,
    )
    return document.to_dict(include_meta=True)


# --- the client ---------------------------------------------------------------------------------


@cache
def _client(url: str, node_class: str | None, timeout: float, max_retries: int) -> Elasticsearch:
    options: dict = {"request_timeout": timeout, "max_retries": max_retries}
    if node_class:
        options["node_class"] = import_string(node_class)
    return Elasticsearch(url, **options)


def client_from_settings(timeout: float | None = None, max_retries: int = 1) -> Elasticsearch:
    """A client for settings.ELASTICSEARCH_URL (one per URL and options, reused: it pools connections).

    ELASTICSEARCH_NODE_CLASS (a dotted path, unset in production) swaps the HTTP node class; the tests
    set it to search.es_testing.PlainJsonNode to talk to osmem-server."""
    return _client(
        settings.ELASTICSEARCH_URL,
        getattr(settings, "ELASTICSEARCH_NODE_CLASS", None),
        float(timeout or getattr(settings, "ELASTICSEARCH_TIMEOUT", DEFAULT_TIMEOUT)),
        max_retries,
    )


def unavailable(error: Exception) -> bool:
    """Whether an error means "this cluster cannot answer now" (so the database should)."""
    if isinstance(error, TransportError):  # connection refused, timeout, TLS
        return True
    if isinstance(error, ApiError):
        return error.meta.status >= 500 or (error.meta.status == 404 and "index_not_found" in str(error))
    return False


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch | None = None, *, client_factory: Callable | None = None):
        self._given = client
        self._factory = client_factory or client_from_settings

    @property
    def client(self) -> Elasticsearch:
        if self._given is None:
            self._given = self._factory()
        return self._given

    @property
    def alias(self) -> str:
        return f"{settings.SEARCH_INDEX_PREFIX}-listings"

    # --- writing ---------------------------------------------------------------------------------

    def new_index_name(self) -> str:
        return f"{self.alias}-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"

    def create_index(self, name: str) -> None:
        Listing._index.clone(name=name).create(using=self.client)

    def indices(self) -> list[str]:
        """The indices the alias points at now (one, except while an operator is mid-way)."""
        if not self.client.indices.exists_alias(name=self.alias):
            return []
        return sorted(self.client.indices.get_alias(name=self.alias).body)

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Every public listing into a new index, then the alias moved to it in one atomic step and the
        old index deleted: searches use the old index until the new one is complete."""
        from .. import documents

        ids = list(documents.searchable().order_by("pk").values_list("pk", flat=True))
        client, new = self.client, self.new_index_name()
        self.create_index(new)
        try:
            actions = (to_action(new, pk, built) for pk, built in documents.iter_built(ids))
            loaded = streaming_bulk(client, actions, chunk_size=documents.BATCH_SIZE)
            for done, _result in enumerate(loaded, start=1):
                if progress:
                    progress(done, len(ids))
            client.indices.refresh(index=new)
            old = self.indices()
            moves = [{"remove": {"index": index, "alias": self.alias}} for index in old]
            if not old and client.indices.exists(index=self.alias):
                # An index (not an alias) under the alias's name, auto-created by a stray write.
                moves.append({"remove_index": {"index": self.alias}})
            client.indices.update_aliases(actions=[*moves, {"add": {"index": new, "alias": self.alias}}])
        except Exception:
            try:  # best effort: the error that stopped the rebuild is the one to report
                client.options(ignore_status=404).indices.delete(index=new)
            except Exception:
                logger.warning("Could not delete the half-built index %s", new, exc_info=True)
            raise
        for index in old:
            client.options(ignore_status=404).indices.delete(index=index)
        return len(ids)

    def index(self, built: list[tuple[int, object]], remove: Iterable[int] = ()) -> None:
        """Write these listings and delete `remove`, through the alias. Before the first rebuild there
        is no alias: then everything is built. Connection failures become ConnectionError, which the
        reindex tasks retry."""
        remove = list(remove)
        try:
            if not self.client.indices.exists_alias(name=self.alias):
                self.rebuild()
                return
            actions = [to_action(self.alias, pk, doc) for pk, doc in built]
            actions += [{"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in remove]
            if not actions:
                return
            _count, errors = streaming_bulk_all(self.client, actions)
        except TransportError as error:
            raise ConnectionError(f"Elasticsearch unavailable: {error}") from error
        failed = [e for e in errors if next(iter(e.values())).get("status") != 404]  # deleting the absent
        if failed:
            raise BulkIndexError(f"{len(failed)} listing(s) failed to index", failed)

    # --- searching -------------------------------------------------------------------------------

    def search(
        self, query: SearchQuery, words: list[str]
    ) -> tuple[int, list[Hit], dict[str, list[FacetValue]]]:
        try:
            return self._search(query, words)
        except (TransportError, ApiError) as error:
            if unavailable(error):
                from ..service import SearchUnavailable

                raise SearchUnavailable(f"{type(error).__name__}: {error}") from error
            raise

    def _search(self, query: SearchQuery, words: list[str]):
        candidates = self.candidates(query, words)
        filters = self.facet_filters(query)
        body: dict = {
            "query": candidates,
            "track_total_hits": True,
            "aggs": self.facet_aggregations(filters),
            "_source": False,
        }
        if filters:
            body["post_filter"] = {"bool": {"filter": list(filters.values())}}
        by_price = query.sort == "price" and query.list_size
        if by_price:
            body["size"] = 0
        else:
            body.update(
                sort=self.sort(query, bool(words)),
                size=query.page_size,
                **{"from": query.offset},
            )
            if words:
                body.update(highlight=self.highlight(), track_scores=True)
        response = self.client.search(index=self.alias, body=body).body
        total = response["hits"]["total"]["value"]
        facets = self.facet_counts(query, response["aggregations"])
        if by_price:
            hits = self.hits_by_price(query, words, candidates, filters)
        else:
            hits = [self.hit(raw) for raw in response["hits"]["hits"]]
            if query.list_size and hits:
                prices = prices_at(query.list_size, [hit.solution_id for hit in hits])
                for hit in hits:
                    hit.price = prices.get(hit.solution_id)
        return total, hits, facets

    # The candidate set: the listings matching the text and the price filter. Facet filters narrow
    # it further for the hits (post_filter) and for every other facet's counts.
    def candidates(self, query: SearchQuery, words: list[str]) -> dict:
        must: list[dict] = []
        filters: list[dict] = []
        if words:
            must.append(
                {
                    "multi_match": {
                        "query": " ".join(words),
                        "type": "cross_fields",
                        "operator": "and",
                        "fields": [f"{name}^{weight}" for name, weight in TEXT_FIELDS.items()],
                    }
                }
            )
        if query.list_size and query.max_price is not None:
            filters += self.price_filters(query.list_size, query.max_price)
        if query.solution_ids is not None:
            filters.append({"terms": {"solution_id": sorted(query.solution_ids)}})
        return {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}

    @staticmethod
    def price_filters(list_size: int, max_price: Decimal) -> list[dict]:
        """Listings with a cost at this list size (nested range filter) within the maximum (ids from
        the database read model, which computes the cost exactly, see the module docstring)."""
        priced = prices_at(list_size)
        within = sorted(pk for pk, price in priced.items() if price <= max_price)
        beyond = sorted(pk for pk, price in priced.items() if price > max_price)
        at_size = {
            "nested": {
                "path": "segments",
                "query": {
                    "bool": {
                        "filter": [
                            {"range": {"segments.lower": {"lte": list_size}}},
                            {
                                "bool": {
                                    "should": [
                                        {"range": {"segments.upper": {"gte": list_size}}},
                                        {"bool": {"must_not": {"exists": {"field": "segments.upper"}}}},
                                    ],
                                    "minimum_should_match": 1,
                                }
                            },
                        ]
                    }
                },
            }
        }
        if len(within) <= len(beyond):
            return [at_size, {"terms": {"solution_id": within}}]
        return [at_size, {"bool": {"must_not": {"terms": {"solution_id": beyond}}}}] if beyond else [at_size]

    @staticmethod
    def facet_filters(query: SearchQuery) -> dict[str, dict]:
        filters = {}
        for facet, mode in FACETS.items():
            values = sorted(set(query.selected(facet)))
            if not values:
                continue
            field = f"facets.{facet}"
            if mode == "all":
                filters[facet] = {"bool": {"filter": [{"term": {field: value}} for value in values]}}
            else:
                filters[facet] = {"terms": {field: values}}
        return filters

    @staticmethod
    def facet_aggregations(filters: dict[str, dict]) -> dict:
        """Each facet counted over the candidates that pass every other facet's filter."""
        return {
            facet: {
                "filter": {"bool": {"filter": [f for name, f in filters.items() if name != facet]}},
                "aggs": {"counts": {"terms": {"field": f"facets.{facet}", "size": FACET_SIZE}}},
            }
            for facet in FACETS
        }

    @staticmethod
    def facet_counts(query: SearchQuery, aggregations: dict) -> dict[str, list[FacetValue]]:
        facets: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            selected = query.selected(facet)
            values = [
                FacetValue(str(bucket["key"]), bucket["doc_count"], str(bucket["key"]) in selected)
                for bucket in aggregations[facet]["counts"]["buckets"]
            ]
            present = {v.value for v in values}
            # A selected value with no matches still shows (with 0), so it can be unselected.
            values.extend(FacetValue(v, 0, True) for v in selected if v not in present)
            facets[facet] = values
        return facets

    @staticmethod
    def sort(query: SearchQuery, has_text: bool) -> list:
        name, tie = {"name_sort": {"order": "asc"}}, {"solution_id": {"order": "asc"}}
        if query.sort == "-name":
            return [{"name_sort": {"order": "desc"}}, tie]
        if query.sort == "-published":
            return [{"published_at": {"order": "desc", "missing": "_last"}}, name, tie]
        if query.sort == "relevance" and has_text:
            return [{"_score": {"order": "desc"}}, name, tie]
        return [name, tie]  # name; relevance without text; price without a list size

    @staticmethod
    def highlight() -> dict:
        # Summary then description, as the database's snippet of "summary || ' ' || description";
        # when neither matched (a name match), the start of the summary, unmarked, as there.
        return {
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "fields": {
                "summary": {"number_of_fragments": 1, "fragment_size": 200, "no_match_size": 200},
                "description": {"number_of_fragments": 1, "fragment_size": 200},
            },
        }

    @staticmethod
    def hit(raw: dict) -> Hit:
        highlight = raw.get("highlight", {})
        summary = (highlight.get("summary") or [""])[0]
        description = (highlight.get("description") or [""])[0]
        snippet = summary if MARK_START in summary or not description else description
        return Hit(
            solution_id=int(raw["_id"]),
            score=raw.get("_score") or 0.0,
            snippet=marked(snippet) if highlight else "",
        )

    def hits_by_price(self, query, words, candidates, filters) -> list[Hit]:
        """The page of a price sort: every matching id (name order), ordered by the read model's
        cost at the list size, cheapest first, unpriced last; then the page's snippets."""
        matching = {"bool": {"must": [candidates], "filter": list(filters.values())}}
        ids = self.all_ids(matching)
        prices = prices_at(query.list_size, ids if len(ids) <= FETCH_SIZE else None)
        ordered = sorted(ids, key=lambda pk: (prices.get(pk) is None, prices.get(pk) or 0))  # stable
        page = ordered[query.offset : query.offset + query.page_size]
        hits = {pk: Hit(solution_id=pk, score=0.0, price=prices.get(pk)) for pk in page}
        if words and page:
            body = {
                "query": {"bool": {"must": [matching], "filter": [{"terms": {"solution_id": page}}]}},
                "size": len(page),
                "_source": False,
                "highlight": self.highlight(),
            }
            for raw in self.client.search(index=self.alias, body=body).body["hits"]["hits"]:
                found = self.hit(raw)
                hits[found.solution_id].score, hits[found.solution_id].snippet = found.score, found.snippet
        return [hits[pk] for pk in page]

    def all_ids(self, query: dict) -> list[int]:
        """Every matching listing's id, in name order (search_after, FETCH_SIZE at a time)."""
        ids: list[int] = []
        after = None
        while True:
            body = {
                "query": query,
                "size": FETCH_SIZE,
                "_source": False,
                "sort": [{"name_sort": {"order": "asc"}}, {"solution_id": {"order": "asc"}}],
                "track_total_hits": False,
            }
            if after:
                body["search_after"] = after
            page = self.client.search(index=self.alias, body=body).body["hits"]["hits"]
            ids += [int(raw["_id"]) for raw in page]
            if len(page) < FETCH_SIZE:
                return ids
            after = page[-1]["sort"]

    # --- type-ahead --------------------------------------------------------------------------------

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Listing names matching what has been typed so far (search_as_you_type on the name)."""
        body = {
            "query": {
                "multi_match": {
                    "query": prefix,
                    "type": "bool_prefix",
                    "fields": ["name.suggest", "name.suggest._2gram", "name.suggest._3gram"],
                }
            },
            "size": limit,
            "_source": ["name"],
            "sort": [{"_score": {"order": "desc"}}, {"name_sort": {"order": "asc"}}],
        }
        hits = self.client.search(index=self.alias, body=body).body["hits"]["hits"]
        return [raw["_source"]["name"] for raw in hits]


def streaming_bulk_all(client: Elasticsearch, actions: list[dict]) -> tuple[int, list[dict]]:
    """Send `actions` (writes go through the alias, which must exist: require_alias), visible to
    searches when this returns; (successes, failed items)."""
    done, errors = 0, []
    for ok, item in streaming_bulk(
        client,
        actions,
        raise_on_error=False,
        raise_on_exception=True,
        refresh="wait_for",
        require_alias=True,
    ):
        if ok:
            done += 1
        else:
            errors.append(item)
    return done, errors


def prices_at(list_size: int, ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Each listing's first-year cost at this list size, from the database read model, computed as
    the database backend computes it (slope x n + intercept of the segment holding n). Listings
    without a price at this size are absent."""
    from ..models import ListingPriceSegment

    segments = ListingPriceSegment.objects.filter(lower__lte=list_size).filter(
        DbQ(upper__isnull=True) | DbQ(upper__gte=list_size)
    )
    if ids is not None:
        segments = segments.filter(document_id__in=list(ids))
    return {
        pk: slope * list_size + intercept
        for pk, slope, intercept in segments.values_list("document_id", "slope", "intercept")
    }
