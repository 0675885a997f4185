"""The site's fixed structure, made idempotently by `manage.py setup_site` (and by `make run`):
the home page, the solutions index, the guidance pages, the Catalogue review workflow, the managed
Wagtail groups, and a listing page for every solution that lacks one."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site, Workflow, WorkflowPage, WorkflowTask

from accounts.models import Membership, Role, User

from .guidance import GUIDANCE_PAGES
from .models import CatalogueReviewTask, GuidancePage, HomePage, SolutionsIndexPage
from .permissions import moderators_group, sync_user_groups

WORKFLOW_NAME = "Catalogue review"
HOME_INTRO = (
    "<p>Find, compare and call off modules that meet the NHS standards, "
    "from any supplier on the frameworks.</p>"
)


def ensure_home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        locale, _ = Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", locale=locale)
        )
        home = root.add_child(
            instance=HomePage(
                title="GP IT Marketplace",
                slug="home",
                locale=locale,
                heading=HomePage._meta.get_field("heading").default,
                intro=HOME_INTRO,
            )
        )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "GP IT Marketplace"},
    )
    return home


def ensure_solutions_index() -> SolutionsIndexPage:
    index = SolutionsIndexPage.objects.first()
    if index is None:
        index = ensure_home_page().add_child(
            instance=SolutionsIndexPage(
                title="Solutions",
                slug="solutions",
                intro="<p>Every solution listed on the frameworks, by name. Each listing is written by its "
                "supplier and checked by the catalogue team before it goes live.</p>",
            )
        )
    ensure_review_workflow(index)
    return index


def ensure_review_workflow(index: SolutionsIndexPage) -> Workflow:
    task = CatalogueReviewTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = CatalogueReviewTask.objects.create(name=WORKFLOW_NAME)
    task.groups.add(moderators_group())
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def ensure_guidance_pages() -> list[GuidancePage]:
    home = ensure_home_page()
    pages = []
    for spec in GUIDANCE_PAGES:
        page = GuidancePage.objects.filter(slug=spec["slug"]).first()
        if page is None:
            page = home.add_child(
                instance=GuidancePage(
                    title=spec["title"], slug=spec["slug"], summary=spec["summary"], body=spec["body"]
                )
            )
            page.save_revision(log_action=False).publish(log_action=False, skip_permission_checks=True)
        pages.append(page)
    return pages


@transaction.atomic
def ensure_site() -> dict[str, int]:
    from .listings import ensure_listing_pages

    ensure_home_page()
    ensure_solutions_index()
    guidance = ensure_guidance_pages()
    users = User.objects.filter(
        memberships__role__in=[Role.SUPPLIER_EDITOR, Role.CATALOGUE_MODERATOR]
    ).distinct()
    for user in users:
        sync_user_groups(user)
    made = ensure_listing_pages()
    return {
        "guidance pages": len(guidance),
        "users given Wagtail groups": users.count(),
        "listing pages made": made,
        "memberships": Membership.objects.count(),
    }
