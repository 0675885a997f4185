from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Procurement"

    def ready(self) -> None:
        # Listing pages (cms, catalogue) may not import procurement: they render registered panels.
        from catalogue.extensions import register_listing_panel
        from search.restrictions import register_restriction

        from .panels import WORKS_WITH_FILTER, works_with_panel

        register_listing_panel("procurement.works_with", works_with_panel)
        # The catalogue search may not import procurement either: "Works with our systems" is a
        # restriction it applies by listing id.
        register_restriction(WORKS_WITH_FILTER)
