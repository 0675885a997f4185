"""`manage.py post_harness_report --solution 99000-001 [--fail E00001 ...]`: act as the test harness.

Builds a sample JUnit report for the solution (catalogue/conformance/samples.py), signs it the way a
harness must (catalogue/conformance/signing.py) and POSTs it to /api/v1/conformance/reports/ of a
running server, then prints the answer and what became of the report. With the defaults it signs as
the demo harness that `seed_demo` creates, against `make run` on http://127.0.0.1:$PORT (8000). There
Celery runs tasks in-process, so the report is processed before the response comes back.
"""

from __future__ import annotations

import datetime
import json
import os
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from catalogue.conformance.samples import junit_report
from catalogue.conformance.signing import signed_headers
from catalogue.demo import DEMO_HARNESS_SECRET, DEMO_HARNESS_TOKEN
from catalogue.models import Solution

INGEST_PATH = "/api/v1/conformance/reports/"


class Command(BaseCommand):
    help = (
        "Post a signed sample harness report for a solution: its claimed capabilities' MUST epics and "
        "the standards, all passing except those given with --fail. Signs as the demo harness by default."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--solution", required=True, metavar="ID", help="Solution id, such as 99000-001.")
        parser.add_argument(
            "--fail",
            nargs="+",
            action="extend",
            default=[],
            metavar="CODE",
            help="Epic codes or standard refs that fail in this run, such as E00001 or S24.",
        )
        parser.add_argument(
            "--url",
            default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}",
            help="The server to post to (default http://127.0.0.1:$PORT, PORT defaulting to 8000).",
        )
        parser.add_argument("--token", default=DEMO_HARNESS_TOKEN, help="The harness client's token.")
        parser.add_argument("--secret", default=DEMO_HARNESS_SECRET, help="One of its active secrets.")
        parser.add_argument("--run-id", help="The harness's run id (default: a new one each time).")
        parser.add_argument(
            "--tested-at",
            type=datetime.datetime.fromisoformat,
            help="When the run was (ISO 8601, default now); an old date shows a lapsed result.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print the report instead of posting it.")

    def handle(self, *args, **options) -> None:
        solution = Solution.objects.filter(catalogue_id=options["solution"]).first()
        if solution is None:
            raise CommandError(f"There is no solution {options['solution']} in this database.")
        when = options["tested_at"]
        if when is not None and timezone.is_naive(when):
            when = timezone.make_aware(when, datetime.UTC)
        run_id = options["run_id"] or f"sample-{solution.catalogue_id}-{timezone.now():%Y%m%dT%H%M%S%f}"
        try:
            body = junit_report(solution, run_id, failing=options["fail"], when=when)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["dry_run"]:
            self.stdout.write(body.decode())
            return

        url = options["url"].rstrip("/") + INGEST_PATH
        headers = {
            **signed_headers(options["token"], options["secret"], body),
            "Content-Type": "application/xml",
            "Accept": "application/json",
        }
        self.stdout.write(f"POST {url} (run {run_id}, {len(body):,} bytes)")
        status, answer = _send(urllib.request.Request(url, data=body, headers=headers, method="POST"))
        self.stdout.write(f"HTTP {status}")
        self.stdout.write(json.dumps(answer, indent=2) if isinstance(answer, dict) else str(answer))
        if status >= 400:
            raise CommandError(f"The server refused the report (HTTP {status}).")
        report_url = answer.get("url") if isinstance(answer, dict) else None
        if report_url:
            status, report = _send(urllib.request.Request(report_url, headers={"Accept": "application/json"}))
            if status == 200 and isinstance(report, dict):
                self.stdout.write(
                    f"Report {report['id']}: {report['status']}; {report['case_count']} cases, "
                    f"{report['passed_count']} passed, {report['failed_count']} failed, "
                    f"{report['skipped_count']} skipped."
                )
                if report["status"] == "received":
                    self.stdout.write("It is queued: a Celery worker will process it (make worker).")
            base = options["url"].rstrip("/")
            self.stdout.write(f"Conformance: {base}/api/v1/solutions/{solution.catalogue_id}/conformance/")


def _send(request: urllib.request.Request) -> tuple[int, dict | str]:
    """(HTTP status, the JSON answer or its text); an error status is an answer too, not an exception."""
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except urllib.error.URLError as error:
        raise CommandError(
            f"Could not reach {request.full_url}: {error.reason}. Is the server running (make run)?"
        ) from None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")
