from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Catalogue search"

    def ready(self) -> None:
        from . import signal_handlers  # noqa: F401
