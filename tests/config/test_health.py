"""/health/ tells a load balancer and an operator which dependency is down."""

import socket

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_all_up_with_the_real_redis_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "up" and body["down"] == [] and body["degraded"] == []
    assert body["checks"]["database"] == {
        **body["checks"]["database"],
        "status": "up",
        "engine": "postgresql",
    }
    assert body["checks"]["broker"]["mode"] == "broker"
    assert body["checks"]["search"]["backend"] == "database"


def test_embedded_default_reports_tasks_in_process(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    body = client.get("/health/").json()
    assert body["checks"]["broker"]["mode"] == "in-process"


def test_broker_down_gives_503_naming_the_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["broker"]
    assert body["checks"]["broker"]["status"] == "down" and body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["status"] == "up"


def test_search_cluster_down_is_degraded_while_the_database_answers(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    response = client.get("/health/")
    assert response.status_code == 200  # searches still answer, from the database
    body = response.json()
    assert (body["status"], body["down"], body["degraded"]) == ("degraded", [], ["search"])
    search = body["checks"]["search"]
    assert (search["status"], search["fallback"]) == ("degraded", "database") and search["error"]


def test_search_is_down_when_the_fallback_fails_too(client, settings, monkeypatch):
    from config import health

    def broken():
        raise RuntimeError("database gone")

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    monkeypatch.setattr(health, "check_search_fallback", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["down"] == ["search"]


def test_health_is_never_cached_and_only_answers_get(client):
    response = client.get("/health/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/health/").status_code == 405


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_health_needs_no_login(client):
    assert client.get("/health/").status_code == 200
