"""Conformance: results from the standards test harness, kept as evidence, and the status they give.

Harness clients post reports (or the service pulls them from feeds); every report is kept unchanged,
each test case becomes a `HarnessResult` naming a solution and the epic or standard it verifies, and
the latest result per solution and requirement is kept current in `EpicConformance` and
`StandardConformance`, from which `CapabilityConformance` and `Solution.is_accredited` follow
(catalogue/conformance/status.py). Nobody types a status in by hand.
"""

from __future__ import annotations

import gzip
import secrets

from django.db import models

from .reference import Capability, Epic, Standard
from .solutions import Solution


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class HarnessClient(models.Model):
    """A test harness allowed to send reports. It identifies itself by `token` and signs each request
    with one of its active secrets (HMAC-SHA256)."""

    name = models.CharField(max_length=200, unique=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    is_active = models.BooleanField(default=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def active_secrets(self) -> list[str]:
        return [s.secret for s in self.secrets.all() if s.revoked_at is None]


class HarnessSecret(models.Model):
    """A signing secret. A client may hold several at once, which is how secrets are rotated without
    downtime: add a new one, move the harness to it, then revoke the old one."""

    client = models.ForeignKey(HarnessClient, on_delete=models.CASCADE, related_name="secrets")
    secret = models.CharField(max_length=128, default=new_secret, help_text="Shown once, when it is created.")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.client}: …{self.secret[-4:]} ({state})"


class HarnessFeed(models.Model):
    """A feed the service polls: a URL answering a JSON list of {"id": run id, "url": report URL}."""

    client = models.ForeignKey(HarnessClient, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=500)
    is_active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["client__name", "url"]

    def __str__(self) -> str:
        return self.url


class ReportSource(models.TextChoices):
    PUSHED = "pushed", "Posted by the harness"
    PULLED = "pulled", "Pulled from a harness feed"
    IMPORTED = "imported", "Imported from the NHS Buying Catalogue's recorded assessments"


class ReportFormat(models.TextChoices):
    JUNIT = "junit", "JUnit XML"
    FHIR = "fhir", "FHIR R4 TestReport"
    IMPORTED = "imported", "Imported"


class ReportStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"


class ConformanceReport(models.Model):
    """One harness run's report, kept exactly as it arrived (compressed) with what was made of it."""

    client = models.ForeignKey(
        HarnessClient, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    source = models.CharField(max_length=10, choices=ReportSource.choices)
    format = models.CharField(max_length=10, choices=ReportFormat.choices)
    run_id = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the body as received.")
    content_type = models.CharField(max_length=100, blank=True)
    body_gzip = models.BinaryField(editable=False)
    harness_name = models.CharField(max_length=200, blank=True)
    harness_version = models.CharField(max_length=100, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    case_count = models.PositiveIntegerField(default=0)
    passed_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            # A run is reported once per client; the same body again is a duplicate, not a new report.
            models.UniqueConstraint(fields=["client", "run_id"], name="unique_report_run_per_client"),
            # Imported reports have no client, and NULLs are never equal in a unique constraint.
            models.UniqueConstraint(
                fields=["run_id"], condition=models.Q(client__isnull=True), name="unique_imported_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.harness_name or 'Report'} run {self.run_id}"

    @property
    def body(self) -> bytes:
        return gzip.decompress(bytes(self.body_gzip)) if self.body_gzip else b""

    @staticmethod
    def compress(body: bytes) -> bytes:
        return gzip.compress(body, compresslevel=6, mtime=0)

    def delete(self, *args, **kwargs):
        raise models.ProtectedError("Conformance reports are evidence and are never deleted.", {self})


class ReportWarning(models.Model):
    """Something in a report that could not be used, such as an id the catalogue does not know. Kept,
    never dropped, and returned to the harness."""

    report = models.ForeignKey(ConformanceReport, on_delete=models.PROTECT, related_name="warnings")
    code = models.CharField(max_length=40)
    message = models.TextField()
    case_name = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.message


class Outcome(models.TextChoices):
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class HarnessResult(models.Model):
    """One test case of a report: what it verified, for which solution, and how it went."""

    report = models.ForeignKey(ConformanceReport, on_delete=models.PROTECT, related_name="results")
    solution = models.ForeignKey(
        Solution, null=True, blank=True, on_delete=models.PROTECT, related_name="harness_results"
    )
    epic = models.ForeignKey(Epic, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    standard = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    solution_code = models.CharField("solution id as reported", max_length=40, blank=True)
    requirement = models.CharField("requirement as reported", max_length=40, blank=True)
    name = models.CharField(max_length=500)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    executed_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "pk"]
        indexes = [
            models.Index(fields=["solution", "epic", "executed_at"]),
            models.Index(fields=["solution", "standard", "executed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.requirement} {self.get_outcome_display().lower()}"


class EpicConformance(models.Model):
    """The latest result for one epic of one solution (passed or failed; skipped cases do not count)."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="epic_conformance")
    epic = models.ForeignKey(Epic, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    tested_at = models.DateTimeField()
    result = models.ForeignKey(HarnessResult, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["solution", "epic"], name="unique_epic_conformance")]

    def __str__(self) -> str:
        return f"{self.solution_id}/{self.epic_id}: {self.outcome}"


class StandardConformance(models.Model):
    """The latest result for one standard of one solution."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="standard_conformance")
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    tested_at = models.DateTimeField()
    result = models.ForeignKey(HarnessResult, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["solution", "standard"], name="unique_standard_conformance")
        ]

    def __str__(self) -> str:
        return f"{self.solution_id}/{self.standard_id}: {self.outcome}"


class CapabilityStatus(models.TextChoices):
    MET = "met", "Met"
    PARTIALLY_MET = "partially_met", "Partially met"
    NOT_MET = "not_met", "Not met"
    NOT_TESTED = "not_tested", "Not tested"


class CapabilityConformance(models.Model):
    """Whether a solution meets a capability it claims: every MUST epic passed within the validity
    period. Recomputed from the epic results whenever they change, and daily for lapses."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="capability_conformance")
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=CapabilityStatus.choices)
    as_of = models.DateTimeField(null=True, blank=True, help_text="The latest MUST-epic result it rests on.")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["solution", "capability"], name="unique_capability_conformance")
        ]

    def __str__(self) -> str:
        return f"{self.solution_id}/{self.capability_id}: {self.status}"
