from django.urls import path, re_path

from . import evidence_views, views

app_name = "catalogue"

urlpatterns = [
    # Only solution ids (10000-001): the CMS serves supplier and listing pages under /solutions/ too.
    re_path(
        r"^solutions/(?P<catalogue_id>[0-9]{5,6}-[0-9]{3})/$", views.solution_detail, name="solution-detail"
    ),
    path("conformance/reports/<int:pk>/", evidence_views.report_detail, name="report-detail"),
]
