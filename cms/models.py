"""Wagtail pages. The home page for now; listings, guidance and the catalogue index come with the
CMS-backed listings work (issue 3)."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from catalogue.models import Capability, Framework, Solution


class HomePage(Page):
    """The front door: a search box, the foundation capabilities and the frameworks."""

    heading = models.CharField(max_length=255, default="Buy GP IT software from the GP IT Futures frameworks")
    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text="A sentence or two under the heading.",
    )

    content_panels = [*Page.content_panels, FieldPanel("heading"), FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["foundation_capabilities"] = Capability.objects.filter(is_foundation=True)
        context["frameworks"] = Framework.objects.live()
        context["solution_count"] = Solution.objects.published().count()
        return context
