"""Turn a standards-test-harness report (JUnit XML or FHIR R4 TestReport JSON) into plain Python values.

The convention the harness follows is documented in docs/conformance.md, with example reports in
docs/examples/. This module only reads a report: it does not know which solutions, epics or standards
exist, so ids come back exactly as given (whitespace stripped) and the caller decides which are unknown.

Why it is written the way it is:

* Reports come from outside the service, so XML is parsed only with defusedxml, with DTDs, entity
  declarations and external references all forbidden: a billion-laughs body, an XXE body or any DOCTYPE
  is refused before it can expand or fetch anything.
* Reports can be large (tens of thousands of cases), so the XML is read as a stream: each `testcase` is
  turned into a small record on its end event and then cleared and detached from its parent, so the
  element tree never holds more than the case being read.
* Everything that is wrong with a report becomes a `ReportFormatError` whose message says in plain words
  what is wrong and where, because it is sent back to the harness's authors as it is.

Nothing here needs Django, so it can be imported and tested without settings or a database.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timezone
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from pydantic import ValidationError

__all__ = ["ParsedCase", "ParsedReport", "ReportFormatError", "parse_report"]

PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"

#: Longest failure or skip message kept; longer ones are cut and end with "…".
MAX_MESSAGE_CHARS = 2000

XML_CONTENT_TYPES = frozenset({"application/xml", "text/xml"})
FHIR_CONTENT_TYPES = frozenset({"application/fhir+json", "application/json"})

#: The JUnit property names of the convention.
RUN_ID_PROPERTY = "harness.run_id"
HARNESS_NAME_PROPERTY = "harness.name"
HARNESS_VERSION_PROPERTY = "harness.version"
REQUIREMENT_PROPERTY = "requirement"
SOLUTION_PROPERTY = "solution"

#: A FHIR `server` participant names the solution under test with this URN prefix.
SOLUTION_URN_PREFIX = "urn:gpitf:solution:"

#: A requirement id in square brackets at the start of a JUnit case name: "[E00001] patient submits …".
_NAME_BRACKET = re.compile(r"\s*\[\s*([^\[\]]*?)\s*\]")
#: A catalogue solution id, which is how a JUnit `classname` may name the solution: "10000-001".
_CATALOGUE_ID = re.compile(r"\d{5,6}-\d{3}")

_FHIR_RESULTS = frozenset({"pass", "skip", "fail", "warning", "error"})


class ReportFormatError(ValueError):
    """The report cannot be read. The message says what is wrong and where, in words a harness author
    can act on; `line` is the XML line number when the parser knows it."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class ParsedCase:
    """One test case: which requirement of which solution it verifies, and how it went."""

    name: str
    solution_id: str  # as given, "" when the case names none
    requirement: str  # as given, "" when none
    outcome: str  # "passed" | "failed" | "skipped"
    message: str
    duration_ms: int | None
    executed_at: datetime | None  # aware


@dataclass(frozen=True)
class ParsedReport:
    """A whole harness run. `run_id` is the harness's own id for the run, which makes posting the same
    run twice recognisable."""

    format: str  # "junit" | "fhir"
    run_id: str
    harness_name: str
    harness_version: str
    executed_at: datetime | None  # aware; the earliest suite timestamp or FHIR issued
    cases: tuple[ParsedCase, ...]


def parse_report(body: bytes, content_type: str) -> ParsedReport:
    """Parse a harness report posted with the given media type.

    `application/xml` and `text/xml` are read as JUnit XML; `application/fhir+json` and
    `application/json` as a FHIR R4 TestReport or a Bundle of them. Media type parameters
    (`; charset=utf-8`) are ignored: XML declares its own encoding and JSON is detected from the bytes.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in XML_CONTENT_TYPES:
        return _parse_junit(body)
    if media_type in FHIR_CONTENT_TYPES:
        return _parse_fhir(body)
    shown = media_type or "(none)"
    raise ReportFormatError(
        f"Unsupported content type {shown}: send application/xml (JUnit) "
        "or application/fhir+json (FHIR TestReport)."
    )


# --- shared helpers -------------------------------------------------------------------------------------


def _clip(text: str | None) -> str:
    """Trim a message and keep it to MAX_MESSAGE_CHARS, so one runaway stack trace cannot bloat storage."""
    text = (text or "").strip()
    if len(text) > MAX_MESSAGE_CHARS:
        return text[: MAX_MESSAGE_CHARS - 1].rstrip() + "…"
    return text


def _aware(value: datetime) -> datetime:
    """Times without a zone are taken as UTC, as the convention says."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _earliest(times: Iterable[datetime | None]) -> datetime | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _requirement_from_brackets(name: str) -> str:
    match = _NAME_BRACKET.match(name)
    return match.group(1) if match else ""


# --- JUnit XML ------------------------------------------------------------------------------------------


@dataclass
class _Suite:
    """An open or closed `testsuite` (or the `testsuites` root): what its cases inherit from it."""

    label: str
    executed_at: datetime | None
    parent: _Suite | None
    solution: str = ""

    def inherited_solution(self) -> str:
        suite: _Suite | None = self
        while suite is not None:
            if suite.solution:
                return suite.solution
            suite = suite.parent
        return ""


@dataclass
class _RawCase:
    """A case as read, before the suite-level solution is known. Suite properties normally come before
    the cases, but nothing in JUnit guarantees it, so solutions are settled once the whole file is read."""

    name: str
    solution_id: str
    classname: str
    requirement: str
    outcome: str
    message: str
    duration_ms: int | None
    suite: _Suite | None

    def resolve(self) -> ParsedCase:
        solution = self.solution_id
        if not solution and self.suite is not None:
            solution = self.suite.inherited_solution()
        if not solution and _CATALOGUE_ID.fullmatch(self.classname):
            solution = self.classname
        return ParsedCase(
            name=self.name,
            solution_id=solution,
            requirement=self.requirement,
            outcome=self.outcome,
            message=self.message,
            duration_ms=self.duration_ms,
            executed_at=self.suite.executed_at if self.suite is not None else None,
        )


@dataclass
class _JUnitState:
    report_properties: dict[str, str] = field(default_factory=dict)
    property_sources: dict[str, str] = field(default_factory=dict)
    cases: list[_RawCase] = field(default_factory=list)
    suite_count: int = 0


def _local(tag: str) -> str:
    """The tag without any XML namespace: JUnit has none, but some tools add one."""
    return tag if tag[:1] != "{" else tag.rpartition("}")[2]


def _properties(element: Element) -> Iterable[tuple[str, str]]:
    """(name, value) of each `property` child; the value may be an attribute or, as some tools write
    it, the element's text."""
    for prop in element:
        if _local(prop.tag) != "property":
            continue
        value = prop.get("value")
        if value is None:
            value = prop.text or ""
        yield (prop.get("name") or "").strip(), value.strip()


def _parse_timestamp(value: str, where: str) -> datetime:
    try:
        return _aware(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise ReportFormatError(
            f"{where} has timestamp {value!r}, which is not an ISO 8601 date and time "
            "(for example 2025-06-02T09:30:00Z)."
        ) from None


def _parse_duration_ms(value: str, where: str) -> int:
    """JUnit `time` is in seconds. Some tools write thousands separators ("1,234.5"), so commas go."""
    try:
        seconds = float(value.strip().replace(",", ""))
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise ReportFormatError(f"{where} has time {value!r}, which is not a number of seconds.")
    return round(seconds * 1000)


def _case_label(name: str, suite: _Suite | None, number: int) -> str:
    where = f"testcase {name!r}" if name else f"testcase number {number}"
    return f"{where} in {suite.label}" if suite is not None else where


def _read_testcase(element: Element, suite: _Suite | None, number: int) -> _RawCase:
    attrs = element.attrib
    name = (attrs.get("name") or "").strip()
    requirement = ""
    solution = ""
    outcome = PASSED
    message = ""
    for child in element:
        tag = _local(child.tag)
        if tag == "properties":
            for key, value in _properties(child):
                if key == REQUIREMENT_PROPERTY:
                    if requirement and value != requirement:
                        raise ReportFormatError(
                            f"{_case_label(name, suite, number)} has more than one requirement "
                            f"({requirement!r} and {value!r}): report each requirement in its own testcase."
                        )
                    requirement = value
                elif key == SOLUTION_PROPERTY:
                    if solution and value != solution:
                        raise ReportFormatError(
                            f"{_case_label(name, suite, number)} names more than one solution "
                            f"({solution!r} and {value!r}): report each solution in its own testcase."
                        )
                    solution = value
        elif tag in ("failure", "error"):
            if outcome != FAILED:
                outcome = FAILED
                message = _clip(child.get("message") or child.text)
        elif tag == "skipped" and outcome == PASSED:
            outcome = SKIPPED
            message = _clip(child.get("message") or child.text)
    if not requirement:
        requirement = _requirement_from_brackets(name)
    time = attrs.get("time")
    duration = _parse_duration_ms(time, _case_label(name, suite, number)) if time and time.strip() else None
    return _RawCase(
        name=name,
        solution_id=solution,
        classname=(attrs.get("classname") or "").strip(),
        requirement=requirement,
        outcome=outcome,
        message=message,
        duration_ms=duration,
        suite=suite,
    )


def _read_suite_properties(element: Element, suite: _Suite, state: _JUnitState) -> None:
    """Suite (or root) properties: the harness.* ones describe the whole report; `solution` is the
    default for the suite's cases. A report that gives two different run ids is refused rather than
    guessed at, because the run id decides whether a report is a duplicate."""
    for key, value in _properties(element):
        if key == SOLUTION_PROPERTY:
            suite.solution = value
        elif key in (RUN_ID_PROPERTY, HARNESS_NAME_PROPERTY, HARNESS_VERSION_PROPERTY) and value:
            known = state.report_properties.get(key)
            if known is None:
                state.report_properties[key] = value
                state.property_sources[key] = suite.label
            elif known != value:
                raise ReportFormatError(
                    f"{suite.label} gives {key} {value!r} but {state.property_sources[key]} "
                    f"gave {known!r}: one report is one harness run."
                )


def _parse_junit(body: bytes) -> ParsedReport:
    if not body.strip():
        raise ReportFormatError("The report is empty: send a JUnit XML document.")
    state = _JUnitState()
    # Open elements, outermost first, and the _Suite of each open testsuite (None for other elements).
    stack: list[Element] = []
    suites: list[_Suite | None] = []
    case_depth = 0  # > 0 while inside a testcase, whose children are read when it ends
    events = SafeET.iterparse(
        io.BytesIO(body),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        for event, element in events:
            tag = _local(element.tag)
            if event == "start":
                if not stack and tag not in ("testsuites", "testsuite"):
                    raise ReportFormatError(
                        f"The root element is <{tag}>: a JUnit report must have a <testsuites> "
                        "or <testsuite> root element."
                    )
                suite = None
                if case_depth:
                    case_depth += tag == "testcase"
                elif tag == "testcase":
                    case_depth = 1
                elif tag in ("testsuite", "testsuites"):
                    suite = _open_suite(element, tag, _innermost(suites), state)
                stack.append(element)
                suites.append(suite)
                continue

            # An "end" event: the element and everything inside it has been read.
            stack.pop()
            suites.pop()
            if case_depth:
                case_depth -= tag == "testcase"
                if case_depth:
                    continue  # part of a testcase: read with it
                state.cases.append(_read_testcase(element, _innermost(suites), len(state.cases) + 1))
            elif tag == "properties" and suites and suites[-1] is not None:
                _read_suite_properties(element, suites[-1], state)
            # Drop what has been read so memory stays flat however long the report is. Children of a
            # suite go as each ends (so remove() finds each at once); anything deeper goes with them.
            if stack and suites[-1] is not None:
                element.clear()
                stack[-1].remove(element)
    except ReportFormatError:
        raise
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ReportFormatError(f"The XML is not well-formed: {exc}.", line=line) from None
    except DTDForbidden:
        raise ReportFormatError(
            "The XML has a document type declaration (<!DOCTYPE …>), which is not accepted: "
            "send plain JUnit XML without a DTD."
        ) from None
    except EntitiesForbidden:
        raise ReportFormatError("The XML declares entities, which are not accepted.") from None
    except ExternalReferenceForbidden:
        raise ReportFormatError("The XML refers to an external entity, which is not accepted.") from None
    except (LookupError, UnicodeError) as exc:
        raise ReportFormatError(f"The XML cannot be decoded: {exc}.") from None

    if not state.cases:
        raise ReportFormatError("The report has no testcase elements: there are no results to record.")
    run_id = state.report_properties.get(RUN_ID_PROPERTY, "")
    if not run_id:
        raise ReportFormatError(
            f"The report has no run id: add a property {RUN_ID_PROPERTY} to the <properties> of the "
            "<testsuites> root or of a <testsuite>."
        )
    cases = tuple(raw.resolve() for raw in state.cases)
    return ParsedReport(
        format="junit",
        run_id=run_id,
        harness_name=state.report_properties.get(HARNESS_NAME_PROPERTY, ""),
        harness_version=state.report_properties.get(HARNESS_VERSION_PROPERTY, ""),
        executed_at=_earliest(case.executed_at for case in cases),
        cases=cases,
    )


def _innermost(suites: Sequence[_Suite | None]) -> _Suite | None:
    for suite in reversed(suites):
        if suite is not None:
            return suite
    return None


def _open_suite(element: Element, tag: str, parent: _Suite | None, state: _JUnitState) -> _Suite:
    """A suite's attributes are complete on its start event; its timestamp applies to its cases and is
    inherited by nested suites that have none."""
    if tag == "testsuites":
        label = "the <testsuites> root"
    else:
        state.suite_count += 1
        name = (element.get("name") or "").strip()
        label = f"testsuite {name!r}" if name else f"testsuite number {state.suite_count}"
    stamp = element.get("timestamp")
    executed_at = _parse_timestamp(stamp, label) if stamp and stamp.strip() else None
    if executed_at is None and parent is not None:
        executed_at = parent.executed_at
    return _Suite(label=label, executed_at=executed_at, parent=parent)


# --- FHIR R4 TestReport ---------------------------------------------------------------------------------


def _parse_fhir(body: bytes) -> ParsedReport:
    if not body.strip():
        raise ReportFormatError("The report is empty: send a FHIR TestReport or a Bundle of them.")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ReportFormatError(
            f"The JSON is not well-formed: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            line=exc.lineno,
        ) from None
    except UnicodeDecodeError:
        raise ReportFormatError("The JSON is not valid UTF-8.") from None
    except RecursionError:
        raise ReportFormatError("The JSON is nested too deeply to be a TestReport.") from None
    if not isinstance(data, dict):
        raise ReportFormatError("The JSON is not an object: send one TestReport resource or a Bundle.")

    resource_type = data.get("resourceType")
    if resource_type == "TestReport":
        from fhir.resources.R4B.testreport import TestReport

        report = _validate(TestReport, data)
        reports = [(report, "")]
        run_id = _identifier_value(report)
    elif resource_type == "Bundle":
        from fhir.resources.R4B.bundle import Bundle

        _check_bundle_entries(data)
        bundle = _validate(Bundle, data)
        reports = [
            (entry.resource, f"entry[{index}].resource.") for index, entry in enumerate(bundle.entry or ())
        ]
        run_id = _identifier_value(bundle) or (_identifier_value(reports[0][0]) if reports else "")
    else:
        shown = repr(resource_type) if resource_type is not None else "missing"
        raise ReportFormatError(
            f"resourceType is {shown}: send a TestReport resource or a Bundle of TestReport resources."
        )

    cases: list[ParsedCase] = []
    for resource, path in reports:
        cases.extend(_fhir_cases(resource, path))
    if not cases:
        raise ReportFormatError("The report has no tests: there are no results to record.")
    if not run_id:
        where = "the Bundle (or its first TestReport)" if resource_type == "Bundle" else "the TestReport"
        raise ReportFormatError(f"The report has no run id: set identifier.value on {where}.")

    first = reports[0][0]
    return ParsedReport(
        format="fhir",
        run_id=run_id,
        harness_name=next(((r.tester or "").strip() for r, _ in reports if (r.tester or "").strip()), ""),
        harness_version=_harness_version(first),
        executed_at=_earliest(_issued(r) for r, _ in reports),
        cases=tuple(cases),
    )


def _check_bundle_entries(data: dict[str, Any]) -> None:
    """Name a non-TestReport entry plainly, before the model reports it (or, for a resource type it has
    never heard of, fails with a KeyError)."""
    entries = data.get("entry")
    if not isinstance(entries, list):
        return  # missing is an empty report; a wrong type is for the model to describe
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind != "TestReport":
            shown = repr(kind) if kind is not None else "not a resource"
            raise ReportFormatError(
                f"Bundle entry[{index}].resource is {shown}: "
                "a harness Bundle holds only TestReport resources."
            )


def _validate(model: Any, data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ReportFormatError(_describe_validation_error(exc)) from None
    except (KeyError, TypeError, ValueError) as exc:
        # fhir.resources raises KeyError for a resourceType it does not know (in contained, say).
        raise ReportFormatError(f"The {data.get('resourceType')} is not valid FHIR R4: {exc!s}.") from None


def _describe_validation_error(exc: ValidationError) -> str:
    """pydantic's errors, as "test[0].action[1].assert.result: Input should be a valid string" — the
    JSON path as a FHIR author would write it, and what is wrong there. The first three are enough."""
    errors = exc.errors()
    parts = []
    for error in errors[:3]:
        path = ""
        for item in error.get("loc", ()):
            path += f"[{item}]" if isinstance(item, int) else (f".{item}" if path else str(item))
        message = " ".join(str(error.get("msg", "invalid")).split())
        message = message.removeprefix("Value error, ")
        parts.append(f"{path or '(resource)'}: {message}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return f"The report is not a valid FHIR R4 resource: {'; '.join(parts)}{more}."


def _identifier_value(resource: Any) -> str:
    identifier = getattr(resource, "identifier", None)
    if isinstance(identifier, list):  # Bundle.identifier is one Identifier, TestReport's too; be safe
        identifier = identifier[0] if identifier else None
    return ((identifier.value if identifier is not None else None) or "").strip()


def _issued(report: Any) -> datetime | None:
    """`issued` is a FHIR dateTime, which may be a bare date or even a year; those are taken as the
    start of that day (or month, or year) in UTC."""
    value = report.issued
    if value is None:
        return None
    if isinstance(value, datetime):
        # pydantic's own tzinfo class is swapped for the standard library's, so nothing outside this
        # module ever sees a pydantic type.
        offset = value.utcoffset()
        return value.replace(tzinfo=UTC if offset is None else timezone(offset))
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    parts = [int(p) for p in str(value).split("-")]  # "2025" or "2025-06", already checked by the model
    return datetime(parts[0], parts[1] if len(parts) > 1 else 1, 1, tzinfo=UTC)


def _participants(report: Any, kind: str) -> list[Any]:
    return [p for p in report.participant or () if (p.type or "").strip() == kind]


def _harness_version(report: Any) -> str:
    """The test engine participant's display, else the last part of its uri
    ("https://harness.example/engine/3.4.1" → "3.4.1")."""
    for participant in _participants(report, "test-engine"):
        if (participant.display or "").strip():
            return participant.display.strip()
        return (participant.uri or "").strip().rstrip("/").rpartition("/")[2]
    return ""


def _solution(report: Any) -> str:
    for participant in _participants(report, "server"):
        uri = (participant.uri or "").strip()
        if uri.lower().startswith(SOLUTION_URN_PREFIX):
            return uri[len(SOLUTION_URN_PREFIX) :].strip()
    return ""


def _action_results(actions: Iterable[Any], path: str) -> Iterable[tuple[str, str, str]]:
    """(result, message, path) for every operation and assert of some actions. The R4B model does not
    check the result code against its value set, so it is checked here."""
    for index, action in enumerate(actions or ()):
        for part_name, part in (("operation", action.operation), ("assert", action.assert_fhir)):
            if part is None:
                continue
            where = f"{path}action[{index}].{part_name}.result"
            result = (part.result or "").strip()
            if result not in _FHIR_RESULTS:
                raise ReportFormatError(
                    f"{where} is {part.result!r}: expected one of pass, skip, fail, warning, error."
                )
            yield result, part.message or "", where


def _outcome(results: Iterable[tuple[str, str, str]]) -> tuple[str, str]:
    """Failed if any operation or assert failed or errored (its message kept), else skipped if any was
    skipped (a partly skipped test has not shown the requirement is met), else passed."""
    outcome, message = PASSED, ""
    for result, text, _where in results:  # read them all, so every result code is checked
        if result in ("fail", "error") and outcome != FAILED:
            outcome, message = FAILED, _clip(text)
        elif result == "skip" and outcome == PASSED:
            outcome, message = SKIPPED, _clip(text)
    return outcome, message


def _requirement_from_test_name(name: str) -> str:
    """The first word of a FHIR test name ("E00001 Patient submits …"); "[E00001] …" is read the same,
    so a harness can name tests alike in both formats."""
    first = name.split(maxsplit=1)[0] if name else ""
    if len(first) > 1 and first[0] == "[" and first[-1] == "]":
        return first[1:-1].strip()
    return first


def _fhir_cases(report: Any, path: str) -> list[ParsedCase]:
    solution = _solution(report)
    executed_at = _issued(report)
    # A failed setup means no test in the report really ran as intended: each is recorded as failed.
    setup_actions = report.setup.action if report.setup is not None else ()
    setup_outcome, setup_message = _outcome(_action_results(setup_actions, f"{path}setup."))
    cases = []
    for index, test in enumerate(report.test or ()):
        name = (test.name or "").strip()
        outcome, message = _outcome(_action_results(test.action, f"{path}test[{index}]."))
        if setup_outcome == FAILED and outcome != FAILED:
            outcome, message = FAILED, _clip(f"Setup failed. {setup_message}")
        cases.append(
            ParsedCase(
                name=name,
                solution_id=solution,
                requirement=_requirement_from_test_name(name),
                outcome=outcome,
                message=message,
                duration_ms=None,
                executed_at=executed_at,
            )
        )
    return cases
