"""Restrictions: filters that other apps (later in the dependency order) add to the catalogue search
without search importing them. Procurement registers "works_with" ("Works with our systems": only the
listings that integrate with the systems the buyer's organisation recorded) in its ready().

A restriction is a yes-parameter (`works_with=yes`) on /catalogue/ and /api/v1/search/. When given, its
`resolve(request)` returns the ids of the listings allowed, or None when it means nothing for this
request (an anonymous visitor, an organisation that recorded nothing): the search then answers 400
with the restriction's `unavailable` message, never silently ignoring a filter asked for. Listings are
matched by id inside the backends' candidate set (`SearchQuery.solution_ids`), so facet counts, totals
and pages all respect it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest

YES = "yes"


@dataclass(frozen=True)
class Restriction:
    parameter: str  # "works_with"
    label: str  # the checkbox's words
    hint: str
    unavailable: str  # the error when resolve() returns None
    # Whether the checkbox is offered on the page to this request (cheap: no search work).
    available: Callable[[HttpRequest], bool]
    resolve: Callable[[HttpRequest], Iterable[int] | None]


_registry: dict[str, Restriction] = {}


def register_restriction(restriction: Restriction) -> None:
    """Add a restriction (or replace one of the same parameter: ready() may run twice in tests)."""
    _registry[restriction.parameter] = restriction


def unregister_restriction(parameter: str) -> None:
    _registry.pop(parameter, None)


def registered() -> list[Restriction]:
    return list(_registry.values())


def offered(request: HttpRequest) -> list[Restriction]:
    """The restrictions this request may tick on the page."""
    return [restriction for restriction in _registry.values() if restriction.available(request)]


def requested(params: Mapping) -> list[str]:
    """The restriction parameters present in a query string (any value)."""
    return [name for name in _registry if (params.get(name) or "").strip()]


def allowed_ids(request: HttpRequest, params: Mapping) -> tuple[frozenset[int] | None, dict[str, list[str]]]:
    """(the listing ids every requested restriction allows, or None when none was asked for; errors by
    parameter, as a FilterSet reports them)."""
    ids: frozenset[int] | None = None
    errors: dict[str, list[str]] = {}
    for name in requested(params):
        restriction = _registry[name]
        value = params.get(name).strip()
        if value != YES:
            errors[name] = [f"“{value[:20]}” is not a choice for {name}: use yes, or leave it out."]
            continue
        allowed = restriction.resolve(request)
        if allowed is None:
            errors[name] = [restriction.unavailable]
            continue
        allowed = frozenset(allowed)
        ids = allowed if ids is None else ids & allowed
    return ids, errors
