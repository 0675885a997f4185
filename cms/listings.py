"""Listing pages and the catalogue: turning a page's blocks into `ListingContent` and back, and
keeping one page per solution.

Two directions, kept apart:
* supplier → catalogue: a reviewed draft is approved (`ListingPage.publish` → `approve_listing`);
* catalogue → pages: when the catalogue creates listings (seeding, imports) or changes a listing's
  state, the CMS mirrors it (`ensure_listing_pages`, `on_listing_state_changed`). Mirroring publishes
  pages without going through approval, so it runs inside `mirroring()`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page

from catalogue import services as catalogue_services
from catalogue.listing_content import (
    AdditionalServiceContent,
    AssociatedServiceContent,
    ContactContent,
    HostingContent,
    IntegrationContent,
    ListingContent,
    PriceContent,
    requirements_as_text,
)
from catalogue.models import IntegrationType, PublicationState, Solution, Supplier
from catalogue.pricing import Tier

from .models import ListingPage, SolutionsIndexPage, SupplierPage

_mirroring = contextvars.ContextVar("cms_mirroring_catalogue", default=False)


@contextlib.contextmanager
def mirroring() -> Iterator[None]:
    """Within this block, publishing a listing page mirrors the catalogue instead of approving."""
    token = _mirroring.set(True)
    try:
        yield
    finally:
        _mirroring.reset(token)


def is_mirroring() -> bool:
    return _mirroring.get()


# --- Blocks → content ------------------------------------------------------------------------------


def _price(value) -> PriceContent:
    return PriceContent(
        provisioning_type=value["provisioning_type"],
        unit_description=value["unit_description"],
        tiers=tuple(Tier(t["lower"], t["upper"], Decimal(t["unit_price"])) for t in value["tiers"]),
        time_unit=value["time_unit"] or "",
        calculation_type=value["calculation_type"],
        quantity_basis=value["quantity_basis"],
        range_description=value["range_description"] or "",
        unit_definition=value["unit_definition"] or "",
    )


def _integration_types(page: ListingPage) -> dict[str, IntegrationType]:
    ids = {str(block.value["integration_type"]) for block in page.integrations}
    if not ids:
        return {}
    return {str(t.pk): t for t in IntegrationType.objects.select_related("integration").filter(pk__in=ids)}


def content_of(page: ListingPage) -> ListingContent:
    """The content of a listing page (live or a draft revision's) as catalogue data."""
    types = _integration_types(page)
    return ListingContent(
        summary=page.summary or "",
        description=page.description or "",
        features=tuple(b.value["text"] for b in page.features if (b.value["text"] or "").strip()),
        implementation_timescales=page.implementation_timescales or "",
        roadmap=page.roadmap or "",
        roadmap_url=page.roadmap_url or "",
        integrations_url=page.integrations_url or "",
        about_url=page.about_url or "",
        sla_type=page.sla_type or "",
        hosting_options=tuple(
            HostingContent(
                hosting_type=b.value["hosting_type"],
                summary=b.value["summary"] or "",
                link=b.value["link"] or "",
                hosting_model=b.value["hosting_model"] or "",
                requires_hscn=b.value["requires_hscn"] or "",
            )
            for b in page.hosting
        ),
        client_application_types=tuple(page.client_application_types or ()),
        client_application_details={b.value["label"]: b.value["text"] for b in page.client_requirements},
        integrations=tuple(
            IntegrationContent(
                integration_type=types[str(b.value["integration_type"])],
                direction=b.value["direction"],
                integrates_with=b.value["integrates_with"] or "",
                description=b.value["description"] or "",
            )
            for b in page.integrations
            if str(b.value["integration_type"]) in types
        ),
        prices=tuple(_price(b.value) for b in page.prices),
        additional_services=tuple(
            AdditionalServiceContent(
                name=b.value["name"],
                summary=b.value["summary"] or "",
                description=b.value["description"] or "",
                prices=tuple(_price(p) for p in b.value["prices"]),
                catalogue_id=b.value["catalogue_id"] or "",
            )
            for b in page.additional_services
        ),
        associated_services=tuple(
            AssociatedServiceContent(
                name=b.value["name"],
                summary=b.value["summary"] or "",
                description=b.value["description"] or "",
                order_guidance=b.value["order_guidance"] or "",
                practice_reorganisation=b.value["practice_reorganisation"] or "",
                prices=tuple(_price(p) for p in b.value["prices"]),
                catalogue_id=b.value["catalogue_id"] or "",
            )
            for b in page.associated_services
        ),
        contacts=tuple(
            ContactContent(
                name=b.value["name"],
                email=b.value["email"],
                department=b.value["department"] or "",
                phone=b.value["phone"] or "",
            )
            for b in page.contacts
        ),
    )


# --- Content → blocks ----------------------------------------------------------------------------


def _price_data(price: PriceContent) -> dict:
    return {
        "provisioning_type": price.provisioning_type,
        "unit_description": price.unit_description,
        "range_description": price.range_description,
        "unit_definition": price.unit_definition,
        "time_unit": price.time_unit,
        "calculation_type": price.calculation_type,
        "quantity_basis": price.quantity_basis,
        "tiers": [
            {"lower": t.lower, "upper": t.upper, "unit_price": Decimal(t.unit_price)} for t in price.tiers
        ],
    }


def fill_page(page: ListingPage, content: ListingContent) -> None:
    """Set a listing page's fields from catalogue content (the reverse of `content_of`)."""
    page.summary = content.summary
    page.description = content.description
    page.features = [("feature", {"text": feature}) for feature in content.features]
    page.implementation_timescales = content.implementation_timescales
    page.roadmap = content.roadmap
    page.roadmap_url = content.roadmap_url
    page.integrations_url = content.integrations_url
    page.about_url = content.about_url
    page.sla_type = content.sla_type
    page.client_application_types = list(content.client_application_types)
    page.client_requirements = [
        ("requirement", {"label": label, "text": text})
        for label, text in requirements_as_text(content.client_application_details).items()
    ]
    page.hosting = [("hosting", vars(h).copy()) for h in content.hosting_options]
    page.integrations = [
        (
            "integration",
            {
                "integration_type": str(i.integration_type.pk),
                "direction": i.direction,
                "integrates_with": i.integrates_with,
                "description": i.description,
            },
        )
        for i in content.integrations
    ]
    page.prices = [("price", _price_data(p)) for p in content.prices]
    page.additional_services = [
        (
            "service",
            {
                "catalogue_id": s.catalogue_id,
                "name": s.name,
                "summary": s.summary,
                "description": s.description,
                "prices": [_price_data(p) for p in s.prices],
            },
        )
        for s in content.additional_services
    ]
    page.associated_services = [
        (
            "service",
            {
                "catalogue_id": s.catalogue_id,
                "name": s.name,
                "summary": s.summary,
                "description": s.description,
                "order_guidance": s.order_guidance,
                "practice_reorganisation": s.practice_reorganisation,
                "prices": [_price_data(p) for p in s.prices],
            },
        )
        for s in content.associated_services
    ]
    page.contacts = [("contact", vars(c).copy()) for c in content.contacts]


# --- One page per solution -----------------------------------------------------------------------

# States in which a listing's page is live: public ones, and suspended (its page says why).
LIVE_PAGE_STATES = (PublicationState.PUBLISHED, PublicationState.IN_REMEDIATION, PublicationState.SUSPENDED)


def solutions_index() -> SolutionsIndexPage:
    from .setup import ensure_solutions_index

    return ensure_solutions_index()


def ensure_supplier_page(supplier: Supplier) -> SupplierPage:
    from .permissions import grant_supplier_page

    page = SupplierPage.objects.filter(supplier=supplier).first()
    if page is None:
        index = solutions_index()
        page = index.add_child(
            instance=SupplierPage(
                title=supplier.name, slug=_unique_slug(index, supplier.name), supplier=supplier
            )
        )
        grant_supplier_page(page)
    return page


def _unique_slug(parent: Page, text: str) -> str:
    base = slugify(text)[:200] or "page"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def ensure_listing_page(solution: Solution) -> ListingPage:
    """The solution's listing page, made (and published if the listing is live) when missing."""
    existing = ListingPage.objects.filter(solution=solution).first()
    if existing is not None:
        return existing
    solution = Solution.objects.with_facts().get(pk=solution.pk)
    parent = ensure_supplier_page(solution.supplier)
    page = ListingPage(title=solution.name, slug=_unique_slug(parent, solution.name), solution=solution)
    fill_page(page, ListingContent.from_solution(solution))
    page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision(log_action=False)
    if solution.publication_state in LIVE_PAGE_STATES:
        with mirroring():
            revision.publish(log_action=False, skip_permission_checks=True)
        page.refresh_from_db()
    record_listing_url(page)
    return page


def ensure_listing_pages(solution_ids: Iterable[int] | None = None) -> int:
    """Make the missing listing pages (for the given solutions, or all). Returns how many it made."""
    solutions = Solution.objects.exclude(listing_page__isnull=False).order_by("pk")
    if solution_ids is not None:
        solutions = solutions.filter(pk__in=list(solution_ids))
    made = 0
    for solution in solutions.iterator():
        ensure_listing_page(solution)
        made += 1
    return made


def record_listing_url(page: ListingPage) -> None:
    url = page.get_url() if page.live else ""
    catalogue_services.set_listing_url(page.solution, url or "")


# --- Catalogue → pages ---------------------------------------------------------------------------


def mirror_state(solution_id: int, new_state: str) -> None:
    """Keep the page's live status in step with the listing's state: unpublished takes the page down,
    any state in LIVE_PAGE_STATES puts its latest approved content back up."""
    page = ListingPage.objects.filter(solution_id=solution_id).first()
    if page is None:
        return
    if new_state == PublicationState.UNPUBLISHED and page.live:
        page.unpublish(log_action=False)
    elif new_state in LIVE_PAGE_STATES and not page.live:
        revision = page.live_revision or page.get_latest_revision()
        if revision is not None:
            with mirroring():
                revision.publish(log_action=False, skip_permission_checks=True)
    page.refresh_from_db()
    record_listing_url(page)
