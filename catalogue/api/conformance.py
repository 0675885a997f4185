"""The harness's door: POST /api/v1/conformance/reports/ (signed; see docs/conformance.md) and
GET /api/v1/conformance/reports/<id>/ (what became of a report)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from ..conformance import signing
from ..conformance.ingest import DuplicateRunError, ReportFormatError, receive_report
from ..models import ConformanceReport

ACCEPTED_TYPES = {"application/xml", "text/xml", "application/fhir+json", "application/json"}


class RawBodyTooLarge(Exception):
    pass


def read_body(request: Request, limit: int) -> bytes:
    """The request body, read from the stream in chunks and refused once it passes `limit`, so an
    oversized upload is never held in memory whole."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > limit:
        raise RawBodyTooLarge
    stream = request._request  # the Django request: read from its stream, not its cached body
    chunks, size = [], 0
    while chunk := stream.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise RawBodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def problem(code: int, detail: str, **extra) -> Response:
    return Response({"detail": detail, **extra}, status=code)


ReceiptSerializer = inline_serializer(
    "ReportReceipt",
    {
        "report_id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "duplicate": serializers.BooleanField(),
        "url": serializers.URLField(),
        "warnings": serializers.ListField(child=serializers.DictField()),
    },
)


class ReportIngestView(APIView):
    """Receive a harness report. Authenticated by its HMAC signature alone (no session, no CSRF)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes: list = []

    @extend_schema(
        summary="Send a harness report (JUnit XML or FHIR TestReport), signed with HMAC-SHA256",
        request={"application/xml": OpenApiTypes.STR, "application/fhir+json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("X-Harness-Token", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Harness-Timestamp", int, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Harness-Signature", str, OpenApiParameter.HEADER, required=True),
        ],
        responses={
            202: ReceiptSerializer,
            400: OpenApiResponse(description="The body cannot be used: the message says what is wrong."),
            401: OpenApiResponse(
                description="Unknown token, bad signature, or a request over 5 minutes old."
            ),
            409: OpenApiResponse(description="This run id was already reported with different content."),
            413: OpenApiResponse(description="The body is larger than the configured limit."),
            415: OpenApiResponse(description="Not application/xml or application/fhir+json."),
        },
    )
    def post(self, request: Request) -> Response:
        limit = settings.CONFORMANCE_MAX_BODY_BYTES
        try:
            body = read_body(request, limit)
        except RawBodyTooLarge:
            return problem(413, f"The report is larger than {limit:,} bytes.")
        try:
            client = signing.verify(request.META, body)
        except signing.SignatureError as error:
            return problem(401, str(error))
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type not in ACCEPTED_TYPES:
            return problem(
                415, "Send JUnit XML as application/xml or a FHIR TestReport as application/fhir+json."
            )
        try:
            receipt = receive_report(client, body, content_type)
        except ReportFormatError as error:
            return problem(400, str(error))
        except DuplicateRunError as error:
            return problem(409, str(error))
        report = receipt.report
        return Response(
            {
                "report_id": report.pk,
                "status": report.status,
                "duplicate": receipt.duplicate,
                "url": reverse("api:conformance-report", args=[report.pk], request=request),
                "warnings": receipt.warnings,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class ReportSerializer(serializers.ModelSerializer):
    harness = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = ConformanceReport
        fields = [
            "id",
            "run_id",
            "harness",
            "source",
            "format",
            "status",
            "executed_at",
            "received_at",
            "processed_at",
            "case_count",
            "passed_count",
            "failed_count",
            "skipped_count",
            "warnings",
        ]

    def get_harness(self, report: ConformanceReport) -> dict[str, str]:
        return {"name": report.harness_name, "version": report.harness_version}

    def get_warnings(self, report: ConformanceReport) -> list[dict[str, str]]:
        return [{"code": w.code, "message": w.message} for w in report.warnings.all()]


class ReportDetailView(APIView):
    """A report's processing state and counts: public, like the evidence it is. Why processing failed
    is for the catalogue team (the admin), not the public."""

    permission_classes = [AllowAny]

    @extend_schema(summary="A harness report: its state, counts and warnings", responses=ReportSerializer)
    def get(self, request: Request, pk: int) -> Response:
        report = get_object_or_404(ConformanceReport.objects.prefetch_related("warnings"), pk=pk)
        return Response(ReportSerializer(report).data)
