"""The search API: GET /api/v1/search/ (the catalogue page's search, as JSON) and
GET /api/v1/search/suggest/?q= (names for type-ahead).

The parameters are the page's (search/filters.py), plus `page_size`; a bad one is a 400 whose JSON
names it: `{"capability": ["“C99” is not a capability reference ..."]}`, as the catalogue API's
filters answer. The OpenAPI parameters are generated from the same FilterSet, so the schema lists
every parameter the view accepts.
"""

from __future__ import annotations

from dataclasses import replace

import django_filters
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import restrictions
from .filters import PoundsFilter, SearchFilterSet, SuggestForm, WholeNumberFilter
from .query import FACETS
from .results import Result, results_for
from .service import search, suggest

# --- Parameters ---------------------------------------------------------------------------------


def _parameter(name: str, filter_: django_filters.Filter) -> OpenApiParameter:
    """An OpenAPI query parameter describing one of the FilterSet's filters."""
    kwargs: dict = {"description": str(filter_.extra.get("help_text", "")), "required": False}
    if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
        kwargs.update(type=OpenApiTypes.INT if name == "integration_type" else OpenApiTypes.STR, many=True)
    elif isinstance(filter_, django_filters.MultipleChoiceFilter):
        kwargs.update(type=OpenApiTypes.STR, many=True, enum=[v for v, _ in filter_.extra["choices"]])
    elif isinstance(filter_, django_filters.ChoiceFilter):
        kwargs.update(type=OpenApiTypes.STR, enum=[v for v, _ in filter_.extra["choices"]])
    elif isinstance(filter_, WholeNumberFilter):
        kwargs.update(type=OpenApiTypes.INT)
    elif isinstance(filter_, PoundsFilter):
        kwargs.update(type=OpenApiTypes.NUMBER)
    else:
        kwargs.update(type=OpenApiTypes.STR)
    return OpenApiParameter(name, location=OpenApiParameter.QUERY, **kwargs)


SEARCH_PARAMETERS = [_parameter(name, filter_) for name, filter_ in SearchFilterSet.base_filters.items()]
# Restrictions other apps registered in their ready() (before the URLs, hence this module, load).
SEARCH_PARAMETERS += [
    OpenApiParameter(
        restriction.parameter,
        OpenApiTypes.STR,
        enum=[restrictions.YES],
        required=False,
        description=f"{restriction.label}: {restriction.hint}",
    )
    for restriction in restrictions.registered()
]

ERRORS_SCHEMA = {
    "type": "object",
    "description": "Each wrong parameter, with what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
BAD_PARAMETERS = OpenApiResponse(
    response=ERRORS_SCHEMA,
    description="A parameter is wrong: each one named, with what is wrong with it.",
    examples=[
        OpenApiExample(
            "Unknown capability",
            value={"capability": ["“C99” is not a capability reference (such as C43)."]},
        ),
        OpenApiExample(
            "Price sort without a list size",
            value={
                "sort": [
                    "Enter a list size to sort by price: the price depends on how many patients the "
                    "practice has."
                ]
            },
        ),
    ],
)

# --- Responses ----------------------------------------------------------------------------------


class SearchSupplierSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The supplier's id, such as 10000.")
    name = serializers.CharField()


class SearchResultSerializer(serializers.Serializer):
    """One result: a public listing, how it matched and (with a list size) its first-year price."""

    catalogue_id = serializers.CharField(source="solution.catalogue_id", help_text="The solution id.")
    name = serializers.CharField(source="solution.name")
    supplier = SearchSupplierSerializer(source="solution.supplier")
    summary = serializers.CharField(source="solution.summary")
    snippet = serializers.CharField(
        source="hit.snippet",
        help_text="HTML: an extract of the listing's text (escaped) with the matching words in <mark>. "
        "Empty when no words were searched for.",
    )
    url = serializers.SerializerMethodField(help_text="The listing's page on the marketplace.")
    api_url = serializers.SerializerMethodField(help_text="The solution in the API.")
    accredited = serializers.BooleanField(source="solution.is_accredited")
    in_remediation = serializers.BooleanField(
        help_text="Listed, but the catalogue team has asked the supplier to fix something."
    )
    is_demo = serializers.BooleanField(source="solution.is_demo", help_text="Invented for the demo.")
    price = serializers.DecimalField(
        source="hit.price",
        max_digits=20,
        decimal_places=2,
        allow_null=True,
        help_text="First-year cost in pounds for list_size patients; null without a list size, or when "
        "the listing has no price for that many.",
    )
    score = serializers.FloatField(
        source="hit.score", allow_null=True, help_text="Relevance (higher is better; 0 without words)."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, result: Result) -> str:
        return self.context["request"].build_absolute_uri(result.solution.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, result: Result) -> str:
        path = reverse("api:solution-detail", kwargs={"catalogue_id": result.solution.catalogue_id})
        return self.context["request"].build_absolute_uri(path)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What to pass as the facet's parameter to select it.")
    label = serializers.CharField()
    count = serializers.IntegerField(
        help_text="Results with this value, counting the other facets' selections but not this "
        'facet\'s own (so choosing another value of an "any" facet adds these).'
    )
    selected = serializers.BooleanField()


SearchFacetsSerializer = type(
    "SearchFacetsSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "Every facet's values among the results, most frequent first.",
        **{facet: FacetValueSerializer(many=True) for facet in FACETS},
    },
)


class SearchResponseSerializer(serializers.Serializer):
    results = SearchResultSerializer(many=True)
    total = serializers.IntegerField(help_text="Results in all pages.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    corrected_text = serializers.CharField(
        help_text="The words searched for, when misspelt words were corrected; empty otherwise."
    )
    backend = serializers.CharField(help_text="Which search backend answered.")
    facets = SearchFacetsSerializer()


SUGGESTIONS = OpenApiResponse(
    response={"type": "array", "items": {"type": "string"}},
    description="Solution names, then supplier names, each A to Z.",
)


# --- Views --------------------------------------------------------------------------------------


class SearchView(APIView):
    """Search the public listings: words, facets, a price for a list size, sorts and pages."""

    @extend_schema(
        operation_id="search",
        summary="Search the catalogue",
        description="Public listings matching words (misspellings corrected) and filters, a page at "
        "a time, with every facet's counts. Repeat a facet's parameter to choose several values: "
        "capability and epic need all of them, the other facets any.",
        parameters=SEARCH_PARAMETERS,
        responses={200: SearchResponseSerializer, 400: BAD_PARAMETERS},
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        filterset = SearchFilterSet(request.query_params)
        valid = filterset.is_valid()
        allowed, restriction_errors = restrictions.allowed_ids(request, request.query_params)
        if not valid or restriction_errors:
            raise ValidationError({**(filterset.errors if not valid else {}), **restriction_errors})
        query = replace(filterset.search_query(), solution_ids=allowed)
        results = search(query)
        data = {
            "results": results_for(results.hits),
            "total": results.total,
            "page": query.page,
            "pages": results.pages,
            "page_size": query.page_size,
            "corrected_text": results.corrected_text,
            "backend": results.backend,
            "facets": {facet: results.facets.get(facet, []) for facet in FACETS},
        }
        return Response(SearchResponseSerializer(data, context={"request": request}).data)


class SuggestView(APIView):
    """Names for a search box's type-ahead."""

    @extend_schema(
        operation_id="search_suggest",
        summary="Suggest names as someone types",
        description="Up to 8 solution and supplier names starting with the text given (or with a "
        "word starting with it). Fewer than 2 characters give an empty list.",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="What has been typed so far.",
            )
        ],
        responses={
            200: SUGGESTIONS,
            400: OpenApiResponse(response=ERRORS_SCHEMA, description="The text is over 200 characters."),
        },
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        form = SuggestForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return Response(suggest(form.cleaned_data["q"]))
