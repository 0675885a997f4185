"""Template tags for a solution's conformance (catalogue/conformance/display.py builds what is shown).

{% load conformance_tags %}
{% conformance_of solution as conformance %}   the ConformanceView, built once per solution object
{% pass_rate_chart conformance %}               the pass-rate chart as inline SVG
{{ report|report_source }}                      where a report came from, in words
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from catalogue.conformance.chart import pass_rate_svg
from catalogue.conformance.display import ConformanceView, conformance_view
from catalogue.models import ReportSource, Solution

register = template.Library()

_CACHE_ATTRIBUTE = "_conformance_view"


@register.simple_tag
def conformance_of(solution: Solution) -> ConformanceView:
    """The conformance of a solution, computed on first use and kept on the object, so a page that
    shows it in two places (the tag under the heading, the section below) pays for it once."""
    view = getattr(solution, _CACHE_ATTRIBUTE, None)
    if view is None:
        view = conformance_view(solution)
        setattr(solution, _CACHE_ATTRIBUTE, view)
    return view


@register.simple_tag
def pass_rate_chart(conformance: ConformanceView) -> SafeString:
    return pass_rate_svg(conformance.runs, conformance.solution.name)


SOURCE_DESCRIPTIONS = {
    ReportSource.PUSHED: "Sent by the test harness when the run finished",
    ReportSource.PULLED: "Collected by this service from the test harness's feed",
    ReportSource.IMPORTED: "Imported from the old NHS Buying Catalogue service's recorded assessments",
}


@register.filter
def report_source(source: str) -> str:
    return SOURCE_DESCRIPTIONS.get(source, source)
