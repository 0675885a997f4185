"""Django admin for the catalogue team. Suppliers edit their listings through Wagtail (cms/), not here."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from . import models


class CapabilityEpicInline(admin.TabularInline):
    model = models.CapabilityEpic
    extra = 0
    autocomplete_fields = ["epic"]


@admin.register(models.Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "owner", "active_from", "expires_on", "is_expired", "maximum_term_months"]
    search_fields = ["code", "name", "short_name"]


@admin.register(models.Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ["ref", "name", "category", "status", "is_foundation"]
    list_filter = ["status", "is_foundation", "category", "frameworks"]
    search_fields = ["ref", "name", "description"]
    filter_horizontal = ["frameworks"]
    inlines = [CapabilityEpicInline]


@admin.register(models.Epic)
class EpicAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "supplier_defined", "is_active", "is_demo"]
    list_filter = ["supplier_defined", "is_active", "is_demo"]
    search_fields = ["code", "name"]
    inlines = [CapabilityEpicInline]


@admin.register(models.Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["ref", "name", "standard_type", "version"]
    list_filter = ["standard_type"]
    search_fields = ["ref", "name"]
    filter_horizontal = ["capabilities"]


class IntegrationTypeInline(admin.TabularInline):
    model = models.IntegrationType
    extra = 0


@admin.register(models.Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [IntegrationTypeInline]


class SupplierContactInline(admin.TabularInline):
    model = models.SupplierContact
    extra = 0


@admin.register(models.Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active", "organisation__is_demo"]
    search_fields = ["code", "organisation__name", "legal_name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    inlines = [SupplierContactInline]


class PriceTierInline(admin.TabularInline):
    model = models.PriceTier
    extra = 0


@admin.register(models.Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "solution", "additional_service", "associated_service", "is_published"]
    list_filter = ["price_type", "calculation_type", "provisioning_type", "time_unit", "is_published"]
    search_fields = ["solution__name", "additional_service__name", "associated_service__name", "reference"]
    autocomplete_fields = ["solution", "additional_service", "associated_service"]
    inlines = [PriceTierInline]


class SolutionEpicInline(admin.TabularInline):
    model = models.SolutionEpic
    extra = 0
    autocomplete_fields = ["epic", "capability"]


class SolutionIntegrationInline(admin.TabularInline):
    model = models.SolutionIntegration
    extra = 0


class HostingOptionInline(admin.StackedInline):
    model = models.HostingOption
    extra = 0


class ClientApplicationInline(admin.TabularInline):
    model = models.SolutionClientApplication
    extra = 0


class SolutionPriceInline(admin.TabularInline):
    model = models.Price
    fk_name = "solution"
    fields = [
        "price_type",
        "calculation_type",
        "provisioning_type",
        "unit_description",
        "time_unit",
        "is_published",
    ]
    extra = 0
    show_change_link = True


class ReadOnlyAdminMixin:
    """Evidence is read, never written by hand: no add, change or delete (the models refuse deletion too)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ConformanceInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    verbose_name_plural = "current conformance (from harness results; nobody sets it by hand)"


class CapabilityConformanceInline(ConformanceInline):
    model = models.CapabilityConformance
    fields = ["capability", "status", "as_of", "changed_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("capability").order_by("capability__sort_key")


class EpicConformanceInline(ConformanceInline):
    model = models.EpicConformance
    fields = ["epic", "outcome", "tested_at", "result"]
    readonly_fields = fields
    verbose_name_plural = "latest epic results"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("epic", "result").order_by("epic__code")


class StandardConformanceInline(ConformanceInline):
    model = models.StandardConformance
    fields = ["standard", "outcome", "tested_at", "result"]
    readonly_fields = fields
    verbose_name_plural = "latest standard results"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("standard", "result").order_by("standard__sort_key")
        )


@admin.register(models.Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = [
        "catalogue_id",
        "name",
        "supplier",
        "publication_state",
        "is_accredited",
        "last_reviewed",
        "is_demo",
    ]
    list_filter = [
        "publication_state",
        "is_accredited",
        "is_demo",
        "frameworks",
        "capabilities__is_foundation",
    ]
    search_fields = ["catalogue_id", "name", "supplier__organisation__name"]
    list_select_related = ["supplier__organisation"]
    autocomplete_fields = ["supplier"]
    filter_horizontal = ["frameworks", "capabilities", "standards"]
    # Accreditation follows from harness results (catalogue/conformance/status.py), never typed in.
    readonly_fields = ["is_accredited", "accreditation_changed_at"]
    inlines = [
        SolutionEpicInline,
        SolutionIntegrationInline,
        HostingOptionInline,
        ClientApplicationInline,
        SolutionPriceInline,
        CapabilityConformanceInline,
        EpicConformanceInline,
        StandardConformanceInline,
    ]


@admin.register(models.AdditionalService)
class AdditionalServiceAdmin(admin.ModelAdmin):
    list_display = ["catalogue_id", "name", "solution", "publication_state"]
    list_filter = ["publication_state"]
    search_fields = ["catalogue_id", "name", "solution__name"]
    autocomplete_fields = ["solution"]
    filter_horizontal = ["capabilities", "epics"]


@admin.register(models.AssociatedService)
class AssociatedServiceAdmin(admin.ModelAdmin):
    list_display = ["catalogue_id", "name", "supplier", "practice_reorganisation", "publication_state"]
    list_filter = ["publication_state", "practice_reorganisation"]
    search_fields = ["catalogue_id", "name", "supplier__organisation__name"]
    autocomplete_fields = ["supplier"]
    filter_horizontal = ["solutions"]


@admin.register(models.ListingStateChange)
class ListingStateChangeAdmin(admin.ModelAdmin):
    """The audit log of listing states: readable, never editable (the model refuses changes too)."""

    list_display = ["created_at", "solution", "action", "from_state", "to_state", "actor", "reason"]
    list_filter = ["action", "to_state"]
    search_fields = ["solution__name", "solution__catalogue_id", "reason", "actor__email"]
    list_select_related = ["solution", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Conformance: harness clients, reports and results ---------------------------------------------------


def masked(secret: str) -> str:
    """A secret as the admin shows it after it was issued: only its last four characters."""
    return f"{'•' * 12}{secret[-4:]}" if secret else ""


class HarnessSecretInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Secrets are issued and revoked with the client's actions, so each new one is shown exactly once."""

    model = models.HarnessSecret
    extra = 0
    fields = ["masked_secret", "created_at", "revoked_at"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    verbose_name_plural = "secrets (issue and revoke them with the actions of the client list)"

    @admin.display(description="secret")
    def masked_secret(self, obj: models.HarnessSecret) -> str:
        return masked(obj.secret)


class HarnessFeedInline(admin.TabularInline):
    model = models.HarnessFeed
    extra = 0
    fields = ["url", "is_active", "last_polled_at", "last_error"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(models.HarnessClient)
class HarnessClientAdmin(admin.ModelAdmin):
    """Test harnesses allowed to send reports. Rotating a secret without downtime: "Issue a new secret",
    switch the harness to it, then "Revoke old secrets" (all but the newest)."""

    list_display = ["name", "token", "is_active", "is_demo", "active_secret_count", "created_at"]
    list_filter = ["is_active", "is_demo"]
    search_fields = ["name", "token"]
    fields = ["name", "token", "is_active", "is_demo", "created_at"]
    readonly_fields = ["token", "created_at"]
    inlines = [HarnessSecretInline, HarnessFeedInline]
    actions = ["issue_secret", "revoke_old_secrets"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("secrets")

    @admin.display(description="active secrets")
    def active_secret_count(self, obj: models.HarnessClient) -> int:
        return len(obj.active_secrets())

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:  # a new client gets its first secret, shown once
            self._issue(request, obj)

    def _issue(self, request, client: models.HarnessClient) -> None:
        secret = models.HarnessSecret.objects.create(client=client)
        self.message_user(
            request,
            f"New secret for {client} (token {client.token}): {secret.secret} — copy it now, it is not "
            "shown again.",
            messages.WARNING,
        )

    @admin.action(description="Issue a new secret (shown once)")
    def issue_secret(self, request, queryset) -> None:
        for client in queryset:
            self._issue(request, client)

    @admin.action(description="Revoke old secrets (all but the newest)")
    def revoke_old_secrets(self, request, queryset) -> None:
        now = timezone.now()
        for client in queryset:
            active = client.secrets.filter(revoked_at=None).order_by("-created_at", "-pk")
            newest = active.first()
            if newest is None:
                self.message_user(request, f"{client} has no active secret.", messages.WARNING)
                continue
            revoked = active.exclude(pk=newest.pk).update(revoked_at=now)
            self.message_user(
                request, f"{client}: {revoked} secret(s) revoked; …{newest.secret[-4:]} stays active."
            )


class ReportWarningInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = models.ReportWarning
    extra = 0
    fields = ["code", "message", "case_name"]
    readonly_fields = fields


@admin.register(models.ConformanceReport)
class ConformanceReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reports as they arrived and what was made of them: evidence, read-only."""

    list_display = [
        "received_at",
        "run_id",
        "harness_name",
        "client",
        "source",
        "format",
        "status",
        "case_count",
        "passed_count",
        "failed_count",
        "skipped_count",
        "is_demo",
    ]
    list_filter = ["status", "source", "client", "format", "is_demo"]
    search_fields = ["run_id", "harness_name", "content_hash"]
    list_select_related = ["client"]
    date_hierarchy = "received_at"
    ordering = ["-received_at", "-pk"]
    fields = [
        "run_id",
        "client",
        "source",
        "format",
        "status",
        "error",
        "harness_name",
        "harness_version",
        "executed_at",
        "received_at",
        "processed_at",
        "case_count",
        "passed_count",
        "failed_count",
        "skipped_count",
        "content_type",
        "content_hash",
        "original_body",
        "results_link",
        "is_demo",
    ]
    readonly_fields = fields
    inlines = [ReportWarningInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body_gzip")  # the list never needs the bodies

    def get_urls(self):
        return [
            path(
                "<int:pk>/body/",
                self.admin_site.admin_view(self.download_body),
                name="catalogue_conformancereport_body",
            ),
            *super().get_urls(),
        ]

    def download_body(self, request, pk: int) -> HttpResponse:
        """The report exactly as it was received, as a download (never shown inline in the admin)."""
        report = get_object_or_404(models.ConformanceReport, pk=pk)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        extension = {"junit": "xml", "fhir": "json"}.get(report.format, "json")
        response = HttpResponse(report.body, content_type=report.content_type or "application/octet-stream")
        slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in report.run_id)[:80]
        response["Content-Disposition"] = f'attachment; filename="report-{report.pk}-{slug}.{extension}"'
        return response

    @admin.display(description="original body")
    def original_body(self, obj: models.ConformanceReport) -> str:
        url = reverse("admin:catalogue_conformancereport_body", args=[obj.pk])
        return format_html('<a href="{}">Download the report as received</a> ({})', url, obj.content_type)

    @admin.display(description="results")
    def results_link(self, obj: models.ConformanceReport) -> str:
        url = reverse("admin:catalogue_harnessresult_changelist") + f"?report__id__exact={obj.pk}"
        return format_html('<a href="{}">{} result(s)</a>', url, obj.case_count)


@admin.register(models.HarnessResult)
class HarnessResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["executed_at", "solution_code", "solution", "requirement", "name", "outcome", "report"]
    list_filter = ["outcome", "report__source", "report__is_demo"]
    search_fields = [
        "solution__catalogue_id",
        "solution__name",
        "solution_code",
        "requirement",
        "epic__code",
        "standard__ref",
    ]
    list_select_related = ["solution", "report"]
    show_full_result_count = False  # results run to millions; counting them all is not worth it
    ordering = ["-executed_at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("solution", "report").defer("report__body_gzip")
