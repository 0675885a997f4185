"""Time `import_ods` on a national-sized practice file, twice, and report peak memory.

Usage (from the project root):

    .venv/bin/python bench/ods_import.py [--practices 20000]

DATABASE_URL picks the database (default postgres://postgres@127.0.0.1:5432/bench_ods, created and
migrated if missing). Targets: each run under 30 s and 200 MB peak, and a second run of the same files
writes 0 rows.

It writes, into a temporary directory, a sub-ICB location file (`eccg.csv` layout: 106 sub-ICB locations
in 42 ICBs) and a GP practice file in the current ODS Data Search and Export layout (`epraccur.csv`, rows
shaped like reference/ods/epraccur.dse-2025.csv: about 5% closed, 1% dormant), removes the bench's
organisations from an earlier run, then imports both files in a fresh child process twice. Each child prints
its time, the rows written and its own peak RSS (VmHWM, the whole interpreter with Django loaded) next to its
RSS before the import, so the importer's share is visible.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_ods")

ICBS = 42
SUB_ICBS = 106
_STREETS = ("HIGH STREET", "STATION ROAD", "CHURCH LANE", "PARK ROAD", "MILL LANE", "VICTORIA ROAD")
_TOWNS = ("STOCKTON-ON-TEES", "HARTLEPOOL", "MIDDLESBROUGH", "DARLINGTON", "DURHAM", "SUNDERLAND")
_KINDS = ("SURGERY", "MEDICAL CENTRE", "HEALTH CENTRE", "MEDICAL PRACTICE", "FAMILY PRACTICE")


def icb_code(number: int) -> str:
    return f"QZ{number:X}" if number < 16 else f"QY{number - 16:X}" if number < 32 else f"QX{number - 32:X}"


_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def sub_icb_code(number: int) -> str:
    return f"9{_DIGITS[number // 36]}{_DIGITS[number % 36]}"


def practice_code(number: int) -> str:
    return f"{'BCD'[number // 10000]}{number % 10000:05d}"


def generate(folder: Path, practices: int, seed: int = 2026) -> list[Path]:
    """The two files, in the excerpts' shape (27 quoted columns, no header)."""
    rng = random.Random(seed)
    eccg, epraccur = folder / "eccg.csv", folder / "epraccur.csv"
    with eccg.open("w", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        for n in range(SUB_ICBS):
            icb = icb_code(n % ICBS)
            row = [""] * 27
            code = sub_icb_code(n)
            row[:4] = [code, f"NHS BENCH ICB {icb} - {code}", "Y63", icb]
            row[7], row[9], row[10], row[13] = "LEEDS", "LS2 7UE", "20220701", "C"
            row[21] = "1"
            writer.writerow(row)
    with epraccur.open("w", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        for n in range(practices):
            roll = rng.random()
            status, closed = "ACTIVE", ""
            if roll < 0.05:
                status, closed = "INACTIVE", f"20{rng.randint(10, 24)}0{rng.randint(1, 9)}28"
            elif roll < 0.06:
                status = "DORMANT"
            town = rng.choice(_TOWNS)
            sub_icb_number = rng.randrange(SUB_ICBS)
            sub_icb = sub_icb_code(sub_icb_number)
            writer.writerow(
                [
                    practice_code(n),
                    f"{rng.choice(_STREETS).split()[0]} {rng.choice(_KINDS)} {n}",
                    "Y63",
                    icb_code(sub_icb_number % ICBS),
                    rng.choice(_STREETS),
                    "",
                    "",
                    town,
                    "",
                    f"TS{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}X",
                    "19740401",
                    closed,
                    status,
                    "B",
                    sub_icb,
                    "20220701",
                    closed,
                    f"01642 {rng.randint(100000, 999999)}",
                    "",
                    "",
                    "",
                    "1",
                    "",
                    sub_icb,
                    "",
                    "RO76",
                    "",
                ]
            )
    return [eccg, epraccur]


def vm(name: str) -> int:
    """VmHWM / VmRSS of this process, in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def child(paths: list[str]) -> None:
    import django

    django.setup()
    from django.utils import timezone

    from accounts.models import Organisation
    from accounts.ods import import_ods

    before_rss = vm("VmRSS")
    started_at = timezone.now()
    started = time.perf_counter()
    results = import_ods(paths)
    seconds = time.perf_counter() - started
    touched = Organisation.objects.filter(updated_at__gte=started_at).count()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "written": sum(r.written for r in results),
                "touched": touched,
                "bad_rows": sum(len(r.bad_rows) for r in results),
                "summary": [r.summary() for r in results],
                "rss_before_mb": before_rss / 1024,
                "peak_mb": vm("VmHWM") / 1024,
            }
        )
    )


def prepare_database(url: str) -> None:
    """Create and migrate the bench database when it is missing; remove the bench's organisations."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, cwd=ROOT)
    script = (
        "import django; django.setup()\n"
        "from accounts.models import Organisation as O\n"
        "O.objects.filter(ods_code__regex=r'^[BCD][0-9]{5}$').delete()\n"
        "O.objects.filter(ods_code__regex=r'^9[0-9A-Z]{2}$').delete()\n"
        "O.objects.filter(ods_code__regex=r'^Q[XYZ][0-9A-F]$').delete()\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=20_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    url = os.environ["DATABASE_URL"]
    print(f"database: {url.rsplit('@', 1)[-1]}")
    prepare_database(url)
    with tempfile.TemporaryDirectory() as folder:
        paths = generate(Path(folder), args.practices)
        size = sum(p.stat().st_size for p in paths)
        print(f"files: {args.practices:,} practices, {SUB_ICBS} sub-ICB locations, {size / 1e6:.1f} MB")
        for label in ("first run", "second run"):
            output = subprocess.run(
                [sys.executable, __file__, "--child", *map(str, paths)],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
            figures = json.loads(output.strip().splitlines()[-1])
            print(
                f"{label}: {figures['seconds']:.2f} s, peak RSS {figures['peak_mb']:.0f} MB "
                f"(before the import {figures['rss_before_mb']:.0f} MB), rows written {figures['written']} "
                f"(updated_at moved on {figures['touched']}), bad rows {figures['bad_rows']}"
            )
            for line in figures["summary"]:
                print(f"  {line}")
    print("targets: under 30 s and 200 MB each; the second run writes 0 rows")


if __name__ == "__main__":
    main()
