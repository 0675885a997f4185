"""Wagtail pages for tests: the page tree the site needs to serve its home page, made on demand.

Migration cms.0002 makes the tree (root page, home page, default site) once. A transactional test (every
browser test) empties every table when it finishes, tree included, and a database kept with
`--reuse-db` keeps that empty state; so tests that serve the home page call `ensure_home_page()` rather
than trusting the migration's rows to be there.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import HomePage

INTRO = (
    "<p>Find, compare and call off modules that meet the NHS standards, "
    "from any supplier on the frameworks.</p>"
)


def ensure_home_page() -> HomePage:
    """The default site's home page: the existing one, or a new tree like the migration's."""
    home = HomePage.objects.first()
    if home is None:
        locale, _ = Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", locale=locale)
        )
        home = root.add_child(
            instance=HomePage(
                title="GP IT Marketplace",
                slug="home",
                locale=locale,
                heading=HomePage._meta.get_field("heading").default,
                intro=INTRO,
            )
        )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "GP IT Marketplace"},
    )
    return home
