"""procurement/audit_trail.py: a record's history as a page section and a CSV, oldest first, with
before and after, safe cells; read only."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from procurement.audit_trail import CSV_HEADER, audit_trail_context
from procurement.orders.services import update_order

from .helpers import start_order

pytestmark = pytest.mark.django_db


def test_history_shows_changes_before_and_after_and_exports_safe_cells(client, world):
    order = start_order(world, description="Online consultation")
    update_order(order, user=world.buyer, description="=cmd|' /C calc'!A0")

    entries = audit_trail_context("order", order.pk)["audit_entries"]
    assert [e.record.get_action_display() for e in entries] == ["Order started", "Order changed"]
    (change,) = entries[1].changes
    assert (change.field, change.before, change.after) == (
        "Description",
        "Online consultation",
        "=cmd|' /C calc'!A0",
    )
    assert entries[1].who == str(world.buyer)

    client.force_login(world.buyer)
    response = client.get(reverse("orders:audit-csv", args=[order.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == CSV_HEADER
    assert [row[1] for row in rows[1:]] == ["Order started", "Order changed"]
    assert rows[2][6] == "Description: Online consultation -> =cmd|' /C calc'!A0"
    assert rows[2][4].startswith(order.call_off_id)
    # People name themselves: a name a spreadsheet would run as a formula is made text.
    world.buyer.first_name, world.buyer.last_name = "=1+2", ""
    world.buyer.save()
    update_order(order, user=world.buyer, description="Plain")
    response = client.get(reverse("orders:audit-csv", args=[order.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[3][2] == "'=1+2"
    assert rows[3][6] == "Description: =cmd|' /C calc'!A0 -> Plain"
    # The page only reads: no way to post to it.
    assert client.post(reverse("orders:audit", args=[order.pk])).status_code == 405
