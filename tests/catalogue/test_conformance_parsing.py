"""Parsing harness reports (catalogue.conformance.parsing): the convention in docs/conformance.md, its
example files, hostile XML, and a report of 10,000 cases. No database: parsing is pure Python."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.testreport import TestReport as FhirTestReport

from catalogue.conformance.parsing import (
    MAX_MESSAGE_CHARS,
    ParsedCase,
    ParsedReport,
    ReportFormatError,
    parse_report,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
XML = "application/xml"
FHIR = "application/fhir+json"


def junit(
    cases: str, *, suite_attrs: str = 'timestamp="2025-06-02T09:30:00Z"', suite_props: str = ""
) -> bytes:
    """A JUnit report with a run id on the root and one suite holding `cases`."""
    return (
        "<testsuites><properties>"
        '<property name="harness.run_id" value="run-1"/>'
        "</properties>"
        f'<testsuite name="suite" {suite_attrs}><properties>{suite_props}</properties>{cases}</testsuite>'
        "</testsuites>"
    ).encode()


def one_case(body: bytes) -> ParsedCase:
    report = parse_report(body, XML)
    assert len(report.cases) == 1
    return report.cases[0]


def prop(name: str, value: str) -> str:
    return f'<property name="{name}" value="{value}"/>'


def make_testreport(**overrides) -> dict:
    """A minimal valid FHIR TestReport with one passing test, as a dict to adjust."""
    resource = {
        "resourceType": "TestReport",
        "identifier": {"value": "run-f"},
        "status": "completed",
        "testScript": {"reference": "TestScript/t"},
        "result": "pass",
        "tester": "Harness",
        "issued": "2025-06-04T10:15:00Z",
        "participant": [
            {"type": "test-engine", "uri": "https://harness.example.org/engine/2.0.1"},
            {"type": "server", "uri": "urn:gpitf:solution:99000-001"},
        ],
        "test": [{"name": "E00001 Patient submits", "action": [{"assert": {"result": "pass"}}]}],
    }
    resource.update(overrides)
    return resource


def fhir(resource: dict) -> ParsedReport:
    return parse_report(json.dumps(resource).encode(), FHIR)


def fhir_tests(*results: str, messages: tuple[str, ...] = ()) -> list[dict]:
    actions = []
    for index, result in enumerate(results):
        assertion = {"result": result}
        if index < len(messages) and messages[index]:
            assertion["message"] = messages[index]
        actions.append({"assert": assertion})
    return [{"name": "E00001 a test", "action": actions}]


# --- the example files ----------------------------------------------------------------------------------

JUNE_2_0930 = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
JUNE_2_0945 = datetime(2025, 6, 2, 9, 45, tzinfo=UTC)


def test_junit_passing_example() -> None:
    report = parse_report((EXAMPLES / "junit-passing.xml").read_bytes(), XML)

    assert (report.format, report.run_id, report.harness_name, report.harness_version) == (
        "junit",
        "run-2025-06-02-0001",
        "GPIT Standards Test Harness",
        "3.4.1",
    )
    assert report.executed_at == JUNE_2_0930
    assert report.cases == (
        ParsedCase(
            "[E00001] patient submits an online consultation",
            "99000-001",
            "E00001",
            "passed",
            "",
            1234,
            JUNE_2_0930,
        ),
        ParsedCase(
            "practice receives and triages the request",
            "99000-001",
            "E00001",
            "passed",
            "",
            2456,
            JUNE_2_0930,
        ),
        ParsedCase(
            "[S24] service restores from backup within the recovery time objective",
            "99000-001",
            "S24",
            "passed",
            "",
            5900,
            JUNE_2_0945,
        ),
        ParsedCase(
            "clinical safety case and hazard log are current",
            "99000-001",
            "S25",
            "passed",
            "",
            322,
            JUNE_2_0945,
        ),
    )


def test_junit_one_failure_example() -> None:
    report = parse_report((EXAMPLES / "junit-one-failure.xml").read_bytes(), "text/xml")

    assert report.run_id == "run-2025-06-03-0002"
    assert report.harness_version == "3.4.1"
    bst = datetime(2025, 6, 3, 15, 5, tzinfo=timezone(timedelta(hours=1)))
    assert report.executed_at == bst == datetime(2025, 6, 3, 14, 5, tzinfo=UTC)
    assert [(c.requirement, c.solution_id, c.outcome) for c in report.cases] == [
        ("E00001", "99000-001", "failed"),
        ("S24", "99000-001", "passed"),
        ("S25", "99000-001", "passed"),
    ]
    failed = report.cases[0]
    assert failed.message == "Expected HTTP 201 Created from POST /requests, got 500 Internal Server Error"
    assert failed.duration_ms == 1302
    assert all(c.executed_at == bst for c in report.cases)


@pytest.mark.parametrize("name", ["fhir-testreport.json", "fhir-bundle.json"])
def test_fhir_examples_validate_with_fhir_resources(name: str) -> None:
    data = json.loads((EXAMPLES / name).read_text())
    model = {"TestReport": FhirTestReport, "Bundle": Bundle}[data["resourceType"]]

    resource = model.model_validate(data)

    assert resource.get_resource_type() == data["resourceType"]


def test_fhir_testreport_example() -> None:
    report = parse_report((EXAMPLES / "fhir-testreport.json").read_bytes(), FHIR)

    issued = datetime(2025, 6, 4, 10, 15, tzinfo=UTC)
    assert (
        report.format,
        report.run_id,
        report.harness_name,
        report.harness_version,
        report.executed_at,
    ) == (
        "fhir",
        "run-2025-06-04-0003",
        "GPIT Standards Test Harness",
        "3.4.1",
        issued,
    )
    assert report.cases == (
        ParsedCase(
            "E00001 Patient submits an online consultation", "99000-001", "E00001", "passed", "", None, issued
        ),
        ParsedCase(
            "S24 Service restores from backup within the recovery time objective",
            "99000-001",
            "S24",
            "passed",
            "",
            None,
            issued,
        ),
        ParsedCase(
            "S25 Clinical safety case and hazard log are current",
            "99000-001",
            "S25",
            "passed",
            "",
            None,
            issued,
        ),
    )


def test_fhir_bundle_example() -> None:
    report = parse_report((EXAMPLES / "fhir-bundle.json").read_bytes(), "application/json")

    assert report.run_id == "run-2025-06-05-0004"  # the Bundle's, not its TestReports'
    assert report.harness_name == "GPIT Standards Test Harness"
    assert report.executed_at == datetime(2025, 6, 5, 10, 40, tzinfo=UTC)  # the earlier issued
    assert [(c.requirement, c.solution_id, c.outcome, c.executed_at.minute) for c in report.cases] == [
        ("E00001", "99000-001", "passed", 40),
        ("S24", "99000-001", "passed", 55),
        ("S25", "99000-001", "failed", 55),
    ]
    assert report.cases[2].message == "Hazard log last reviewed 2024-11-02, before release 4.2 (2025-05-20)"


def test_the_examples_use_the_demo_listing_and_its_requirements() -> None:
    """The docs promise these ids; the demo data and reference data must still have them."""
    from catalogue.demo import DEMO_LISTINGS

    consultly = next(listing for listing in DEMO_LISTINGS if listing.name == "Consultly Online Consultation")
    assert consultly.supplier == "99000" and consultly.capabilities == ("C43",)
    reference = ROOT / "catalogue" / "reference_data"
    assert "E00001,Online Consultation,C43,must" in (reference / "epics-known.csv").read_text()
    standards = (reference / "standards.csv").read_text()
    assert "S24,Business Continuity & Disaster Recovery" in standards and "S25,Clinical Safety" in standards


# --- JUnit: requirement and solution ----------------------------------------------------------------------


def test_requirement_from_case_property_wins_over_name_bracket() -> None:
    case = one_case(
        junit(
            f'<testcase name="[E00002] x"><properties>{prop("requirement", " E00001 ")}</properties>'
            "</testcase>"
        )
    )

    assert case.requirement == "E00001"


def test_requirement_from_name_bracket() -> None:
    assert one_case(junit('<testcase name="  [ C1E1 ] legacy epic"/>')).requirement == "C1E1"


def test_requirement_bracket_must_be_at_the_start() -> None:
    assert one_case(junit('<testcase name="patient submits [E00001]"/>')).requirement == ""


def test_requirement_is_returned_as_given_even_if_unknown_shape() -> None:
    case = one_case(junit('<testcase name="[not-an-epic] x"/>'))

    assert case.requirement == "not-an-epic"


def test_two_different_requirements_on_one_case_are_refused() -> None:
    body = junit(
        f'<testcase name="x"><properties>{prop("requirement", "E00001")}{prop("requirement", "S24")}'
        "</properties></testcase>"
    )

    with pytest.raises(ReportFormatError, match=r"more than one requirement.*'E00001'.*'S24'"):
        parse_report(body, XML)


def test_property_value_may_be_text() -> None:
    case = one_case(
        junit(
            '<testcase name="x"><properties><property name="requirement">S44</property></properties>'
            "</testcase>"
        )
    )

    assert case.requirement == "S44"


def test_solution_from_case_property_wins_over_suite_and_classname() -> None:
    body = junit(
        f'<testcase name="x" classname="30000-003"><properties>{prop("solution", "10000-001")}</properties>'
        "</testcase>",
        suite_props=prop("solution", "20000-002"),
    )

    assert one_case(body).solution_id == "10000-001"


def test_solution_from_suite_property_wins_over_classname() -> None:
    body = junit('<testcase name="x" classname="30000-003"/>', suite_props=prop("solution", "20000-002"))

    assert one_case(body).solution_id == "20000-002"


def test_suite_solution_applies_even_when_the_properties_come_after_the_cases() -> None:
    body = (
        b'<testsuite><testcase name="x"/><properties><property name="harness.run_id" value="r"/>'
        b'<property name="solution" value="20000-002"/></properties></testsuite>'
    )

    assert one_case(body).solution_id == "20000-002"


def test_solution_from_classname_when_it_is_a_catalogue_id() -> None:
    assert one_case(junit('<testcase name="x" classname=" 100000-001 "/>')).solution_id == "100000-001"


@pytest.mark.parametrize("classname", ["harness.online_consultation", "10000-01", "1000-001", "10000-001.x"])
def test_classname_that_is_not_a_catalogue_id_is_not_a_solution(classname: str) -> None:
    assert one_case(junit(f'<testcase name="x" classname="{classname}"/>')).solution_id == ""


def test_suite_solution_only_applies_to_its_own_suite() -> None:
    body = (
        b'<testsuites><properties><property name="harness.run_id" value="r"/></properties>'
        b'<testsuite name="a"><properties><property name="solution" value="10000-001"/></properties>'
        b'<testcase name="a1"/></testsuite>'
        b'<testsuite name="b"><testcase name="b1"/></testsuite></testsuites>'
    )

    assert [c.solution_id for c in parse_report(body, XML).cases] == ["10000-001", ""]


def test_nested_suites_inherit_solution_and_timestamp() -> None:
    body = (
        b'<testsuites><testsuite name="outer" timestamp="2025-01-01T08:00:00Z"><properties>'
        b'<property name="harness.run_id" value="r"/>'
        b'<property name="solution" value="10000-001"/></properties>'
        b'<testsuite name="inner"><testcase name="[E00001] deep"/></testsuite></testsuite></testsuites>'
    )

    case = one_case(body)

    assert (case.solution_id, case.requirement) == ("10000-001", "E00001")
    assert case.executed_at == datetime(2025, 1, 1, 8, tzinfo=UTC)


# --- JUnit: outcome, message, time ------------------------------------------------------------------------


def test_no_child_is_passed_with_no_message() -> None:
    case = one_case(junit('<testcase name="x"><system-out>all good</system-out></testcase>'))

    assert (case.outcome, case.message) == ("passed", "")


@pytest.mark.parametrize("tag", ["failure", "error"])
def test_failure_or_error_with_message_attribute(tag: str) -> None:
    case = one_case(
        junit(f'<testcase name="x"><{tag} message="  boom  " type="E">trace here</{tag}></testcase>')
    )

    assert (case.outcome, case.message) == ("failed", "boom")


@pytest.mark.parametrize("tag", ["failure", "error"])
def test_failure_or_error_message_from_text_when_no_attribute(tag: str) -> None:
    case = one_case(junit(f'<testcase name="x"><{tag}>\n   Traceback: line 3\n  </{tag}></testcase>'))

    assert (case.outcome, case.message) == ("failed", "Traceback: line 3")


def test_failure_without_any_message() -> None:
    case = one_case(junit('<testcase name="x"><failure/></testcase>'))

    assert (case.outcome, case.message) == ("failed", "")


def test_long_message_is_cut_to_the_limit() -> None:
    case = one_case(junit(f'<testcase name="x"><failure>{"a" * 5000}</failure></testcase>'))

    assert len(case.message) == MAX_MESSAGE_CHARS
    assert case.message.endswith("…") and case.message.startswith("aaa")


def test_message_at_the_limit_is_kept_whole() -> None:
    case = one_case(junit(f'<testcase name="x"><failure>{"b" * MAX_MESSAGE_CHARS}</failure></testcase>'))

    assert case.message == "b" * MAX_MESSAGE_CHARS


def test_skipped_with_reason() -> None:
    case = one_case(junit('<testcase name="x"><skipped message="not applicable"/></testcase>'))

    assert (case.outcome, case.message) == ("skipped", "not applicable")


def test_failure_wins_over_skipped_whatever_the_order() -> None:
    case = one_case(junit('<testcase name="x"><skipped message="s"/><failure message="f"/></testcase>'))

    assert (case.outcome, case.message) == ("failed", "f")


@pytest.mark.parametrize(
    ("time_attr", "expected"), [("1.2345", 1234), ("0", 0), ("12", 12000), ("1,234.5", 1234500)]
)
def test_time_in_seconds_becomes_milliseconds(time_attr: str, expected: int) -> None:
    assert one_case(junit(f'<testcase name="x" time="{time_attr}"/>')).duration_ms == expected


def test_no_time_is_no_duration() -> None:
    assert one_case(junit('<testcase name="x"/>')).duration_ms is None


@pytest.mark.parametrize("time_attr", ["soon", "-1", "nan", "inf"])
def test_bad_time_is_refused_naming_the_case(time_attr: str) -> None:
    with pytest.raises(ReportFormatError, match=r"testcase 'slow one' in testsuite 'suite' has time"):
        parse_report(junit(f'<testcase name="slow one" time="{time_attr}"/>'), XML)


def test_naive_timestamp_is_utc() -> None:
    case = one_case(junit('<testcase name="x"/>', suite_attrs='timestamp="2025-06-02T09:30:00"'))

    assert case.executed_at == datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
    assert case.executed_at.utcoffset() == timedelta(0)


def test_timestamp_with_offset_keeps_the_instant() -> None:
    case = one_case(junit('<testcase name="x"/>', suite_attrs='timestamp="2025-06-02T10:30:00+01:00"'))

    assert case.executed_at == datetime(2025, 6, 2, 9, 30, tzinfo=UTC)


def test_no_timestamp_is_no_executed_at() -> None:
    report = parse_report(junit('<testcase name="x"/>', suite_attrs=""), XML)

    assert report.executed_at is None and report.cases[0].executed_at is None


def test_bad_timestamp_is_refused_naming_the_suite() -> None:
    with pytest.raises(ReportFormatError, match=r"testsuite 'suite' has timestamp 'yesterday'"):
        parse_report(junit('<testcase name="x"/>', suite_attrs='timestamp="yesterday"'), XML)


def test_report_executed_at_is_the_earliest_suite_timestamp() -> None:
    body = (
        b'<testsuites><properties><property name="harness.run_id" value="r"/></properties>'
        b'<testsuite timestamp="2025-06-02T10:00:00Z"><testcase name="late"/></testsuite>'
        b'<testsuite timestamp="2025-06-02T08:00:00Z"><testcase name="early"/></testsuite></testsuites>'
    )

    report = parse_report(body, XML)

    assert report.executed_at == datetime(2025, 6, 2, 8, tzinfo=UTC)
    assert [c.executed_at.hour for c in report.cases] == [10, 8]


# --- JUnit: report-level metadata -------------------------------------------------------------------------


def test_run_id_and_harness_from_a_testsuite_root() -> None:
    body = (
        b'<testsuite><properties><property name="harness.run_id" value="  run-9  "/>'
        b'<property name="harness.name" value="H"/><property name="harness.version" value="1.0"/>'
        b'</properties><testcase name="x"/></testsuite>'
    )

    report = parse_report(body, XML)

    assert (report.run_id, report.harness_name, report.harness_version) == ("run-9", "H", "1.0")


def test_run_id_on_a_suite_under_testsuites_root() -> None:
    body = (
        b'<testsuites><testsuite><properties><property name="harness.run_id" value="r2"/></properties>'
        b'<testcase name="x"/></testsuite></testsuites>'
    )

    assert parse_report(body, XML).run_id == "r2"


def test_missing_run_id_is_refused_naming_the_property() -> None:
    body = b'<testsuites><testsuite><testcase name="x"/></testsuite></testsuites>'

    with pytest.raises(ReportFormatError, match=r"no run id.*harness\.run_id"):
        parse_report(body, XML)


def test_blank_run_id_is_missing() -> None:
    body = (
        b'<testsuite><properties><property name="harness.run_id" value="  "/></properties>'
        b'<testcase name="x"/></testsuite>'
    )

    with pytest.raises(ReportFormatError, match=r"harness\.run_id"):
        parse_report(body, XML)


def test_conflicting_run_ids_are_refused() -> None:
    body = (
        b'<testsuites><properties><property name="harness.run_id" value="a"/></properties>'
        b'<testsuite name="s"><properties><property name="harness.run_id" value="b"/></properties>'
        b'<testcase name="x"/></testsuite></testsuites>'
    )

    with pytest.raises(
        ReportFormatError, match=r"testsuite 's' gives harness\.run_id 'b' but the <testsuites> root"
    ):
        parse_report(body, XML)


def test_case_properties_do_not_set_report_metadata() -> None:
    body = (
        b'<testsuite><testcase name="x"><properties><property name="harness.run_id" value="r"/>'
        b"</properties></testcase></testsuite>"
    )

    with pytest.raises(ReportFormatError, match=r"no run id"):
        parse_report(body, XML)


def test_wrong_root_is_refused_naming_it() -> None:
    with pytest.raises(ReportFormatError, match=r"root element is <html>.*<testsuites> or <testsuite>"):
        parse_report(b"<html><body><testcase name='x'/></body></html>", XML)


def test_namespaced_junit_is_read() -> None:
    body = (
        b'<j:testsuite xmlns:j="urn:example:junit">'
        b'<j:properties><j:property name="harness.run_id" value="r"/>'
        b'</j:properties><j:testcase name="[S24] x"><j:failure message="no"/></j:testcase></j:testsuite>'
    )

    case = one_case(body)

    assert (case.requirement, case.outcome, case.message) == ("S24", "failed", "no")


def test_no_testcases_is_refused() -> None:
    with pytest.raises(ReportFormatError, match=r"no testcase"):
        parse_report(junit(""), XML)


@pytest.mark.parametrize("body", [b"", b"  \n "])
def test_empty_body_is_refused(body: bytes) -> None:
    with pytest.raises(ReportFormatError, match=r"empty"):
        parse_report(body, XML)


def test_cases_keep_document_order_across_suites() -> None:
    body = (
        b'<testsuites><properties><property name="harness.run_id" value="r"/></properties>'
        b'<testsuite><testcase name="1"/><testcase name="2"/></testsuite>'
        b'<testsuite><testcase name="3"/></testsuite></testsuites>'
    )

    assert [c.name for c in parse_report(body, XML).cases] == ["1", "2", "3"]


# --- hostile and malformed XML ----------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE testsuites [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuites><properties><property name="harness.run_id" value="r"/></properties>
<testsuite><testcase name="x"><failure>&lol9;</failure></testcase></testsuite></testsuites>
"""


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()

    with pytest.raises(ReportFormatError, match=r"DOCTYPE"):
        parse_report(BILLION_LAUGHS, XML)

    assert time.perf_counter() - started < 1


def test_external_file_entity_is_refused_and_not_read() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE testsuites [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<testsuites><properties><property name="harness.run_id" value="r"/></properties>'
        b'<testsuite><testcase name="x"><failure>&xxe;</failure></testcase></testsuite></testsuites>'
    )

    with pytest.raises(ReportFormatError) as raised:
        parse_report(body, XML)

    assert "root:" not in str(raised.value)
    assert "not accepted" in str(raised.value)


@pytest.fixture
def listening_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every path requested, to prove nothing is fetched."""
    requested: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "fetched">')

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "template",
    [
        # an external general entity
        '<!DOCTYPE testsuites [<!ENTITY xxe SYSTEM "{url}/entity">]>'
        "<testsuites><testsuite><testcase name='x'><failure>&xxe;</failure></testcase>"
        "</testsuite></testsuites>",
        # an external parameter entity
        '<!DOCTYPE testsuites [<!ENTITY % ext SYSTEM "{url}/param"> %ext;]>'
        "<testsuites><testsuite><testcase name='x'/></testsuite></testsuites>",
        # an external DTD
        '<!DOCTYPE testsuites SYSTEM "{url}/evil.dtd">'
        '<testsuites><testsuite><testcase name="x"/></testsuite></testsuites>',
    ],
    ids=["general-entity", "parameter-entity", "external-dtd"],
)
def test_http_external_references_are_refused_and_not_fetched(listening_server, template: str) -> None:
    url, requested = listening_server

    with pytest.raises(ReportFormatError, match=r"DOCTYPE"):
        parse_report(template.format(url=url).encode(), XML)

    assert requested == []


def test_plain_dtd_is_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE testsuites [<!ELEMENT testsuites ANY>]>'
        b'<testsuites><properties><property name="harness.run_id" value="r"/></properties>'
        b'<testsuite><testcase name="x"/></testsuite></testsuites>'
    )

    with pytest.raises(ReportFormatError, match=r"document type declaration"):
        parse_report(body, XML)


def test_undeclared_entity_is_malformed_not_expanded() -> None:
    body = junit('<testcase name="x"><failure>&xxe;</failure></testcase>')

    with pytest.raises(ReportFormatError, match=r"not well-formed: undefined entity"):
        parse_report(body, XML)


def test_xinclude_is_not_processed() -> None:
    case = one_case(
        junit(
            '<testcase name="x"><failure><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            'href="file:///etc/passwd" parse="text"/></failure></testcase>'
        )
    )

    assert case.outcome == "failed" and "root:" not in case.message


def test_truncated_xml_is_refused_with_a_line_number() -> None:
    body = b'<testsuites>\n<testsuite>\n<testcase name="x"/>\n'

    with pytest.raises(ReportFormatError, match=r"not well-formed: no element found: line 4") as raised:
        parse_report(body, XML)

    assert raised.value.line == 4


def test_truncated_example_names_a_line_within_what_was_sent() -> None:
    whole = (EXAMPLES / "junit-passing.xml").read_bytes()
    truncated = whole[: len(whole) // 2]

    with pytest.raises(ReportFormatError, match=r"not well-formed") as raised:
        parse_report(truncated, XML)

    line = raised.value.line
    assert line is not None and 1 < line <= truncated.count(b"\n") + 1
    assert f"line {line}," in str(raised.value)


def test_mismatched_tag_names_the_line() -> None:
    body = b'<testsuites>\n<testsuite>\n<testcase name="x">\n</testsuite>\n</testsuites>'

    with pytest.raises(ReportFormatError, match=r"mismatched tag: line 4") as raised:
        parse_report(body, XML)

    assert raised.value.line == 4


def test_xml_in_a_declared_encoding_is_read() -> None:
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><testsuite><properties>'
        '<property name="harness.run_id" value="r"/></properties>'
        '<testcase name="[E00001] café"/></testsuite>'
    ).encode("latin-1")

    assert one_case(body).name == "[E00001] café"


# --- content type ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/fhir+xml", "", "multipart/form-data"])
def test_unsupported_content_type_is_refused(content_type: str) -> None:
    with pytest.raises(
        ReportFormatError, match=r"Unsupported content type .*application/xml.*application/fhir\+json"
    ):
        parse_report((EXAMPLES / "junit-passing.xml").read_bytes(), content_type)


def test_content_type_parameters_and_case_are_ignored() -> None:
    body = (EXAMPLES / "junit-passing.xml").read_bytes()

    assert parse_report(body, "Application/XML; charset=utf-8").run_id == "run-2025-06-02-0001"


def test_json_sent_as_xml_is_malformed_xml() -> None:
    with pytest.raises(ReportFormatError, match=r"not well-formed"):
        parse_report((EXAMPLES / "fhir-testreport.json").read_bytes(), XML)


# --- FHIR --------------------------------------------------------------------------------------------------


def test_fhir_single_resource_fields() -> None:
    report = fhir(make_testreport())

    assert (report.format, report.run_id, report.harness_name, report.harness_version) == (
        "fhir",
        "run-f",
        "Harness",
        "2.0.1",  # from the end of the test-engine uri, as it has no display
    )
    case = report.cases[0]
    assert (case.name, case.requirement, case.solution_id, case.outcome, case.duration_ms) == (
        "E00001 Patient submits",
        "E00001",
        "99000-001",
        "passed",
        None,
    )
    assert case.executed_at == datetime(2025, 6, 4, 10, 15, tzinfo=UTC)


def test_fhir_engine_display_wins_over_uri() -> None:
    participants = [{"type": "test-engine", "uri": "https://h.example/engine/9", "display": "3.4.1"}]

    assert fhir(make_testreport(participant=participants)).harness_version == "3.4.1"


def test_fhir_solution_only_from_a_server_with_the_urn() -> None:
    participants = [
        {"type": "client", "uri": "urn:gpitf:solution:11111-111"},
        {"type": "server", "uri": "https://supplier.example/fhir"},
        {"type": "server", "uri": "urn:gpitf:solution: 22222-222 "},
    ]

    assert fhir(make_testreport(participant=participants)).cases[0].solution_id == "22222-222"


def test_fhir_no_server_participant_is_no_solution() -> None:
    report = fhir(make_testreport(participant=[{"type": "test-engine", "uri": "https://h.example/e"}]))

    assert report.cases[0].solution_id == ""


@pytest.mark.parametrize(
    ("name", "requirement"),
    [
        ("S44   standard ref", "S44"),
        ("S020X01E01", "S020X01E01"),
        ("[E000304] six digits", "E000304"),
        ("", ""),
    ],
)
def test_fhir_requirement_is_the_first_word_of_the_name(name: str, requirement: str) -> None:
    report = fhir(
        make_testreport(
            test=[{"name": name, "action": [{"assert": {"result": "pass"}}]}]
            if name
            else [{"action": [{"assert": {"result": "pass"}}]}]
        )
    )

    assert report.cases[0].requirement == requirement


@pytest.mark.parametrize(
    ("results", "outcome", "message"),
    [
        (("pass", "pass"), "passed", ""),
        (("pass", "warning"), "passed", ""),
        (("pass", "fail"), "failed", "second"),
        (("error", "pass"), "failed", "first"),
        (("fail", "error"), "failed", "first"),
        (("skip", "skip"), "skipped", "first"),
        (("pass", "skip"), "skipped", "second"),
        (("skip", "fail"), "failed", "second"),
    ],
)
def test_fhir_outcome_from_asserts(results: tuple[str, str], outcome: str, message: str) -> None:
    report = fhir(make_testreport(test=fhir_tests(*results, messages=("first", "second"))))

    assert (report.cases[0].outcome, report.cases[0].message) == (outcome, message)


def test_fhir_failed_operation_fails_the_test() -> None:
    tests = [{"name": "E00001 t", "action": [{"operation": {"result": "error", "message": "HTTP 503"}}]}]

    case = fhir(make_testreport(test=tests)).cases[0]

    assert (case.outcome, case.message) == ("failed", "HTTP 503")


def test_fhir_failed_setup_fails_every_test() -> None:
    setup = {"action": [{"operation": {"result": "fail", "message": "could not create the patient"}}]}
    tests = [
        *fhir_tests("pass"),
        {"name": "S24 t", "action": [{"assert": {"result": "fail", "message": "own"}}]},
    ]

    cases = fhir(make_testreport(setup=setup, test=tests)).cases

    assert [(c.outcome, c.message) for c in cases] == [
        ("failed", "Setup failed. could not create the patient"),
        ("failed", "own"),
    ]


def test_fhir_unknown_result_code_is_refused_naming_the_element() -> None:
    with pytest.raises(ReportFormatError, match=r"test\[0\]\.action\[1\]\.assert\.result is 'passed'"):
        fhir(make_testreport(test=fhir_tests("pass", "passed")))


def test_fhir_long_failure_message_is_cut() -> None:
    case = fhir(make_testreport(test=fhir_tests("fail", messages=("x" * 3000,)))).cases[0]

    assert len(case.message) == MAX_MESSAGE_CHARS


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        ("2025-06-04T11:15:00+01:00", datetime(2025, 6, 4, 10, 15, tzinfo=UTC)),
        ("2025-06-04", datetime(2025, 6, 4, tzinfo=UTC)),
        ("2025-06", datetime(2025, 6, 1, tzinfo=UTC)),
    ],
)
def test_fhir_issued_is_an_aware_datetime(issued: str, expected: datetime) -> None:
    report = fhir(make_testreport(issued=issued))

    assert report.executed_at == expected and report.executed_at.tzinfo is not None
    assert report.cases[0].executed_at == expected


def test_fhir_no_issued_is_no_executed_at() -> None:
    resource = make_testreport()
    del resource["issued"]

    assert fhir(resource).executed_at is None


def test_fhir_validation_error_names_the_field() -> None:
    with pytest.raises(ReportFormatError, match=r"not a valid FHIR R4 resource: issued: DateTime value"):
        fhir(make_testreport(issued="next tuesday"))


def test_fhir_missing_required_element_is_named() -> None:
    resource = make_testreport()
    del resource["status"]

    with pytest.raises(ReportFormatError, match=r"status: .*required"):
        fhir(resource)


def test_fhir_unknown_element_is_named() -> None:
    with pytest.raises(ReportFormatError, match=r"test\[0\]\.action\[0\]\.assert\.outcome: Extra inputs"):
        fhir(
            make_testreport(
                test=[{"name": "E00001", "action": [{"assert": {"result": "pass", "outcome": "ok"}}]}]
            )
        )


def test_fhir_missing_run_id_is_refused_naming_identifier() -> None:
    resource = make_testreport()
    del resource["identifier"]

    with pytest.raises(ReportFormatError, match=r"no run id: set identifier\.value on the TestReport"):
        fhir(resource)


def test_fhir_no_tests_is_refused() -> None:
    resource = make_testreport()
    del resource["test"]

    with pytest.raises(ReportFormatError, match=r"no tests"):
        fhir(resource)


def bundle(*resources: dict, **fields) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
        **fields,
    }


def test_fhir_bundle_run_id_falls_back_to_first_testreport() -> None:
    report = fhir(
        bundle(
            make_testreport(identifier={"value": "first"}), make_testreport(identifier={"value": "second"})
        )
    )

    assert report.run_id == "first"
    assert len(report.cases) == 2


def test_fhir_bundle_identifier_wins() -> None:
    assert fhir(bundle(make_testreport(), identifier={"value": "bundle-run"})).run_id == "bundle-run"


def test_fhir_bundle_each_report_has_its_own_solution() -> None:
    other = make_testreport(participant=[{"type": "server", "uri": "urn:gpitf:solution:10000-001"}])

    report = fhir(bundle(make_testreport(), other))

    assert [c.solution_id for c in report.cases] == ["99000-001", "10000-001"]


def test_fhir_bundle_without_any_run_id_is_refused() -> None:
    resource = make_testreport()
    del resource["identifier"]

    with pytest.raises(ReportFormatError, match=r"identifier\.value on the Bundle"):
        fhir(bundle(resource))


def test_fhir_empty_bundle_is_refused() -> None:
    with pytest.raises(ReportFormatError, match=r"no tests"):
        fhir(bundle(identifier={"value": "r"}))


def test_fhir_bundle_with_another_resource_is_refused() -> None:
    with pytest.raises(ReportFormatError, match=r"entry\[1\]\.resource is 'Patient'"):
        fhir(bundle(make_testreport(), {"resourceType": "Patient"}))


def test_fhir_bundle_validation_error_path_starts_at_the_entry() -> None:
    with pytest.raises(ReportFormatError, match=r"entry\[0\]\.resource\.issued: "):
        fhir(bundle(make_testreport(issued="soon")))


def test_fhir_bundle_result_code_error_path_starts_at_the_entry() -> None:
    with pytest.raises(
        ReportFormatError, match=r"entry\[1\]\.resource\.test\[0\]\.action\[0\]\.assert\.result"
    ):
        fhir(bundle(make_testreport(), make_testreport(test=fhir_tests("ok"))))


def test_fhir_unknown_contained_resource_type_is_refused_not_a_crash() -> None:
    with pytest.raises(ReportFormatError):
        fhir(make_testreport(contained=[{"resourceType": "NoSuchThing"}]))


@pytest.mark.parametrize("resource_type", ["Patient", None])
def test_fhir_other_resource_types_are_refused(resource_type: str | None) -> None:
    with pytest.raises(ReportFormatError, match=r"resourceType is .*TestReport"):
        fhir({"resourceType": resource_type} if resource_type else {"id": "x"})


def test_fhir_malformed_json_names_the_line() -> None:
    with pytest.raises(ReportFormatError, match=r"JSON is not well-formed: .* line 3") as raised:
        parse_report(b'{\n"resourceType": "TestReport",\n"id": }', FHIR)

    assert raised.value.line == 3


def test_fhir_json_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ReportFormatError, match=r"not an object"):
        parse_report(b"[1, 2]", FHIR)


def test_fhir_deeply_nested_json_is_refused_not_a_crash() -> None:
    with pytest.raises(ReportFormatError):
        parse_report(b"[" * 200_000 + b"]" * 200_000, FHIR)


# --- size, speed, memory -----------------------------------------------------------------------------------


def _bench_generate_junit():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from ingest import generate_junit
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return generate_junit


def test_generated_10000_case_report_parses_with_all_cases(tmp_path: Path) -> None:
    path = _bench_generate_junit()(tmp_path / "big.xml", cases=10_000)
    body = path.read_bytes()

    started = time.perf_counter()
    report = parse_report(body, XML)
    seconds = time.perf_counter() - started

    assert len(report.cases) == 10_000
    assert len({c.name for c in report.cases}) == 10_000
    assert {c.outcome for c in report.cases} == {"passed", "failed", "skipped"}
    assert sum(c.outcome == "failed" for c in report.cases) == 500
    assert all(c.requirement and c.solution_id and c.executed_at for c in report.cases)
    assert all(c.message for c in report.cases if c.outcome == "failed")
    assert report.run_id == "bench-2025-10000"
    # The target is well under a second; allow for a slow, busy test machine.
    assert seconds < 3, f"parsing took {seconds:.2f} s"


def test_memory_stays_flat_while_streaming() -> None:
    """Each case carries 10 kB of system-out (20 MB in all). Streaming keeps only the parsed records, so
    the peak is a small fraction of the body; building the whole tree would hold all of it."""
    cases = 2_000
    filler = "x" * 10_000
    body = junit(
        "".join(
            f'<testcase name="[E00001] c{i}"><system-out>{filler}</system-out></testcase>'
            for i in range(cases)
        )
    )
    assert len(body) > 20_000_000

    tracemalloc.start()
    try:
        report = parse_report(body, XML)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(report.cases) == cases
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB while parsing a {len(body) / 1e6:.0f} MB body"


def test_parsing_needs_no_django() -> None:
    code = (
        "import sys\n"
        "from catalogue.conformance.parsing import parse_report\n"
        "r = parse_report(open('docs/examples/junit-passing.xml', 'rb').read(), 'application/xml')\n"
        "assert len(r.cases) == 4\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
