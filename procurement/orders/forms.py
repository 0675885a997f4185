"""Forms of the order pages. They check what a person typed; the service functions check again (and
decide permission), so a request that skips the form gets the same answer.

Dates are entered as the NHS date input (day, month and year boxes): `DateParts` adds the three
fields for a date and turns them into one cleaned value, with the error on the day box."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .models import DESCRIPTION_MAX_LENGTH, TERMINATION_REASON_MAX_LENGTH
from .services import clean_price, clean_term

MAX_QUANTITY = 10_000_000


class DateParts:
    """Adds `<name>_day`, `<name>_month` and `<name>_year` to a form; `clean_date_parts(name, label)`
    returns the date (or None, with an error on the form)."""

    def add_date(self, name: str, initial: datetime.date | None = None) -> None:
        for part, value in (("day", "day"), ("month", "month"), ("year", "year")):
            self.fields[f"{name}_{part}"] = forms.CharField(required=False, max_length=4)
            if initial is not None:
                self.initial.setdefault(f"{name}_{part}", str(getattr(initial, value)))

    def clean_date_parts(self, name: str, label: str, *, required: bool = True) -> datetime.date | None:
        parts = [(self.cleaned_data.get(f"{name}_{part}") or "").strip() for part in ("day", "month", "year")]
        if not any(parts):
            if required:
                self.add_error(f"{name}_day", f"Enter the {label}.")
            return None
        if not all(part.isdigit() for part in parts):
            self.add_error(f"{name}_day", f"The {label} must be a real date, such as 27 3 2027.")
            return None
        day, month, year = (int(part) for part in parts)
        if len(parts[2]) != 4:
            self.add_error(f"{name}_day", f"The {label}'s year must have 4 digits.")
            return None
        try:
            return datetime.date(year, month, day)
        except ValueError:
            self.add_error(f"{name}_day", f"The {label} must be a real date, such as 27 3 2027.")
            return None


class DescriptionForm(forms.Form):
    description = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH,
        error_messages={
            "required": "Enter a description of the order.",
            "max_length": f"The description must be {DESCRIPTION_MAX_LENGTH} characters or fewer.",
        },
    )


def _contact_fields(prefix: str, who: str) -> dict[str, forms.Field]:
    return {
        f"{prefix}_contact_name": forms.CharField(
            max_length=255,
            error_messages={"required": f"Enter the name of {who}'s contact."},
        ),
        f"{prefix}_contact_email": forms.EmailField(
            max_length=254,
            error_messages={
                "required": f"Enter the email address of {who}'s contact.",
                "invalid": "Enter an email address in the correct format, like name@example.com.",
            },
        ),
        f"{prefix}_contact_phone": forms.RegexField(
            regex=r"^[0-9 +()-]{0,30}$",
            required=False,
            max_length=30,
            error_messages={"invalid": "Enter a telephone number, like 01632 960 001."},
        ),
    }


OrderingPartyForm = type(
    "OrderingPartyForm", (forms.Form,), _contact_fields("ordering_party", "the ordering party")
)
SupplierContactForm = type("SupplierContactForm", (forms.Form,), _contact_fields("supplier", "the supplier"))


class TermForm(DateParts, forms.Form):
    initial_period_months = forms.IntegerField(
        min_value=1,
        max_value=120,
        error_messages={
            "required": "Enter the initial period in months.",
            "invalid": "Enter the initial period as a whole number of months.",
            "min_value": "The initial period must be at least 1 month.",
            "max_value": "The initial period must be 120 months or fewer.",
        },
    )
    maximum_term_months = forms.IntegerField(
        min_value=1,
        max_value=120,
        error_messages={
            "required": "Enter the maximum term in months.",
            "invalid": "Enter the maximum term as a whole number of months.",
            "min_value": "The maximum term must be at least 1 month.",
            "max_value": "The maximum term must be 120 months or fewer.",
        },
    )

    def __init__(
        self, *args, commencement: datetime.date | None = None, framework_maximum: int = 120, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.framework_maximum = framework_maximum
        self.add_date("commencement_date", commencement)

    def clean(self):
        cleaned = super().clean()
        cleaned["commencement_date"] = self.clean_date_parts("commencement_date", "commencement date")
        # The service checks the term again; checking here too shows every problem at once.
        for field, message in clean_term(
            self.framework_maximum, cleaned.get("initial_period_months"), cleaned.get("maximum_term_months")
        ).items():
            self.add_error(field, message)
        return cleaned


class RecipientsForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="ods_code",
        error_messages={
            "required": "Choose at least one service recipient.",
            "invalid_choice": "Choose practices from the list.",
            "invalid_pk_value": "Choose practices from the list.",
        },
    )

    def __init__(self, *args, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = practices


class AddItemForm(forms.Form):
    price = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "required": "Choose an item to add.",
            "invalid_choice": "Choose an item from the list.",
        },
    )

    def __init__(self, *args, prices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].queryset = prices


class ItemForm(forms.Form):
    """An item's agreed price per tier and its quantities. The price boxes are text (the service
    checks decimals and the list price, with messages that name them); quantities are whole numbers."""

    def __init__(self, *args, item, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.item, self.recipients = item, recipients
        for number, tier in enumerate(item.tiers):
            name = "price" if number == 0 else f"price_{number}"
            self.fields[name] = forms.CharField(
                max_length=30, error_messages={"required": "Enter a price (the list price or lower)."}
            )
            self.initial.setdefault(name, tier["price"])
        quantity_errors = {
            "required": "Enter a quantity.",
            "invalid": "Enter the quantity as a whole number.",
            "min_value": "The quantity must be at least 1.",
            "max_value": f"The quantity must be {MAX_QUANTITY:,} or fewer.",
        }
        if item.is_per_recipient:
            for recipient in recipients:
                name = f"quantity_{recipient.ods_code}"
                self.fields[name] = forms.IntegerField(
                    min_value=1, max_value=MAX_QUANTITY, error_messages=quantity_errors
                )
                self.initial.setdefault(name, item.recipient_quantities.get(recipient.ods_code))
        else:
            self.fields["quantity"] = forms.IntegerField(
                min_value=1, max_value=MAX_QUANTITY, error_messages=quantity_errors
            )
            self.initial.setdefault("quantity", item.quantity)
        if item.is_on_demand:
            self.fields["estimation_period"] = forms.ChoiceField(
                choices=(("month", "Per month"), ("year", "Per year")),
                widget=forms.RadioSelect,
                error_messages={"required": "Choose whether the quantity is per month or per year."},
            )
            self.initial.setdefault("estimation_period", item.estimation_period or None)

    def clean(self):
        cleaned = super().clean()
        # The service checks prices again; checking here too shows every problem at once.
        for name, tier in self._price_names():
            if cleaned.get(name) is not None:
                try:
                    clean_price(cleaned[name], Decimal(tier["list_price"]), field=name)
                except ValidationError as error:
                    for message in error.message_dict[name]:
                        self.add_error(name, message)
        return cleaned

    def tier_fields(self) -> list[tuple]:
        """(bound field, label, hint) for each tier's price box."""
        rows = []
        for number, tier in enumerate(self.item.tiers):
            if self.item.price_type == "flat":
                label = "Price"
            elif tier["upper"] is None:
                label = f"Price for {tier['lower']:,} or more {self.item.range_description}".rstrip()
            else:
                label = (
                    f"Price for {tier['lower']:,} to {tier['upper']:,} {self.item.range_description}".rstrip()
                )
            hint = f"List price £{Decimal(tier['list_price']).normalize():f}"
            rows.append((self["price" if number == 0 else f"price_{number}"], label, hint))
        return rows

    def recipient_fields(self):
        return (
            [(r, self[f"quantity_{r.ods_code}"]) for r in self.recipients]
            if self.item.is_per_recipient
            else []
        )

    def prices(self) -> list[str]:
        return [self.cleaned_data[name] for name, _ in self._price_names()]

    def _price_names(self):
        return [("price" if n == 0 else f"price_{n}", t) for n, t in enumerate(self.item.tiers)]

    def recipient_quantities(self) -> dict[str, int] | None:
        if not self.item.is_per_recipient:
            return None
        return {r.ods_code: self.cleaned_data[f"quantity_{r.ods_code}"] for r in self.recipients}


class DeliveryDatesForm(DateParts, forms.Form):
    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.add_date(f"item_{item.pk}", item.planned_delivery_date)

    def clean(self):
        cleaned = super().clean()
        cleaned["dates"] = {
            item.pk: self.clean_date_parts(f"item_{item.pk}", f"planned delivery date for {item.name}")
            for item in self.items
        }
        return cleaned

    def date_fields(self) -> list[tuple]:
        return [(item, f"item_{item.pk}") for item in self.items]


class FundingForm(forms.Form):
    def __init__(self, *args, items, funding_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        choices = [("", "Choose a funding source"), *((t, t) for t in funding_types)]
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                choices=choices,
                error_messages={
                    "required": f"Choose the funding source for {item.name}.",
                    "invalid_choice": "Choose one of the framework's funding sources.",
                },
            )
            self.initial.setdefault(f"item_{item.pk}", item.funding_source)

    def item_fields(self):
        return [(item, self[f"item_{item.pk}"]) for item in self.items]


class TerminateForm(DateParts, forms.Form):
    reason = forms.CharField(
        max_length=TERMINATION_REASON_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason for terminating the order.",
            "max_length": f"The reason must be {TERMINATION_REASON_MAX_LENGTH:,} characters or fewer.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_date("terminated_on")

    def clean(self):
        cleaned = super().clean()
        cleaned["terminated_on"] = self.clean_date_parts("terminated_on", "termination date")
        return cleaned


class OrderSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
