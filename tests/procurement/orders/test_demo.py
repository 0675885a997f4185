"""`seed_procurement_demo` adds one completed order for the commissioner's ICB, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from catalogue.demo import seed_demo
from procurement.orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_completed_order_for_the_icb():
    seed_demo()
    first, second = StringIO(), StringIO()
    call_command("seed_procurement_demo", stdout=first)
    call_command("seed_procurement_demo", stdout=second)
    (order,) = Order.objects.filter(organisation__ods_code="QHM")
    assert order.status == OrderStatus.COMPLETED
    assert order.recipients.count() == 3
    assert order.total_cost() > 0
    assert order.supplier.code != "99007"  # the competition demo's supplier sees only its own award
    assert f"Order demo: {order.call_off_id} completed." in first.getvalue()
    assert f"Order demo: {order.call_off_id} is already in place." in second.getvalue()
