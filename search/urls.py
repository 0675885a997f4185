"""Routes of search: the catalogue page and the search API (included by config/urls.py ahead of the
catalogue API's /api/v1/ routes)."""

from django.urls import path

from . import api, views

app_name = "search"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("api/v1/search/", api.SearchView.as_view(), name="api-search"),
    path("api/v1/search/suggest/", api.SuggestView.as_view(), name="api-suggest"),
]
