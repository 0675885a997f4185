"""Completing the same order twice at once, or double-submitting the form, completes it exactly once.

Real parallel HTTP requests: threads post "Complete order" to pytest-django's live server (a threaded
WSGI server, each request on its own PostgreSQL connection), released together by a barrier. Two
buyers of the organisation each double-submit. The row lock in services.complete_order makes all but
one wait, then see the order completed and be refused with 409."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from procurement.models import AuditAction, AuditRecord
from procurement.orders import signals
from procurement.orders.models import Order, OrderStatus
from tests.factories import MembershipFactory

from .helpers import make_world, ready_order

REQUESTS_PER_BUYER = 4


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report the 302 itself


def signed_in(user, base_url: str, review_path: str) -> tuple[str, str]:
    """(Cookie header, CSRF form token) for a browser session of `user` that has opened the review page."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base_url + review_path, headers={"Cookie": f"sessionid={session}"})
    with opener.open(request) as response:
        page = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return f"sessionid={session}; csrftoken={csrf_cookie}", token


@pytest.mark.django_db(transaction=True)
def test_parallel_completions_complete_once(live_server):
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    world = make_world()
    order = ready_order(world)
    second_buyer = MembershipFactory(organisation=world.organisation, role=Role.BUYER).user
    path = reverse("orders:review", args=[order.pk])
    sessions = [signed_in(user, live_server.url, path) for user in (world.buyer, second_buyer)]

    heard = []
    receiver = lambda sender, order, **kwargs: heard.append(order.pk)  # noqa: E731
    signals.order_completed.connect(receiver)
    barrier = threading.Barrier(len(sessions) * REQUESTS_PER_BUYER)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(cookie: str, token: str) -> None:
        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(
            live_server.url + path,
            data=f"csrfmiddlewaretoken={token}".encode(),
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": live_server.url + path,
            },
            method="POST",
        )
        barrier.wait()
        try:
            with opener.open(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        with lock:
            statuses.append(status)

    threads = [
        threading.Thread(target=post, args=session) for session in sessions for _ in range(REQUESTS_PER_BUYER)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        signals.order_completed.disconnect(receiver)

    assert sorted(statuses) == [302] + [409] * (len(threads) - 1)
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.COMPLETED
    completions = AuditRecord.objects.filter(
        subject_type="order", subject_id=order.pk, action=AuditAction.ORDER_COMPLETED
    )
    assert completions.count() == 1
    assert heard == [order.pk]
