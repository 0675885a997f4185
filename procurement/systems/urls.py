"""Your systems: what the acting organisation already runs (included by procurement/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("buyer/systems/", views.systems, name="systems"),
    path("buyer/systems/<int:pk>/remove/", views.remove_system, name="system-remove"),
]
