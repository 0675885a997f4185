"""Forms of the buyer's pages. They check what a person typed; the service functions check again
(and decide permission), so a request that skips the form gets the same answer."""

from __future__ import annotations

from django import forms

from ..models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH


class ShortlistForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter a name for the shortlist.",
            "max_length": f"The name must be {NAME_MAX_LENGTH} characters or fewer.",
        },
    )
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"The description must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer.",
        },
    )


class NewShortlistForm(ShortlistForm):
    # The catalogue search's query string, as the "Save this search" button sent it.
    search = forms.CharField(required=False, max_length=10_000, widget=forms.HiddenInput)


class AlertsForm(forms.Form):
    alerts = forms.ChoiceField(
        choices=(("on", "on"), ("off", "off")),
        error_messages={"required": "Choose whether to get alerts.", "invalid_choice": "Choose on or off."},
    )
