from django.urls import path

from . import views

urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("compare/comparison.csv", views.compare_csv, name="compare-csv"),
    path("compare/comparison.pdf", views.compare_pdf, name="compare-pdf"),
]
