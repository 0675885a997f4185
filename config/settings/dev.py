"""The embedded default that `make run` serves: SQLite, database search, Celery tasks in-process.

Every value can still be overridden from the environment (for example DATABASE_URL to use PostgreSQL).
"""

import os

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789abcdef")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Plain static storage: no collectstatic manifest needed to serve in development.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the app and project folders: no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CONFORMANCE_ACCEPT_DEMO_CLIENTS = env_bool("CONFORMANCE_ACCEPT_DEMO_CLIENTS", True)
