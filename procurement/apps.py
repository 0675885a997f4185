from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Procurement"

    def ready(self) -> None:
        # Listing pages (cms, catalogue) may not import procurement: they render registered panels.
        from catalogue.extensions import register_listing_panel

        from .panels import works_with_panel

        register_listing_panel("procurement.works_with", works_with_panel)
