"""Users, the organisations they act for, and their roles there.

Every other app depends on this one and this one on none of them (docs/architecture.md).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .querysets import MembershipQuerySet, OrganisationQuerySet


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str) -> User:
        # Email addresses are stored lower-cased, so login is case-insensitive.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person. Logs in with their email address; there is no username."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def has_role(self, *roles: str, organisation: Organisation | None = None) -> bool:
        memberships = self.memberships.filter(role__in=roles)
        if organisation is not None:
            memberships = memberships.filter(organisation=organisation)
        return memberships.exists()

    @property
    def is_catalogue_moderator(self) -> bool:
        return self.is_superuser or self.has_role(Role.CATALOGUE_MODERATOR)


class OrganisationType(models.TextChoices):
    GP_PRACTICE = "gp_practice", "GP practice"
    PCN = "pcn", "Primary care network"
    SUB_ICB_LOCATION = "sub_icb_location", "Sub-ICB location"
    ICB = "icb", "Integrated care board"
    SUPPLIER = "supplier", "Supplier"
    CATALOGUE_TEAM = "catalogue_team", "Catalogue team"


# Types that buy through the service; their members can hold the buyer role.
BUYER_ORGANISATION_TYPES = (
    OrganisationType.GP_PRACTICE,
    OrganisationType.PCN,
    OrganisationType.SUB_ICB_LOCATION,
    OrganisationType.ICB,
)

ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,10}$", "An ODS code is 3 to 10 capital letters and digits, such as A81001 or QHM."
)
gp_practice_code_validator = RegexValidator(
    r"^[A-Z][0-9]{5}$", "A GP practice's ODS code is a letter and five digits, such as A81001."
)


class Organisation(models.Model):
    """An NHS organisation (by ODS code), a supplier, or the catalogue team.

    `parent` is the organisation one level up: a practice's sub-ICB location, a sub-ICB location's ICB.
    A practice's PCN is held separately (`pcn`) because a practice belongs to both a PCN and a
    sub-ICB location at once.
    """

    name = models.CharField(max_length=255)
    org_type = models.CharField("type", max_length=20, choices=OrganisationType.choices, db_index=True)
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[ods_code_validator],
        help_text="NHS Organisation Data Service code; suppliers and the catalogue team have none.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    pcn = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pcn_practices",
        limit_choices_to={"org_type": OrganisationType.PCN},
        verbose_name="PCN",
    )
    list_size = models.PositiveIntegerField(
        "registered list size", null=True, blank=True, help_text="Registered patients (GP practices only)."
    )
    list_size_date = models.DateField("list size as at", null=True, blank=True)
    is_active = models.BooleanField(default=True, help_text="False for closed or dormant organisations.")
    # Kept from the ODS files so a closed practice still shows when it closed (orders name it afterwards).
    closed_on = models.DateField(
        "closed on", null=True, blank=True, help_text="Close date in ODS, if closed."
    )
    postcode = models.CharField(max_length=10, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo; not a real organisation.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(list_size__isnull=True) | Q(org_type=OrganisationType.GP_PRACTICE),
                name="list_size_only_for_practices",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})" if self.ods_code else self.name

    def clean(self) -> None:
        if self.org_type == OrganisationType.GP_PRACTICE and self.ods_code:
            gp_practice_code_validator(self.ods_code)
        if self.list_size is not None and self.org_type != OrganisationType.GP_PRACTICE:
            raise ValidationError({"list_size": "Only GP practices have a registered list size."})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "An organisation cannot be its own parent."})

    @property
    def is_buyer_organisation(self) -> bool:
        return self.org_type in BUYER_ORGANISATION_TYPES


class Role(models.TextChoices):
    BUYER = "buyer", "Buyer"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    SUPPLIER_EDITOR = "supplier_editor", "Supplier editor"
    CATALOGUE_MODERATOR = "catalogue_moderator", "Catalogue moderator"


# Which roles make sense in which kind of organisation; Membership.clean enforces it.
ROLES_BY_ORGANISATION_TYPE = {
    **{t: {Role.BUYER, Role.ORGANISATION_ADMIN} for t in BUYER_ORGANISATION_TYPES},
    OrganisationType.SUPPLIER: {Role.SUPPLIER_EDITOR, Role.ORGANISATION_ADMIN},
    OrganisationType.CATALOGUE_TEAM: {Role.CATALOGUE_MODERATOR, Role.ORGANISATION_ADMIN},
}


class Membership(models.Model):
    """A user's role in an organisation. A user may hold several roles and belong to several organisations."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation.name}"

    def clean(self) -> None:
        if self.organisation_id and self.role:
            allowed = ROLES_BY_ORGANISATION_TYPE.get(self.organisation.org_type, set())
            if self.role not in allowed:
                raise ValidationError(
                    {
                        "role": f"A {self.organisation.get_org_type_display().lower()} cannot have the "
                        f"role {self.get_role_display().lower()}."
                    }
                )


# --- Account security: lockout, the security audit log, invitations -------------------------------------


class AppendOnlyError(Exception):
    """Raised on an attempt to edit or delete an audit record."""


class SecurityEventKind(models.TextChoices):
    LOGIN_FAILED = "login_failed", "Failed login"
    ACCOUNT_LOCKED = "account_locked", "Account locked"
    LOGIN_REFUSED_LOCKED = "login_refused_locked", "Login refused: account locked"
    PASSWORD_RESET = "password_reset", "Password reset"
    MEMBER_INVITED = "member_invited", "Member invited"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    MEMBER_REMOVED = "member_removed", "Member removed"


class SecurityEventQuerySet(models.QuerySet):
    # Bulk changes bypass save() and delete(), so they are refused here too.
    def update(self, **kwargs):
        raise AppendOnlyError("Security events are never edited.")

    def delete(self):
        raise AppendOnlyError("Security events are never deleted.")


class SecurityEvent(models.Model):
    """Append-only audit log of account security: failed logins, lockouts, resets and membership changes.

    `email` is the account the event is about (kept even for addresses with no account, so an attack on
    an unknown address is visible too); `actor` is who did it when that is someone else (an admin
    removing a member); `ip_address` is where the request came from.
    """

    kind = models.CharField(max_length=30, choices=SecurityEventKind.choices, db_index=True)
    email = models.EmailField(db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="security_events"
    )
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="security_events_caused"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="security_events"
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email} ({self.created_at:%d %b %Y %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Security events are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Security events are never deleted.")


class LoginThrottle(models.Model):
    """Failed logins in the current window for one email address, and how long it is locked for.

    Keyed by the address typed, not by IP address, so spreading an attack over many addresses does not
    help, and an address with no account behaves exactly like one with (nothing to learn from it).
    """

    email = models.EmailField(unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email}: {self.failures} failure(s)"


class Invitation(models.Model):
    """An invitation to join an organisation with a role. Only a hash of the emailed token is stored, so
    the link cannot be rebuilt from the database; it works once, until `expires_at`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=30, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_accepted"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation.name} as {self.get_role_display()}"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > now
