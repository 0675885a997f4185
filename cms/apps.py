from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self) -> None:
        from . import signal_handlers  # noqa: F401

        _replace_wagtail_workflow_emails()


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
