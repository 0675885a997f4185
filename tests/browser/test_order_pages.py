"""The order pages in a browser, with their error states, each checked by axe (WCAG 2.2 AA): a buyer
fills in an order's sections, meets the errors, completes it and reads its history; the supplier
accepts it from its own read-only view."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.procurement.orders.helpers import make_world, start_order

pytestmark = pytest.mark.browser


def fill_date(page, day: datetime.date, within=None) -> None:
    scope = within or page
    scope.get_by_label("Day", exact=True).fill(str(day.day))
    scope.get_by_label("Month", exact=True).fill(str(day.month))
    scope.get_by_label("Year", exact=True).fill(str(day.year))


def test_a_buyer_completes_an_order_through_its_errors_and_the_supplier_accepts(
    page, visit, click, home_page
):
    from catalogue.models import Price

    world = make_world()
    world.buyer.first_name = "Alex"
    world.buyer.save()
    order = start_order(world, commencement_date=None)
    log_in(page, visit, click, world.buyer.email, DEFAULT_PASSWORD)
    visit(order.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {order.call_off_id}")

    # The term, with a date that does not exist: the error summary links to the day box.
    click(page.get_by_role("link", name="Commencement date, initial period and maximum term"))
    page.get_by_label("Day", exact=True).fill("31")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("2031")
    page.get_by_label("Maximum term (months)").fill("60")
    click(page.get_by_role("button", name="Save and return"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("The commencement date must be a real date")
    expect(summary).to_contain_text("The maximum term must be between 1 and 48 months")
    start = datetime.date.today() + datetime.timedelta(days=20)
    fill_date(page, start)
    page.get_by_label("Maximum term (months)").fill("36")
    click(page.get_by_role("button", name="Save and return"))
    expect(page.locator("#section-term-status")).to_have_text("Completed")

    # Items: add the per-practice price; its quantities and a price above the list price are refused.
    click(page.get_by_role("link", name="Catalogue solution, additional and associated services"))
    per_practice = Price.objects.get(pk=world.per_practice.pk)
    page.get_by_label("Item and price").select_option(str(per_practice.pk))
    click(page.get_by_role("button", name="Add item"))
    page.get_by_label("Price for 1 to 9 practices").fill("120")
    click(page.get_by_role("button", name="Save and return"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("cannot be more than the list price (£100)")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a quantity.")
    page.get_by_label("Price for 1 to 9 practices").fill("90")
    for practice in world.practices:
        page.get_by_label(f"{practice.name} ({practice.ods_code})").fill("1")
    click(page.get_by_role("button", name="Save and return"))
    expect(page.get_by_test_id("items")).to_contain_text("from £80.00 per practice per month")
    click(page.get_by_role("link", name="Return to the order"))

    # Recipients are pre-filled; delivery dates and funding for both items.
    click(page.get_by_role("link", name="Service recipients"))
    click(page.get_by_role("button", name="Save and return"))
    click(page.get_by_role("link", name="Planned delivery dates"))
    click(page.get_by_role("button", name="Save and return"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the planned delivery date for")
    for group in page.locator("fieldset").all():
        fill_date(page, start + datetime.timedelta(days=7), within=group)
    click(page.get_by_role("button", name="Save and return"))
    click(page.get_by_role("link", name="Funding source"))
    for select in page.locator("select").all():
        select.select_option("Local funding")
    click(page.get_by_role("button", name="Save and return"))

    click(page.get_by_role("link", name="Review and complete"))
    click(page.get_by_role("button", name="Complete order"))
    expect(page.get_by_test_id("order-status")).to_have_text("Completed")
    click(page.get_by_role("link", name="History of this order"))
    expect(page.get_by_test_id("audit-trail")).to_contain_text("Order completed")
    visit("/orders/")
    expect(page.get_by_test_id("orders")).to_contain_text(order.call_off_id)
    click(page.get_by_role("button", name="Log out"))

    log_in(page, visit, click, world.supplier_user.email, DEFAULT_PASSWORD)
    visit("/supplier/orders/")
    click(page.get_by_role("link", name=order.call_off_id))
    click(page.get_by_role("button", name="Accept order"))
    expect(page.get_by_text("You accepted this order")).to_be_visible()
    expect(page.get_by_test_id("order-summary")).to_contain_text("Accepted by the supplier")
