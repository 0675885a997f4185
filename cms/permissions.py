"""Wagtail groups and permissions, derived from memberships (accounts) so nobody sets them by hand.

* "Catalogue moderators": every catalogue moderator. Edit and publish anywhere in the site, and the
  reviewers of the Catalogue review task.
* "Supplier editors: <supplier id>": the supplier editors of one supplier. Edit (never publish) the
  pages under that supplier's page, and add images to that supplier's image collection. Wagtail then
  shows them their own listings and nothing else's.

Listing pages refuse some moves whoever asks (`ListingPermissionTester`): they go live only by
approval in the review workflow, never by a Publish button, they come down only
through the catalogue's unpublish action (which needs a reason), and are never deleted, moved or
copied, because orders and the audit trail refer to them.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page
from wagtail.models.pages import PagePermissionTester

from accounts.models import Role, User
from catalogue.models import Supplier

MODERATORS_GROUP = "Catalogue moderators"
SUPPLIER_GROUP_PREFIX = "Supplier editors: "
SUPPLIER_COLLECTIONS = "Supplier images"

MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
SUPPLIER_PAGE_PERMISSIONS = ("change_page",)
SUPPLIER_IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _admin_access(group: Group) -> None:
    group.permissions.add(_permission("wagtailadmin", "access_admin"))


def moderators_group() -> Group:
    """The group, with its permissions checked every time: the home page may be newer than the group."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    _admin_access(group)
    root = Page.get_first_root_node()
    home = root.get_children().first() if root else None
    if home is not None:
        for codename in MODERATOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=home, permission=_permission("wagtailcore", codename)
            )
    for codename in SUPPLIER_IMAGE_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection(), permission=_permission("wagtailimages", codename)
        )
    return group


def root_collection() -> Collection:
    """Wagtail's root collection (made by its migrations; made again if a test emptied the table)."""
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def supplier_collection(supplier: Supplier) -> Collection:
    root = root_collection()
    parent = root.get_children().filter(name=SUPPLIER_COLLECTIONS).first()
    if parent is None:
        parent = root.add_child(name=SUPPLIER_COLLECTIONS)
    collection = parent.get_children().filter(name=f"{supplier.name} ({supplier.code})").first()
    if collection is None:
        collection = parent.add_child(name=f"{supplier.name} ({supplier.code})")
    return collection


def supplier_group(supplier: Supplier) -> Group:
    group, created = Group.objects.get_or_create(name=f"{SUPPLIER_GROUP_PREFIX}{supplier.code}")
    if created:
        _admin_access(group)
        collection = supplier_collection(supplier)
        for codename in SUPPLIER_IMAGE_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission("wagtailimages", codename)
            )
        page = getattr(supplier, "page", None)
        if page is not None:
            grant_supplier_page(page)
    return group


def grant_supplier_page(page) -> None:
    """Let the supplier's editors edit the pages under its supplier page."""
    group = supplier_group(page.supplier)
    for codename in SUPPLIER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )


@transaction.atomic
def sync_user_groups(user: User) -> None:
    """Put a user in exactly the managed groups their memberships call for (other groups untouched)."""
    wanted: set[int] = set()
    for membership in user.memberships.select_related("organisation"):
        if membership.role == Role.CATALOGUE_MODERATOR:
            wanted.add(moderators_group().pk)
        elif membership.role == Role.SUPPLIER_EDITOR:
            supplier = Supplier.objects.filter(organisation=membership.organisation).first()
            if supplier is not None:
                wanted.add(supplier_group(supplier).pk)
    managed = Group.objects.filter(Q(name=MODERATORS_GROUP) | Q(name__startswith=SUPPLIER_GROUP_PREFIX))
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))


class ListingPermissionTester(PagePermissionTester):
    """Listings and supplier pages follow the catalogue's lifecycle, not Wagtail's free-form one:
    they go live only through the Catalogue review workflow (cms.workflows.publish_approved)."""

    def can_publish(self) -> bool:
        return False

    def can_unpublish(self) -> bool:
        return False

    def can_delete(self, ignore_bulk: bool = False) -> bool:
        return False

    def can_move(self) -> bool:
        return False

    def can_copy(self) -> bool:
        return False

    def can_add_subpage(self) -> bool:
        # Listing pages are made by the CMS when the catalogue lists a solution, never by hand.
        return False
