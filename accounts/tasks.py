"""Email is sent by a Celery task so a slow or failing mail server never holds up a web request."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_email(
    to: list[str], subject: str, body: str, html_body: str | None = None, reply_to: str | None = None
) -> int:
    """Send one email; retried with back-off when the mail server is unreachable.

    Returns the number of messages sent (1), so a caller holding the result can tell it went.
    """
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[reply_to] if reply_to else None,
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    sent = message.send()
    logger.info("Sent %r to %d recipient(s)", subject, len(to))
    return sent


@shared_task
def forget_stale_login_throttles() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): drop failed-login counts whose window has passed."""
    # Imported here: services imports emails, which imports this module.
    from .services import forget_stale_login_throttles as forget

    return forget()
