"""Wagtail pages for tests.

The site's fixed structure (home page, solutions index, guidance pages, review workflow) comes from
`cms.setup.ensure_site()`, the same code `manage.py setup_site` runs. A transactional test (every
browser test) empties every table when it finishes, tree included, so tests that serve pages call
`ensure_home_page()` rather than trusting the migration's rows to be there.
"""

from __future__ import annotations

from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cms.models import HomePage, ListingPage
from cms.setup import ensure_site


def ensure_home_page() -> HomePage:
    """The default site's home page, with the rest of the site's structure below it."""
    ensure_site()
    return HomePage.objects.get()


def make_image(title: str = "Appointment book", size: tuple[int, int] = (480, 300)):
    """A Wagtail image of a small PNG drawn with Pillow."""
    buffer = BytesIO()
    PILImage.new("RGB", size, (0, 94, 184)).save(buffer, format="PNG")
    buffer.seek(0)
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="screenshot.png"))


def rich_content(image=None) -> list[dict]:
    """A listing body with one block of each kind (a screenshot only when given an image)."""
    body = [
        {
            "type": "feature",
            "value": {"heading": "Book from any device", "text": "<p>Patients book online at any hour.</p>"},
        },
        {
            "type": "case_study",
            "value": {
                "title": "Fewer calls at 8am",
                "organisation": "Riverside Surgery",
                "summary": "<p>Morning calls fell by a third in two months.</p>",
                "quote": "Our phones are quiet at last.",
                "quote_by": "Practice manager, Riverside Surgery",
            },
        },
        {"type": "implementation_approach", "value": "<p>We migrate your appointment book in a day.</p>"},
    ]
    if image is not None:
        body.insert(
            1,
            {
                "type": "screenshot",
                "value": {
                    "image": image.pk,
                    "alt_text": "The appointment book, showing free slots for Monday morning",
                    "caption": "Free slots are shown in green.",
                },
            },
        )
    return body


def approve_draft(page: ListingPage, moderator, **fields) -> ListingPage:
    """Save a draft of a listing page with `fields` changed and publish it as the end of the catalogue
    team's review does (cms.workflows.publish_approved): nobody may publish a listing page directly, so
    Wagtail's permission check is skipped, and `ListingPage.publish` approves the draft through the
    catalogue (`approve_listing`), which checks that `moderator` is on the catalogue team."""
    draft = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save_revision().publish(user=moderator, skip_permission_checks=True)
    return ListingPage.objects.get(pk=page.pk)
