"""Building search documents from the catalogue: the one place that decides what search knows about a
listing. Both backends index what this builds (the database read model in search/models.py, and the
Elasticsearch documents made from it), so they cannot disagree about a listing's facts."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.db import models, transaction

from catalogue.models import AdditionalService, Capability, Price, Solution

from .models import ListingDocument, ListingFacetValue, ListingPriceSegment, SearchTerm
from .price_index import Segment, cost_segments
from .spelling import words

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
    published_prices = Price.objects.filter(is_published=True).prefetch_related("tiers")
    services = AdditionalService.objects.published().prefetch_related("epics")
    return (
        Solution.objects.published()
        .select_related("supplier__organisation")
        .prefetch_related(
            "frameworks",
            "capabilities",
            "solution_epics__epic",
            "integrations__integration_type__integration",
            "hosting_options",
            "client_applications",
            models.Prefetch("prices", queryset=published_prices, to_attr="list_prices"),
            models.Prefetch("additional_services", queryset=services, to_attr="public_additional_services"),
        )
    )


def build(solution: Solution) -> BuiltDocument:
    """What search knows about one listing (loaded through `searchable()`)."""
    capabilities: list[Capability] = list(solution.capabilities.all())
    refs = {c.ref for c in capabilities}
    epics = [se.epic for se in solution.solution_epics.all()]
    for service in solution.public_additional_services:
        epics.extend(service.epics.all())  # an additional service can supply a required epic
    integrations = [i.integration_type for i in solution.integrations.all()]
    fields = {
        "catalogue_id": solution.catalogue_id,
        "name": solution.name,
        "name_sort": solution.name.lower(),
        "supplier_name": solution.supplier.name,
        "supplier_code": solution.supplier.code,
        "capability_text": "; ".join(
            f"{c.ref} {c.name}" for c in sorted(capabilities, key=lambda c: c.sort_key)
        ),
        "summary": solution.summary,
        "feature_text": "\n".join(solution.features or []),
        "epic_text": "; ".join(sorted({e.name for e in epics})),
        "description": solution.description,
        "published_at": solution.published_at,
        "is_accredited": solution.is_accredited,
        "is_foundation": refs >= FOUNDATION_REFS,
        "in_remediation": solution.publication_state == "in_remediation",
    }
    facets = sorted(
        {("capability", ref) for ref in refs}
        | {("epic", e.code) for e in epics}
        | {("framework", f.code) for f in solution.frameworks.all()}
        | {("integration", t.integration.name) for t in integrations}
        | {("integration_type", str(t.pk)) for t in integrations}
        | {("hosting", h.hosting_type) for h in solution.hosting_options.all()}
        | {("client", c.application_type) for c in solution.client_applications.all()}
        | {("supplier", solution.supplier.code)}
        | {("foundation", "yes" if fields["is_foundation"] else "no")}
        | {("accredited", "yes" if solution.is_accredited else "no")}
    )
    segments = cost_segments(solution.list_prices)
    built = BuiltDocument(fields, facets, segments)
    built.source_hash = hashlib.sha256(
        json.dumps([fields, facets, [asdict(s) for s in segments]], default=str, sort_keys=True).encode()
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
    built.terms = Counter(word for word in words(text) if len(word) >= 3 and not word.isdigit())
    return built


def iter_built(solution_ids: Iterable[int] | None = None) -> Iterator[tuple[int, BuiltDocument]]:
    """(solution id, document) for every searchable listing (or those given), in batches."""
    queryset = searchable().order_by("pk")
    ids = None if solution_ids is None else sorted(set(solution_ids))
    if ids is None:
        ids = list(Solution.objects.published().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        for solution in queryset.filter(pk__in=ids[start : start + BATCH_SIZE]):
            yield solution.pk, build(solution)


@transaction.atomic
def store(documents: list[tuple[int, BuiltDocument]], remove: Iterable[int] = ()) -> None:
    """Write documents into the database read model (replacing what was there) and drop `remove`."""
    ids = [solution_id for solution_id, _ in documents]
    stale = set(ids) | set(remove)
    ListingDocument.objects.filter(pk__in=stale).delete()  # cascades to facets and segments
    ListingDocument.objects.bulk_create(
        ListingDocument(solution_id=solution_id, source_hash=doc.source_hash, **doc.fields)
        for solution_id, doc in documents
    )
    ListingFacetValue.objects.bulk_create(
        (
            ListingFacetValue(document_id=solution_id, facet=facet, value=value)
            for solution_id, doc in documents
            for facet, value in doc.facets
        ),
        batch_size=5000,
    )
    ListingPriceSegment.objects.bulk_create(
        (
            ListingPriceSegment(
                document_id=solution_id, lower=s.lower, upper=s.upper, slope=s.slope, intercept=s.intercept
            )
            for solution_id, doc in documents
            for s in doc.segments
        ),
        batch_size=5000,
    )
    terms: Counter = Counter()
    for _, doc in documents:
        terms.update(doc.terms)
    add_terms(terms)


def add_terms(terms: Counter) -> None:
    """Grow the lexicon (words are added, never removed, between full rebuilds)."""
    if not terms:
        return
    known = set(SearchTerm.objects.filter(term__in=list(terms)).values_list("term", flat=True))
    SearchTerm.objects.bulk_create(
        (SearchTerm(term=term[:60], frequency=count) for term, count in terms.items() if term not in known),
        ignore_conflicts=True,
        batch_size=5000,
    )
