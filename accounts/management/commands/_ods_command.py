"""What `import_ods` and `import_list_sizes` share: arguments, the progress bar, the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.ods import MAX_FILE_BYTES, ImportResult, OdsFileError


class OdsCommand(BaseCommand):
    loader: Callable[..., list[ImportResult]]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV files, in any order.")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show a progress bar on stderr even when it is not a terminal.",
        )
        parser.add_argument(
            "--max-size",
            type=int,
            default=MAX_FILE_BYTES // (1024 * 1024),
            metavar="MB",
            help="Refuse a file bigger than this (default %(default)s MB).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        show = options["progress"] or self.stderr.isatty()

        def draw(text: str) -> None:
            self.stderr.write(text, ending="")
            self.stderr.flush()

        try:
            results = type(self).loader(
                options["files"], max_bytes=options["max_size"] * 1024 * 1024, progress=draw if show else None
            )
        except OdsFileError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        total = ImportResult()
        for result in results:
            self.stdout.write(f"{result.path}: {result.format}")
            for bad in result.bad_rows:
                self.stdout.write(f"  bad row, {bad}")
            if result.skipped:
                self.stdout.write(f"  skipped {result.skipped} rows about something else")
            self.stdout.write(f"  {result.summary()}")
            total.add(result)
        self.stdout.write(total.summary())
