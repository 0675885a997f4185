from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminLockoutAuthenticationForm
from .models import Invitation, LoginThrottle, Membership, Organisation, SecurityEvent, User

# The admin's login goes through the lockout like every other (accounts/backends.py); this form also
# says so when an account is locked, instead of "enter a correct username and password".
admin.site.login_form = AdminLockoutAuthenticationForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "org_type", "parent", "list_size", "is_active", "is_demo"]
    list_filter = ["org_type", "is_active", "is_demo"]
    search_fields = ["name", "ods_code"]
    autocomplete_fields = ["parent", "pcn"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__org_type"]
    search_fields = ["user__email", "organisation__name", "organisation__ods_code"]
    autocomplete_fields = ["user", "organisation"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable in the admin, never added, changed or deleted there: these rows are written only by
    accounts.services, and SecurityEvent refuses edits and deletes itself as well."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "email", "ip_address", "actor", "organisation", "detail"]
    list_filter = ["kind"]
    search_fields = ["email", "ip_address", "actor__email", "organisation__name"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "created_at"


@admin.register(LoginThrottle)
class LoginThrottleAdmin(ReadOnlyAdmin):
    list_display = ["email", "failures", "window_started_at", "locked_until"]
    search_fields = ["email"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
