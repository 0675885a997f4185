"""The buyer's pages: the dashboard (/buyer/) and shortlists (saved catalogue searches).

Every page needs a signed-in user acting for a buyer organisation in which they hold a buying role
(403 otherwise); a shortlist is looked up among that organisation's only, so another organisation's
is a 404, never a glimpse. Changes go through procurement/services.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from catalogue.models import Solution
from search.results import results_for

from .. import saved_searches, services
from ..models import MAX_SHORTLISTS_PER_ORGANISATION, Shortlist, ShortlistSubscription
from ..querysets import can_buy_for
from . import exports
from .forms import AlertsForm, NewShortlistForm, ShortlistForm

PRACTICES_PER_PAGE = 25
MAX_PAGE = 100_000


def buying_organisation(request: HttpRequest) -> Organisation:
    """The organisation the user is acting for, if they buy for it; PermissionDenied (403) if not."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not can_buy_for(request.user, organisation):
        raise PermissionDenied("Only buyers acting for a practice, PCN, sub-ICB location or ICB can do this.")
    return organisation


def shortlist_for(request: HttpRequest, pk: int) -> Shortlist:
    organisation = buying_organisation(request)
    shortlists = Shortlist.objects.for_organisation(organisation).visible_to(request.user)
    return get_object_or_404(shortlists.select_related("organisation", "created_by"), pk=pk)


def page_number(request: HttpRequest) -> int:
    """The ?page= asked for; anything that is not a page number shows the first page."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 1 <= int(value) <= MAX_PAGE else 1


def form_errors(form) -> list[tuple[str, str]]:
    """(field id, message) for the NHS error summary."""
    return [
        (f"id_{name}" if name != "__all__" else "id_name", message)
        for name, errors in form.errors.items()
        for message in errors
    ]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = buying_organisation(request)
    practices = Organisation.objects.practices_of(organisation).order_by("name", "ods_code")
    practice_page = Paginator(practices, PRACTICES_PER_PAGE).get_page(request.GET.get("page"))
    shortlists = Shortlist.objects.for_organisation(organisation).visible_to(request.user)
    return render(
        request,
        "procurement/buying/dashboard.html",
        {
            "organisation": organisation,
            "shortlists": shortlists.select_related("created_by"),
            "shortlist_limit": MAX_SHORTLISTS_PER_ORGANISATION,
            "practices": practice_page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_new(request: HttpRequest) -> HttpResponse:
    """Name a search and save it. GET ?search=<the catalogue's query string> shows the form."""
    organisation = buying_organisation(request)
    data = request.POST if request.method == "POST" else None
    form = NewShortlistForm(data, initial={"search": request.GET.get("search", "")})
    search_text = (data or {}).get("search", request.GET.get("search", ""))
    parameters = QueryDict(search_text or "")
    context = {"form": form, "organisation": organisation}
    try:
        normalised = saved_searches.normalise(parameters)
    except saved_searches.InvalidSearch as error:
        context["search_errors"] = error.messages
        return render(request, "procurement/buying/shortlist_new.html", context, status=400)
    context.update(
        search=saved_searches.describe(normalised),
        search_querystring=saved_searches.querystring(normalised),
        matching=saved_searches.run(normalised, page_size=1).total,
    )
    if request.method == "POST" and form.is_valid():
        try:
            shortlist = services.create_shortlist(
                user=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                parameters=parameters,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Shortlist “{shortlist.name}” saved.")
            return redirect(shortlist)
    status = 400 if form.errors else 200
    context["errors"] = form_errors(form)
    return render(request, "procurement/buying/shortlist_new.html", context, status=status)


@login_required
@require_GET
def shortlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for(request, pk)
    number = page_number(request)
    results = saved_searches.run(shortlist.parameters, page=number)
    page_results = results_for(results.hits, Solution.objects.visible_to(request.user).published())
    paginator = Paginator(range(results.total), saved_searches.PAGE_SIZE)
    return render(
        request,
        "procurement/buying/shortlist_detail.html",
        {
            "shortlist": shortlist,
            "search": saved_searches.describe(shortlist.parameters),
            "search_querystring": saved_searches.querystring(shortlist.parameters),
            "list_size": shortlist.parameters.get("list_size"),
            "results": results,
            "page_results": page_results,
            "page": Page(results.hits, number, paginator) if results.hits else None,
            "past_the_end": bool(results.total) and number > paginator.num_pages,
            "alerts_on": ShortlistSubscription.objects.filter(
                shortlist=shortlist, user=request.user
            ).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for(request, pk)
    if request.method == "POST":
        form = ShortlistForm(request.POST)
        if form.is_valid():
            try:
                services.update_shortlist(
                    shortlist,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, "Shortlist updated.")
                return redirect(shortlist)
    else:
        form = ShortlistForm(initial={"name": shortlist.name, "description": shortlist.description})
    return render(
        request,
        "procurement/buying/shortlist_edit.html",
        {"shortlist": shortlist, "form": form, "errors": form_errors(form)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for(request, pk)
    if request.method == "POST":
        services.delete_shortlist(shortlist, user=request.user)
        messages.success(request, f"Shortlist “{shortlist.name}” deleted.")
        return redirect("procurement:dashboard")
    return render(request, "procurement/buying/shortlist_delete.html", {"shortlist": shortlist})


@login_required
@require_POST
def shortlist_alerts(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for(request, pk)
    form = AlertsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect(shortlist)
    enabled = form.cleaned_data["alerts"] == "on"
    services.set_alerts(shortlist, user=request.user, enabled=enabled)
    messages.success(
        request,
        "You will get an email when a new solution matches this shortlist."
        if enabled
        else "You will no longer get emails about this shortlist.",
    )
    return redirect(shortlist)


@login_required
@require_GET
def shortlist_csv(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for(request, pk)
    rows, _ = exports.matching_rows(shortlist, request.user)
    body = exports.csv_text(shortlist, rows, request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(shortlist, "csv")}"'
    return response


@login_required
@require_GET
def shortlist_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = shortlist_for(request, pk)
    rows, total = exports.matching_rows(shortlist, request.user)
    response = HttpResponse(
        exports.pdf_bytes(request, shortlist, rows, total), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(shortlist, "pdf")}"'
    return response
