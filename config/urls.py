from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("accounts.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # /catalogue/ (the search page) and /api/v1/search/, ahead of the catalogue API's /api/v1/ routes.
    path("", include("search.urls")),
    path("", include("procurement.urls")),
    path("", include("procurement.competitions.urls")),  # namespace "competitions"
    path("", include("procurement.orders.urls")),  # namespace "orders": /orders/, /supplier/orders/
    path("", include("procurement.contracts.urls")),  # namespace "contracts": /api/v1/ocds/, /contracts/
    path("api/v1/", include("catalogue.api.urls")),
    path("", include("catalogue.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns.append(path("", include(wagtail_urls)))
