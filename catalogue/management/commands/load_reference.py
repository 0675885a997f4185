"""`manage.py load_reference`: merge catalogue/reference_data/ into the database.

The logic is in catalogue/reference.py; this command only prints its summary."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from catalogue.reference import format_summary, load_reference


class Command(BaseCommand):
    help = (
        "Load the GP IT Futures frameworks, capabilities, epics, standards and integration types from "
        "catalogue/reference_data/. Idempotent: a second run changes nothing."
    )

    def handle(self, *args, **options) -> None:
        for line in format_summary(load_reference()):
            self.stdout.write(line)
