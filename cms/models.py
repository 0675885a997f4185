"""Wagtail pages and the catalogue review workflow.

Page tree:  Home (/) ─┬─ Solutions index (/solutions/) ── Supplier page ── Listing page
                      └─ Guidance pages (/how-to-buy/, /accreditation/ ...)

A ListingPage is the editorial side of one catalogue Solution: the supplier writes its content in
drafts, the catalogue team approves them through the "Catalogue review" workflow, and approval copies
the content into the catalogue (`catalogue.services.approve_listing`), which search, the API and
procurement read. Catalogue-owned facts (name, frameworks, capabilities, epics, standards, state)
are shown on the page but never edited here.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db import models
from django.http import Http404
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Page

from catalogue.models import (
    Capability,
    ClientApplicationType,
    Framework,
    PublicationState,
    SLAType,
    Solution,
    Supplier,
)
from catalogue.models.solutions import DESCRIPTION_MAX_LENGTH, SUMMARY_MAX_LENGTH

from . import blocks


class HomePage(Page):
    """The front door: a search box, the foundation capabilities and the frameworks."""

    heading = models.CharField(max_length=255, default="Buy GP IT software from the GP IT Futures frameworks")
    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text="A sentence or two under the heading.",
    )

    content_panels = [*Page.content_panels, FieldPanel("heading"), FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.SolutionsIndexPage", "cms.GuidancePage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["foundation_capabilities"] = Capability.objects.filter(is_foundation=True)
        context["frameworks"] = Framework.objects.live()
        context["solution_count"] = Solution.objects.published().count()
        context["guidance_pages"] = GuidancePage.objects.child_of(self).live().public().order_by("path")
        return context


class GuidancePage(Page):
    """Guidance for buyers and suppliers, written by the catalogue team."""

    summary = models.TextField(
        blank=True, help_text="One or two sentences shown under the heading and in lists."
    )
    body = StreamField(blocks.GuidanceBodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.GuidancePage"]
    subpage_types = ["cms.GuidancePage"]


class SolutionsIndexPage(Page):
    """/solutions/: every public listing, by supplier. The listings live below it, one supplier page each."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.SupplierPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["solutions"] = (
            Solution.objects.published().select_related("supplier__organisation").order_by("name", "pk")
        )
        return context


class SupplierPage(Page):
    """A supplier's public profile and the parent of its listing pages. Its editors' Wagtail permissions
    are granted on this page, so they reach their own listings and nobody else's."""

    supplier = models.OneToOneField(Supplier, on_delete=models.PROTECT, related_name="page")

    content_panels = [*Page.content_panels, FieldPanel("supplier", read_only=True)]
    parent_page_types = ["cms.SolutionsIndexPage"]
    subpage_types = ["cms.ListingPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["solutions"] = self.supplier.solutions.published().order_by("name", "pk")
        return context

    def permissions_for_user(self, user):
        from .permissions import ListingPermissionTester

        return ListingPermissionTester(user, self)


class ListingPageForm(WagtailAdminPageForm):
    """Checks the publication rules when the supplier submits for review, so a listing that could
    not be approved never reaches the catalogue team."""

    client_application_types = forms.MultipleChoiceField(
        choices=ClientApplicationType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="How people use the solution. At least one is needed to go live.",
    )

    def clean(self):
        cleaned_data = super().clean()
        if self.is_submission() and not self.errors:
            from catalogue.services import publication_problems

            from .listings import content_of

            draft = self.instance
            for name, value in cleaned_data.items():
                if hasattr(draft, name) and not isinstance(getattr(type(draft), name, None), property):
                    setattr(draft, name, value)
            for problem in publication_problems(draft.solution, content_of(draft)):
                self.add_error(None, f"Before submitting: {problem}.")
        return cleaned_data

    def is_submission(self) -> bool:
        return "action-submit" in self.data or "action-publish" in self.data


class ListingPage(Page):
    """One solution's listing. Supplier-owned content only; see the module docstring."""

    solution = models.OneToOneField(Solution, on_delete=models.PROTECT, related_name="listing_page")
    summary = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
        help_text=f"What it does and for whom, in at most {SUMMARY_MAX_LENGTH} characters.",
    )
    description = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
        help_text=f"At most {DESCRIPTION_MAX_LENGTH} characters.",
    )
    features = StreamField(
        [("feature", blocks.FeatureBlock())],
        blank=True,
        max_num=10,
        help_text="Up to 10 short sentences, one feature each.",
    )
    body = StreamField(
        blocks.ListingBodyBlock(),
        blank=True,
        verbose_name="More about the solution",
        help_text="Features in depth, screenshots with alternative text, case studies, implementation.",
    )
    client_application_types = models.JSONField(default=list, blank=True)
    client_requirements = StreamField(
        [("requirement", blocks.RequirementBlock())],
        blank=True,
        help_text="Browsers supported, minimum connection speed, screen resolution, hardware.",
    )
    hosting = StreamField([("hosting", blocks.HostingBlock())], blank=True)
    integrations = StreamField([("integration", blocks.IntegrationBlock())], blank=True)
    integrations_url = models.URLField("integrations link", max_length=500, blank=True)
    prices = StreamField([("price", blocks.PriceBlock())], blank=True, verbose_name="list prices")
    additional_services = StreamField([("service", blocks.AdditionalServiceBlock())], blank=True)
    associated_services = StreamField([("service", blocks.AssociatedServiceBlock())], blank=True)
    implementation_timescales = models.TextField(blank=True)
    sla_type = models.CharField("service level agreement", max_length=10, choices=SLAType.choices, blank=True)
    roadmap = models.TextField(blank=True)
    roadmap_url = models.URLField("roadmap link", max_length=500, blank=True)
    about_url = models.URLField("about the supplier link", max_length=500, blank=True)
    contacts = StreamField(
        [("contact", blocks.ContactBlock())],
        blank=True,
        max_num=2,
        help_text="One or two people buyers can contact.",
    )

    base_form_class = ListingPageForm
    parent_page_types = ["cms.SupplierPage"]
    subpage_types: list[str] = []
    # No promote or settings tab: the CMS sets a listing's URL from its name and never schedules one.
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title", read_only=True, heading="Solution name (set by the catalogue team)"),
                    FieldPanel("summary"),
                    FieldPanel("description"),
                    FieldPanel("features"),
                    FieldPanel("body"),
                ],
                heading="Listing",
            ),
            ObjectList(
                [
                    FieldPanel("client_application_types"),
                    FieldPanel("client_requirements"),
                    FieldPanel("hosting"),
                    MultiFieldPanel(
                        [FieldPanel("integrations"), FieldPanel("integrations_url")], "Integrations"
                    ),
                ],
                heading="Technical",
            ),
            ObjectList(
                [FieldPanel("prices"), FieldPanel("additional_services"), FieldPanel("associated_services")],
                heading="Prices and services",
            ),
            ObjectList(
                [
                    FieldPanel("implementation_timescales"),
                    FieldPanel("sla_type"),
                    FieldPanel("roadmap"),
                    FieldPanel("roadmap_url"),
                    FieldPanel("about_url"),
                    FieldPanel("contacts"),
                ],
                heading="Delivery and contacts",
            ),
        ]
    )

    class Meta:
        verbose_name = "listing"

    def __str__(self) -> str:
        return self.title

    @cached_property
    def catalogue_solution(self) -> Solution:
        """The solution with everything its page shows, in a fixed number of queries."""
        return Solution.objects.with_facts().get(pk=self.solution_id)

    def permissions_for_user(self, user):
        from .permissions import ListingPermissionTester

        return ListingPermissionTester(user, self)

    def content(self):
        from .listings import content_of

        return content_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["solution"] = self.catalogue_solution
        context["content"] = self.content()
        return context

    def serve(self, request, *args, **kwargs):
        # The page is live while the listing is published, in remediation or suspended (its page then
        # says why); an unpublished listing's page is taken down by the CMS, but guard anyway.
        if self.catalogue_solution.publication_state not in PUBLIC_OR_SUSPENDED:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def publish(self, revision, user=None, changed=True, log_action=True, previous_revision=None, **kwargs):
        """Publishing a listing is approving it: the catalogue takes the revision's content, checking
        the publication rules and that `user` is on the catalogue team. Pages the CMS publishes to
        mirror the catalogue (seeding) pass through `listings.mirroring()`."""
        from catalogue.services import ListingError, approve_listing

        from .listings import content_of, is_mirroring

        if not is_mirroring():
            draft = revision.as_object()
            try:
                approve_listing(self.solution, content_of(draft), user=user)
            except ListingError as error:
                raise PermissionDenied(str(error)) from error
        return super().publish(
            revision,
            user=user,
            changed=changed,
            log_action=log_action,
            previous_revision=previous_revision,
            **kwargs,
        )


PUBLIC_OR_SUSPENDED = (
    PublicationState.PUBLISHED,
    PublicationState.IN_REMEDIATION,
    PublicationState.SUSPENDED,
)


class CatalogueReviewTask(AbstractGroupApprovalTask):
    """The catalogue team's review of a listing.

    Differs from Wagtail's group approval in three ways: nobody approves their own submission; a
    listing that breaks the publication rules cannot be approved, only sent back; and sending it back
    needs a comment saying what to change, which the supplier is emailed.
    """

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if not actions:
            return actions
        workflow_state = obj.current_workflow_state
        submitted_by = workflow_state.requested_by_id if workflow_state else None
        if submitted_by == user.pk or self.approval_problems(obj):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def approval_problems(self, obj) -> list[str]:
        from catalogue.services import publication_problems

        from .listings import content_of

        if not isinstance(obj.specific, ListingPage):
            return []
        draft = obj.get_latest_revision_as_object()
        return publication_problems(draft.solution, content_of(draft))

    def get_form_for_action(self, action):
        if action == "reject":
            return RequestChangesForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and task_state.workflow_state.requested_by_id == user.pk:
            raise PermissionDenied("You cannot approve a listing you submitted.")
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return (
            "The catalogue team checks a listing against the publication rules and approves or sends it back."
        )

    class Meta:
        verbose_name = "Catalogue review task"
        verbose_name_plural = "Catalogue review tasks"


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea,
        label="What needs to change",
        error_messages={"required": "Say what the supplier needs to change: they will be emailed it."},
    )


__all__ = [
    "CatalogueReviewTask",
    "GuidancePage",
    "HomePage",
    "ListingPage",
    "SolutionsIndexPage",
    "SupplierPage",
]
