"""Every order page and export: another organisation's buyer gets 404 (never a glimpse), a supplier
user gets 403 on buyer pages and only its own completed orders on supplier pages, anonymous users are
sent to sign in, and none of them changes anything."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from accounts.models import Role
from procurement.models import AuditRecord
from procurement.orders.models import Order, OrderStatus
from procurement.orders.services import complete_order
from tests.factories import MembershipFactory, SupplierFactory

from .helpers import make_world, ready_order, start_order

pytestmark = pytest.mark.django_db

# (url name, needs an item id, methods) for every buyer page and export of one order.
BUYER_ORDER_URLS = [
    ("orders:detail", {}, ["get"]),
    ("orders:section", {"key": "description"}, ["get", "post"]),
    ("orders:section", {"key": "term"}, ["get", "post"]),
    ("orders:recipients", {}, ["get", "post"]),
    ("orders:items", {}, ["get", "post"]),
    ("orders:item", {"item_id": None}, ["get", "post"]),
    ("orders:item-remove", {"item_id": None}, ["post"]),
    ("orders:delivery", {}, ["get", "post"]),
    ("orders:funding", {}, ["get", "post"]),
    ("orders:review", {}, ["get", "post"]),
    ("orders:amend", {}, ["post"]),
    ("orders:terminate", {}, ["get", "post"]),
    ("orders:delete", {}, ["get", "post"]),
    ("orders:audit", {}, ["get"]),
    ("orders:audit-csv", {}, ["get"]),
    ("orders:summary-pdf", {}, ["get"]),
    ("orders:csv", {}, ["get"]),
]


def urls_for(order: Order):
    item_id = order.items.first().pk
    for name, extra, methods in BUYER_ORDER_URLS:
        kwargs = {"pk": order.pk, **{k: (item_id if v is None else v) for k, v in extra.items()}}
        for method in methods:
            yield method, reverse(name, kwargs=kwargs)


def snapshot():
    return (
        list(Order.objects.order_by("pk").values_list("pk", "status", "description", "updated_at")),
        AuditRecord.objects.count(),
    )


@pytest.fixture
def orders(world):
    in_progress = start_order(world)
    completed = ready_order(world)
    complete_order(completed, user=world.buyer)
    return in_progress, completed


def test_another_organisations_buyer_gets_404_everywhere(client, world, orders):
    other = make_world()
    client.force_login(other.buyer)
    before = snapshot()
    for order in orders:
        for method, url in urls_for(order):
            response = getattr(client, method)(url, {"description": "Hijacked", "reason": "x"})
            assert response.status_code == 404, (method, url)
    assert snapshot() == before
    # Their list and export hold their own orders only.
    assert client.get(reverse("orders:dashboard")).context["total"] == 0
    body = b"".join(client.get(reverse("orders:export-csv")).streaming_content).decode()
    assert all(order.call_off_id not in body for order in orders)


def test_a_supplier_user_cannot_use_buyer_pages(client, world, orders):
    client.force_login(world.supplier_user)
    before = snapshot()
    for order in orders:
        for method, url in urls_for(order):
            response = getattr(client, method)(url, {"description": "Hijacked"})
            assert response.status_code == 403, (method, url)
    for name in ("orders:dashboard", "orders:export-csv"):
        assert client.get(reverse(name)).status_code == 403
    assert snapshot() == before


def test_supplier_pages_show_only_its_own_completed_orders(client, world, orders):
    in_progress, completed = orders
    detail = reverse("orders:supplier-detail", args=[completed.pk])
    # Another supplier: not its order.
    other_supplier_user = MembershipFactory(
        organisation=SupplierFactory().organisation, role=Role.SUPPLIER_EDITOR
    ).user
    client.force_login(other_supplier_user)
    assert client.get(detail).status_code == 404
    assert client.post(detail).status_code == 404
    assert completed.call_off_id not in client.get(reverse("orders:supplier-list")).content.decode()
    # The order's supplier: not before the buyer completes it.
    client.force_login(world.supplier_user)
    assert client.get(reverse("orders:supplier-detail", args=[in_progress.pk])).status_code == 404
    assert client.post(reverse("orders:supplier-detail", args=[in_progress.pk])).status_code == 404
    # Buyers (this organisation's or another's) are not suppliers.
    for buyer in (world.buyer, make_world().buyer):
        client.force_login(buyer)
        assert client.get(reverse("orders:supplier-list")).status_code == 403
        assert client.get(detail).status_code == 403
        assert client.post(detail).status_code == 403
    completed.refresh_from_db()
    assert completed.status == OrderStatus.COMPLETED


def test_anonymous_users_are_sent_to_sign_in(client, world, orders):
    before = snapshot()
    login = resolve_url(settings.LOGIN_URL)
    urls = [pair for order in orders for pair in urls_for(order)]
    urls += [
        ("get", reverse(name)) for name in ("orders:dashboard", "orders:export-csv", "orders:supplier-list")
    ]
    urls += [(m, reverse("orders:supplier-detail", args=[orders[1].pk])) for m in ("get", "post")]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(login), (method, url)
    assert snapshot() == before
