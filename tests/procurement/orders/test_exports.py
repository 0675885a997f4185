"""The order summary PDF and the full-order CSV (the real service's columns, safe cells, streamed)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from procurement.models import AuditAction, AuditRecord
from procurement.orders.exports import CSV_COLUMNS, summary_html
from procurement.orders.models import Order
from procurement.orders.services import ItemDraft, complete_order

from .helpers import make_world, ready_order

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == CSV_COLUMNS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_full_order_csv_has_a_row_per_recipient_and_item_with_safe_cells(client, world):
    order = ready_order(
        world,
        items=[ItemDraft(price=world.per_patient), ItemDraft(price=world.associated, quantity=2)],
    )
    # Suppliers write item names: one that a spreadsheet would run as a formula.
    order.items.filter(catalogue_price=world.associated).update(name="=HYPERLINK('http://evil')")
    complete_order(order, user=world.buyer)
    client.force_login(world.buyer)
    response = client.get(reverse("orders:csv", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"{order.call_off_id}-full.csv" in response["Content-Disposition"]
    rows = read_csv(response)
    per_patient = [r for r in rows if r["Product ID"] == world.solution.catalogue_id]
    assert [(r["Service recipient ODS code"], r["Quantity"]) for r in per_patient] == sorted(
        ((p.ods_code, str(p.list_size)) for p in world.practices),
        key=lambda pair: next(p.name for p in world.practices if p.ods_code == pair[0]),
    )
    first = per_patient[0]
    assert first["Call-off ID"] == order.call_off_id
    assert first["Ordering party ODS code"] == world.organisation.ods_code
    assert first["Supplier"] == "Meadowbank Clinical Systems"
    assert first["Product type"] == "Catalogue solution"
    assert (first["Unit"], first["Time unit"], first["Price"]) == ("per patient", "Per year", "1.2500")
    assert (first["Funding type"], first["Framework"]) == ("Central funding", "NHSDGP001")
    assert (first["Initial period (months)"], first["Maximum term (months)"]) == ("12", "36")
    assert first["Pricing type"] == "Flat"
    (training,) = [r for r in rows if r["Product type"] == "Associated service"]
    assert training["Product name"] == "'=HYPERLINK('http://evil')"
    assert training["Service recipient ODS code"] == ""
    assert (training["Quantity"], training["Time unit"]) == ("2", "One-off")
    assert AuditRecord.objects.filter(subject_id=order.pk, action=AuditAction.ORDER_EXPORTED).count() == 1


def test_tiered_items_list_their_tiers(client, world):
    quantities = {p.ods_code: 1 for p in world.practices}
    order = ready_order(world, items=[ItemDraft(price=world.per_practice, quantities=quantities)])
    client.force_login(world.buyer)
    rows = read_csv(client.get(reverse("orders:csv", args=[order.pk])))
    assert rows[0]["Pricing type"] == "Tiered (volume)"
    assert rows[0]["Tiers"] == "1 to 9 practices: £100.00; 10 or more practices: £80.00"


def test_all_orders_csv_has_only_the_organisations_orders(client, world):
    mine = [ready_order(world) for _ in range(3)]
    other = make_world()
    theirs = ready_order(other)
    client.force_login(world.buyer)
    rows = read_csv(client.get(reverse("orders:export-csv")))
    assert {r["Call-off ID"] for r in rows} == {o.call_off_id for o in mine}
    assert theirs.call_off_id not in {r["Call-off ID"] for r in rows}


def test_summary_pdf(client, world):
    order = ready_order(world)
    client.force_login(world.buyer)
    response = client.get(reverse("orders:summary-pdf", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{order.call_off_id}-summary.pdf"' in response["Content-Disposition"]
    html = summary_html(Order.objects.with_details().get(pk=order.pk), link="https://example.test/")
    assert order.call_off_id in html
    assert "£22,500.00" in html  # 6,000 patients x £1.25 a year over 36 months
    for practice in world.practices:
        assert practice.ods_code in html
