"""The order pages: the organisation's orders, an order's task list and its section forms, review and
complete, amend, terminate, delete, the audit trail, the exports, and the supplier's read-only view.

Buyer pages need a signed-in user acting for a buyer organisation in which they hold a buying role
(403 otherwise); an order is looked up among that organisation's only, so another organisation's is a
404. Supplier pages show only completed orders placed with the supplier the user acts for. Every
change goes through services.py; the views only turn forms into calls and errors into messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from catalogue.conformance.awards import NotAwardable
from catalogue.models import Price
from procurement.audit_trail import audit_csv_response, audit_trail_context
from procurement.buying.views import buying_organisation

from . import exports, forms, lifecycle, services, tasklist
from .models import Order, OrderStatus
from .querysets import OrderQuerySet

ORDERS_PER_PAGE = 20
EDIT_SECTIONS = ("description", "ordering-party", "supplier", "term")


# --- Looking orders up --------------------------------------------------------------------------------


def buyer_orders(request: HttpRequest) -> OrderQuerySet:
    organisation = buying_organisation(request)
    return Order.objects.for_organisation(organisation).visible_to(request.user)


def buyer_order(request: HttpRequest, pk: int) -> Order:
    return get_object_or_404(buyer_orders(request).with_details(), pk=pk)


def supplier_orders(request: HttpRequest) -> OrderQuerySet:
    """Orders placed with the supplier the user acts for, once completed. 403 for anyone not acting
    for a supplier."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or organisation.org_type != "supplier":
        raise PermissionDenied("Only a supplier's users can see the orders placed with it.")
    return Order.objects.for_supplier_user(request.user).filter(supplier_id=organisation.pk)


def form_error_pairs(form) -> list[tuple[str, str]]:
    return [
        (f"id_{name}" if name != "__all__" else "maincontent", message)
        for name, errors in form.errors.items()
        for message in errors
    ]


def add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def refuse_if_not_editable(request: HttpRequest, order: Order) -> HttpResponse | None:
    """A section of a completed order cannot be changed: say so on the order's page."""
    try:
        lifecycle.check(order, "edit")
    except lifecycle.IllegalTransition as error:
        messages.error(request, error.messages[0])
        return redirect(order)
    return None


def render_order(request, template: str, order: Order, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, {"order": order, **context}, status=status)


# --- The organisation's orders ------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = buying_organisation(request)
    form = forms.OrderSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    orders = buyer_orders(request).search(text).order_by("-created_at", "-pk")
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/dashboard.html",
        {"organisation": organisation, "page": page, "q": text, "total": page.paginator.count},
    )


# --- One order ----------------------------------------------------------------------------------------

# Sections with a page of their own; the others are forms of the `section` view.
SECTION_PAGES = {
    "recipients": "orders:recipients",
    "items": "orders:items",
    "delivery": "orders:delivery",
    "funding": "orders:funding",
    "review": "orders:review",
}


def section_url(order: Order, key: str) -> str:
    if key in SECTION_PAGES:
        return reverse(SECTION_PAGES[key], kwargs={"pk": order.pk})
    return reverse("orders:section", kwargs={"pk": order.pk, "key": key})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The task list while in progress; the contract's summary once completed."""
    order = buyer_order(request, pk)
    context = {
        "sections": [(section, section_url(order, section.key)) for section in tasklist.sections(order)],
        "allowed": lifecycle.actions_allowed(order),
        "amendment": Order.objects.filter(previous=order).first(),
    }
    return render_order(request, "orders/detail.html", order, context)


@login_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The description, ordering party, supplier contact and term sections: one form each."""
    if key not in EDIT_SECTIONS:
        raise Http404("No such section.")
    order = buyer_order(request, pk)
    if refused := refuse_if_not_editable(request, order):
        return refused
    data = request.POST if request.method == "POST" else None
    if key == "description":
        form = forms.DescriptionForm(data, initial={"description": order.description})
    elif key == "ordering-party":
        form = forms.OrderingPartyForm(data, initial=_fields(order, forms.OrderingPartyForm))
    elif key == "supplier":
        form = forms.SupplierContactForm(data, initial=_fields(order, forms.SupplierContactForm))
    else:
        form = forms.TermForm(
            data,
            commencement=order.commencement_date,
            framework_maximum=order.framework_maximum_term_months,
            initial=_fields(order, forms.TermForm),
        )
    if data is not None and form.is_valid():
        changes = {
            field: value for field, value in form.cleaned_data.items() if field in services.EDITABLE_FIELDS
        }
        try:
            services.update_order(order, user=request.user, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{tasklist.SECTION_TITLES[key]} saved.")
            return redirect(order)
    return render_order(
        request,
        "orders/section.html",
        order,
        {
            "form": form,
            "key": key,
            "title": tasklist.SECTION_TITLES[key],
            "errors": form_error_pairs(form),
            "term_hint": f"At most {order.framework_maximum_term_months} months on {order.framework_name}",
        },
        status=400 if form.errors else 200,
    )


def _fields(order: Order, form_class) -> dict:
    return {name: getattr(order, name) for name in form_class.base_fields if hasattr(order, name)}


@login_required
@require_http_methods(["GET", "POST"])
def recipients(request: HttpRequest, pk: int) -> HttpResponse:
    order = buyer_order(request, pk)
    if refused := refuse_if_not_editable(request, order):
        return refused
    practices = Organisation.objects.practices_of(order.organisation).order_by("name", "ods_code")
    current = [r.ods_code for r in order.recipients.all()]
    form = forms.RecipientsForm(
        request.POST if request.method == "POST" else None,
        practices=practices,
        initial={"recipients": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_recipients(order, user=request.user, practices=list(form.cleaned_data["recipients"]))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Service recipients saved.")
            return redirect(order)
    errors = [
        ("recipients-0" if anchor == "id_recipients" else anchor, m) for anchor, m in form_error_pairs(form)
    ]
    return render_order(
        request,
        "orders/recipients.html",
        order,
        {"form": form, "errors": errors, "practices": practices},
        status=400 if form.errors else 200,
    )


def _addable_prices(order: Order):
    present = [item.catalogue_price_id for item in order.items.all() if item.catalogue_price_id]
    return (
        Price.objects.filter(services.orderable_prices(order.solution))
        .exclude(pk__in=present)
        .select_related("solution", "additional_service", "associated_service")
        .prefetch_related("tiers")
        .distinct()
        .order_by("solution", "additional_service", "associated_service", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def items(request: HttpRequest, pk: int) -> HttpResponse:
    """The items with their prices and quantities; add one (POST) at its list price."""
    order = buyer_order(request, pk)
    if refused := refuse_if_not_editable(request, order):
        return refused
    prices = _addable_prices(order)
    form = forms.AddItemForm(request.POST if request.method == "POST" else None, prices=prices)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(order, user=request.user, price=form.cleaned_data["price"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{item.name} added. Check its price and quantities.")
            return redirect("orders:item", pk=order.pk, item_id=item.pk)
    recipients_list = list(order.recipients.all())
    return render_order(
        request,
        "orders/items.html",
        order,
        {
            "form": form,
            "errors": form_error_pairs(form),
            "prices": prices,
            "rows": [(item, item.total_quantity(recipients_list)) for item in order.items.all()],
            "problems": tasklist.item_problems(order, list(order.items.all()), recipients_list),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    order = buyer_order(request, pk)
    if refused := refuse_if_not_editable(request, order):
        return refused
    order_item = get_object_or_404(order.items.all(), pk=item_id)
    recipients_list = list(order.recipients.all())
    form = forms.ItemForm(
        request.POST if request.method == "POST" else None, item=order_item, recipients=recipients_list
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(
                order,
                user=request.user,
                item_id=order_item.pk,
                prices=form.prices(),
                quantity=form.cleaned_data.get("quantity"),
                recipient_quantities=form.recipient_quantities(),
                estimation_period=form.cleaned_data.get("estimation_period"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{order_item.name} saved.")
            return redirect("orders:items", pk=order.pk)
    return render_order(
        request,
        "orders/item.html",
        order,
        {"form": form, "item": order_item, "errors": form_error_pairs(form)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    order = buyer_order(request, pk)
    try:
        services.remove_item(order, user=request.user, item_id=item_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Item removed.")
    return redirect("orders:items", pk=order.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    order = buyer_order(request, pk)
    if refused := refuse_if_not_editable(request, order):
        return refused
    order_items = list(order.items.all())
    form = forms.DeliveryDatesForm(request.POST if request.method == "POST" else None, items=order_items)
    if request.method == "POST" and form.is_valid():
        return _save_per_item(request, order, form, "planned_delivery_date", form.cleaned_data["dates"],
                              "orders/delivery.html", "Planned delivery dates saved.")  # fmt: skip
    return _render_per_item(request, order, form, "orders/delivery.html")


@login_required
@require_http_methods(["GET", "POST"])
def funding(request: HttpRequest, pk: int) -> HttpResponse:
    order = buyer_order(request, pk)
    if refused := refuse_if_not_editable(request, order):
        return refused
    order_items = list(order.items.all())
    form = forms.FundingForm(
        request.POST if request.method == "POST" else None,
        items=order_items,
        funding_types=order.funding_types or ["Local funding"],
    )
    if request.method == "POST" and form.is_valid():
        values = {item.pk: form.cleaned_data[f"item_{item.pk}"] for item in order_items}
        return _save_per_item(
            request, order, form, "funding_source", values, "orders/funding.html", "Funding sources saved."
        )
    return _render_per_item(request, order, form, "orders/funding.html")


def _save_per_item(request, order, form, field: str, values: dict, template: str, done: str) -> HttpResponse:
    for item_id, value in values.items():
        try:
            services.update_item(order, user=request.user, item_id=item_id, **{field: value})
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    if form.errors:
        return _render_per_item(request, order, form, template)
    messages.success(request, done)
    return redirect(order)


def _render_per_item(request, order, form, template: str) -> HttpResponse:
    return render_order(
        request,
        template,
        order,
        {"form": form, "errors": form_error_pairs(form)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Check everything, then complete (POST). A second submission, or a request racing this one,
    gets the lifecycle's answer that the order is already completed."""
    order = buyer_order(request, pk)
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            services.complete_order(order, user=request.user)
        except (ValidationError, NotAwardable) as error:
            problems = error.messages if isinstance(error, ValidationError) else [str(error)]
            errors = [("maincontent", message) for message in problems]
            status = 409 if isinstance(error, lifecycle.IllegalTransition) else 400
        else:
            messages.success(request, f"Order {order.call_off_id} completed. The supplier has been told.")
            return redirect(order)
        order = buyer_order(request, pk)
    elif order.status != OrderStatus.IN_PROGRESS:
        return redirect(order)
    return render_order(
        request,
        "orders/review.html",
        order,
        {"errors": errors, "problems": tasklist.completion_problems(order)},
        status=status,
    )


@login_required
@require_POST
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    order = buyer_order(request, pk)
    try:
        amendment = services.amend_order(order, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(order)
    messages.success(
        request, f"Amendment {amendment.call_off_id} started. Complete it to replace {order.call_off_id}."
    )
    return redirect(amendment)


@login_required
@require_http_methods(["GET", "POST"])
def terminate(request: HttpRequest, pk: int) -> HttpResponse:
    order = buyer_order(request, pk)
    try:
        lifecycle.check(order, "terminate")
    except lifecycle.IllegalTransition as error:
        messages.error(request, error.messages[0])
        return redirect(order)
    form = forms.TerminateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.terminate_order(
                order,
                user=request.user,
                terminated_on=form.cleaned_data["terminated_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "terminated_on" in error.message_dict:
                for message in error.message_dict.pop("terminated_on"):
                    form.add_error("terminated_on_day", message)
            add_service_errors(form, error)
        else:
            messages.success(request, f"Order {order.call_off_id} terminated.")
            return redirect(order)
    return render_order(
        request,
        "orders/terminate.html",
        order,
        {"form": form, "errors": form_error_pairs(form)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    order = buyer_order(request, pk)
    try:
        lifecycle.check(order, "delete")
    except lifecycle.IllegalTransition as error:
        messages.error(request, error.messages[0])
        return redirect(order)
    if request.method == "POST":
        try:
            services.delete_order(order, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(order)
        messages.success(request, f"Order {order.call_off_id} deleted.")
        return redirect("orders:dashboard")
    return render_order(request, "orders/delete.html", order, {})


# --- Audit trail and exports --------------------------------------------------------------------------


@login_required
@require_GET
def audit_page(request: HttpRequest, pk: int) -> HttpResponse:
    order = buyer_order(request, pk)
    context = audit_trail_context("order", order.pk)
    context["audit_csv_url"] = reverse("orders:audit-csv", kwargs={"pk": order.pk})
    return render_order(request, "orders/audit.html", order, context)


@login_required
@require_GET
def audit_csv(request: HttpRequest, pk: int):
    order = buyer_order(request, pk)
    return audit_csv_response("order", order.pk, f"{order.call_off_id}-history.csv")


@login_required
@require_GET
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = buyer_order(request, pk)
    response = HttpResponse(
        exports.summary_pdf(order, link=request.build_absolute_uri(order.get_absolute_url())),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{order.call_off_id}-summary.pdf"'
    services.record_export(order, user=request.user, export_format="pdf")
    return response


@login_required
@require_GET
def order_csv(request: HttpRequest, pk: int):
    order = buyer_order(request, pk)
    services.record_export(order, user=request.user, export_format="csv")
    return exports.csv_response(Order.objects.filter(pk=order.pk), f"{order.call_off_id}-full.csv")


@login_required
@require_GET
def all_orders_csv(request: HttpRequest):
    organisation = buying_organisation(request)
    filename = f"orders-{organisation.ods_code or organisation.pk}.csv"
    return exports.csv_response(buyer_orders(request), filename)


# --- The supplier's view --------------------------------------------------------------------------------


@login_required
@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    orders = supplier_orders(request)
    form = forms.OrderSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    orders = orders.search(text).select_related("organisation").order_by("-completed_at", "-pk")
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "orders/supplier_list.html", {"page": page, "q": text, "total": page.paginator.count}
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A completed order, read only, with "Accept" (POST) while it awaits acceptance."""
    order = get_object_or_404(supplier_orders(request).with_details(), pk=pk)
    if request.method == "POST":
        try:
            services.accept_order(order, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Order {order.call_off_id} accepted. The buyer has been told.")
        return redirect("orders:supplier-detail", pk=order.pk)
    return render_order(
        request, "orders/supplier_detail.html", order, {"can_accept": lifecycle.allowed(order, "accept")}
    )
