"""Time parsing a large standards-test-harness report and report its peak memory.

Usage (from the project root; the case count defaults to 10,000):

    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/ingest.py [CASES] [--store]

With --store it also times the whole ingest (receive: parse, check ids, store; process: results,
statuses, accreditation) in a throwaway PostgreSQL database on 127.0.0.1:5432 (target: under 3 s and
150 MB for 10,000 cases).

It writes a JUnit XML report of CASES test cases in 20 suites (realistic names, about one case in
twenty failing with a message and a stack trace) to a temporary directory, then times
`catalogue.conformance.parsing.parse_report` on it. The peak RSS printed is the whole interpreter's.

Parsing needs no Django setup and no database. The storage part of the ingest benchmark is added later:
it should import `generate_junit` from here (see its docstring) so both measure the same reports.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

#: Demo solutions (catalogue ids) the generated cases are about: 99000-001 is "Consultly Online
#: Consultation" in the demo data.
DEFAULT_SOLUTION_IDS: tuple[str, ...] = ("99000-001", "99000-002", "99000-003", "99000-004")
#: Requirements the generated cases verify: epics of C43/C44 and overarching standards.
DEFAULT_REQUIREMENTS: tuple[str, ...] = ("E00001", "E00002", "E00003", "E00004", "S24", "S25", "S44")

_SUITE_TOPICS = (
    "Online consultation",
    "Video consultation",
    "Patient registration",
    "Appointments management",
    "Prescription ordering",
    "Clinical safety",
    "Business continuity",
    "Identity and access",
    "Data migration",
    "Interoperability",
)
_ACTIONS = (
    "patient submits a request",
    "practice triages the request",
    "clinician replies within the agreed time",
    "proxy acts on behalf of the patient",
    "request is recorded in the GP record",
    "audit trail records each access",
    "service recovers after failover",
    "user signs in with NHS login",
)
_FAILURES = (
    ("Expected HTTP 201 but got 500", "AssertionError: expected status 201, got 500"),
    ("Timed out after 30 s waiting for the triage queue", "TimeoutError: triage queue did not update"),
    ("Response did not include the patient's NHS number", "AssertionError: 'nhsNumber' not in response"),
)


# --- shared with the ingest benchmark: keep this signature stable ---------------------------------------
def generate_junit(
    path: str | os.PathLike[str],
    cases: int = 10_000,
    solution_ids: Sequence[str] = DEFAULT_SOLUTION_IDS,
    requirements: Sequence[str] = DEFAULT_REQUIREMENTS,
    *,
    suites: int = 20,
    failure_every: int = 20,
    run_id: str | None = None,
    seed: int = 2025,
) -> Path:
    """Write a JUnit XML harness report following docs/conformance.md and return its path.

    `cases` test cases are spread over `suites` suites; each suite names one of `solution_ids` in a suite
    property and each case a requirement from `requirements` in a case property (every third one in its
    name's "[E00001] …" bracket instead, so both conventions are exercised). Every `failure_every`-th case
    fails with a message and a stack trace; every 50th is skipped. Output is deterministic for a `seed`;
    `run_id` defaults to one derived from the seed and size, so rerunning gives the same run id (which is
    what an idempotent ingest should recognise).
    """
    rng = random.Random(seed)
    path = Path(path)
    run_id = run_id or f"bench-{seed}-{cases}"
    per_suite, extra = divmod(cases, suites)
    number = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="GPIT standards test harness">\n')
        out.write(
            "  <properties>\n"
            f'    <property name="harness.run_id" value={quoteattr(run_id)}/>\n'
            '    <property name="harness.name" value="GPIT Standards Test Harness"/>\n'
            '    <property name="harness.version" value="3.4.1"/>\n'
            "  </properties>\n"
        )
        for suite_index in range(suites):
            size = per_suite + (1 if suite_index < extra else 0)
            topic = _SUITE_TOPICS[suite_index % len(_SUITE_TOPICS)]
            solution = solution_ids[suite_index % len(solution_ids)]
            module = topic.lower().replace(" ", "_")
            stamp = f"2025-06-02T{9 + suite_index // 6:02d}:{(suite_index * 10) % 60:02d}:00Z"
            out.write(
                f'  <testsuite name="{topic} ({solution})" tests="{size}" timestamp="{stamp}">\n'
                f'    <properties><property name="solution" value={quoteattr(solution)}/></properties>\n'
            )
            for _ in range(size):
                number += 1
                requirement = requirements[number % len(requirements)]
                action = rng.choice(_ACTIONS)
                seconds = rng.uniform(0.01, 2.5)
                if number % 3 == 0:
                    name, props = f"[{requirement}] {action} #{number}", ""
                else:
                    name = f"{action} #{number}"
                    props = f'<property name="requirement" value={quoteattr(requirement)}/>'
                    props = f"<properties>{props}</properties>"
                out.write(
                    f'    <testcase name={quoteattr(name)} classname="harness.{module}" time="{seconds:.3f}">'
                    f"{props}"
                )
                if number % failure_every == 0:
                    message, trace = rng.choice(_FAILURES)
                    out.write(
                        f'<failure message={quoteattr(message)} type="AssertionError">{trace}\n'
                        f"  at harness/{module}.py:{rng.randint(20, 400)}</failure>"
                    )
                elif number % 50 == 0:
                    out.write('<skipped message="Not applicable to this deployment"/>')
                out.write("</testcase>\n")
            out.write("  </testsuite>\n")
        out.write("</testsuites>\n")
    return path


# ---------------------------------------------------------------------------------------------------------


def store(body: bytes) -> None:
    """The whole ingest on PostgreSQL: receive (parse, check ids, store the body) and process (results,
    current statuses, accreditation), in a throwaway database made and dropped here."""
    import psycopg

    name = f"bench_ingest_{os.getpid()}"
    admin_url = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = (
        admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgres://") + f"/{name}"
    )
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # process in this process, as the embedded default does
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from catalogue.models import HarnessClient
        from tests.factories import CapabilityFactory, SolutionFactory, SupplierFactory

        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        supplier = SupplierFactory(code="99000", organisation__name="Bench Supplier")
        for catalogue_id in DEFAULT_SOLUTION_IDS:
            SolutionFactory(
                supplier=supplier,
                catalogue_id=catalogue_id,
                capabilities=[CapabilityFactory(ref="C43"), CapabilityFactory(ref="C44")],
            )
        HarnessClient.objects.create(name="Bench harness")
        connections.close_all()
        # The ingest runs in a fresh process, so its peak memory is the ingest's (plus Django's), not
        # that of the migrations and reference data loaded above.
        with tempfile.NamedTemporaryFile(suffix=".xml") as report_file:
            report_file.write(body)
            report_file.flush()
            subprocess.run([sys.executable, __file__, "--ingest-only", report_file.name], check=True)
        connections.close_all()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: Linux carries ru_maxrss over exec, so
    a child started from a big parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest_only(path: str) -> None:
    """In a child process: receive and process one report, print time and peak RSS."""
    import django

    django.setup()
    from catalogue.conformance.ingest import receive_report
    from catalogue.models import ConformanceReport, HarnessClient, HarnessResult

    body = Path(path).read_bytes()
    client = HarnessClient.objects.get(name="Bench harness")
    rss_before = peak_rss_mib()
    started = time.perf_counter()
    receipt = receive_report(client, body, "application/xml")
    seconds = time.perf_counter() - started
    peak_mib = peak_rss_mib()
    report = ConformanceReport.objects.get(pk=receipt.report.pk)
    stored = HarnessResult.objects.filter(report=report).count()
    print(f"ingest (receive + process, PostgreSQL): {seconds:.3f} s; {report.status}, {stored} results")
    print(f"peak RSS of the ingesting process: {peak_mib:.0f} MiB (after start-up: {rss_before:.0f} MiB)")


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "--ingest-only":
        ingest_only(argv[2])
        return 0
    from catalogue.conformance.parsing import parse_report

    store_too = "--store" in argv
    argv = [arg for arg in argv if arg != "--store"]
    count = int(argv[1]) if len(argv) > 1 else 10_000
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        report_path = generate_junit(Path(tmp) / "report.xml", cases=count)
        body = report_path.read_bytes()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    started = time.perf_counter()
    report = parse_report(body, "application/xml")
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcomes = {o: sum(c.outcome == o for c in report.cases) for o in ("passed", "failed", "skipped")}
    print(f"report: {count} cases, {len(body) / 1_000_000:.2f} MB JUnit XML, run id {report.run_id}")
    print(f"parse_report: {seconds:.3f} s ({len(report.cases)} cases: {outcomes})")
    print(f"peak RSS: {peak_mib:.0f} MiB (before parsing: {rss_before:.0f} MiB)")
    if store_too:
        store(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
