"""/buyer/systems/: the acting organisation records its principal clinical system and the other
modules it runs, so compare, listing pages and search can say what works with them.

Buyers and organisation admins acting for a buyer organisation only (403 for anyone else, a login
redirect for anonymous users); a system is looked up among the acting organisation's, so another
organisation's is a 404. Changes go through procurement/services.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..buying.views import buying_organisation
from ..models import OrganisationSystem
from .forms import ModuleForm, PrincipalSystemForm

TEMPLATE = "procurement/systems/systems.html"


def _errors(form) -> list[tuple[str, str]]:
    return [(f"id_{name}", message) for name, errors in form.errors.items() for message in errors]


def _add_service_errors(form, error: ValidationError, field: str) -> None:
    for message in error.messages:
        form.add_error(field, message)


@login_required
@require_http_methods(["GET", "POST"])
def systems(request: HttpRequest) -> HttpResponse:
    organisation = buying_organisation(request)
    which = request.POST.get("form") if request.method == "POST" else None
    principal_form = PrincipalSystemForm(request.POST if which == "principal" else None, user=request.user)
    module_form = ModuleForm(request.POST if which == "module" else None, user=request.user)
    if which == "principal" and principal_form.is_valid():
        try:
            system = services.record_system(
                organisation,
                user=request.user,
                solution=principal_form.cleaned_data["principal_solution"],
                name=principal_form.cleaned_data["principal_name"],
                principal=True,
            )
        except ValidationError as error:
            _add_service_errors(principal_form, error, "principal_solution")
        else:
            messages.success(request, f"{system.name} recorded as your principal clinical system.")
            return redirect("procurement:systems")
    elif which == "module" and module_form.is_valid():
        try:
            system = services.record_system(
                organisation,
                user=request.user,
                solution=module_form.solution,
                name="" if module_form.solution else module_form.cleaned_data["module"],
            )
        except ValidationError as error:
            _add_service_errors(module_form, error, "module")
        else:
            messages.success(request, f"{system.name} recorded.")
            return redirect("procurement:systems")
    errors = _errors(principal_form) + _errors(module_form)
    if request.method == "POST" and not errors:
        errors = [("id_module", "Choose what to record.")]
    recorded = list(OrganisationSystem.objects.filter(organisation=organisation).select_related("solution"))
    return render(
        request,
        TEMPLATE,
        {
            "organisation": organisation,
            "systems": recorded,
            "principal": next((s for s in recorded if s.is_principal), None),
            "principal_form": principal_form,
            "module_form": module_form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def remove_system(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = buying_organisation(request)
    system = get_object_or_404(OrganisationSystem.objects.filter(organisation=organisation), pk=pk)
    services.remove_system(system, user=request.user)
    messages.success(request, f"{system.name} removed.")
    return redirect("procurement:systems")
