"""The forms of "Your systems" (/buyer/systems/). They check what a person typed and find the
catalogue solution meant; procurement.services.record_system checks again and decides permission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from catalogue.models import Solution

from ..models import SYSTEM_NAME_MAX_LENGTH

# A principal clinical system records patients, consultations and their details: GP IT Futures'
# foundation clinical capabilities (EMIS Web, SystmOne and the like claim both).
CLINICAL_SYSTEM_CAPABILITIES = ("C13", "C15")
MAX_CLINICAL_SYSTEMS_OFFERED = 100


def clinical_systems(user) -> QuerySet[Solution]:
    """The listed clinical systems a buyer can choose as their principal one."""
    solutions = Solution.objects.visible_to(user).published()
    for ref in CLINICAL_SYSTEM_CAPABILITIES:
        solutions = solutions.filter(capabilities__ref=ref)
    return solutions.select_related("supplier").order_by("name", "catalogue_id")


class PrincipalSystemForm(forms.Form):
    principal_solution = forms.ModelChoiceField(
        queryset=Solution.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose a clinical system from the list."},
    )
    principal_name = forms.CharField(
        required=False,
        max_length=SYSTEM_NAME_MAX_LENGTH,
        error_messages={"max_length": f"The name must be {SYSTEM_NAME_MAX_LENGTH} characters or fewer."},
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principal_solution"].queryset = clinical_systems(user)
        self.choices = list(self.fields["principal_solution"].queryset[:MAX_CLINICAL_SYSTEMS_OFFERED])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        solution, name = data.get("principal_solution"), (data.get("principal_name") or "").strip()
        if self.errors:
            return data
        if solution is None and not name:
            self.add_error(
                "principal_solution",
                "Choose your principal clinical system, or enter its name if it is not in the list.",
            )
        elif solution is not None and name:
            self.add_error("principal_name", "Choose a system from the list or enter a name, not both.")
        return data


class ModuleForm(forms.Form):
    module = forms.CharField(
        max_length=SYSTEM_NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter the solution ID or name of a system you run.",
            "max_length": f"The name must be {SYSTEM_NAME_MAX_LENGTH} characters or fewer.",
        },
    )
    module_not_listed = forms.BooleanField(required=False)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.solution: Solution | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        typed = " ".join((data.get("module") or "").split())
        if not typed:
            return data
        listed = Solution.objects.visible_to(self.user).published()
        by_id = listed.filter(catalogue_id__iexact=typed).first()
        by_name = list(listed.filter(name__iexact=typed)[:2]) if by_id is None else []
        if by_id is not None or len(by_name) == 1:
            self.solution = by_id or by_name[0]
        elif len(by_name) > 1:
            self.add_error(
                "module",
                f"More than one listed solution is called “{typed}”. Enter its solution ID, such as "
                f"{by_name[0].catalogue_id}.",
            )
        elif not data.get("module_not_listed"):
            self.add_error(
                "module",
                f"No listed solution has the ID or name “{typed}”. Check it, or tick “It is not in the "
                "catalogue” to record it by name.",
            )
        data["module"] = typed
        return data
