"""Sample harness reports, for trying the ingest locally (`manage.py post_harness_report`) and in tests.

`junit_report()` writes the JUnit XML a harness would send after testing one solution, following the
convention in docs/conformance.md: run id, harness name and version as `<properties>` of the root,
one `<testsuite>` per claimed capability (its MUST epics) and one for the standards, each
`<testcase>` naming its `requirement` and `solution` in its own `<properties>`; a failing case carries
a `<failure message=…>`.

It covers what accreditation rests on (see catalogue/conformance/status.py): every MUST epic of every
capability the solution claims, as the catalogue lists them (a retired epic still listed at MUST level
counts, so it is covered too), every overarching standard, and the standards the solution claims.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.db.models import Q
from django.utils import timezone

from ..models import CapabilityEpic, EpicLevel, Solution, Standard, StandardType

SAMPLE_HARNESS_NAME = "Sample harness (catalogue/conformance/samples.py)"
SAMPLE_HARNESS_VERSION = "1.0"


@dataclass(frozen=True)
class SampleCase:
    suite: str  # "C43 Online Consultation" or "Standards"
    requirement: str  # epic code or standard ref
    name: str


def sample_cases(solution: Solution) -> list[SampleCase]:
    """What a full run for `solution` tests: each MUST epic of its claimed capabilities (once, under the
    first capability that lists it, in ref order), then the overarching and claimed standards."""
    cases, seen = [], set()
    links = (
        CapabilityEpic.objects.filter(capability__solutions=solution, level=EpicLevel.MUST)
        .select_related("capability", "epic")
        .order_by("capability__sort_key", "capability__ref", "epic__code")
    )
    for link in links:
        if link.epic.code in seen:
            continue
        seen.add(link.epic.code)
        cases.append(
            SampleCase(f"{link.capability.ref} {link.capability.name}", link.epic.code, link.epic.name)
        )
    standards = Standard.objects.filter(Q(standard_type=StandardType.OVERARCHING) | Q(solutions=solution))
    for standard in standards.distinct().order_by("sort_key", "ref"):
        cases.append(SampleCase("Standards", standard.ref, standard.name))
    return cases


def junit_report(
    solution: Solution,
    run_id: str,
    failing: Iterable[str] = (),
    when: datetime.datetime | None = None,
) -> bytes:
    """A JUnit report of one harness run against `solution`, in which the requirements (epic codes or
    standard refs) listed in `failing` fail and everything else passes. `when` (default now) is the
    suites' timestamp, which becomes the results' test date. A code in `failing` that the run does not
    cover is refused (ValueError), so a typing slip does not quietly give an all-passing report."""
    when = when or timezone.now()
    cases = sample_cases(solution)
    failing = {code.strip() for code in failing if code.strip()}
    unknown = failing - {case.requirement for case in cases}
    if unknown:
        raise ValueError(
            f"{', '.join(sorted(unknown))} is not among the requirements of {solution.catalogue_id} "
            f"(its MUST epics and standards: {', '.join(case.requirement for case in cases) or 'none'})."
        )
    if not cases:
        raise ValueError(f"{solution.catalogue_id} claims nothing to test, and no standard applies.")

    timestamp = when.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    root = ET.Element(
        "testsuites",
        name=f"Conformance run {run_id} for {solution.catalogue_id}",
        tests=str(len(cases)),
        failures=str(sum(case.requirement in failing for case in cases)),
    )
    _properties(
        root,
        {
            "harness.run_id": run_id,
            "harness.name": SAMPLE_HARNESS_NAME,
            "harness.version": SAMPLE_HARNESS_VERSION,
        },
    )
    suites: dict[str, list[SampleCase]] = {}
    for case in cases:
        suites.setdefault(case.suite, []).append(case)
    for suite_name, suite_cases in suites.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=suite_name,
            timestamp=timestamp,
            tests=str(len(suite_cases)),
            failures=str(sum(case.requirement in failing for case in suite_cases)),
        )
        _properties(suite, {"solution": solution.catalogue_id})
        for case in suite_cases:
            element = ET.SubElement(
                suite,
                "testcase",
                name=f"[{case.requirement}] {case.name}",
                classname=solution.catalogue_id,
                time="0.250",
            )
            _properties(element, {"requirement": case.requirement, "solution": solution.catalogue_id})
            if case.requirement in failing:
                failure = ET.SubElement(
                    element,
                    "failure",
                    message=f"{case.requirement} not met: the expected behaviour was not observed.",
                    type="AssertionError",
                )
                failure.text = "A sample failure, asked for with --fail."
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _properties(parent: ET.Element, values: dict[str, str]) -> None:
    properties = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=value)
