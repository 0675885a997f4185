"""The order pages as a buyer uses them: each task-list section's form with its errors, review and
complete, amend, terminate and delete, the dashboard's search and paging, and the supplier's view."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import AuditAction, AuditRecord
from procurement.orders.models import Order, OrderStatus
from procurement.orders.services import ItemDraft, complete_order

from .helpers import ready_order, start_order

pytestmark = pytest.mark.django_db


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def test_a_buyer_fills_in_every_section_and_completes(client, world):
    order = start_order(world, commencement_date=None, maximum_term_months=None, initial_period_months=None)
    client.force_login(world.buyer)
    url = order.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200
    assert b"Cannot start yet" in page.content  # review, until every section is complete
    for link in (
        reverse("orders:section", args=[order.pk, "term"]),
        reverse("orders:recipients", args=[order.pk]),
    ):
        assert f'href="{link}"' in page.content.decode()

    # Term: errors first, in the summary and at the field, and nothing saved.
    response = client.post(
        reverse("orders:section", args=[order.pk, "term"]),
        {"commencement_date_day": "30", "commencement_date_month": "2", "commencement_date_year": "2030",
         "initial_period_months": "24",
         "maximum_term_months": "49"},
    )  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "The commencement date must be a real date" in text
    assert "The maximum term must be 120 months or fewer" not in text
    order.refresh_from_db()
    assert order.maximum_term_months is None
    start = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("orders:section", args=[order.pk, "term"]),
        {
            **date_fields("commencement_date", start),
            "initial_period_months": "24",
            "maximum_term_months": "49",
        },
    )
    assert response.status_code == 400
    assert "between 1 and 48 months" in response.content.decode()
    response = client.post(
        reverse("orders:section", args=[order.pk, "term"]),
        {
            **date_fields("commencement_date", start),
            "initial_period_months": "12",
            "maximum_term_months": "36",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.commencement_date, order.initial_period_months, order.maximum_term_months) == (
        start,
        12,
        36,
    )

    # Contacts and description.
    response = client.post(
        reverse("orders:section", args=[order.pk, "supplier"]),
        {"supplier_contact_name": "", "supplier_contact_email": "not-an-email"},
    )
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    assert client.post(
        reverse("orders:section", args=[order.pk, "supplier"]),
        {"supplier_contact_name": "Sam", "supplier_contact_email": "sam@supplier.example.com"},
    ).status_code == 302  # fmt: skip
    description_url = reverse("orders:section", args=[order.pk, "description"])
    assert client.post(description_url, {"description": "GP online"}).status_code == 302

    # Recipients: two of the three practices; a practice of another organisation is refused.
    chosen = [p.ods_code for p in world.practices[:2]]
    assert (
        client.post(reverse("orders:recipients", args=[order.pk]), {"recipients": ["A99999"]}).status_code
        == 400
    )
    assert (
        client.post(reverse("orders:recipients", args=[order.pk]), {"recipients": chosen}).status_code == 302
    )
    assert sorted(order.recipients.values_list("ods_code", flat=True)) == sorted(chosen)

    # Items: add the per-practice price, agree a price above the list price (refused), then below it.
    response = client.post(reverse("orders:items", args=[order.pk]), {"price": world.per_practice.pk})
    item = order.items.get(catalogue_price=world.per_practice)
    assert response.url == reverse("orders:item", args=[order.pk, item.pk])
    quantities = {f"quantity_{code}": "1" for code in chosen}
    response = client.post(
        reverse("orders:item", args=[order.pk, item.pk]), {"price": "101", "price_1": "80", **quantities}
    )
    assert response.status_code == 400
    assert "cannot be more than the list price (£100)" in response.content.decode()
    response = client.post(
        reverse("orders:item", args=[order.pk, item.pk]), {"price": "95.12345", "price_1": "80", **quantities}
    )
    assert "at most 4 decimal places" in response.content.decode()
    response = client.post(
        reverse("orders:item", args=[order.pk, item.pk]), {"price": "95.5", "price_1": "80", **quantities}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert [t["price"] for t in item.tiers] == ["95.5000", "80.0000"]
    assert item.recipient_quantities == dict.fromkeys(chosen, 1)

    # Delivery dates (before commencement is refused) and funding.
    items = list(order.items.all())
    early = {
        k: v
        for i in items
        for k, v in date_fields(f"item_{i.pk}", start - datetime.timedelta(days=1)).items()
    }
    response = client.post(reverse("orders:delivery", args=[order.pk]), early)
    assert response.status_code == 400
    assert "on or after the commencement date" in response.content.decode()
    good = {k: v for i in items for k, v in date_fields(f"item_{i.pk}", start).items()}
    assert client.post(reverse("orders:delivery", args=[order.pk]), good).status_code == 302
    response = client.post(
        reverse("orders:funding", args=[order.pk]), {f"item_{i.pk}": "Gold bars" for i in items}
    )
    assert response.status_code == 400
    assert client.post(
        reverse("orders:funding", args=[order.pk]), {f"item_{i.pk}": "Local funding" for i in items}
    ).status_code == 302  # fmt: skip

    # Review shows the costs; completing works once, the second submit is told why not.
    review = client.get(reverse("orders:review", args=[order.pk]))
    assert b"Complete order" in review.content
    assert client.post(reverse("orders:review", args=[order.pk])).status_code == 302
    again = client.post(reverse("orders:review", args=[order.pk]))
    assert again.status_code == 409
    assert "already been completed" in again.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    # A section of a completed order cannot be changed.
    response = client.post(
        reverse("orders:section", args=[order.pk, "description"]), {"description": "x"}, follow=True
    )
    assert "You cannot change order" in response.content.decode()
    order.refresh_from_db()
    assert order.description == "GP online"
    completions = AuditRecord.objects.filter(subject_id=order.pk, action=AuditAction.ORDER_COMPLETED)
    assert completions.count() == 1


def test_amend_terminate_and_delete_pages(client, world):
    order = ready_order(world)
    complete_order(order, user=world.buyer)
    client.force_login(world.buyer)
    # A completed order cannot be deleted.
    response = client.post(reverse("orders:delete", args=[order.pk]), follow=True)
    assert "You cannot delete order" in response.content.decode()
    assert Order.objects.filter(pk=order.pk).exists()

    response = client.post(reverse("orders:amend", args=[order.pk]))
    amendment = Order.objects.get(previous=order)
    assert response.url == amendment.get_absolute_url()
    assert amendment.call_off_id.endswith("-02")
    # The amendment in progress can be deleted; the original stays.
    assert client.post(reverse("orders:delete", args=[amendment.pk])).status_code == 302
    assert not Order.objects.filter(pk=amendment.pk).exists()
    assert AuditRecord.objects.filter(subject_id=amendment.pk, action=AuditAction.ORDER_DELETED).exists()

    response = client.post(reverse("orders:terminate", args=[order.pk]), {"reason": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter the termination date." in text and "Enter the reason" in text
    last_day = order.commencement_date + datetime.timedelta(days=90)
    response = client.post(
        reverse("orders:terminate", args=[order.pk]),
        {"reason": "Practice merger", **date_fields("terminated_on", last_day)},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.TERMINATED and order.termination_reason == "Practice merger"
    response = client.get(reverse("orders:terminate", args=[order.pk]), follow=True)
    assert "it has been terminated" in response.content.decode()

    history = client.get(reverse("orders:audit", args=[order.pk])).content.decode()
    for label in ("Order started", "Order completed", "Order amended", "Order terminated"):
        assert label in history
    assert "Practice merger" in history


def test_dashboard_searches_and_pages(client, world):
    orders = [start_order(world) for _ in range(22)]
    other_solution_order = start_order(world, description="Other")
    client.force_login(world.buyer)
    page = client.get(reverse("orders:dashboard"))
    assert page.context["total"] == 23
    assert len(page.context["page"].object_list) == 20
    assert len(client.get(reverse("orders:dashboard"), {"page": 2}).context["page"].object_list) == 3
    found = client.get(reverse("orders:dashboard"), {"q": orders[3].call_off_id}).context["page"].object_list
    assert list(found) == [orders[3]]
    found = (
        client.get(reverse("orders:dashboard"), {"q": f"C{orders[3].number:06d}"}).context["page"].object_list
    )
    assert list(found) == [orders[3]]
    assert client.get(reverse("orders:dashboard"), {"q": "meadowbank"}).context["total"] == 23
    assert client.get(reverse("orders:dashboard"), {"q": "nothing like it"}).context["total"] == 0
    assert (
        other_solution_order
        in client.get(reverse("orders:dashboard"), {"q": "Other"}).context["page"].object_list
    )
    # The /buyer/ dashboard's orders section lists them.
    buyer_page = client.get(reverse("procurement:dashboard")).content.decode()
    assert "23 orders: 23 in progress, 0 live." in buyer_page
    assert other_solution_order.call_off_id in buyer_page and orders[0].call_off_id not in buyer_page


def test_the_supplier_sees_completed_orders_read_only_and_accepts(client, world):
    in_progress = start_order(world)
    order = ready_order(world)
    complete_order(order, user=world.buyer)
    client.force_login(world.supplier_user)
    listing = client.get(reverse("orders:supplier-list")).content.decode()
    assert "Orders placed with you</a>" in listing  # the header's link for a supplier's users
    assert order.call_off_id in listing and in_progress.call_off_id not in listing
    assert client.get(reverse("orders:supplier-detail", args=[in_progress.pk])).status_code == 404
    page = client.get(reverse("orders:supplier-detail", args=[order.pk])).content.decode()
    assert "Accept order" in page and "Delete" not in page and "Amend" not in page
    response = client.post(reverse("orders:supplier-detail", args=[order.pk]), follow=True)
    assert "accepted" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.accepted_by == world.supplier_user
    again = client.post(reverse("orders:supplier-detail", args=[order.pk]), follow=True).content.decode()
    assert "already been accepted" in again


def test_items_page_lists_only_the_solutions_own_prices(client, world):
    order = start_order(world, items=[ItemDraft(price=world.per_patient)])
    client.force_login(world.buyer)
    page = client.get(reverse("orders:items", args=[order.pk]))
    offered = set(page.context["prices"].values_list("pk", flat=True))
    assert offered == {world.per_practice.pk, world.on_demand.pk, world.additional.pk, world.associated.pk}
