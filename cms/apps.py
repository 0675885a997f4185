from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self) -> None:
        from . import signal_handlers  # noqa: F401

        _replace_wagtail_workflow_emails()
        _deny_admin_access_with_403()


def _replace_wagtail_workflow_emails() -> None:
    """Wagtail emails about workflows itself, synchronously and in its own words. Our listing emails go
    by Celery (cms.notifications), so Wagtail's are switched off. Needs wagtail.admin's ready() to
    have run first: our apps come after Wagtail's in INSTALLED_APPS."""
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

    task_submitted.disconnect(
        sender=TaskState, dispatch_uid="group_approval_task_submitted_email_notification"
    )
    workflow_submitted.disconnect(
        sender=WorkflowState, dispatch_uid="workflow_state_submitted_email_notification"
    )
    workflow_rejected.disconnect(
        sender=WorkflowState, dispatch_uid="workflow_state_rejected_email_notification"
    )
    workflow_approved.disconnect(
        sender=WorkflowState, dispatch_uid="workflow_state_approved_email_notification"
    )


def _deny_admin_access_with_403() -> None:
    """Wagtail answers a signed-in user who may not open an admin URL with a redirect to its dashboard
    (or to its login page when they may not use the admin at all) and a message. We answer 403, as
    every other view of the service does for the wrong user, so that a supplier probing another
    supplier's edit or preview URL gets a plain refusal. Anonymous users still go to the login page."""
    from django.core.exceptions import PermissionDenied
    from wagtail.admin import auth

    original_reject = auth.reject_request

    def permission_denied(request):
        raise PermissionDenied

    def reject_request(request):
        if request.user.is_authenticated:
            raise PermissionDenied
        return original_reject(request)

    auth.permission_denied = permission_denied
    auth.reject_request = reject_request
