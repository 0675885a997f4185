"""`manage.py seed_demo [--solutions N]`: build the demo (logic in catalogue/demo.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from catalogue.demo import format_logins, seed_demo
from catalogue.reference import format_summary


class Command(BaseCommand):
    help = (
        "Load the reference data, then the real organisations, suppliers and listings, invented demo "
        "listings and demo users. --solutions N adds N generated scale-test listings. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--solutions",
            type=int,
            default=0,
            metavar="N",
            help="Also generate N scale-test listings (is_demo); re-running with the same N adds none.",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        count = options["solutions"]

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1 and (done == total or done % 10000 < 1000):
                self.stdout.write(f"  scale listings: {done}/{total} ({time.monotonic() - started:.0f} s)")

        result = seed_demo(scale_solutions=count, progress=progress if count else None)
        for line in format_summary(result.summary):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for line in format_logins(result.logins):
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
