"""What the lockout costs a login: server time (p50, p95) and SQL queries per POST /accounts/login/ for a
successful login, a wrong password (counted and audited) and a refusal while locked (no password hash
is computed, so a locked account is not a cheap way to make the server hash passwords).

Usage (from the project root):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_login \
        .venv/bin/python bench/login_lockout.py [--runs 50]

The database (created if missing, then migrated) keeps nothing: everything happens inside a
transaction that is rolled back at the end. Passwords use the production hasher (PBKDF2), which is
most of a login's time by design.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from _common import p50_p95, prepare_database, rolled_back

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_login")
os.environ.setdefault("DEBUG", "false")
PASSWORD = "bench-password-not-secret"


def measure(client, connection, data: dict, runs: int, after=None) -> tuple[float, float, int, int]:
    """p50 and p95 in ms, the queries of one request, and the response status."""
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    samples = []
    status = 0
    for run in range(runs):
        started = time.perf_counter()
        if run == 0:
            with connection.execute_wrapper(count):
                response = client.post("/accounts/login/", data)
        else:
            response = client.post("/accounts/login/", data)
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        if after:
            after()
    return *p50_p95(samples), len(queries), status


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 50
    prepare_database()
    from django.db import connection
    from django.test import Client

    from accounts import services
    from accounts.models import LoginThrottle, User

    with rolled_back():
        user = User.objects.create_user("bench.login@example.com", PASSWORD)
        client = Client(HTTP_HOST="localhost")
        right = {"username": user.email, "password": PASSWORD}
        wrong = {"username": user.email, "password": "not-the-password"}

        def log_out() -> None:
            client.post("/accounts/logout/")

        def forget_failures() -> None:
            LoginThrottle.objects.all().delete()

        results = {
            "successful login": measure(client, connection, right, runs, after=log_out),
            "wrong password (counted, audited)": measure(
                client, connection, wrong, runs, after=forget_failures
            ),
        }
        for _ in range(services.LOCKOUT_FAILURES):
            services.record_failed_login(user.email)
        results["refused while locked (audited)"] = measure(client, connection, right, runs)
        print(f"POST /accounts/login/, {runs} runs each (PBKDF2 as in production)")
        for name, (p50, p95, queries, status) in results.items():
            print(f"  {name:36} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {queries:2} queries  HTTP {status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
