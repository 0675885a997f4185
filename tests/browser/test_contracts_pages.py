"""The buyer's contract pages in a real browser, checked with axe-core (WCAG 2.2 AA) on every page
load: the dashboard's Contracts section with a compliance flag, the contracts ending in the next 12
months, and that page's error state when a replacement call-off cannot start."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procurement.contracts import services
from procurement.models import Shortlist
from procurement.orders.models import Order, add_months
from procurement.orders.services import complete_order
from tests.factories import CapabilityFactory
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.procurement.orders.helpers import make_world, ready_order

pytestmark = pytest.mark.browser


def test_the_commissioner_sees_a_flag_and_the_contracts_ending_soon(page, visit, click, home_page):
    world = make_world()
    world.solution.capabilities.set([CapabilityFactory(ref="C43", name="Online Consultation")])
    order = ready_order(world)
    complete_order(order, user=world.buyer)
    start = add_months(timezone.localdate() + datetime.timedelta(days=101), -order.maximum_term_months)
    Order.objects.filter(pk=order.pk).update(commencement_date=start)
    order.refresh_from_db()
    services.flag_order(order, world.solution, why="it lost its accreditation", lapsed=[], lost=True)
    for number in range(10):  # the shortlist limit, so the replacement cannot start
        Shortlist.objects.create(organisation=world.organisation, name=f"Full {number}", parameters={})

    visit("/accounts/login/?next=/buyer/")
    page.get_by_label("Email address").fill(world.buyer.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    click(page.get_by_role("button", name="Log in"))
    expect(page.get_by_test_id("compliance-flags")).to_contain_text(order.call_off_id)

    click(page.get_by_role("link", name="Contracts ending in the next 12 months"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts ending in the next 12 months")
    expect(page.get_by_test_id("ending-contracts")).to_contain_text(order.call_off_id)
    expect(page.get_by_test_id("by-capability")).to_contain_text("C43 Online Consultation")

    click(page.get_by_role("button", name=f"Start a replacement call-off for {order.call_off_id}"))
    expect(page.get_by_role("alert")).to_contain_text(order.call_off_id)
