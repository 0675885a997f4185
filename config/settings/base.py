"""Settings shared by every environment, read from the environment.

Defaults are the *safe production* values (debug off, no hosts allowed, secure cookies); the `dev`
and `test` modules relax them. Every variable is documented in docs/configuration.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Our apps, in dependency order (docs/architecture.md). Last, so that Wagtail's ready() has run
    # before ours (cms replaces Wagtail's workflow emails); the project templates/ folder, searched
    # first, is where Wagtail's templates are overridden.
    "accounts",
    "catalogue",
    "cms",
    "search",
    "procurement",
    "procurement.orders",
    "procurement.competitions",
    "procurement.contracts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.acting.ActingOrganisationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.acting.acting_organisation_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL: postgres://user@host:5432/name (production, tests) or sqlite:///path (embedded default).
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process Celery tasks and web requests read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Every login (ours, the Django admin's, Wagtail's) goes through the lockout (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# The NHS.UK frontend is built into static/vendor by `make assets` (npm, never a CDN at run time).
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# A listing page's form posts a field per price tier, service and contact: Wagtail's StreamFields
# pass Django's default of 1,000 fields on a large listing.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 10_000)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "GP IT Marketplace <noreply@marketplace.invalid>")

# --- Celery ---------------------------------------------------------------------------------
# CELERY_BROKER_URL: redis://127.0.0.1:6379/0 outside the embedded default. CELERY_TASK_ALWAYS_EAGER
# runs tasks in the web process (embedded default: nothing else to start).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "marketplace")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

CELERY_BEAT_SCHEDULE = {
    "poll-harness-feeds": {"task": "catalogue.tasks.poll_harness_feeds", "schedule": 15 * 60},
    "lapse-conformance-results": {
        "task": "catalogue.tasks.recompute_lapsed_conformance",
        "schedule": 24 * 60 * 60,
    },
    # Shortlist alerts: solutions that started matching a saved search since the last run.
    "send-shortlist-alerts": {"task": "procurement.tasks.send_shortlist_alerts", "schedule": 60 * 60},
    # Contract-end reminders 90 and 45 days before live orders end (each sent once per order).
    "send-contract-end-reminders": {
        "task": "procurement.contracts.tasks.send_contract_end_reminders",
        "schedule": 24 * 60 * 60,
    },
    # Failed-login counts whose window has passed (accounts lockout).
    "forget-stale-login-throttles": {
        "task": "accounts.tasks.forget_stale_login_throttles",
        "schedule": 24 * 60 * 60,
    },
}

# --- Conformance (the standards test harness) --------------------------------------------------------
CONFORMANCE_VALIDITY_DAYS = env_int("CONFORMANCE_VALIDITY_DAYS", 365)  # a result older than this has lapsed
CONFORMANCE_MAX_BODY_BYTES = env_int("CONFORMANCE_MAX_BODY_BYTES", 20 * 1024 * 1024)
CONFORMANCE_SIGNATURE_MAX_AGE = env_int("CONFORMANCE_SIGNATURE_MAX_AGE", 300)  # seconds
CONFORMANCE_FEED_TIMEOUT = float(env("CONFORMANCE_FEED_TIMEOUT", "10"))
# The demo harness client's secret is in the README: only the demo and tests may accept it.
CONFORMANCE_ACCEPT_DEMO_CLIENTS = env_bool("CONFORMANCE_ACCEPT_DEMO_CLIENTS", False)

# --- Call-off routes by estimated value (GP IT Futures thresholds, in pounds) --------------------------
# Direct award only up to the first; a further competition on the catalogue up to the second; above it
# an off-catalogue competition, outside this service (procurement/competitions/results.py).
COMPETITION_DIRECT_AWARD_LIMIT = env_int("COMPETITION_DIRECT_AWARD_LIMIT", 40_000)
COMPETITION_CATALOGUE_LIMIT = env_int("COMPETITION_CATALOGUE_LIMIT", 250_000)

# --- Open contracting (OCDS releases of awards at /api/v1/ocds/) --------------------------------------
# The ocid prefix is issued by the Open Contracting Partnership ("ocds-" + 6 characters); the default is
# a placeholder until one is issued. A check (contracts.E001) refuses a malformed one.
OCDS_OCID_PREFIX = env("OCDS_OCID_PREFIX", "ocds-gpitmp")
OCDS_PUBLISHER_NAME = env("OCDS_PUBLISHER_NAME", "GP IT Marketplace")
OCDS_LICENSE_URL = env(
    "OCDS_LICENSE_URL", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
OCDS_PUBLICATION_POLICY_URL = env("OCDS_PUBLICATION_POLICY_URL", "")

# --- Cache ----------------------------------------------------------------------------------------
# Shared by the web processes and the workers (search's reindex debounce relies on it), so Redis
# whenever tasks run on workers; the process's own memory when they run in-process.
CACHE_URL = env("CACHE_URL", "" if CELERY_TASK_ALWAYS_EAGER else CELERY_BROKER_URL)
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Search ---------------------------------------------------------------------------------
# SEARCH_BACKEND: "database" (PostgreSQL full-text, or SQLite FTS5) or "elasticsearch".
SEARCH_BACKEND = env("SEARCH_BACKEND", "database")
if SEARCH_BACKEND not in {"database", "elasticsearch"}:
    raise ImproperlyConfigured(
        f"SEARCH_BACKEND must be 'database' or 'elasticsearch', not {SEARCH_BACKEND!r}"
    )
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "")
if SEARCH_BACKEND == "elasticsearch" and not ELASTICSEARCH_URL:
    raise ImproperlyConfigured("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL")
# One index name per environment, so a shared cluster can hold staging and production apart.
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", "marketplace")
HEALTH_CHECK_TIMEOUT = float(env("HEALTH_CHECK_TIMEOUT", "2"))

# Wagtail's own search (admin page search) stays on the database whatever SEARCH_BACKEND says:
# the buyer-facing catalogue search is ours (search/), not Wagtail's.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "GP IT Marketplace"
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Wagtail's login form, saying when an account is locked (the lockout itself is in the auth backend).
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.WagtailLockoutLoginForm"
# No avatars from gravatar.com: nothing in the admin may call out to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_WORKFLOW_ENABLED = True
# A listing under review is locked for its supplier (the review task locks it for non-reviewers), so
# what the catalogue team approves is what was submitted; a reviewer's own fixes go live with approval.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = False
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflows.publish_approved"
WAGTAILADMIN_COMMENTS_ENABLED = True
# No autosave (Wagtail 7.4.4 saves the edit form every 500 ms by default): a listing's revisions are
# what the catalogue team compares and what the review workflow approves, so each is a deliberate save
# by the supplier; autosaves would also run our submission rules on half-typed drafts and answer 400.
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GP IT Marketplace API",
    "DESCRIPTION": "The public catalogue of GP IT Futures solutions: frameworks, capabilities, epics, "
    "standards, suppliers and solutions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Only our public API; Wagtail's admin API is an implementation detail of its admin.
    "PREPROCESSING_HOOKS": ["config.schema.only_public_api"],
}

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail's live preview renders the page in a same-origin iframe, so DENY would break editing.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail logs every page save and its immediate background tasks at INFO: too chatty for a log.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
