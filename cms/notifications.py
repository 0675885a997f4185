"""Emails about listings, sent by Celery (accounts.emails.queue_email) once the change commits."""

from __future__ import annotations

from django.conf import settings

from accounts.emails import queue_email
from accounts.models import Membership, Role
from catalogue.models import Solution


def supplier_editor_emails(solution: Solution) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation_id=solution.supplier_id, role=Role.SUPPLIER_EDITOR, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def moderator_emails() -> list[str]:
    return list(
        Membership.objects.filter(role=Role.CATALOGUE_MODERATOR, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _admin_link(page_id: int) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/pages/{page_id}/edit/"


def _public_link(solution: Solution) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{solution.get_absolute_url()}"


def listing_submitted(solution: Solution, page_id: int, submitted_by: str) -> None:
    queue_email(
        moderator_emails(),
        f"Listing to review: {solution.name} ({solution.catalogue_id})",
        f"{submitted_by} of {solution.supplier.name} submitted {solution.name} for review.\n\n"
        f"Review it: {_admin_link(page_id)}\n",
    )


def listing_approved(solution: Solution, page_id: int, comment: str) -> None:
    link = _public_link(solution)
    body = f"The catalogue team approved your listing {solution.name}.\nIt is live: {link}\n"
    if comment:
        body += f"\nTheir comment:\n{comment}\n"
    queue_email(supplier_editor_emails(solution), f"Approved: {solution.name} is live", body)


def listing_changes_requested(solution: Solution, page_id: int, comment: str) -> None:
    queue_email(
        supplier_editor_emails(solution),
        f"Changes requested: {solution.name}",
        f"The catalogue team reviewed your listing {solution.name} and asks for changes before it can go "
        f"live:\n\n{comment}\n\nEdit it and submit it again: {_admin_link(page_id)}\n",
    )


STATE_MESSAGES = {
    "suspended": "suspended your listing {name}: buyers can no longer find it, and its page says why",
    "remediation": "marked your listing {name} as in remediation: it stays listed, with a warning to buyers",
    "restored": "restored your listing {name} to the catalogue",
    "unpublished": "unpublished your listing {name}: it is no longer in the catalogue",
}


def listing_state_changed(solution: Solution, action: str, reason: str) -> None:
    template = STATE_MESSAGES.get(action)
    if template is None:
        return
    body = f"The catalogue team {template.format(name=solution.name)}.\n"
    if reason:
        body += f"\nReason:\n{reason}\n"
    queue_email(supplier_editor_emails(solution), f"{action.capitalize()}: {solution.name}", body)
