"""Django admin for the catalogue team. Suppliers edit their listings through Wagtail (cms/), not here."""

from django.contrib import admin

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


@admin.register(models.Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ["catalogue_id", "name", "supplier", "publication_state", "last_reviewed", "is_demo"]
    list_filter = ["publication_state", "is_demo", "frameworks", "capabilities__is_foundation"]
    search_fields = ["catalogue_id", "name", "supplier__organisation__name"]
    list_select_related = ["supplier__organisation"]
    autocomplete_fields = ["supplier"]
    filter_horizontal = ["frameworks", "capabilities", "standards"]
    inlines = [
        SolutionEpicInline,
        SolutionIntegrationInline,
        HostingOptionInline,
        ClientApplicationInline,
        SolutionPriceInline,
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
