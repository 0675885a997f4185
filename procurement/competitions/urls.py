"""Competitions and direct awards, under /buyer/competitions/ (namespace "competitions")."""

from django.urls import path

from . import views

app_name = "competitions"

urlpatterns = [
    path("buyer/competitions/start/<int:shortlist_pk>/", views.start, name="start"),
    path("buyer/competitions/<int:pk>/", views.detail, name="detail"),
    path("buyer/competitions/<int:pk>/solutions/", views.solutions, name="solutions"),
    path("buyer/competitions/<int:pk>/recipients/", views.recipients, name="recipients"),
    path("buyer/competitions/<int:pk>/recipients/upload/", views.recipients_upload, name="recipients-upload"),
    path(
        "buyer/competitions/<int:pk>/recipients/template.csv",
        views.recipients_template,
        name="recipients-template",
    ),
    path("buyer/competitions/<int:pk>/contract-length/", views.contract_length, name="contract-length"),
    path("buyer/competitions/<int:pk>/criteria/", views.criteria, name="criteria"),
    path("buyer/competitions/<int:pk>/prices/", views.prices, name="prices"),
    path("buyer/competitions/<int:pk>/scores/", views.scores, name="scores"),
    path("buyer/competitions/<int:pk>/results/", views.results_page, name="results"),
    path("buyer/competitions/<int:pk>/results.pdf", views.results_pdf, name="results-pdf"),
    path("buyer/competitions/<int:pk>/award/", views.award, name="award"),
    path("buyer/competitions/<int:pk>/direct-award/", views.direct_award, name="direct-award"),
    path("buyer/competitions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("buyer/competitions/<int:pk>/history/", views.audit, name="audit"),
    path("buyer/competitions/<int:pk>/history.csv", views.audit_csv, name="audit-csv"),
]
