"""Completing orders the way the orders app does, with the work they queue on commit really run (the
signals are sent on commit, and contracts' receivers queue their tasks on commit too)."""

from __future__ import annotations

from procurement.orders.models import Order
from procurement.orders.services import complete_order
from tests.procurement.orders.helpers import ready_order


def complete(world, capture, **order_fields) -> Order:
    order = ready_order(world, **order_fields)
    with capture(execute=True):
        complete_order(order, user=world.buyer)
    return Order.objects.get(pk=order.pk)
