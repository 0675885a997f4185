"""`manage.py import_list_sizes FILE...`: registered list sizes from "Patients Registered at a GP Practice".

The logic is in accounts/ods.py (docs/ods.md); this command only reports."""

from __future__ import annotations

from accounts.ods import import_list_sizes

from ._ods_command import OdsCommand


class Command(OdsCommand):
    help = (
        "Load GP practices' registered list sizes (the SEX=ALL, AGE=ALL rows of gp-reg-pat-prac-all.csv, "
        "CCG-era or sub-ICB-era header). Practices must be loaded first (import_ods). Idempotent; an older "
        "file never replaces a newer list size."
    )
    loader = staticmethod(import_list_sizes)
