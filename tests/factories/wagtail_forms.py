"""POST data for a Wagtail page edit form, built from a page's current values, so tests can save,
submit and validate pages through the real admin views the way a browser does."""

from __future__ import annotations

import datetime
from decimal import Decimal

from wagtail import blocks
from wagtail.admin.rich_text import get_rich_text_editor_widget
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, Decimal | int | float | datetime.date):
        return str(value)
    return str(value)


def block_data(block: blocks.Block, value, prefix: str) -> dict[str, str]:
    """The form data Wagtail's block widget would post for `value` under `prefix`."""
    data: dict[str, str] = {}
    if isinstance(block, blocks.StreamBlock):
        children = list(value) if value is not None else []
        data[f"{prefix}-count"] = str(len(children))
        for index, child in enumerate(children):
            child_block = child.block
            data.update(
                {
                    f"{prefix}-{index}-type": child.block_type,
                    f"{prefix}-{index}-deleted": "",
                    f"{prefix}-{index}-order": str(index),
                    f"{prefix}-{index}-id": child.id or "",
                }
            )
            data.update(block_data(child_block, child.value, f"{prefix}-{index}-value"))
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            data.update(block_data(child_block, value.get(name) if value else None, f"{prefix}-{name}"))
    elif isinstance(block, blocks.ListBlock):
        if hasattr(value, "bound_blocks"):
            items = [(bound.value, bound.id or "") for bound in value.bound_blocks]
        else:
            items = [(item, "") for item in (value or [])]
        data[f"{prefix}-count"] = str(len(items))
        for index, (item, item_id) in enumerate(items):
            data.update(
                {
                    f"{prefix}-{index}-deleted": "",
                    f"{prefix}-{index}-order": str(index),
                    f"{prefix}-{index}-id": item_id,
                }
            )
            data.update(block_data(block.child_block, item, f"{prefix}-{index}-value"))
    elif isinstance(block, blocks.RichTextBlock):
        html = value.source if hasattr(value, "source") else (value or "")
        data[prefix] = get_rich_text_editor_widget(features=block.features).format_value(html)
    elif isinstance(block, ImageChooserBlock):
        data[prefix] = str(value.pk) if value else ""
    else:
        data[prefix] = _scalar(value)
    return data


def page_form_data(page, **changes) -> dict[str, str | list[str]]:
    """Edit-form data for `page` with its current values, and `changes` (plain field values, or for a
    StreamField a list of (block type, value) pairs) applied on top."""
    for name, value in changes.items():
        setattr(page, name, value)
    data: dict[str, str | list[str]] = {"title": page.title, "slug": page.slug}
    for field in page._meta.get_fields():
        if not getattr(field, "concrete", False) or field.auto_created or field.is_relation:
            continue
        if field.name in data or (
            field.model._meta.model_name == "page" and field.name not in ("title", "slug")
        ):
            continue
        value = getattr(page, field.name)
        if isinstance(field, StreamField):
            data.update(block_data(field.stream_block, value, field.name))
        elif isinstance(value, list):
            data[field.name] = [str(item) for item in value]
        else:
            data[field.name] = _scalar(value)
    return data
