"""The buyer's pages, at the site root (included by procurement/urls.py, namespace "procurement")."""

from django.urls import path

from . import views

urlpatterns = [
    path("buyer/", views.dashboard, name="dashboard"),
    path("shortlists/new/", views.shortlist_new, name="shortlist-new"),
    path("shortlists/<int:pk>/", views.shortlist_detail, name="shortlist"),
    path("shortlists/<int:pk>/edit/", views.shortlist_edit, name="shortlist-edit"),
    path("shortlists/<int:pk>/delete/", views.shortlist_delete, name="shortlist-delete"),
    path("shortlists/<int:pk>/alerts/", views.shortlist_alerts, name="shortlist-alerts"),
    path("shortlists/<int:pk>/export.csv", views.shortlist_csv, name="shortlist-csv"),
    path("shortlists/<int:pk>/export.pdf", views.shortlist_pdf, name="shortlist-pdf"),
]
