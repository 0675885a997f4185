"""`manage.py import_ods FILE...`: GP practices, PCNs, sub-ICB locations and ICBs from NHS ODS CSV files.

The logic is in accounts/ods.py (docs/ods.md); this command only reports."""

from __future__ import annotations

from accounts.ods import import_ods

from ._ods_command import OdsCommand


class Command(OdsCommand):
    help = (
        "Load NHS ODS files: eccg.csv (sub-ICB locations and their ICBs), epraccur.csv (GP practices, legacy "
        "or current format), ePCN PCN Details and PCN Core Partner Details (as CSV). The format is "
        "recognised from each file; bad rows are reported and skipped; a file that cannot be used changes "
        "nothing. Idempotent."
    )
    loader = staticmethod(import_ods)
