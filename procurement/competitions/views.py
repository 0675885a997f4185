"""The competition pages: thin. Each looks the competition up among the acting organisation's (another
organisation's is a 404; a user who is not a buyer gets 403; anonymous users are sent to log in),
reads the form, calls a service function (which checks the rules) and shows its errors in the NHS
error summary, keyed by the ids of the inputs they are about."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from catalogue.models import IntegrationType
from procurement.audit_trail import audit_csv_response, audit_trail_context
from procurement.buying.views import buying_organisation
from procurement.models import Shortlist

from . import exports, results, scoring, services
from .models import MAX_SELECTED, MIN_SELECTED, Competition, Criteria, Route

FEATURE_ROWS_EXTRA = 3
REQUIRED_INTEGRATIONS = ("IM1", "GP Connect")


def competition_for(request: HttpRequest, pk: int) -> Competition:
    organisation = buying_organisation(request)
    competitions = Competition.objects.for_organisation(organisation).visible_to(request.user)
    return get_object_or_404(competitions.with_details(), pk=pk)


def error_list(
    error: ValidationError, default_anchor: str
) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """(anchor, message) pairs for the summary and {field: messages} for the inputs."""
    if hasattr(error, "error_dict"):
        by_field = {
            (default_anchor if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        by_field = {default_anchor: list(error.messages)}
    return [(field, message) for field, messages in by_field.items() for message in messages], by_field


def _render(request, template: str, competition: Competition, context: dict, errors=None) -> HttpResponse:
    summary, by_field = errors or ([], {})
    return render(
        request,
        f"competitions/{template}",
        {"competition": competition, "errors": summary, "field_errors": by_field, **context},
        status=400 if summary else 200,
    )


# --- Starting ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, shortlist_pk: int) -> HttpResponse:
    organisation = buying_organisation(request)
    shortlist = get_object_or_404(
        Shortlist.objects.for_organisation(organisation).visible_to(request.user), pk=shortlist_pk
    )
    name = (
        request.POST.get("name", "") if request.method == "POST" else f"Competition: {shortlist.name}"[:100]
    )
    errors = None
    if request.method == "POST":
        try:
            competition = services.create_competition(
                organisation=organisation, user=request.user, shortlist=shortlist, name=name
            )
        except ValidationError as error:
            errors = error_list(error, "name")
        else:
            if competition.route == Route.DIRECT_AWARD:
                messages.success(request, "Only one solution matches: you can award it directly.")
            return redirect(competition)
    summary, by_field = errors or ([], {})
    return render(
        request,
        "competitions/start.html",
        {"shortlist": shortlist, "name": name, "errors": summary, "field_errors": by_field},
        status=400 if summary else 200,
    )


# --- The task list ------------------------------------------------------------------------------------


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    solution_costs = results.costs(competition)
    return _render(
        request,
        "detail.html",
        competition,
        {
            "tasks": results.tasks(competition),
            "routes": results.routes(competition, solution_costs),
            "selected": results.selected_solutions(competition),
            "ready": results.ready_for_results(competition),
            "term_allowed": results.allowed_term(competition),
        },
    )


# --- Sections -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def solutions(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    rows = list(competition.solutions.all())
    errors = None
    if request.method == "POST":
        chosen = request.POST.getlist("selected")
        reasons = {row.catalogue_id: request.POST.get(f"reason-{row.catalogue_id}", "") for row in rows}
        try:
            services.select_solutions(competition, user=request.user, selected=chosen, reasons=reasons)
        except ValidationError as error:
            errors = error_list(error, "selected")
            for row in rows:
                row.selected = row.catalogue_id in chosen
                row.exclusion_reason = reasons[row.catalogue_id]
        else:
            return redirect(competition)
    return _render(
        request,
        "solutions.html",
        competition,
        {"rows": rows, "min_selected": MIN_SELECTED, "max_selected": MAX_SELECTED},
        errors,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recipients(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    practices = list(Organisation.objects.practices_of(competition.organisation).order_by("name", "ods_code"))
    chosen = {p.ods_code for p in competition.recipients.all()}
    errors = None
    if request.method == "POST":
        codes = set(request.POST.getlist("recipients"))
        wanted = [p for p in practices if p.ods_code in codes]
        try:
            if len(wanted) != len(codes):
                raise ValidationError({"recipients": ["Choose only practices your organisation buys for"]})
            services.set_recipients(competition, user=request.user, recipients=wanted)
        except ValidationError as error:
            errors = error_list(error, "recipients")
            chosen = codes
        else:
            return redirect(competition)
    return _render(
        request, "recipients.html", competition, {"practices": practices, "chosen": chosen}, errors
    )


@login_required
@require_http_methods(["POST"])
def recipients_upload(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    practices = list(Organisation.objects.practices_of(competition.organisation).order_by("name", "ods_code"))
    upload = request.FILES.get("csv_file")
    try:
        if upload is None:
            raise ValidationError({"csv_file": ["Choose a CSV file of ODS codes to upload"]})
        chosen = services.parse_recipients_csv(upload, competition.organisation)
        services.set_recipients(competition, user=request.user, recipients=chosen)
    except ValidationError as error:
        return _render(
            request,
            "recipients.html",
            competition,
            {"practices": practices, "chosen": {p.ods_code for p in competition.recipients.all()}},
            error_list(error, "csv_file"),
        )
    messages.success(request, f"{len(chosen)} service recipient{'s' if len(chosen) != 1 else ''} uploaded.")
    return redirect(competition)


@login_required
@require_GET
def recipients_template(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    response = HttpResponse(
        services.recipients_template_csv(competition.organisation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="service-recipients.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def contract_length(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    value = competition.maximum_term_months
    allowed = results.allowed_term(competition)
    errors = None
    if request.method == "POST":
        text = request.POST.get("months", "").strip()
        value = text
        months = int(text) if text.isdigit() and len(text) < 5 else None
        try:
            if text and months is None:
                raise ValidationError({"months": ["Enter the contract length as a whole number of months"]})
            services.set_contract_length(competition, user=request.user, months=months)
        except ValidationError as error:
            errors = error_list(error, "months")
        else:
            return redirect(competition)
    return _render(
        request,
        "contract_length.html",
        competition,
        {
            "value": value,
            "hint": f"The call-off contract's maximum term. The framework allows at most {allowed} months.",
        },
        errors,
    )


def _int_or_none(text: str) -> int | None:
    text = (text or "").strip().rstrip("%").strip()
    return int(text) if text.isdigit() and len(text) < 4 else None


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    integration_types = list(
        IntegrationType.objects.filter(integration__name__in=REQUIRED_INTEGRATIONS).select_related(
            "integration"
        )
    )
    errors = None
    if request.method == "POST":
        post = request.POST
        weights = {element: _int_or_none(post.get(f"{element}_weight", "")) for element in scoring.ELEMENTS}
        count = min(_int_or_none(post.get("feature_rows", "")) or 0, services.MAX_FEATURE_LINES + 5)
        features = [
            {"text": post.get(f"feature-{n}", ""), "level": post.get(f"feature-{n}-level", "")}
            for n in range(1, count + 1)
        ]
        chosen_types = [t for t in integration_types if str(t.pk) in post.getlist("integration_types")]
        form = {
            "criteria": post.get("criteria", ""),
            "price_weight": post.get("price_weight", ""),
            "weights": {element: post.get(f"{element}_weight", "") for element in scoring.ELEMENTS},
            "features": features,
            "integration_types": {t.pk for t in chosen_types},
        }
        try:
            services.set_criteria(
                competition,
                user=request.user,
                criteria=form["criteria"],
                price_weight=_int_or_none(form["price_weight"]),
                element_weights=weights,
                feature_requirements=features,
                required_integration_types=chosen_types,
            )
        except ValidationError as error:
            errors = error_list(error, "criteria")
        else:
            return redirect(competition)
    else:
        form = {
            "criteria": competition.criteria,
            "price_weight": "" if competition.price_weight in (None, 100) else competition.price_weight,
            "weights": competition.element_weights()
            if competition.criteria == Criteria.PRICE_AND_NON_PRICE
            else {},
            "features": list(competition.feature_requirements),
            "integration_types": set(competition.required_integration_types.values_list("pk", flat=True)),
        }
    # Posted rows come back as posted, so an error about feature 3 is about the third row shown.
    rows = form["features"] if request.method == "POST" else list(form["features"])
    if request.method != "POST" or not rows:
        rows = [*rows, *({"text": "", "level": ""} for _ in range(FEATURE_ROWS_EXTRA))]
    return _render(
        request,
        "criteria.html",
        competition,
        {
            "form": form,
            "feature_rows": rows,
            "elements": [
                (key, label, form["weights"].get(key, "")) for key, label in scoring.ELEMENTS.items()
            ],
            "integration_types": integration_types,
        },
        errors,
    )


@login_required
@require_http_methods(["GET", "POST"])
def prices(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    recipients_list = results.recipients_of(competition)
    selected = results.selected_solutions(competition)
    errors = None
    posted = None
    if request.method == "POST":
        posted = {
            row.catalogue_id: {
                "price": request.POST.get(f"price-{row.catalogue_id}", ""),
                "agreed_unit_price": request.POST.get(f"agreed-{row.catalogue_id}", ""),
                "quantities": {
                    r.ods_code: request.POST.get(f"quantity-{row.catalogue_id}-{r.ods_code}", "")
                    for r in recipients_list
                },
            }
            for row in selected
        }
        try:
            services.set_prices(competition, user=request.user, entries=posted)
        except ValidationError as error:
            errors = error_list(error, f"price-{selected[0].catalogue_id}" if selected else "prices")
        else:
            return redirect(competition)
    entries = []
    for row in selected:
        cost = results.solution_cost(row, recipients_list, competition.maximum_term_months)
        entry = (posted or {}).get(row.catalogue_id)
        entries.append(
            {
                "row": row,
                "cost": cost,
                "prices": [
                    {
                        "key": p["key"],
                        "text": results.describe_frozen_price(p),
                        "flat": scoring.FrozenPrice.from_snapshot(p).is_flat,
                        "provisioning": p["provisioning_type"],
                    }
                    for p in row.prices
                ],
                "price_key": entry["price"] if entry else (cost.price or {}).get("key", ""),
                "agreed": entry["agreed_unit_price"]
                if entry
                else ("" if cost.agreed_unit_price is None else f"{cost.agreed_unit_price.normalize():f}"),
                "quantities": [
                    (r, entry["quantities"][r.ods_code] if entry else cost.quantities.get(r.ods_code, ""))
                    for r in recipients_list
                ],
            }
        )
    return _render(request, "prices.html", competition, {"entries": entries}, errors)


@login_required
@require_http_methods(["GET", "POST"])
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    if competition.criteria != Criteria.PRICE_AND_NON_PRICE:
        messages.info(
            request, "Set award criteria with non-price elements first: price alone needs no scores."
        )
        return redirect(competition)
    elements = [(key, label) for key, label in scoring.ELEMENTS.items() if competition.element_weights()[key]]
    selected = results.selected_solutions(competition)
    errors = None
    given = {row.catalogue_id: dict(row.scores or {}) for row in selected}
    if request.method == "POST":
        given = {
            row.catalogue_id: {
                element: {
                    "score": request.POST.get(f"score-{row.catalogue_id}-{element}", ""),
                    "justification": request.POST.get(f"justification-{row.catalogue_id}-{element}", ""),
                }
                for element, _ in elements
            }
            for row in selected
        }
        try:
            services.set_scores(competition, user=request.user, scores=given)
        except ValidationError as error:
            first = (
                f"score-{selected[0].catalogue_id}-{elements[0][0]}" if selected and elements else "scores"
            )
            errors = error_list(error, first)
        else:
            return redirect(competition)
    grid = [
        {
            "row": row,
            "elements": [
                {
                    "key": element,
                    "label": label,
                    "score": str((given[row.catalogue_id].get(element) or {}).get("score") or ""),
                    "justification": (given[row.catalogue_id].get(element) or {}).get("justification") or "",
                }
                for element, label in elements
            ],
        }
        for row in selected
    ]
    return _render(
        request,
        "scores.html",
        competition,
        {
            "grid": grid,
            "score_choices": range(scoring.SCORE_MIN, scoring.SCORE_MAX + 1),
            "integration_types": competition.required_integration_types.select_related("integration"),
        },
        errors,
    )


# --- Results and award --------------------------------------------------------------------------------


def _results_or_404(competition: Competition) -> list[results.Result]:
    if not results.ready_for_results(competition):
        raise Http404("The competition's results are not ready.")
    return results.compute_results(competition)


@login_required
@require_GET
def results_page(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    if not results.ready_for_results(competition):
        return _render(request, "results.html", competition, {"ready": False})
    solution_costs = results.costs(competition)
    ranked = results.compute_results(competition, solution_costs)
    return _render(
        request,
        "results.html",
        competition,
        {
            "ready": True,
            "results": ranked,
            "elements": [(k, v) for k, v in scoring.ELEMENTS.items() if competition.element_weights()[k]],
            "winners": results.winners(ranked),
            "routes": results.routes(competition, solution_costs),
        },
    )


@login_required
@require_GET
def results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    ranked = _results_or_404(competition)
    response = HttpResponse(
        exports.results_pdf(
            competition, ranked, link=request.build_absolute_uri(competition.get_absolute_url())
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="competition-{competition.pk}-{slugify(competition.name)[:60]}-results.pdf"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def award(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    if competition.order_id:
        return redirect("orders:detail", pk=competition.order_id)
    ranked = _results_or_404(competition)
    errors = None
    winner, justification = "", ""
    if request.method == "POST":
        winner = request.POST.get("winner", "")
        justification = request.POST.get("justification", "")
        try:
            order = services.award_competition(
                competition, user=request.user, catalogue_id=winner or None, justification=justification
            )
        except ValidationError as error:
            errors = error_list(error, "winner" if len(results.winners(ranked)) > 1 else "award")
        else:
            messages.success(request, f"Competition awarded. Complete order {order.call_off_id} to place it.")
            return redirect("orders:detail", pk=order.pk)
    return _render(
        request,
        "award.html",
        competition,
        {
            "results": ranked,
            "winners": results.winners(ranked),
            "winner": winner,
            "justification": justification,
            "routes": results.routes(competition),
        },
        errors,
    )


@login_required
@require_http_methods(["GET", "POST"])
def direct_award(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    if competition.order_id:
        return redirect("orders:detail", pk=competition.order_id)
    if competition.route != Route.DIRECT_AWARD:
        raise Http404("This competition does not take the direct-award route.")
    errors = None
    if request.method == "POST":
        try:
            order = services.direct_award(competition, user=request.user)
        except ValidationError as error:
            errors = error_list(error, "award")
        else:
            messages.success(request, f"Direct award made. Complete order {order.call_off_id} to place it.")
            return redirect("orders:detail", pk=order.pk)
    solution_costs = results.costs(competition)
    return _render(
        request,
        "direct_award.html",
        competition,
        {
            "cost": solution_costs[0] if solution_costs else None,
            "routes": results.routes(competition, solution_costs),
            "tasks": results.tasks(competition),
        },
        errors,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    errors = None
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            services.cancel_competition(competition, user=request.user, reason=reason)
        except ValidationError as error:
            errors = error_list(error, "reason")
        else:
            messages.success(request, "Competition cancelled.")
            return redirect(competition)
    return _render(request, "cancel.html", competition, {"reason": reason}, errors)


# --- History ------------------------------------------------------------------------------------------


@login_required
@require_GET
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    return _render(request, "audit.html", competition, audit_trail_context("competition", competition.pk))


@login_required
@require_GET
def audit_csv(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_for(request, pk)
    return audit_csv_response("competition", competition.pk, f"competition-{competition.pk}-history.csv")
