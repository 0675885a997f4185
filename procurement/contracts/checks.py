"""System checks: a published OCDS identifier cannot be taken back, so a bad prefix must stop the
deployment rather than reach a release."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.checks import Error, register

#: The Open Contracting Partnership issues prefixes of `ocds-` and six lower-case letters or digits.
OCID_PREFIX = re.compile(r"^ocds-[a-z0-9]{6}$")


@register()
def check_ocid_prefix(app_configs, **kwargs) -> list[Error]:
    prefix = getattr(settings, "OCDS_OCID_PREFIX", "")
    if OCID_PREFIX.fullmatch(prefix or ""):
        return []
    return [
        Error(
            f"OCDS_OCID_PREFIX must be 'ocds-' and six lower-case letters or digits, not {prefix!r}.",
            hint="Use the prefix the Open Contracting Partnership issued to the publisher.",
            id="contracts.E001",
        )
    ]
