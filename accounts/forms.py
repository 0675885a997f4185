from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template.loader import render_to_string
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from . import services
from .emails import queue_email
from .models import Organisation, User

LOCKED_MESSAGE = (
    "This account is locked after {failures} failed login attempts. Try again after {until}, "
    "or reset your password to unlock it now."
)


class LockoutMessageMixin:
    """For any AuthenticationForm: authenticate() refuses a locked address like a wrong password, so
    replace that message with one that says the account is locked, until when, and what to do."""

    def clean(self) -> dict:
        try:
            return super().clean()
        except ValidationError:
            until = services.locked_until(self.cleaned_data.get("username"))
            if until is None:
                raise
            raise ValidationError(
                LOCKED_MESSAGE.format(failures=services.LOCKOUT_FAILURES, until=services.format_time(until)),
                code="locked",
            ) from None


class EmailAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    """Django's login form, labelled for email addresses and with messages that say what to do."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct email address and password. The password is case-sensitive.",
        "inactive": "This account has been deactivated. Ask your organisation admin to restore it.",
    }


class AdminLockoutAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
    """The Django admin's login form, with the lockout message (set on admin.site in accounts/admin.py)."""


class WagtailLockoutLoginForm(LockoutMessageMixin, WagtailLoginForm):
    """Wagtail's login form, with the lockout message (WAGTAILADMIN_USER_LOGIN_FORM)."""


class PasswordResetRequestForm(PasswordResetForm):
    """Asks for an email address; the email is sent by a Celery task (and only to an address with an
    account, though the page says the same either way so it reveals nothing)."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        queue_email([to_email], subject, body)


def _password_fields(label1: str, label2: str) -> tuple[forms.CharField, forms.CharField]:
    password1, password2 = SetPasswordMixin.create_password_fields(label1=label1, label2=label2)
    password1.help_text = "At least 12 characters. Not a common password, and not only numbers."
    password1.error_messages = {"required": "Enter a new password"}
    password2.help_text = ""
    password2.error_messages = {"required": "Enter the new password again"}
    return password1, password2


class NewPasswordForm(SetPasswordForm):
    """The password reset link's form: setting the password goes through `services.reset_password`,
    which also unlocks the account and audits the reset."""

    error_messages = {"password_mismatch": "The passwords do not match. Enter the same password twice."}
    new_password1, new_password2 = _password_fields("New password", "Confirm new password")

    def __init__(self, user, *args, request: HttpRequest | None = None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def save(self, commit: bool = True):
        services.reset_password(
            self.cleaned_data["new_password1"], user=self.user, ip_address=services.client_ip(self.request)
        )
        return self.user


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a role",
            "invalid_choice": "Select one of the roles listed",
        },
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = services.roles_for(organisation)


class NewAccountForm(SetPasswordMixin, forms.Form):
    """Creating an account to accept an invitation; the address is the invited one, so not asked for."""

    error_messages = {"password_mismatch": "The passwords do not match. Enter the same password twice."}
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter your first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Enter your last name"},
    )
    password1, password2 = _password_fields("Password", "Confirm password")

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        self.validate_passwords("password1", "password2")
        data = self.cleaned_data
        # The validators compare the password with the name and address the account will have.
        self.validate_password_for_user(
            User(
                email=self.email, first_name=data.get("first_name", ""), last_name=data.get("last_name", "")
            ),
            "password2",
        )
        return super().clean()


class SwitchOrganisationForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Organisation",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the organisation to act for",
            "invalid_choice": "Select one of your organisations",
        },
    )

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, str(o)) for o in organisations]
