"""Counting failed logins and clearing the count on success, for every login form (see backends.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .services import clear_failed_logins, client_ip, record_failed_login


@receiver(user_login_failed, dispatch_uid="accounts.count_failed_login")
def count_failed_login(sender, credentials: dict, request=None, **kwargs) -> None:
    email = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD)
    if email:
        record_failed_login(str(email), ip_address=client_ip(request))


@receiver(user_logged_in, dispatch_uid="accounts.clear_failed_logins")
def clear_on_login(sender, request, user, **kwargs) -> None:
    clear_failed_logins(user.email)
