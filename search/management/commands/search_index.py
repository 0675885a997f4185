import sys

from django.core.management.base import BaseCommand, CommandError

from search import indexing


class Command(BaseCommand):
    help = "Rebuild the search index (--rebuild) or report listings missing from it or stale in it (--check)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--rebuild", action="store_true", help="Build the whole index again.")
        group.add_argument("--check", action="store_true", help="Compare the index with the catalogue.")

    def handle(self, *args, rebuild=False, check=False, **options):
        if rebuild:
            count = indexing.rebuild(progress=self.progress)
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"Indexed {count} listings."))
            return
        report = indexing.check()
        for kind, ids in report.items():
            self.stdout.write(
                f"{kind}: {len(ids)}"
                + (f" ({', '.join(ids[:20])}{'…' if len(ids) > 20 else ''})" if ids else "")
            )
        if any(report.values()):
            raise CommandError("The index does not match the catalogue: run search_index --rebuild.")

    def progress(self, done: int, total: int) -> None:
        if done == total or done % 500 == 0:
            width = 30
            filled = int(width * done / max(total, 1))
            sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stdout.flush()
