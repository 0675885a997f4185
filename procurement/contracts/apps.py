from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "procurement.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        from . import checks, signal_handlers  # noqa: F401
