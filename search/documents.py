"""Building search documents from the catalogue: the one place that decides what search knows about a
listing. Both backends index what this builds (the database read model in search/models.py, and the
Elasticsearch documents made from it), so they cannot disagree about a listing's facts."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from catalogue.listing_content import PriceContent
from catalogue.models import (
    AdditionalService,
    HostingOption,
    Price,
    PriceTier,
    Solution,
    SolutionClientApplication,
    SolutionEpic,
    SolutionIntegration,
)
from catalogue.pricing import Tier

from . import facet_matrix
from .models import FacetCode, ListingDocument, ListingPriceSegment, SearchTerm
from .price_index import Segment, cost_segments

FOUNDATION_REFS = frozenset({"C5", "C11", "C12", "C13", "C14", "C15"})
BATCH_SIZE = 500


@dataclass
class BuiltDocument:
    fields: dict
    facets: list[tuple[str, str]]
    segments: list[Segment]
    source_hash: str = ""
    terms: Counter = field(default_factory=Counter)


def searchable() -> models.QuerySet[Solution]:
    """The listings search holds: the public ones (published or in remediation, active supplier).
    Suspended, draft and unpublished listings are never in the index."""
    return Solution.objects.published()


@dataclass
class ListingData:
    """The catalogue facts of one listing, as plain values (loading model instances for 50,000
    listings and their relations costs minutes; plain rows cost seconds)."""

    id: int
    catalogue_id: str
    name: str
    summary: str
    description: str
    features: list
    published_at: object
    is_accredited: bool
    publication_state: str
    supplier_code: str
    supplier_name: str
    capabilities: list[tuple[str, str, int]] = field(default_factory=list)  # ref, name, sort key
    epics: list[tuple[str, str]] = field(default_factory=list)  # code, name (the service's ones too)
    frameworks: list[str] = field(default_factory=list)
    integrations: list[tuple[str, str]] = field(default_factory=list)  # integration name, type id
    hosting: list[str] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    prices: list[PriceContent] = field(default_factory=list)


LEXICON_WORD = re.compile(r"[a-z0-9]{3,}")


def among(field: str, ids: list[int]) -> Q:
    """`field` is one of `ids`. A rebuild loads sorted batches of nearly consecutive ids: as a range
    the database answers from an index with two parameters, where an IN list of hundreds costs more
    to send, parse and plan than to run (measured: most of a rebuild's load time). Callers skip the
    rows of ids in the range they did not ask for."""
    if ids and max(ids) - min(ids) < 2 * len(ids):
        return Q(**{f"{field}__gte": min(ids), f"{field}__lte": max(ids)})
    return Q(**{f"{field}__in": ids})


def load(ids: list[int]) -> list[ListingData]:
    """The facts of these listings, in a fixed number of queries (ten) whatever their number."""
    wanted = set(ids)
    rows = Solution.objects.filter(among("pk", ids)).values_list(
        "pk",
        "catalogue_id",
        "name",
        "summary",
        "description",
        "features",
        "published_at",
        "is_accredited",
        "publication_state",
        "supplier__code",
        "supplier__organisation__name",
    )
    data = {row[0]: ListingData(*row) for row in rows if row[0] in wanted}

    def each(queryset, *fields):
        for row in queryset.filter(among(fields[0], list(data))).values_list(*fields):
            if row[0] in data:  # a range also finds the listings between these that are not public
                yield row

    through = Solution.capabilities.through.objects
    for solution_id, ref, name, key in each(
        through, "solution_id", "capability__ref", "capability__name", "capability__sort_key"
    ):
        data[solution_id].capabilities.append((ref, name, key))
    for solution_id, code, name in each(SolutionEpic.objects, "solution_id", "epic__code", "epic__name"):
        data[solution_id].epics.append((code, name))
    # An additional service can supply a required epic: its epics count as the solution's.
    services = AdditionalService.epics.through.objects.filter(
        additionalservice__in=AdditionalService.objects.published()
    )
    for solution_id, code, name in each(
        services, "additionalservice__solution_id", "epic__code", "epic__name"
    ):
        data[solution_id].epics.append((code, name))
    for solution_id, code in each(Solution.frameworks.through.objects, "solution_id", "framework__code"):
        data[solution_id].frameworks.append(code)
    integrations = SolutionIntegration.objects
    for solution_id, name, type_id in each(
        integrations, "solution_id", "integration_type__integration__name", "integration_type_id"
    ):
        data[solution_id].integrations.append((name, str(type_id)))
    for solution_id, hosting in each(HostingOption.objects, "solution_id", "hosting_type"):
        data[solution_id].hosting.append(hosting)
    for solution_id, client in each(SolutionClientApplication.objects, "solution_id", "application_type"):
        data[solution_id].clients.append(client)
    prices = Price.objects.filter(among("solution_id", list(data)), is_published=True).order_by("pk")
    tiers: dict[int, list[Tier]] = {}
    for price_id, lower, upper, unit_price in PriceTier.objects.filter(
        among("price__solution_id", list(data)), price__is_published=True
    ).values_list("price_id", "lower", "upper", "unit_price"):
        tiers.setdefault(price_id, []).append(Tier(lower, upper, Decimal(unit_price)))
    for price in prices.values(
        "pk",
        "solution_id",
        "provisioning_type",
        "unit_description",
        "time_unit",
        "calculation_type",
        "quantity_basis",
    ):
        if price["solution_id"] not in data:
            continue
        data[price["solution_id"]].prices.append(
            PriceContent(
                provisioning_type=price["provisioning_type"],
                unit_description=price["unit_description"],
                tiers=tuple(sorted(tiers.get(price["pk"], []), key=lambda t: t.lower)),
                time_unit=price["time_unit"],
                calculation_type=price["calculation_type"],
                quantity_basis=price["quantity_basis"],
            )
        )
    return [data[i] for i in ids if i in data]


def build(listing: ListingData) -> BuiltDocument:
    """What search knows about one listing."""
    capabilities = sorted(listing.capabilities, key=lambda c: c[2])
    refs = {ref for ref, _, _ in capabilities}
    epics = set(listing.epics)
    fields = {
        "catalogue_id": listing.catalogue_id,
        "name": listing.name,
        "name_sort": listing.name.lower(),
        "supplier_name": listing.supplier_name,
        "supplier_code": listing.supplier_code,
        "capability_text": "; ".join(f"{ref} {name}" for ref, name, _ in capabilities),
        "summary": listing.summary,
        "feature_text": "\n".join(listing.features or []),
        "epic_text": "; ".join(sorted({name for _, name in epics})),
        "description": listing.description,
        "published_at": listing.published_at,
        "is_accredited": listing.is_accredited,
        "is_foundation": refs >= FOUNDATION_REFS,
        "in_remediation": listing.publication_state == "in_remediation",
    }
    facets = sorted(
        {("capability", ref) for ref in refs}
        | {("epic", code) for code, _ in epics}
        | {("framework", code) for code in listing.frameworks}
        | {("integration", name) for name, _ in listing.integrations}
        | {("integration_type", type_id) for _, type_id in listing.integrations}
        | {("hosting", hosting) for hosting in listing.hosting}
        | {("client", client) for client in listing.clients}
        | {("supplier", listing.supplier_code)}
        | {("foundation", "yes" if fields["is_foundation"] else "no")}
        | {("accredited", "yes" if listing.is_accredited else "no")}
    )
    segments = [s for s in cost_segments(listing.prices) if s.lower is not None]
    built = BuiltDocument(fields, facets, segments)
    built.source_hash = hashlib.sha256(
        json.dumps(
            [fields, facets, [(s.lower, s.upper, s.slope, s.intercept) for s in segments]],
            default=str,
            sort_keys=True,
        ).encode()
    ).hexdigest()
    text = " ".join(
        str(fields[name])
        for name in (
            "name",
            "supplier_name",
            "capability_text",
            "summary",
            "feature_text",
            "epic_text",
            "description",
        )
    )
    # The words of three characters or more (maximal runs, as spelling.WORD splits them), counted in
    # C; then the numbers, few among the distinct words, are dropped.
    built.terms = Counter(LEXICON_WORD.findall(text.lower()))
    for word in [w for w in built.terms if w.isdigit()]:
        del built.terms[word]
    return built


def iter_built(solution_ids: Iterable[int] | None = None) -> Iterator[tuple[int, BuiltDocument]]:
    """(solution id, document) for every searchable listing (or those of the given that are), in
    batches."""
    public = searchable()
    if solution_ids is not None:
        public = public.filter(pk__in=set(solution_ids))
    ids = list(public.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        for listing in load(ids[start : start + BATCH_SIZE]):
            yield listing.id, build(listing)


@transaction.atomic
def store(
    documents: list[tuple[int, BuiltDocument]], remove: Iterable[int] = (), *, replace: bool = True
) -> None:
    """Write documents into the database read model (replacing what was there) and drop `remove`.
    `replace=False` skips looking for earlier rows (a rebuild has just emptied the tables) and leaves
    the words of the lexicon to the caller (`add_terms`), who sees every batch."""
    remove = set(remove)
    if replace:
        stale = {solution_id for solution_id, _ in documents} | remove
        ListingDocument.objects.filter(pk__in=stale).delete()  # cascades to facets and segments
    codes = facet_codes({pair for _, doc in documents for pair in doc.facets})
    document_rows = [
        (
            solution_id,
            doc.source_hash,
            *(doc.fields[name] for name in DOCUMENT_FIELDS),
            sorted(codes[pair] for pair in doc.facets),
        )
        for solution_id, doc in documents
    ]
    segment_rows = [
        (solution_id, s.lower, s.upper, s.slope, s.intercept)
        for solution_id, doc in documents
        for s in doc.segments
    ]
    now = timezone.now()
    write_rows(
        ListingDocument,
        ["solution_id", "source_hash", *DOCUMENT_FIELDS, "facet_codes", "indexed_at"],
        [(*r, now) for r in document_rows],
    )
    write_rows(ListingPriceSegment, ["document_id", "lower", "upper", "slope", "intercept"], segment_rows)
    if replace:
        terms: Counter = Counter()
        for _, doc in documents:
            terms.update(doc.terms)
        add_terms(terms)
    # A rebuild (replace=False) collects every batch's words and adds them once, at the end.
    facet_matrix.touch([solution_id for solution_id, _ in documents] + [*remove])


DOCUMENT_FIELDS = (
    "catalogue_id",
    "name",
    "name_sort",
    "supplier_name",
    "supplier_code",
    "capability_text",
    "summary",
    "feature_text",
    "epic_text",
    "description",
    "published_at",
    "is_accredited",
    "is_foundation",
    "in_remediation",
)


def write_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows: by COPY on PostgreSQL (a rebuild writes a million facet rows; COPY takes seconds
    where INSERTs take minutes), by bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    attnames = [
        model._meta.get_field(column).attname if column != "solution_id" else column for column in columns
    ]
    model.objects.bulk_create(
        (model(**dict(zip(attnames, row, strict=True))) for row in rows), batch_size=2000
    )


def facet_codes(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The code of each (facet, value), handing out new codes for values not seen before. Safe when
    two reindexing tasks meet a new value at once: the unique constraint keeps one code."""
    if not pairs:
        return {}

    def known() -> dict[tuple[str, str], int]:
        rows = FacetCode.objects.filter(
            facet__in={facet for facet, _ in pairs}, value__in={value for _, value in pairs}
        ).values_list("facet", "value", "pk")
        return {(facet, value): pk for facet, value, pk in rows if (facet, value) in pairs}

    codes = known()
    missing = pairs - codes.keys()
    if missing:
        FacetCode.objects.bulk_create(
            [FacetCode(facet=facet, value=value) for facet, value in sorted(missing)], ignore_conflicts=True
        )
        codes = known()
    return codes


def add_terms(terms: Counter, *, fresh: bool = False) -> None:
    """Grow the lexicon (words are added, never removed, between full rebuilds). `fresh`: the lexicon
    has just been emptied (a rebuild), so there is nothing to look up."""
    if not terms:
        return
    known = (
        set()
        if fresh
        else set(SearchTerm.objects.filter(term__in=list(terms)).values_list("term", flat=True))
    )
    SearchTerm.objects.bulk_create(
        (SearchTerm(term=term[:60], frequency=count) for term, count in terms.items() if term not in known),
        ignore_conflicts=True,
        batch_size=5000,
    )


def empty_read_model() -> None:
    """Delete every row of the read model in plain SQL, children first: Django's cascading delete would
    load a million facet rows into Python. Readers keep seeing the old rows until the caller's
    transaction commits."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "search_listingpricesegment",
            "search_listingtext",
            "search_listingdocument",
            "search_searchterm",
        ):
            cursor.execute(f"DELETE FROM {table}")
    facet_matrix.touch(None)  # every listing may change: processes read the whole matrix again
