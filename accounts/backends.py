"""The authentication backend every login goes through: our login page, the Django admin's and Wagtail's.

All of them call `django.contrib.auth.authenticate()`, so the lockout is enforced here once: a locked
address is refused before its password is even checked, so the right password does not get in either.
Failed attempts are counted by the `user_login_failed` handler (accounts/signal_handlers.py), which
Django sends both for a wrong password and for a refusal here.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .services import locked_until


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if locked_until(email) is not None:
            # PermissionDenied stops authenticate() trying any other backend.
            raise PermissionDenied("This account is locked.")
        return super().authenticate(request, username=username, password=password, **kwargs)
