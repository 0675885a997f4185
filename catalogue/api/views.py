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

from typing import Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.serializers import BaseSerializer

from catalogue.conformance import status as conformance_status
from catalogue.models import (
    Capability,
    CapabilityEpic,
    ConformanceReport,
    Epic,
    EpicConformance,
    EpicLevel,
    Framework,
    Integration,
    Outcome,
    Solution,
    SolutionEpic,
    Standard,
    StandardConformance,
    StandardType,
    Supplier,
)

from . import filters, serializers

#: The public evidence page of a report (an HTML page of the site, not of the API).
EVIDENCE_PAGE_PATH = "/conformance/reports/{}/"
LEVEL_ORDER = {EpicLevel.MUST: 0, EpicLevel.SHOULD: 1, EpicLevel.MAY: 2, None: 3}


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


class SolutionFilter(filters.SolutionFilter):
    """The solution filters plus accreditation. (Kept here rather than in filters.py only because the
    conformance work was split by file; it belongs with the others.)"""

    accredited = filters.StrictBooleanFilter(
        field_name="is_accredited",
        help_text="true: only accredited solutions (current harness results meet every capability they "
        "claim and every overarching standard); false: only the others.",
    )

    class Meta(filters.SolutionFilter.Meta):
        fields = [*filters.SolutionFilter.Meta.fields, "accredited"]


@extend_schema_view(
    list=extend_schema(summary="List the solutions you may see"),
    retrieve=extend_schema(summary="A solution by its id, with everything the catalogue knows about it"),
)
class SolutionViewSet(ReadOnlyCatalogueViewSet):
    """Listings through `Solution.objects.visible_to(request.user)`: public ones for everybody, a
    supplier's other states for its own editors, every state for the catalogue team."""

    queryset = Solution.objects.none()  # for the router and the schema; see get_queryset
    filterset_class = SolutionFilter
    lookup_field = "catalogue_id"

    def get_queryset(self) -> QuerySet[Solution]:
        visible = Solution.objects.visible_to(self.request.user)
        if self.action == "retrieve":
            return visible.with_facts()
        if self.action == "conformance":
            return visible.prefetch_related("capabilities", "standards")
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

    @extend_schema(
        summary="A solution's conformance: capability statuses, epic and standard results with their "
        "evidence, and its harness history",
        responses=serializers.SolutionConformanceSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def conformance(self, request: Request, catalogue_id: str | None = None) -> Response:
        """The same visibility as the detail: a listing the caller may not see is a 404. The statuses
        are worked out now (`status.compute`), so a result that lapsed today already shows as lapsed
        although the stored accreditation changes only with the nightly recompute."""
        solution = self.get_object()
        data = SolutionConformance(solution, request).as_dict()
        return Response(serializers.SolutionConformanceSerializer(data).data)


class SolutionConformance:
    """The rows of one solution's conformance, in a fixed number of queries whatever it claims or how
    many reports it has: the statuses from `status.compute()` (four queries), then the epics, the
    current results' reports and the history (one query each)."""

    def __init__(self, solution: Solution, request: Request) -> None:
        self.solution = solution
        self.request = request

    def evidence(self, report_id: int | None) -> dict[str, Any] | None:
        if report_id is None:
            return None
        return {
            "report_id": report_id,
            "url": reverse("api:conformance-report", args=[report_id], request=self.request),
            "evidence_url": self.request.build_absolute_uri(EVIDENCE_PAGE_PATH.format(report_id)),
        }

    def as_dict(self) -> dict[str, Any]:
        solution = self.solution
        computed = conformance_status.compute(solution)
        claimed = sorted(solution.capabilities.all(), key=lambda c: (c.sort_key, c.ref))

        # Per capability: its MUST epics (all of them, as compute() counts them) and the claimed ones.
        epics: dict[int, dict[int, dict[str, Any]]] = {capability.pk: {} for capability in claimed}
        for link in CapabilityEpic.objects.filter(
            capability__in=claimed, level=EpicLevel.MUST
        ).select_related("epic"):
            epics[link.capability_id][link.epic_id] = {
                "epic": link.epic,
                "level": link.level,
                "claimed": False,
            }
        for claim in SolutionEpic.objects.filter(solution=solution, capability__in=claimed).with_level():
            row = epics[claim.capability_id].setdefault(
                claim.epic_id, {"epic": claim.epic, "level": claim.level, "claimed": True}
            )
            row["claimed"] = True
        epic_results = {
            epic_id: (tested_at, report_id)
            for epic_id, tested_at, report_id in EpicConformance.objects.filter(
                solution=solution
            ).values_list("epic_id", "tested_at", "result__report_id")
        }

        capabilities = []
        for capability in claimed:
            rows = []
            for epic_id, row in epics[capability.pk].items():
                tested_at, report_id = epic_results.get(epic_id, (None, None))
                epic = row["epic"]
                rows.append(
                    {
                        "code": epic.code,
                        "name": epic.name,
                        "level": row["level"],
                        "is_active": epic.is_active,
                        "claimed": row["claimed"],
                        "state": computed.epics.get(epic_id, conformance_status.NOT_TESTED),
                        "tested_at": tested_at,
                        "evidence": self.evidence(report_id),
                    }
                )
            rows.sort(key=lambda r: (LEVEL_ORDER.get(r["level"], 3), r["code"]))
            capabilities.append(
                {
                    "ref": capability.ref,
                    "name": capability.name,
                    "status": computed.capabilities[capability.pk],
                    "as_of": computed.capability_as_of[capability.pk],
                    "epics": rows,
                }
            )

        # The standards compute() judged: the overarching ones and those claimed.
        standards = Standard.objects.filter(pk__in=list(computed.standards)).order_by("sort_key", "ref")
        standard_results = {
            standard_id: (tested_at, report_id)
            for standard_id, tested_at, report_id in StandardConformance.objects.filter(
                solution=solution, standard__in=list(computed.standards)
            ).values_list("standard_id", "tested_at", "result__report_id")
        }
        standard_rows = []
        for standard in standards:
            tested_at, report_id = standard_results.get(standard.pk, (None, None))
            standard_rows.append(
                {
                    "ref": standard.ref,
                    "name": standard.name,
                    "type": standard.standard_type,
                    "state": computed.standards[standard.pk],
                    "tested_at": tested_at,
                    "evidence": self.evidence(report_id),
                }
            )

        return {
            "catalogue_id": solution.catalogue_id,
            "name": solution.name,
            "accredited": computed.accredited,
            "accreditation_changed_at": solution.accreditation_changed_at,
            "validity_days": settings.CONFORMANCE_VALIDITY_DAYS,
            "capabilities": capabilities,
            "standards": standard_rows,
            "history": self.history(),
            "url": reverse("api:solution-conformance", args=[solution.catalogue_id], request=self.request),
        }

    def history(self) -> list[dict[str, Any]]:
        """Every report with results for this solution, newest run first, counting only its cases.
        The filter comes before the counts, so they count the joined rows of this solution only."""
        reports = (
            ConformanceReport.objects.filter(results__solution=self.solution)
            .annotate(
                passed=Count("results", filter=Q(results__outcome=Outcome.PASSED)),
                failed=Count("results", filter=Q(results__outcome=Outcome.FAILED)),
                skipped=Count("results", filter=Q(results__outcome=Outcome.SKIPPED)),
            )
            .order_by(F("executed_at").desc(nulls_last=True), "-received_at", "-pk")
            .values(
                "pk",
                "run_id",
                "harness_name",
                "harness_version",
                "executed_at",
                "source",
                "passed",
                "failed",
                "skipped",
            )
        )
        rows = []
        for report in reports:
            decided = report["passed"] + report["failed"]
            evidence = self.evidence(report["pk"])
            rows.append(
                {
                    "report_id": report["pk"],
                    "run_id": report["run_id"],
                    "harness": {"name": report["harness_name"], "version": report["harness_version"]},
                    "executed_at": report["executed_at"],
                    "source": report["source"],
                    "passed": report["passed"],
                    "failed": report["failed"],
                    "skipped": report["skipped"],
                    "pass_rate": round(report["passed"] / decided, 4) if decided else None,
                    "url": evidence["url"],
                    "evidence_url": evidence["evidence_url"],
                }
            )
        return rows
