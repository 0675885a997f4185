"""Contracts' routes (namespace "contracts", included at the site root by config/urls.py): the public
OCDS API under /api/v1/ocds/ and the buyer's switching pages under /contracts/."""

from django.urls import path

from . import api, views

app_name = "contracts"

urlpatterns = [
    path("api/v1/ocds/", api.ReleasePackageListView.as_view(), name="ocds-list"),
    path("api/v1/ocds/<str:ocid>/", api.ReleasePackageDetailView.as_view(), name="ocds-package"),
    path("contracts/ending/", views.ending, name="ending"),
    path("contracts/ending/<int:pk>/replace/", views.replace, name="replace"),
]
