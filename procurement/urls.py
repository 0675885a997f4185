"""Procurement's pages and API. Each area keeps its own URL module so they can grow apart."""

from django.urls import include, path

app_name = "procurement"

urlpatterns = [
    path("", include("procurement.compare.urls")),
    path("", include("procurement.buying.urls")),
    path("", include("procurement.systems.urls")),
]
