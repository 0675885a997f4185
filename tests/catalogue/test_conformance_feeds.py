"""Pulling reports from a harness feed, against a real HTTP server on loopback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from catalogue.conformance.feeds import poll_all_feeds
from catalogue.models import ConformanceReport, HarnessClient, HarnessFeed, ReportSource
from tests.factories import SolutionFactory, SupplierFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


class Harness:
    """A tiny harness web server: a feed and the reports it lists, changeable by the test."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, str]] = {}
        self.requests: list[str] = []
        harness = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                harness.requests.append(self.path)
                if self.path not in harness.files:
                    self.send_error(404)
                    return
                body, content_type = harness.files[self.path]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def feed(self, items: list[dict]) -> None:
        self.files["/feed.json"] = (json.dumps(items).encode(), "application/json")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def harness():
    server = Harness()
    yield server
    server.close()


@pytest.fixture
def feed(harness, django_capture_on_commit_callbacks):
    SolutionFactory(supplier=SupplierFactory(code="99000"), catalogue_id="99000-001")
    client = HarnessClient.objects.create(name="Pulled harness")
    return HarnessFeed.objects.create(client=client, url=f"{harness.url}/feed.json")


def poll(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return poll_all_feeds()


def test_a_feed_is_polled_and_what_is_new_ingested_once(harness, feed, django_capture_on_commit_callbacks):
    harness.files["/runs/1.xml"] = ((EXAMPLES / "junit-passing.xml").read_bytes(), "application/xml")
    harness.files["/runs/2.json"] = (
        (EXAMPLES / "fhir-testreport.json").read_bytes(),
        "application/fhir+json",
    )
    from catalogue.conformance.parsing import parse_report

    run_ids = [
        parse_report(harness.files["/runs/1.xml"][0], "application/xml").run_id,
        parse_report(harness.files["/runs/2.json"][0], "application/fhir+json").run_id,
    ]
    harness.feed([{"id": run_ids[0], "url": "/runs/1.xml"}, {"id": run_ids[1], "url": "runs/2.json"}])

    assert poll(django_capture_on_commit_callbacks) == 2
    reports = ConformanceReport.objects.filter(client=feed.client).order_by("pk")
    assert [r.run_id for r in reports] == run_ids
    assert {r.source for r in reports} == {ReportSource.PULLED}
    assert all(r.status == "processed" and r.case_count > 0 for r in reports)

    # Polled again: the feed is read, the reports already held are not fetched again.
    harness.requests.clear()
    assert poll(django_capture_on_commit_callbacks) == 0
    assert harness.requests == ["/feed.json"]
    assert ConformanceReport.objects.filter(client=feed.client).count() == 2
    feed.refresh_from_db()
    assert feed.last_polled_at is not None and feed.last_error == ""


def test_a_broken_feed_is_recorded_and_stores_nothing(harness, feed, django_capture_on_commit_callbacks):
    harness.files["/feed.json"] = (b"<html>not json</html>", "text/html")
    assert poll(django_capture_on_commit_callbacks) == 0
    feed.refresh_from_db()
    assert "not JSON" in feed.last_error
    assert not ConformanceReport.objects.exists()


def test_a_missing_or_malformed_report_is_recorded_and_the_rest_still_ingested(
    harness, feed, django_capture_on_commit_callbacks
):
    harness.files["/good.xml"] = ((EXAMPLES / "junit-passing.xml").read_bytes(), "application/xml")
    harness.files["/bad.xml"] = (b"<testsuites><testsuite>", "application/xml")
    harness.feed([{"id": "bad-run", "url": "/bad.xml"}, {"id": "good-run", "url": "/good.xml"}])
    assert poll(django_capture_on_commit_callbacks) == 1
    feed.refresh_from_db()
    assert "bad-run" in feed.last_error
    assert ConformanceReport.objects.count() == 1


def test_an_unreachable_feed_is_an_error_not_a_crash(feed, django_capture_on_commit_callbacks):
    feed.url = "http://127.0.0.1:9/feed.json"  # the discard port: nothing answers
    feed.save()
    assert poll(django_capture_on_commit_callbacks) == 0
    feed.refresh_from_db()
    assert "Could not fetch" in feed.last_error
