"""The search parameters of the catalogue page (/catalogue/) and the search API (/api/v1/search/),
validated in one place and turned into a `SearchQuery`.

Every value is checked before it reaches a backend: a capability, epic, framework, integration,
integration type or supplier must exist; hosting, client, foundation and accredited take their fixed
choices; numbers have bounds; a price filter or price sort needs a list size (a price is the first-year
cost for that many patients). A bad value is an error naming its parameter (the API answers 400 with
`{parameter: [messages]}`, the page shows an error summary), never an ignored filter and never a 500.

The FilterSet filters nothing itself (search/service.py does the searching); it is the parameters'
form and their description, which the API's OpenAPI schema is generated from (search/api.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.http import QueryDict

from catalogue.models import (
    Capability,
    ClientApplicationType,
    Epic,
    Framework,
    HostingType,
    Integration,
    IntegrationType,
    Supplier,
)

from .models import ListingDocument
from .query import DEFAULT_PAGE_SIZE, FACETS, MAX_PAGE_SIZE, SORTS, SearchQuery

TEXT_MAX_LENGTH = 200
LIST_SIZE_MAX = 500_000
MAX_PAGE = 100_000  # keeps OFFSET in range whatever a client asks; 50,000 listings need at most 50,000
YES_NO = (("yes", "Yes"), ("no", "No"))
SORT_LABELS = {
    "relevance": "Best match",
    "name": "Name (A to Z)",
    "-name": "Name (Z to A)",
    "-published": "Most recently published",
    "price": "Lowest first-year price (needs a list size)",
}
SORT_CHOICES = [(value, SORT_LABELS[value]) for value in SORTS]


def _choices_in_words(choices) -> str:
    values = [value for value, _ in choices]
    return ", ".join(values[:-1]) + " or " + values[-1]


class WholeNumberField(forms.IntegerField):
    """An integer that may be written with thousands separators ("8,000"), as people type them."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "")
        return super().to_python(value)


class PoundsField(forms.DecimalField):
    """An amount in pounds that may be written "£9,000"."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").replace(" ", "")
        return super().to_python(value)


class WholeNumberFilter(django_filters.Filter):
    field_class = WholeNumberField


class PoundsFilter(django_filters.Filter):
    field_class = PoundsField


def _number_errors(message: str) -> dict[str, str]:
    """The same message for every way a number can be wrong."""
    codes = ("invalid", "min_value", "max_value", "max_digits", "max_decimal_places", "max_whole_digits")
    return dict.fromkeys(codes, message)


def _facet(
    model, to_field_name: str | None, unknown: str, help_text: str
) -> django_filters.ModelMultipleChoiceFilter:
    """A repeatable facet parameter whose every value must be an existing `model` row."""
    return django_filters.ModelMultipleChoiceFilter(
        queryset=model.objects.all(),
        to_field_name=to_field_name,
        help_text=help_text,
        # Django names the value "pk" when it cannot even be an id ("abc" for an integer key).
        error_messages={
            "invalid_choice": unknown,
            "invalid_pk_value": unknown.replace("%(value)s", "%(pk)s"),
        },
    )


def _choice_facet(choices, what: str, help_text: str) -> django_filters.MultipleChoiceFilter:
    return django_filters.MultipleChoiceFilter(
        choices=choices,
        help_text=help_text,
        error_messages={"invalid_choice": f"“%(value)s” is not {what}: use {_choices_in_words(choices)}."},
    )


class SearchForm(forms.Form):
    """The checks between parameters (each parameter's own checks are its field's)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        list_size = data.get("list_size")
        if list_size is None and "list_size" not in self.errors:
            if data.get("max_price") is not None:
                self.add_error(
                    "max_price",
                    "Enter a list size to filter by price: the price depends on how many patients "
                    "the practice has.",
                )
            if data.get("sort") == "price":
                self.add_error(
                    "sort",
                    "Enter a list size to sort by price: the price depends on how many patients the "
                    "practice has.",
                )
        return data


class SearchFilterSet(django_filters.FilterSet):
    """The parameters of a catalogue search. `page_size` is the API's only: the page shows 20."""

    q = django_filters.CharFilter(
        max_length=TEXT_MAX_LENGTH,
        help_text=f"Words to search for (at most {TEXT_MAX_LENGTH} characters). Misspelt words are "
        "corrected to words the catalogue holds.",
        error_messages={
            "max_length": f"Search text must be {TEXT_MAX_LENGTH} characters or fewer "
            "(it has %(show_value)d)."
        },
    )
    capability = _facet(
        Capability,
        "ref",
        "“%(value)s” is not a capability reference (such as C43).",
        "A capability ref, such as C43 (see /api/v1/capabilities/). Repeat to require several: a "
        "solution must meet all of them.",
    )
    epic = _facet(
        Epic,
        "code",
        "“%(value)s” is not an epic id (such as E00001).",
        "An epic id, such as E00001 (see /api/v1/epics/). Repeat to require several: a solution must "
        "meet all of them.",
    )
    framework = _facet(
        Framework,
        "code",
        "“%(value)s” is not a framework id (such as NHSDGP001).",
        "A framework id, such as NHSDGP001 (see /api/v1/frameworks/). Repeat for any of several.",
    )
    integration = _facet(
        Integration,
        "name",
        "“%(value)s” is not an integration (such as IM1, GP Connect or NHS App).",
        "An integration's name: IM1, GP Connect or NHS App (see /api/v1/integrations/). Repeat for any "
        "of several.",
    )
    integration_type = _facet(
        IntegrationType,
        None,
        "“%(value)s” is not an integration type id.",
        "An integration type's id (see the types of each integration at /api/v1/integrations/). "
        "Repeat for any of several.",
    )
    hosting = _choice_facet(
        HostingType.choices, "a hosting type", "How it is hosted. Repeat for any of several."
    )
    client = _choice_facet(
        ClientApplicationType.choices,
        "an application type",
        "How people use it: in a browser, a mobile or tablet app, a desktop app. Repeat for any of several.",
    )
    supplier = _facet(
        Supplier,
        "code",
        "“%(value)s” is not a supplier id (such as 10000).",
        "A supplier's id, such as 10000 (see /api/v1/suppliers/). Repeat for any of several.",
    )
    foundation = _choice_facet(
        YES_NO,
        "yes or no",
        "yes: only foundation solutions (meeting every foundation capability); no: the others.",
    )
    accredited = _choice_facet(
        YES_NO,
        "yes or no",
        "yes: only accredited solutions (every claim met by current test results); no: the others.",
    )
    list_size = WholeNumberFilter(
        min_value=1,
        max_value=LIST_SIZE_MAX,
        help_text="The practice's list size (number of registered patients), 1 to 500,000: prices are "
        "the first-year cost for this many patients.",
        error_messages=_number_errors(
            f"The list size must be a whole number of patients from 1 to {LIST_SIZE_MAX:,}."
        ),
    )
    max_price = PoundsFilter(
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Only solutions whose first-year cost for list_size patients is at most this many "
        "pounds. Needs list_size.",
        error_messages=_number_errors(
            "The maximum price must be an amount in pounds, 0 or more, such as 9000 or 9000.50."
        ),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        empty_label=None,
        help_text="relevance (the default: best match first, or by name without words), name, -name, "
        "-published (newest first) or price (lowest first; needs list_size).",
        error_messages={
            "invalid_choice": f"“%(value)s” is not a sort order: use {_choices_in_words(SORT_CHOICES)}."
        },
    )
    page = WholeNumberFilter(
        min_value=1,
        max_value=MAX_PAGE,
        help_text="Which page of results, from 1.",
        error_messages=_number_errors(f"The page must be a whole number from 1 to {MAX_PAGE:,}."),
    )
    page_size = WholeNumberFilter(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Results a page, 1 to {MAX_PAGE_SIZE} ({DEFAULT_PAGE_SIZE} unless given).",
        error_messages=_number_errors(f"The page size must be a whole number from 1 to {MAX_PAGE_SIZE}."),
    )

    class Meta:
        model = ListingDocument
        fields: list[str] = []
        form = SearchForm

    def __init__(self, data: QueryDict | None = None, *args, api: bool = True, **kwargs) -> None:
        if data is not None:
            # An empty box or a blank repeated value ("capability=") means "not given".
            if not isinstance(data, QueryDict):
                items, data = data, QueryDict(mutable=True)
                for key, value in items.items():
                    data.setlist(key, value if isinstance(value, (list, tuple)) else [value])
            data = data.copy()
            for key in list(data):
                values = [value for value in data.getlist(key) if value.strip()]
                if values:
                    data.setlist(key, values)
                else:
                    del data[key]
        super().__init__(data, *args, **kwargs)
        if not api:
            del self.filters["page_size"]

    def facet_values(self, facet: str) -> tuple[str, ...]:
        """A validated facet's values as the index holds them (refs, codes, names, ids)."""
        value = self.form.cleaned_data.get(facet)
        if not value:
            return ()
        filter_ = self.filters[facet]
        if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
            key = filter_.field.to_field_name or "pk"
            return tuple(dict.fromkeys(str(getattr(item, key)) for item in value))
        return tuple(dict.fromkeys(value))

    def search_query(self) -> SearchQuery:
        """The query these (valid) parameters ask for."""
        data = self.form.cleaned_data
        filters = {facet: values for facet in FACETS if (values := self.facet_values(facet))}
        return SearchQuery(
            text=data.get("q") or "",
            filters=filters,
            list_size=data.get("list_size"),
            max_price=data.get("max_price"),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            page_size=data.get("page_size") or DEFAULT_PAGE_SIZE,
        )


class SuggestForm(forms.Form):
    """The type-ahead's one parameter (GET /api/v1/search/suggest/?q=)."""

    q = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": f"Search text must be {TEXT_MAX_LENGTH} characters or fewer "
            "(it has %(show_value)d)."
        },
    )
