"""Wagtail admin additions: the catalogue team's Listings area and page buttons, audit log actions,
and what supplier editors may and may not see."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from catalogue import services
from catalogue.models import ListingAction

from .models import ListingPage
from .views import ListingHistoryView, ListingQueueView, ListingStateView, actions_for


@hooks.register("register_admin_urls")
def listing_admin_urls():
    return [
        path("listings/", ListingQueueView.as_view(), name="cms_listing_queue"),
        path("listings/<int:pk>/history/", ListingHistoryView.as_view(), name="cms_listing_history"),
        path("listings/<int:pk>/<str:action>/", ListingStateView.as_view(), name="cms_listing_state"),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return services.can_moderate(request.user)


@hooks.register("register_admin_menu_item")
def listings_menu_item():
    return ModeratorMenuItem("Listings", reverse("cms_listing_queue"), icon_name="list-ul", order=250)


class ListingStateButton(PageMenuItem):
    def __init__(self, *, page, action: str, label: str, priority: int):
        super().__init__(
            label=label, url=reverse("cms_listing_state", args=[page.solution_id, action]), page=page
        )
        self.priority = priority
        self.icon_name = "warning"


@hooks.register("register_page_header_buttons")
def listing_state_buttons(page, user, view_name, next_url=None):
    """On a listing's page in the admin, the catalogue team's state actions and the audit trail."""
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page.specific
    if not isinstance(specific, ListingPage) or not services.can_moderate(user):
        return
    solution = specific.solution
    for number, (action, label) in enumerate(actions_for(solution)):
        yield ListingStateButton(page=specific, action=action, label=label, priority=80 + number)
    yield PageMenuItem(
        label="Listing history",
        url=reverse("cms_listing_history", args=[solution.pk]),
        icon_name="history",
        priority=90,
        page=specific,
    )


@hooks.register("register_log_actions")
def listing_log_actions(actions):
    for value, label in ListingAction.choices:
        actions.register_action(f"marketplace.listing.{value}", label, f"Listing {label.lower()}")


@hooks.register("insert_global_admin_css")
def admin_accessibility_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("css/wagtail-admin.css"))
