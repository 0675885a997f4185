"""`manage.py seed_procurement_demo`: procurement's demo data, after `seed_demo` (procurement/demo.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from procurement.demo import DEMO_PRACTICE, seed_demo_competition, seed_demo_order, seed_demo_systems


class Command(BaseCommand):
    help = "Record the demo practice's systems (idempotent). Run after seed_demo."

    def handle(self, *args, **options) -> None:
        result = seed_demo_systems()
        if result.skipped:
            self.stdout.write(f"Nothing to do: {result.skipped}.")
        elif result.created:
            self.stdout.write(f"Recorded for {DEMO_PRACTICE}: {', '.join(result.created)}.")
        else:
            self.stdout.write(f"The systems of {DEMO_PRACTICE} are already recorded.")
        competition = seed_demo_competition()
        done = competition.skipped or ", ".join(competition.created) or "already in place"
        self.stdout.write(f"Competition demo: {done}.")
        order = seed_demo_order()
        self.stdout.write(f"Order demo: {order.skipped or f'{order.call_off_id} completed'}.")
