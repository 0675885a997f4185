"""/api/v1/ocds/: each award published as an OCDS 1.1 release package. Public (open contracting is
for anyone), read-only, and only what has been published: releases exist only for completed orders, so
an order in progress never appears, and a package is served from the frozen release JSON.

- `/api/v1/ocds/`: the contracting processes, newest first, a page at a time; each result is the
  release package of one process (its award and any amendment or termination releases).
- `/api/v1/ocds/<ocid>/`: one process's release package.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from . import ocds
from .models import PublishedRelease


class ReleasePackageSerializer(serializers.Serializer):
    """The shape of an OCDS 1.1 release package, for the OpenAPI schema (the packages are built by
    ocds.release_package and served as they are)."""

    uri = serializers.URLField()
    version = serializers.CharField()
    publishedDate = serializers.DateTimeField()
    publisher = serializers.JSONField()
    license = serializers.URLField(required=False)
    publicationPolicy = serializers.URLField(required=False)
    releases = serializers.ListField(child=serializers.JSONField(), min_length=1)


class PackagePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def package(request: Request, ocid: str, rows: list[dict]) -> dict:
    return ocds.release_package(
        [row["release"] for row in rows],
        uri=request.build_absolute_uri(reverse("contracts:ocds-package", kwargs={"ocid": ocid})),
        published_date=max(row["published_at"] for row in rows),
    )


def releases_by_ocid(ocids: list[str]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    rows = PublishedRelease.objects.filter(ocid__in=ocids).order_by("published_at", "pk")
    for row in rows.values("ocid", "release", "published_at"):
        grouped[row["ocid"]].append(row)
    return grouped


class ReleasePackageListView(GenericAPIView):
    queryset = PublishedRelease.objects.none()  # for the schema; get() pages the published processes
    permission_classes = [AllowAny]
    pagination_class = PackagePagination
    serializer_class = ReleasePackageSerializer

    @extend_schema(
        summary="Published awards (OCDS 1.1 release packages), newest first",
        responses=ReleasePackageSerializer(many=True),
        tags=["ocds"],
    )
    def get(self, request: Request) -> Response:
        processes = (
            PublishedRelease.objects.values("ocid")
            .annotate(latest=Max("published_at"))
            .order_by("-latest", "ocid")
        )
        page = self.paginate_queryset(processes)
        ocids = [row["ocid"] for row in page]
        grouped = releases_by_ocid(ocids)
        return self.get_paginated_response([package(request, ocid, grouped[ocid]) for ocid in ocids])


class ReleasePackageDetailView(GenericAPIView):
    queryset = PublishedRelease.objects.none()  # for the schema; get() reads the ocid's releases
    permission_classes = [AllowAny]
    serializer_class = ReleasePackageSerializer

    @extend_schema(
        summary="One award's OCDS 1.1 release package, by its ocid",
        responses=ReleasePackageSerializer,
        tags=["ocds"],
    )
    def get(self, request: Request, ocid: str) -> Response:
        rows = releases_by_ocid([ocid]).get(ocid)
        if not rows:
            raise Http404("No award has been published with this ocid.")
        return Response(package(request, ocid, rows))
