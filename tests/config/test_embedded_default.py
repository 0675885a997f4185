"""What `make run` does, on the embedded default (SQLite, database search, tasks in-process), from an
empty database: migrate, seed and set up the site twice (the second time changes nothing), serve, and
answer the first URLs a new user opens. Runs the real commands in subprocesses, as make does."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CAPABILITIES_CSV = ROOT / "catalogue" / "reference_data" / "capabilities.csv"


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        }
    )
    return env


def manage(env, *args, timeout=300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def seeded(embedded_env):
    manage(embedded_env, "migrate", "--noinput")
    first_output = manage(embedded_env, "seed_demo")
    manage(embedded_env, "setup_site")
    before = manage(embedded_env, "dumpdata", "accounts", "catalogue", "cms", "wagtailcore.site")
    second_output = manage(embedded_env, "seed_demo")
    manage(embedded_env, "setup_site")
    after = manage(embedded_env, "dumpdata", "accounts", "catalogue", "cms", "wagtailcore.site")
    return first_output, second_output, before, after


@pytest.fixture(scope="module")
def server(embedded_env, seeded):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=20)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_seed_prints_the_demo_logins(seeded):
    first_output, _, _, _ = seeded
    for email in ("practice.manager@example.com", "commissioner@example.com", "moderator@example.com"):
        assert email in first_output
    assert "Marketplace-demo-1" in first_output


def test_a_second_seed_changes_nothing(seeded):
    _, _, before, after = seeded
    assert json.loads(before) == json.loads(after)


def test_home_page_is_served(server):
    status, html = get(f"{server}/")
    assert status == 200
    assert "GP IT" in html


def test_health_is_up_with_tasks_in_process(server):
    status, body = get(f"{server}/health/")
    assert status == 200
    checks = json.loads(body)["checks"]
    assert checks["database"]["engine"] == "sqlite"
    assert checks["broker"]["mode"] == "in-process"
    assert checks["search"]["backend"] == "database"


def test_every_reference_capability_is_in_the_api_with_its_epics(server):
    import csv

    with CAPABILITIES_CSV.open(newline="") as handle:
        expected = {row["ref"] for row in csv.DictReader(handle)}
    status, body = get(f"{server}/api/v1/capabilities/?page_size=200")
    assert status == 200
    results = json.loads(body)["results"]
    assert {capability["ref"] for capability in results} == expected
    with_epics = [capability for capability in results if capability["epics"]]
    # C41 is the one capability the reference data gives no epics.
    assert {c["ref"] for c in results} - {c["ref"] for c in with_epics} <= {"C41"}
    online_consultation = next(c for c in results if c["ref"] == "C43")
    assert {"code": "E00001", "level": "must"}.items() <= next(
        e for e in online_consultation["epics"] if e["code"] == "E00001"
    ).items()


def sqlite_rows(env, sql: str) -> list[tuple]:
    import sqlite3

    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_demo_listings_have_pages_and_a_suspended_one_says_why(embedded_env, server):
    live = sqlite_rows(
        embedded_env, "SELECT name, listing_url FROM catalogue_solution WHERE catalogue_id = '10000-001'"
    )
    assert live and live[0][1].startswith("/solutions/")
    status, html = get(f"{server}{live[0][1]}")
    assert status == 200 and live[0][0] in html

    (name, url), *_ = sqlite_rows(
        embedded_env, "SELECT name, listing_url FROM catalogue_solution WHERE publication_state = 'suspended'"
    )
    status, html = get(f"{server}{url}")
    assert status == 200
    assert "This listing is suspended" in html and "Why it is suspended" in html
    # Gone from the public catalogue, its index and the API.
    for path in ("/catalogue/?q=" + name.split()[0], "/solutions/", "/api/v1/solutions/?page_size=200"):
        assert name not in get(f"{server}{path}")[1], path
