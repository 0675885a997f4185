"""Notifications by Celery tasks: the supplier on a new order, the buyer on acceptance, and contract-end
reminders 90 and 45 days before the end date, each sent once."""

from __future__ import annotations

import datetime
import threading

import pytest
from celery.result import allow_join_result
from django.core import mail
from django.db import connection
from django.utils import timezone

from procurement.contracts import services, tasks
from procurement.contracts.models import NotificationKind, SentNotification
from procurement.models import AuditAction, AuditRecord
from procurement.orders.models import Order, OrderStatus, add_months
from procurement.orders.services import accept_order, terminate_order
from tests.procurement.orders.helpers import make_world


def addressed_to(message) -> set[str]:
    return set(message.to)


def test_the_supplier_is_emailed_once_about_a_new_order(world, completed):
    [message] = [m for m in mail.outbox if completed.call_off_id in m.subject]
    assert message.subject == f"New order {completed.call_off_id}: Meadowbank Online"
    # The supplier's editors and the contact named on the order; never the buyer.
    assert addressed_to(message) == {world.supplier_user.email, "sam@meadowbank.example.com"}
    assert world.organisation.name in message.body and "Estimated cost over the whole term" in message.body
    assert SentNotification.objects.filter(order=completed, kind=NotificationKind.NEW_ORDER).count() == 1
    assert AuditRecord.objects.filter(
        subject_type="order", subject_id=completed.pk, action=AuditAction.NOTIFICATION_SENT
    ).exists()

    # The task delivered twice (a retry, a second worker) sends nothing more.
    mail.outbox.clear()
    assert tasks.notify_supplier_of_order.delay(completed.pk).get() is False
    assert mail.outbox == []


def test_the_buyer_is_emailed_when_the_supplier_accepts(world, completed, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accept_order(completed, user=world.supplier_user)
    [message] = mail.outbox
    assert message.subject == f"Order {completed.call_off_id} accepted by Meadowbank Clinical Systems"
    assert addressed_to(message) == {world.buyer.email}  # the buyers (the buyer is also the named contact)
    assert services.notify_buyer_of_acceptance(completed.pk) is False  # once


def test_end_reminders_are_sent_90_and_45_days_before_the_end_each_once(
    world, completed, django_capture_on_commit_callbacks
):
    end = completed.end_date
    mail.outbox.clear()

    def run(days_before_end: int) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_contract_end_reminders(today=end - datetime.timedelta(days=days_before_end))

    assert run(120) == 0
    assert run(90) == 1
    assert run(90) == 0  # the task ran twice that day
    assert run(60) == 0  # between the two reminders
    assert run(45) == 1
    assert run(30) == 0
    assert run(-1) == 0  # ended
    ninety, forty_five = mail.outbox
    assert ninety.subject == f"Contract {completed.call_off_id} ends on {end:%d %B %Y}"
    assert "ends in 90 days" in ninety.body and "/contracts/ending/" in ninety.body
    assert "ends in 45 days" in forty_five.body
    assert addressed_to(ninety) == {world.buyer.email}
    assert sorted(
        SentNotification.objects.filter(order=completed, kind=NotificationKind.END_REMINDER).values_list(
            "days_before", flat=True
        )
    ) == [45, 90]


def test_a_day_missed_is_caught_up_and_a_late_contract_gets_only_the_45_day_reminder(
    world, completed, django_capture_on_commit_callbacks
):
    end = completed.end_date
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # The task did not run until 40 days before the end: one reminder, the 45-day one.
        assert services.send_contract_end_reminders(today=end - datetime.timedelta(days=40)) == 1
    [message] = mail.outbox
    assert "ends in 40 days" in message.body
    assert list(
        SentNotification.objects.filter(kind=NotificationKind.END_REMINDER).values_list(
            "days_before", flat=True
        )
    ) == [45]


def test_no_reminders_for_orders_in_progress_or_terminated(
    world, completed, django_capture_on_commit_callbacks
):
    from tests.procurement.orders.helpers import ready_order

    in_progress = ready_order(world)
    terminate_order(completed, user=world.buyer, terminated_on=completed.commencement_date, reason="Merged.")
    for order in (in_progress, Order.objects.get(pk=completed.pk)):
        assert services.reminder_due(order, order.end_date - datetime.timedelta(days=10)) == 45
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.send_contract_end_reminders(today=completed.end_date - datetime.timedelta(days=10)) == 0
        )
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_each_reminder_once():
    """Real parallel transactions on PostgreSQL: the unique record decides, the loser sends nothing."""
    world = make_world()
    order = complete_without_capture(world)
    today = order.end_date - datetime.timedelta(days=90)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.send_contract_end_reminders(today=today))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 1]
    assert SentNotification.objects.filter(order=order, kind=NotificationKind.END_REMINDER).count() == 1


def complete_without_capture(world) -> Order:
    """In a transactional test on-commit work runs at once: complete and let it run."""
    from procurement.orders.services import complete_order
    from tests.procurement.orders.helpers import ready_order

    order = ready_order(world)
    complete_order(order, user=world.buyer)
    return Order.objects.get(pk=order.pk)


@pytest.mark.worker
def test_the_beat_task_on_a_real_worker_reminds_once_however_often_it_runs(
    transactional_db, celery_worker_process, send_to_worker
):
    world = make_world()
    order = complete_without_capture(world)
    # A contract placed nearly three years ago, ending 90 days from today.
    today = timezone.localdate()
    start = add_months(today + datetime.timedelta(days=91), -order.maximum_term_months)
    Order.objects.filter(pk=order.pk).update(commencement_date=start)
    order.refresh_from_db()
    assert order.end_date == today + datetime.timedelta(days=90) and order.status == OrderStatus.COMPLETED

    first = send_to_worker(tasks.send_contract_end_reminders)
    second = send_to_worker(tasks.send_contract_end_reminders)
    with allow_join_result():
        assert sorted([first.get(timeout=60), second.get(timeout=60)]) == [0, 1]
    [reminder] = SentNotification.objects.filter(order=order, kind=NotificationKind.END_REMINDER)
    assert reminder.days_before == 90 and reminder.recipient_count == 1
