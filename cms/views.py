"""Wagtail admin views for the catalogue team: the listings queue, the state actions (suspend, mark
in remediation, restore, unpublish, each with a reason) and a listing's audit trail. Thin: the rules
live in catalogue.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from catalogue import services
from catalogue.models import ListingStateChange, PublicationState, Solution

# action -> (service, button label, the states it can be taken from)
STATE_ACTIONS = {
    "suspend": (
        services.suspend_listing,
        "Suspend",
        (PublicationState.PUBLISHED, PublicationState.IN_REMEDIATION),
    ),
    "remediation": (
        services.mark_listing_in_remediation,
        "Mark in remediation",
        (PublicationState.PUBLISHED, PublicationState.SUSPENDED),
    ),
    "restore": (
        services.restore_listing,
        "Restore",
        (PublicationState.IN_REMEDIATION, PublicationState.SUSPENDED),
    ),
    "unpublish": (
        services.unpublish_listing,
        "Unpublish",
        (PublicationState.PUBLISHED, PublicationState.IN_REMEDIATION, PublicationState.SUSPENDED),
    ),
}


def actions_for(solution: Solution) -> list[tuple[str, str]]:
    """(action, label) pairs a moderator can take on this listing now."""
    return [
        (name, label)
        for name, (_, label, states) in STATE_ACTIONS.items()
        if solution.publication_state in states
    ]


# ?filter=lost-accreditation: solutions that were accredited and are not any more (a solution never
# accredited has no accreditation_changed_at), the latest loss first.
LOST_ACCREDITATION = "lost-accreditation"
LOST_ACCREDITATION_FILTER = {"is_accredited": False, "accreditation_changed_at__isnull": False}


class ModeratorOnlyMixin:
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not services.can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ListingQueueView(ModeratorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every listing, newest change first, by state or lost accreditation, searchable by listing name,
    catalogue id or supplier, a page at a time (the catalogue holds tens of thousands)."""

    template_name = "cms/admin/listing_queue.html"
    page_title = "Listings"
    header_icon = "list-ul"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.request.GET.get("state", "")
        latest = ListingStateChange.objects.filter(solution=OuterRef("pk")).order_by("-created_at", "-pk")
        solutions = (
            Solution.objects.select_related("supplier__organisation", "listing_page")
            .annotate(last_change=Subquery(latest.values("created_at")[:1]))
            .order_by("-updated_at", "name")
        )
        lost_accreditation = self.request.GET.get("filter") == LOST_ACCREDITATION
        if lost_accreditation:
            state = ""
            solutions = solutions.filter(**LOST_ACCREDITATION_FILTER).order_by(
                "-accreditation_changed_at", "name"
            )
        elif state in PublicationState.values:
            solutions = solutions.filter(publication_state=state)
        query = self.request.GET.get("q", "").strip()[:100]
        if query:
            solutions = solutions.filter(
                Q(name__icontains=query)
                | Q(catalogue_id__iexact=query)
                | Q(supplier__organisation__name__icontains=query)
            )
        counts = dict(
            Solution.objects.values_list("publication_state")
            .annotate(n=Count("pk"))
            .values_list("publication_state", "n")
        )
        # get_page: a page number past the end or not a number shows the last or first page.
        page = Paginator(solutions, self.per_page).get_page(self.request.GET.get("page"))
        for solution in page:
            solution.available_actions = actions_for(solution)
        context.update(
            listings_page=page,
            query=query,
            state=state,
            states=[(value, label, counts.get(value, 0)) for value, label in PublicationState.choices],
            lost_accreditation=lost_accreditation,
            lost_accreditation_count=Solution.objects.filter(**LOST_ACCREDITATION_FILTER).count(),
        )
        return context


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Reason",
        help_text="The supplier is emailed this, and it is kept in the listing's audit log.",
        error_messages={"required": "Give a reason: the supplier and the audit log will see it."},
    )


class ListingStateView(ModeratorOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "cms/admin/listing_state_form.html"
    form_class = ReasonForm
    header_icon = "warning"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs["action"] not in STATE_ACTIONS:
            from django.http import Http404

            raise Http404
        self.solution = get_object_or_404(
            Solution.objects.select_related("supplier__organisation"), pk=kwargs["pk"]
        )
        self.service, self.label, self.from_states = STATE_ACTIONS[kwargs["action"]]

    def get_page_title(self) -> str:
        return f"{self.label}: {self.solution.name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            solution=self.solution,
            label=self.label,
            allowed=self.solution.publication_state in self.from_states,
        )
        return context

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            changed = self.service(self.solution, user=self.request.user, reason=form.cleaned_data["reason"])
        except services.ListingError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, f"{self.solution.name}: {self.label.lower()} done.")
        else:
            messages.info(self.request, f"{self.solution.name} was already in that state: nothing changed.")
        return redirect(reverse("cms_listing_history", args=[self.solution.pk]))


class ListingHistoryView(ModeratorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """A listing's audit trail: every change of state, who made it, when and why."""

    template_name = "cms/admin/listing_history.html"
    header_icon = "history"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.solution = get_object_or_404(
            Solution.objects.select_related("supplier__organisation", "listing_page"), pk=kwargs["pk"]
        )

    def get_page_title(self) -> str:
        return f"History: {self.solution.name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            solution=self.solution,
            changes=self.solution.state_changes.select_related("actor"),
            actions=actions_for(self.solution),
        )
        return context
