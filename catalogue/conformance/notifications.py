"""Telling a supplier when its conformance gets worse: a failure or a lapse. By Celery, on commit."""

from __future__ import annotations

from django.conf import settings

from accounts.emails import queue_email
from accounts.models import Membership, Role

from ..models import Capability, ConformanceStatus, Solution

WORSE = {
    ConformanceStatus.MET: 0,
    ConformanceStatus.PARTIALLY_MET: 1,
    ConformanceStatus.NOT_MET: 2,
    ConformanceStatus.NOT_TESTED: 2,
}


def got_worse(old: str | None, new: str) -> bool:
    return old is not None and WORSE.get(new, 0) > WORSE.get(old, 0)


def conformance_changed(
    solution_id: int,
    was_accredited: bool,
    accredited: bool,
    capability_changes: list,
    lapsed: list[str],
    reason: str,
    **kwargs,
) -> None:
    worse = [(c, old, new) for c, old, new in capability_changes if got_worse(old, new)]
    if not worse and not (was_accredited and not accredited):
        return
    solution = Solution.objects.select_related("supplier__organisation").get(pk=solution_id)
    recipients = list(
        Membership.objects.filter(
            organisation_id=solution.supplier_id, role=Role.SUPPLIER_EDITOR, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    names = dict(Capability.objects.filter(pk__in=[c for c, _, _ in worse]).values_list("pk", "ref"))
    why = "results have lapsed (older than the validity period)" if reason == "lapse" else "a test run failed"
    lines = [f"The conformance of {solution.name} ({solution.catalogue_id}) got worse: {why}.", ""]
    for capability_id, old, new in worse:
        lines.append(
            f"- {names.get(capability_id, capability_id)}: {old.replace('_', ' ')} -> {new.replace('_', ' ')}"
        )
    if lapsed and reason == "lapse":
        lines.append(f"Lapsed results: {', '.join(lapsed)}. Run the harness again to renew them.")
    if was_accredited and not accredited:
        lines += [
            "",
            "It is no longer accredited, so it cannot be awarded a call-off contract until it is again.",
        ]
    lines += ["", f"Evidence: {settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{solution.get_absolute_url()}"]
    subject = f"{'Results lapsed' if reason == 'lapse' else 'Test failure'}: {solution.name}"
    queue_email(recipients, subject, "\n".join(lines))
