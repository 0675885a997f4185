"""Time `manage.py seed_demo --solutions N` and report its peak memory.

Usage (from the project root; N defaults to 50,000):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_seed \\
    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/seed_scale.py 50000

Point DATABASE_URL at a throwaway database: the script migrates it and fills it. The command runs in this
process, so the peak RSS printed is the whole interpreter's, Django and the data included. Run it twice to see
the idempotent re-run (it should add nothing and take a second or two).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main(argv: list[str]) -> int:
    import django
    from django.core.management import call_command
    from django.db import connection

    count = int(argv[1]) if len(argv) > 1 else 50_000
    django.setup()
    call_command("migrate", verbosity=0)

    from catalogue.models import Solution

    before = Solution.objects.count()
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", solutions=count, verbosity=0, stdout=quiet)
    seconds = time.perf_counter() - started
    after = Solution.objects.count()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"seed_demo --solutions {count}: {seconds:.1f} s (solutions {before} -> {after})")
    print(f"peak RSS: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
