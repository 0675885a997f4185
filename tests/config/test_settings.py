"""Production settings are safe by default and refuse to start half-configured."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    clean_env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="marketplace.example.nhs.uk",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "marketplace.example.nhs.uk"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "marketplace.example.nhs.uk"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS must name"),
        ({"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "x", "SEARCH_BACKEND": "solr"}, "SEARCH_BACKEND must be"),
        ({"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "x", "DEBUG": "perhaps"}, "DEBUG must be true or false"),
    ],
)
def test_production_refuses_to_start_half_configured(env, message):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_defaults_are_the_safe_ones():
    """With only the two required variables set, everything else takes its safe production value."""
    names = (
        "DEBUG SECURE_SSL_REDIRECT SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_HSTS_SECONDS "
        "ALLOWED_HOSTS EMAIL_BACKEND CELERY_TASK_ALWAYS_EAGER SEARCH_BACKEND"
    )
    script = (
        "import json, config.settings.production as p; "
        f"print(json.dumps({{k: getattr(p, k) for k in {names.split()!r}}}))"
    )
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env.update({"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "marketplace.example.nhs.uk"})
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "ALLOWED_HOSTS": ["marketplace.example.nhs.uk"],
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": False,
        "SEARCH_BACKEND": "database",
    }
