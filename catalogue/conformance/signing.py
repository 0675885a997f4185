"""How a harness proves a report is from it: HMAC-SHA256 over the timestamp and the body.

Headers: `X-Harness-Token` (the client's token), `X-Harness-Timestamp` (Unix seconds),
`X-Harness-Signature` (hex HMAC-SHA256 of `"<timestamp>." + body` with one of the client's active
secrets, optionally prefixed `sha256=`). Binding the timestamp into the signature stops an old request
being replayed with a new timestamp; a request more than CONFORMANCE_SIGNATURE_MAX_AGE seconds from
now (either way) is refused. See docs/conformance.md.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings

from ..models import HarnessClient

TOKEN_HEADER = "HTTP_X_HARNESS_TOKEN"
TIMESTAMP_HEADER = "HTTP_X_HARNESS_TIMESTAMP"
SIGNATURE_HEADER = "HTTP_X_HARNESS_SIGNATURE"


class SignatureError(Exception):
    """The request is not from a known harness, or not as it signed it. The message says which."""


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(token: str, secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a harness sends (used by our own sample poster and tests)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "X-Harness-Token": token,
        "X-Harness-Timestamp": str(timestamp),
        "X-Harness-Signature": f"sha256={sign(secret, timestamp, body)}",
    }


def verify(meta: dict, body: bytes, now: float | None = None) -> HarnessClient:
    """The client that signed this request, or SignatureError."""
    token = meta.get(TOKEN_HEADER, "").strip()
    timestamp = meta.get(TIMESTAMP_HEADER, "").strip()
    signature = meta.get(SIGNATURE_HEADER, "").strip().removeprefix("sha256=")
    if not (token and timestamp and signature):
        raise SignatureError("Send X-Harness-Token, X-Harness-Timestamp and X-Harness-Signature headers.")
    if not timestamp.isdigit():
        raise SignatureError("X-Harness-Timestamp must be Unix time in whole seconds.")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > settings.CONFORMANCE_SIGNATURE_MAX_AGE:
        raise SignatureError(
            f"The request is more than {settings.CONFORMANCE_SIGNATURE_MAX_AGE} seconds old (or from the "
            "future): sign it again with the current time."
        )
    client = HarnessClient.objects.filter(token=token, is_active=True).prefetch_related("secrets").first()
    if client is None:
        raise SignatureError("Unknown or inactive harness token.")
    if client.is_demo and not settings.CONFORMANCE_ACCEPT_DEMO_CLIENTS:
        # The demo harness's secret is published in the README: it must never be trusted for real.
        raise SignatureError("The demo harness is not accepted here.")
    if not any(
        hmac.compare_digest(sign(secret, timestamp, body), signature) for secret in client.active_secrets()
    ):
        raise SignatureError("The signature does not match the body and timestamp.")
    return client
