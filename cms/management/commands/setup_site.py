from django.core.management.base import BaseCommand

from cms.setup import ensure_site


class Command(BaseCommand):
    help = (
        "Make the site's fixed structure if missing: home page, solutions index, guidance pages, the "
        "Catalogue review workflow, Wagtail groups from memberships, and a listing page per solution. "
        "Idempotent."
    )

    def handle(self, *args, **options) -> None:
        for name, count in ensure_site().items():
            self.stdout.write(f"{name}: {count}")
