from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Call-off orders (contracts). Depends on procurement; never on competitions or contracts, which
    learn about orders through the signals in signals.py."""

    name = "procurement.orders"
    label = "orders"
    verbose_name = "Orders"
