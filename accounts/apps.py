from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and organisations"

    def ready(self) -> None:
        from . import signal_handlers  # noqa: F401  (connects the login signal handlers)
