"""Tests: PostgreSQL and Redis, as in production; fast password hashing; mail kept in memory."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/marketplace")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from .base import *  # noqa: F403
from .base import env, env_bool

SECRET_KEY = "test-only-key-0123456789-0123456789-0123456789-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Serve static files straight from the app and project folders: no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CONFORMANCE_ACCEPT_DEMO_CLIENTS = env_bool("CONFORMANCE_ACCEPT_DEMO_CLIENTS", True)
# A Celery worker that a test starts (tests/conftest.py) caches in the Redis that every other test run
# shares, pytest-xdist's other workers included: its keys get a prefix of its own.
if env("CACHE_KEY_PREFIX", ""):
    CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX")  # noqa: F405
