"""An order as a summary PDF (WeasyPrint) and orders as the full CSV of the real service.

The CSV is streamed: orders are read in chunks with their items and recipients prefetched, and rows
are written as they are made, so memory does not grow with the number of orders. Every cell goes
through safe_cell (suppliers write item names; buyers write descriptions)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string

from catalogue.pricing import describe_tier, format_money
from procurement.csv_cells import safe_cell

from .models import Order, OrderItem

CSV_COLUMNS = [
    "Call-off ID",
    "Ordering party ODS code",
    "Ordering party",
    "Commencement date",
    "Service recipient ODS code",
    "Service recipient",
    "Product ID",
    "Product name",
    "Supplier",
    "Product type",
    "Quantity",
    "Unit",
    "Time unit",
    "Estimation period",
    "Price",
    "Funding type",
    "Framework",
    "Initial period (months)",
    "Maximum term (months)",
    "Pricing type",
    "Tiers",
]
CHUNK = 100


def _tiers_text(item: OrderItem) -> str:
    if item.price_type == "flat":
        return ""
    return "; ".join(
        f"{describe_tier(tier, item.range_description)}: {format_money(tier.unit_price)}"
        for tier in item.agreed_tiers()
    )


def _pricing_type(item: OrderItem) -> str:
    if item.price_type == "flat":
        return "Flat"
    return f"Tiered ({item.calculation_type.replace('_', ' ')})"


def order_rows(order: Order) -> Iterator[list]:
    """One row per item and service recipient (per-recipient items), or per item (the others)."""
    recipients = list(order.recipients.all())
    for item in order.items.all():
        common = [
            item.catalogue_id,
            item.name,
            order.supplier_name,
            item.get_item_type_display(),
        ]
        tail = [
            item.unit_description,
            {"month": "Per month", "year": "Per year"}.get(item.time_unit, "One-off"),
            {"month": "Per month", "year": "Per year"}.get(item.estimation_period, ""),
            item.unit_price,
            item.funding_source,
            order.framework_name,
            order.initial_period_months,
            order.maximum_term_months,
            _pricing_type(item),
            _tiers_text(item),
        ]
        head = [
            order.call_off_id,
            order.organisation.ods_code,
            order.organisation.name,
            order.commencement_date.isoformat() if order.commencement_date else "",
        ]
        if item.is_per_recipient:
            for recipient in recipients:
                quantity = item.recipient_quantities.get(recipient.ods_code)
                yield [*head, recipient.ods_code, recipient.name, *common, quantity, *tail]
        else:
            yield [*head, "", "", *common, item.quantity, *tail]


def csv_rows(orders: QuerySet[Order]) -> Iterator[list]:
    yield CSV_COLUMNS
    chunked = (
        orders.select_related("organisation")
        .prefetch_related("items", "recipients")
        .order_by("number", "revision")
        .iterator(chunk_size=CHUNK)
    )
    for order in chunked:
        yield from order_rows(order)
        # Prefetching sets each item's and recipient's `order` back to the order: a reference cycle
        # that only Python's cycle collector would free, late. Dropping the prefetched lists breaks
        # it, so each order is freed as soon as its rows are written and memory stays flat.
        order._prefetched_objects_cache.clear()


class _Echo:
    """A file-like object whose write returns the line, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(orders: QuerySet[Order], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(csv_rows(orders)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def summary_html(order: Order, *, link: str) -> str:
    """The order summary as the HTML the PDF is made from: parties, term, items with prices,
    quantities and costs, and every service recipient."""
    recipients = list(order.recipients.all())
    cost = order.cost()
    items = [
        (item, item.total_quantity(recipients), item.cost(cost.term_months, recipients))
        for item in order.items.all()
    ]
    return render_to_string(
        "orders/summary_pdf.html",
        {"order": order, "recipients": recipients, "items": items, "cost": cost, "link": link},
    )


def summary_pdf(order: Order, *, link: str) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs time every other page can skip

    return HTML(string=summary_html(order, link=link)).write_pdf()
