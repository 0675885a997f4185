"""The catalogue's own reactions to its events. Wired in CatalogueConfig.ready()."""

from django.dispatch import receiver

from . import events
from .conformance import notifications


@receiver(events.conformance_changed, dispatch_uid="catalogue_conformance_emails")
def email_supplier_about_conformance(sender, **kwargs) -> None:
    notifications.conformance_changed(**kwargs)
