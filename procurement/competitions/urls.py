"""Competitions and direct awards, under /buyer/competitions/ (namespace "competitions")."""

app_name = "competitions"

urlpatterns: list = []
