"""Searching: the one entry point every caller uses (`search`), and type-ahead (`suggest`)."""

from __future__ import annotations

import logging

from django.db.models import Q

from catalogue.models import (
    Capability,
    ClientApplicationType,
    Epic,
    Framework,
    HostingType,
    IntegrationType,
    Supplier,
)

from .backends import configured_backend, database_backend
from .cache import cached_browse
from .models import ListingDocument
from .query import FacetValue, SearchQuery, SearchResults
from .text import search_words

logger = logging.getLogger(__name__)


class SearchUnavailable(Exception):
    """The configured backend could not answer (such as an unreachable Elasticsearch cluster)."""


def search(query: SearchQuery, *, backend=None) -> SearchResults:
    """Run a query. If the configured backend is unavailable, the database answers instead, so a page
    never fails because a cluster is down (health reports it degraded)."""
    words, corrected = search_words(query.text)
    backend = backend or configured_backend()
    try:
        total, hits, facets = cached_browse(query, backend.name, lambda: backend.search(query, words))
        used = backend.name
    except SearchUnavailable as error:
        logger.warning("Search backend %s unavailable, using the database: %s", backend.name, error)
        total, hits, facets = database_backend().search(query, words)
        used = "database (fallback)"
    return SearchResults(
        query=query,
        total=total,
        hits=hits,
        facets=label_facets(facets),
        corrected_text=corrected,
        backend=used,
    )


def _labels(facet: str, values: set[str]) -> dict[str, str]:
    """Words for facet values, one query per facet at most."""
    if not values:
        return {}
    # Plain rows, not model instances: a broad search shows hundreds of epics, and building an
    # instance for each was about a fifth of a cached search's time (profiled with bench/search.py's query).
    if facet == "capability":
        rows = Capability.objects.filter(ref__in=values).values_list("ref", "name")
        return {ref: f"{ref} {name}" for ref, name in rows}
    if facet == "epic":
        rows = Epic.objects.filter(code__in=values).values_list("code", "name")
        return {code: f"{code} {name}" for code, name in rows}
    if facet == "framework":
        rows = Framework.objects.filter(code__in=values).values_list("code", "short_name", "name")
        return {code: short_name or name for code, short_name, name in rows}
    if facet == "integration_type":
        ids = [int(v) for v in values if v.isdigit()]
        return {
            str(t.pk): str(t)
            for t in IntegrationType.objects.filter(pk__in=ids).select_related("integration")
        }
    if facet == "hosting":
        return dict(HostingType.choices)
    if facet == "client":
        return dict(ClientApplicationType.choices)
    if facet == "supplier":
        return dict(Supplier.objects.filter(code__in=values).values_list("code", "organisation__name"))
    if facet == "foundation":
        return {"yes": "Foundation solution", "no": "Not a foundation solution"}
    if facet == "accredited":
        return {"yes": "Accredited", "no": "Not accredited"}
    return {}


def label_facets(facets: dict[str, list[FacetValue]]) -> dict[str, list[FacetValue]]:
    labelled = {}
    for facet, values in facets.items():
        labels = _labels(facet, {v.value for v in values})
        labelled[facet] = sorted(
            (FacetValue(v.value, v.count, v.selected, labels.get(v.value, v.value)) for v in values),
            key=lambda v: (-v.count, v.label.lower()),
        )
    return labelled


def suggest(prefix: str, limit: int = 8) -> list[str]:
    """Solution and supplier names starting with (or with a word starting with) `prefix`."""
    prefix = prefix.strip()
    if len(prefix) < 2:
        return []
    matches = Q(name__istartswith=prefix) | Q(name__icontains=f" {prefix}")
    names = list(
        ListingDocument.objects.filter(matches).order_by("name_sort").values_list("name", flat=True)[:limit]
    )
    suppliers = Q(supplier_name__istartswith=prefix) | Q(supplier_name__icontains=f" {prefix}")
    names += list(
        ListingDocument.objects.filter(suppliers)
        .order_by("supplier_name")
        .values_list("supplier_name", flat=True)
        .distinct()[:limit]
    )
    return list(dict.fromkeys(names))[:limit]
