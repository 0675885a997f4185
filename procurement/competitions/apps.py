from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    """Further competitions and direct awards: from a shortlist to an awarded call-off order."""

    name = "procurement.competitions"
    label = "competitions"
    verbose_name = "Competitions"
