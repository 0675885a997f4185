"""State changes to accounts: failed logins and lockouts, password resets, invitations and memberships.

Each function that changes state takes the acting user as the keyword argument `user` (where there is
one), runs in one transaction, checks permission, changes state, writes a `SecurityEvent` and queues
email only once the transaction commits (`emails.queue_email`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone

from .emails import queue_email
from .models import (
    ROLES_BY_ORGANISATION_TYPE,
    Invitation,
    LoginThrottle,
    Membership,
    Organisation,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)

# Five failures within the window lock the address; the next attempt is refused even with the right
# password until the lock ends or the password is reset.
LOCKOUT_FAILURES: int = getattr(settings, "ACCOUNT_LOCKOUT_FAILURES", 5)
LOCKOUT_WINDOW: timedelta = getattr(settings, "ACCOUNT_LOCKOUT_WINDOW", timedelta(minutes=15))
LOCKOUT_DURATION: timedelta = getattr(settings, "ACCOUNT_LOCKOUT_DURATION", timedelta(minutes=15))
INVITATION_VALID_FOR: timedelta = getattr(settings, "ACCOUNT_INVITATION_VALID_FOR", timedelta(days=7))


class InvitationError(ValueError):
    """An invitation that cannot be sent or accepted; the message says why, for the user."""


class MembershipError(ValueError):
    """A membership change that is not allowed; the message says why, for the user."""


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _log(kind: str, email: str, **fields) -> SecurityEvent:
    return SecurityEvent.objects.create(kind=kind, email=normalise_email(email), **fields)


def _account(email: str) -> User | None:
    return User.objects.filter(email__iexact=normalise_email(email)).first()


def format_time(moment: datetime) -> str:
    """`14:05 on 25 November 2026`, in local (UK) time, for messages."""
    return formats.date_format(timezone.localtime(moment), r"H:i \o\n j F Y")


def client_ip(request) -> str | None:
    """The address the request came from. REMOTE_ADDR only: X-Forwarded-For is set by the client unless a
    trusted proxy overwrites it, so trusting it would let an attacker write any address into the log."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


# --- Lockout ------------------------------------------------------------------------------------------


def locked_until(email: str | None) -> datetime | None:
    """When the lock on this address ends, or None if it is not locked now."""
    email = normalise_email(email)
    if not email:
        return None
    return (
        LoginThrottle.objects.filter(email=email, locked_until__gt=timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )


@transaction.atomic
def record_failed_login(email: str, *, ip_address: str | None = None) -> datetime | None:
    """Count a failed login (or a refused one while locked) and lock the address at the limit.

    Returns when the lock ends if the address is locked now. The row is locked for the update so
    concurrent attempts cannot both read the same count and slip past the limit.
    """
    email = normalise_email(email)
    if not email:
        return None
    now = timezone.now()
    LoginThrottle.objects.get_or_create(email=email)
    throttle = LoginThrottle.objects.select_for_update().get(email=email)
    account = _account(email)
    if throttle.locked_until and throttle.locked_until > now:
        _log(SecurityEventKind.LOGIN_REFUSED_LOCKED, email, user=account, ip_address=ip_address)
        return throttle.locked_until
    window_over = throttle.window_started_at is None or now - throttle.window_started_at > LOCKOUT_WINDOW
    if window_over or throttle.locked_until is not None:
        # A new window, or the first failure after a lock ended: start counting again.
        throttle.failures = 0
        throttle.window_started_at = now
        throttle.locked_until = None
    throttle.failures += 1
    _log(
        SecurityEventKind.LOGIN_FAILED,
        email,
        user=account,
        ip_address=ip_address,
        detail=f"Failure {throttle.failures} of {LOCKOUT_FAILURES}",
    )
    if throttle.failures >= LOCKOUT_FAILURES:
        throttle.locked_until = now + LOCKOUT_DURATION
        _log(
            SecurityEventKind.ACCOUNT_LOCKED,
            email,
            user=account,
            ip_address=ip_address,
            detail=f"Locked until {throttle.locked_until.isoformat()}",
        )
    throttle.save()
    return throttle.locked_until


def clear_failed_logins(email: str) -> None:
    """Forget the failures of an address: after a successful login or a password reset."""
    LoginThrottle.objects.filter(email=normalise_email(email)).delete()


def forget_stale_login_throttles() -> int:
    """Delete the counts that no longer count anything (window over, no lock running), so addresses an
    attacker typed once do not pile up. Behaves exactly as if kept: the next failure starts afresh."""
    now = timezone.now()
    stale = LoginThrottle.objects.filter(window_started_at__lt=now - LOCKOUT_WINDOW).exclude(
        locked_until__gt=now
    )
    deleted, _ = stale.delete()
    return deleted


@transaction.atomic
def reset_password(password: str, *, user: User, ip_address: str | None = None) -> None:
    """Set a new password from a reset link (the link proved `user` owns the address); unlocks the
    account and is audited."""
    user.set_password(password)
    user.save(update_fields=["password"])
    clear_failed_logins(user.email)
    _log(SecurityEventKind.PASSWORD_RESET, user.email, user=user, actor=user, ip_address=ip_address)


# --- Organisation membership -------------------------------------------------------------------------


def is_organisation_admin(user: User, organisation: Organisation) -> bool:
    return bool(user.is_authenticated) and user.has_role(Role.ORGANISATION_ADMIN, organisation=organisation)


def _require_admin(user: User, organisation: Organisation) -> None:
    if not is_organisation_admin(user, organisation):
        raise PermissionDenied("Only an admin of this organisation can manage its members.")


def roles_for(organisation: Organisation) -> list[tuple[str, str]]:
    """The roles a member of this kind of organisation may hold, as (value, label) choices."""
    allowed = ROLES_BY_ORGANISATION_TYPE.get(organisation.org_type, set())
    return [(value, label) for value, label in Role.choices if value in allowed]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, used or not (the caller says which)."""
    return Invitation.objects.select_related("organisation").filter(token_hash=_token_hash(token)).first()


@transaction.atomic
def invite_member(
    organisation: Organisation, email: str, role: str, *, user: User, ip_address: str | None = None
) -> Invitation:
    """Invite an address to join `organisation` with `role`, replacing any invitation still open for it."""
    _require_admin(user, organisation)
    email = normalise_email(email)
    if role not in dict(roles_for(organisation)):
        raise InvitationError(
            f"A {organisation.get_org_type_display().lower()} cannot have members with that role."
        )
    if Membership.objects.filter(organisation=organisation, user__email=email, role=role).exists():
        raise InvitationError(f"{email} is already a member of {organisation.name} with that role.")
    now = timezone.now()
    Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=user,
        expires_at=now + INVITATION_VALID_FOR,
    )
    _log(
        SecurityEventKind.MEMBER_INVITED,
        email,
        actor=user,
        organisation=organisation,
        ip_address=ip_address,
        detail=f"Role: {invitation.get_role_display()}",
    )
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("accounts:accept_invitation", args=[token])
    queue_email(
        [email],
        f"You are invited to join {organisation.name} on the GP IT Marketplace",
        "\n".join(
            [
                f"{user.get_full_name() or user.email} has invited you to join {organisation.name} on the "
                f"GP IT Marketplace as {invitation.get_role_display().lower()}.",
                "",
                "To accept, open this link:",
                link,
                "",
                f"The link works once and expires at {format_time(invitation.expires_at)}.",
                "If you were not expecting this invitation, you can ignore this email.",
            ]
        ),
    )
    return invitation


@transaction.atomic
def cancel_invitation(invitation: Invitation, *, user: User) -> None:
    _require_admin(user, invitation.organisation)
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(cancelled_at=timezone.now())


def _claim(invitation: Invitation) -> Invitation:
    """Lock the invitation's row and check it can still be used, so a link works exactly once."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not invitation.is_usable():
        raise InvitationError("This invitation has expired or has already been used.")
    return invitation


def _join(invitation: Invitation, member: User, ip_address: str | None) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=member, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = member
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _log(
        SecurityEventKind.INVITATION_ACCEPTED,
        member.email,
        user=member,
        actor=member,
        organisation=invitation.organisation,
        ip_address=ip_address,
        detail=f"Role: {invitation.get_role_display()}",
    )
    return membership


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user: User, ip_address: str | None = None) -> Membership:
    """Join the invitation's organisation with an existing, signed-in account at the invited address."""
    invitation = _claim(invitation)
    if normalise_email(user.email) != invitation.email:
        raise PermissionDenied(
            f"This invitation is for {invitation.email}. Log out and log in with that address to accept it."
        )
    return _join(invitation, user, ip_address)


@transaction.atomic
def accept_invitation_with_new_account(
    invitation: Invitation,
    *,
    password: str,
    first_name: str,
    last_name: str,
    ip_address: str | None = None,
) -> User:
    """Create the account for the invited address (the emailed link proves it is theirs) and join."""
    invitation = _claim(invitation)
    if _account(invitation.email):
        raise InvitationError(
            f"There is already an account for {invitation.email}. Log in to accept the invitation."
        )
    member = User.objects.create_user(
        invitation.email, password, first_name=first_name.strip(), last_name=last_name.strip()
    )
    _join(invitation, member, ip_address)
    return member


@transaction.atomic
def remove_member(
    organisation: Organisation, member: User, *, user: User, ip_address: str | None = None
) -> None:
    """Take every role `member` holds in `organisation` away; an organisation always keeps an admin."""
    # Lock the admins' rows first, then check permission against them: two admins removing each other
    # at the same moment are taken one after the other, and the second is no longer an admin.
    admin_ids = set(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.ORGANISATION_ADMIN)
        .values_list("user_id", flat=True)
    )
    if user.pk not in admin_ids:
        raise PermissionDenied("Only an admin of this organisation can manage its members.")
    memberships = Membership.objects.filter(organisation=organisation, user=member)
    roles = sorted(Role(role).label for role in memberships.values_list("role", flat=True))
    if not roles:
        raise MembershipError(f"{member.email} is not a member of {organisation.name}.")
    if member.pk in admin_ids and admin_ids == {member.pk}:
        raise MembershipError(
            f"{member.email} is the only admin of {organisation.name}. "
            "Invite another admin before removing them."
        )
    memberships.delete()
    _log(
        SecurityEventKind.MEMBER_REMOVED,
        member.email,
        user=member,
        actor=user,
        organisation=organisation,
        ip_address=ip_address,
        detail=f"Roles: {', '.join(roles)}",
    )
    queue_email(
        [member.email],
        f"You are no longer a member of {organisation.name} on the GP IT Marketplace",
        f"{user.get_full_name() or user.email} has removed you from {organisation.name} on the GP IT "
        "Marketplace. If you think this is a mistake, contact them.",
    )
