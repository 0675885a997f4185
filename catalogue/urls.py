from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("catalogue/", views.solution_list, name="solution-list"),
    path("solutions/<str:catalogue_id>/", views.solution_detail, name="solution-detail"),
]
