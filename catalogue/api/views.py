"""The public read API at /api/v1/: thin read-only viewsets.

Each viewset states which rows a caller may see and what to prefetch, nothing more; the shapes are in
serializers.py and the query-string filters in filters.py. Solutions always come from
`Solution.objects.visible_to(request.user)` (and a supplier's solutions too), so a draft, submitted,
suspended or unpublished listing is invisible to anyone not entitled to it: absent from lists and 404
on detail, which does not reveal that it exists.

Every list costs a fixed number of queries however many rows it holds: related rows are prefetched
in one query per relation, never fetched row by row.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.serializers import BaseSerializer

from catalogue.models import (
    Capability,
    CapabilityEpic,
    Epic,
    Framework,
    Integration,
    Solution,
    Standard,
    StandardType,
    Supplier,
)

from . import filters, serializers


class CataloguePagination(PageNumberPagination):
    """Page numbers, 50 a page by default; `page_size` lets a client ask for up to 200, enough for the
    whole capability list in one request without letting one request load the whole catalogue."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ReadOnlyCatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """GET, HEAD and OPTIONS only: any write method gets 405 (or 403 first, for a signed-in session
    without a CSRF token)."""

    pagination_class = CataloguePagination


@extend_schema_view(
    list=extend_schema(summary="List frameworks"), retrieve=extend_schema(summary="A framework by its code")
)
class FrameworkViewSet(ReadOnlyCatalogueViewSet):
    queryset = Framework.objects.order_by("name", "code")
    serializer_class = serializers.FrameworkSerializer
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="List capabilities with their epics"),
    retrieve=extend_schema(summary="A capability by its ref, with its epics"),
)
class CapabilityViewSet(ReadOnlyCatalogueViewSet):
    """Capabilities in ref order (C2 before C10), each with its frameworks and epics."""

    queryset = Capability.objects.prefetch_related(
        "frameworks",
        Prefetch(
            "capability_epics", queryset=CapabilityEpic.objects.select_related("epic").order_by("epic__code")
        ),
    ).order_by("sort_key", "ref")
    serializer_class = serializers.CapabilitySerializer
    filterset_class = filters.CapabilityFilter
    lookup_field = "ref"


@extend_schema_view(
    list=extend_schema(summary="List epics with their capabilities"),
    retrieve=extend_schema(summary="An epic by its id, with the capabilities and levels it belongs to"),
)
class EpicViewSet(ReadOnlyCatalogueViewSet):
    queryset = Epic.objects.prefetch_related(
        Prefetch(
            "capability_epics",
            queryset=CapabilityEpic.objects.select_related("capability").order_by("capability__sort_key"),
        )
    ).order_by("code")
    serializer_class = serializers.EpicSerializer
    filterset_class = filters.EpicFilter
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="List standards"), retrieve=extend_schema(summary="A standard by its ref")
)
class StandardViewSet(ReadOnlyCatalogueViewSet):
    queryset = Standard.objects.prefetch_related("capabilities").order_by("sort_key", "ref")
    serializer_class = serializers.StandardSerializer
    filterset_class = filters.StandardFilter
    lookup_field = "ref"


@extend_schema_view(
    list=extend_schema(summary="List integration types, grouped under IM1, GP Connect and NHS App")
)
class IntegrationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list only: there are three integrations, and they have no code to look one up by."""

    queryset = Integration.objects.prefetch_related("types").order_by("name")
    serializer_class = serializers.IntegrationSerializer
    pagination_class = CataloguePagination


@extend_schema_view(
    list=extend_schema(summary="List active suppliers with their listings"),
    retrieve=extend_schema(summary="An active supplier by its id"),
)
class SupplierViewSet(ReadOnlyCatalogueViewSet):
    """Active suppliers only. Their solutions are filtered through `visible_to`, so an anonymous caller
    or a buyer sees only public listings, a supplier's own editors also its other listings."""

    queryset = Supplier.objects.none()  # for the router and the schema; see get_queryset
    serializer_class = serializers.SupplierSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Supplier]:
        visible_solutions = Solution.objects.visible_to(self.request.user).order_by("name", "pk")
        return (
            Supplier.objects.active()
            .select_related("organisation")
            .prefetch_related(
                "contacts", Prefetch("solutions", queryset=visible_solutions, to_attr="visible_solutions")
            )
            .order_by("organisation__name", "code")
        )


@extend_schema_view(
    list=extend_schema(summary="List the solutions you may see"),
    retrieve=extend_schema(summary="A solution by its id, with everything the catalogue knows about it"),
)
class SolutionViewSet(ReadOnlyCatalogueViewSet):
    """Listings through `Solution.objects.visible_to(request.user)`: public ones for everybody, a
    supplier's other states for its own editors, every state for the catalogue team."""

    queryset = Solution.objects.none()  # for the router and the schema; see get_queryset
    filterset_class = filters.SolutionFilter
    lookup_field = "catalogue_id"

    def get_queryset(self) -> QuerySet[Solution]:
        visible = Solution.objects.visible_to(self.request.user)
        if self.action == "retrieve":
            return visible.with_facts()
        return (
            visible.select_related("supplier__organisation")
            .prefetch_related("frameworks", "capabilities")
            .order_by("name", "pk")
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "retrieve":
            return serializers.SolutionDetailSerializer
        return serializers.SolutionListSerializer

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        # Lazy: evaluated (one query) only when a detail is rendered.
        context["overarching_standards"] = Standard.objects.filter(standard_type=StandardType.OVERARCHING)
        return context
