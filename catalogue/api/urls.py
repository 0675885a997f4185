"""Routes of the public read API, included at /api/v1/ under the `api` namespace (config/urls.py).

The OpenAPI schema (/api/v1/schema/) and its docs (/api/v1/docs/, /api/v1/redoc/) are routed in
config/urls.py, ahead of this include.
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import conformance, views

app_name = "api"

router = DefaultRouter()
router.register("frameworks", views.FrameworkViewSet, basename="framework")
router.register("capabilities", views.CapabilityViewSet, basename="capability")
router.register("epics", views.EpicViewSet, basename="epic")
router.register("standards", views.StandardViewSet, basename="standard")
router.register("integrations", views.IntegrationViewSet, basename="integration")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("solutions", views.SolutionViewSet, basename="solution")

urlpatterns = [
    path("conformance/reports/", conformance.ReportIngestView.as_view(), name="conformance-reports"),
    path("conformance/reports/<int:pk>/", conformance.ReportDetailView.as_view(), name="conformance-report"),
    *router.urls,
]
