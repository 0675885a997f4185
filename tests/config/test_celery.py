"""Tasks run on a real Celery worker over Redis, and in-process in the embedded default."""

import email

import pytest
from celery.result import allow_join_result
from django.core import mail
from django.db import transaction

from accounts.emails import queue_email
from accounts.tasks import send_email


@pytest.mark.worker
def test_a_real_worker_on_redis_sends_the_email(send_to_worker, celery_worker_process):
    _, mail_dir = celery_worker_process
    result = send_to_worker(
        send_email,
        to=["practice.manager@example.com"],
        subject="Your order C000123-01",
        body="It was accepted.",
    )
    # allow_join_result: this test is not a task, whatever another thread's eager task has set.
    with allow_join_result():
        assert result.get(timeout=60) == 1  # the worker sent one message
    files = list(mail_dir.iterdir())
    assert len(files) == 1
    message = email.message_from_string(files[0].read_text())
    assert message["To"] == "practice.manager@example.com"
    assert message["Subject"] == "Your order C000123-01"
    assert "It was accepted." in message.get_payload()


@pytest.mark.django_db(transaction=True)
def test_queued_email_goes_only_when_the_transaction_commits():
    # Test settings run tasks eagerly, as the embedded default does: the task runs in this process.
    with transaction.atomic():
        queue_email(["Supplier@Example.com", "supplier@example.com", ""], "Listing approved", "Now live.")
        assert mail.outbox == []  # nothing before commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["supplier@example.com"]


@pytest.mark.django_db(transaction=True)
def test_no_email_when_the_transaction_rolls_back():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        queue_email(["supplier@example.com"], "Listing approved", "Now live.")
        raise Boom
    assert mail.outbox == []
