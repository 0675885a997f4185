"""Queueing email from service functions: the task is sent only once the transaction commits, so a
rolled-back change never emails anyone."""

from __future__ import annotations

from django.db import transaction

from .tasks import send_email


def queue_email(to: list[str], subject: str, body: str, html_body: str | None = None) -> None:
    recipients = sorted({address.strip().lower() for address in to if address and address.strip()})
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_email.delay(to=recipients, subject=subject, body=body, html_body=html_body)
    )
