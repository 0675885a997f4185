"""Procurement's part of the demo, run after `seed_demo` (`manage.py seed_procurement_demo`, called by
`make run`): The Densham Surgery (A81001) has recorded its systems, so the demo practice manager sees
"Works with your systems" on listing pages, on compare and as a search filter straight away.

Catalogue's demo cannot do this (catalogue never imports procurement). Idempotent: a system already
recorded is left alone, so a second run changes nothing; one the user removed in the demo comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Organisation, User
from catalogue.models import Solution

from . import services
from .models import OrganisationSystem

DEMO_PRACTICE = "A81001"
DEMO_BUYER = "practice.manager@example.com"
# The real catalogue's EMIS Web GP as the principal clinical system; two real modules (EMIS's mobile
# working, Advanced's document management); and a dictation system that is not in the catalogue,
# recorded by name.
PRINCIPAL = "10000-001"
MODULES = ("10000-002", "10046-001")
NAMED_MODULES = ("Lexacom",)


@dataclass
class DemoSystemsResult:
    created: list[str]
    skipped: str = ""  # why nothing was done (the demo is not loaded)


def seed_demo_systems() -> DemoSystemsResult:
    organisation = Organisation.objects.filter(ods_code=DEMO_PRACTICE).first()
    user = User.objects.filter(email=DEMO_BUYER).first()
    if organisation is None or user is None:
        return DemoSystemsResult(
            [], skipped="the demo practice or its practice manager is missing: run seed_demo"
        )
    created = []
    with transaction.atomic():
        recorded = OrganisationSystem.objects.filter(organisation=organisation)
        listed = {
            s.catalogue_id: s
            for s in Solution.objects.published().filter(catalogue_id__in=(PRINCIPAL, *MODULES))
        }
        if not recorded.filter(is_principal=True).exists() and PRINCIPAL in listed:
            created.append(
                services.record_system(
                    organisation, user=user, solution=listed[PRINCIPAL], principal=True
                ).name
            )
        for catalogue_id in MODULES:
            solution = listed.get(catalogue_id)
            if solution is not None and not recorded.filter(solution=solution).exists():
                created.append(services.record_system(organisation, user=user, solution=solution).name)
        for name in NAMED_MODULES:
            if not recorded.filter(solution__isnull=True, name__iexact=name).exists():
                created.append(services.record_system(organisation, user=user, name=name).name)
    return DemoSystemsResult(created)
