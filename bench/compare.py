"""The comparison page at its largest: 4 solutions with tiered prices (and capabilities, epics and
standards to show), costed for an ICB's 200 practices. Prints the server time per request (p50, p95)
over N runs of the view through Django's test client (middleware, session, login, the view, the
template), and the number of SQL queries per request.

Usage (from the project root):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_compare \
        .venv/bin/python bench/compare.py [--runs 200]

The database (created if missing, then migrated) keeps nothing: the data is made inside a transaction
that is rolled back at the end. Target (issue 6): p95 under 300 ms.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

from _common import p50_p95, prepare_database, rolled_back, timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_compare")
os.environ.setdefault("DEBUG", "false")  # no per-query bookkeeping, as in production

SOLUTIONS = 4
PRACTICES = 200
CAPABILITIES_EACH = 6
MUST_EPICS_EACH = 6


def build() -> tuple[object, str]:
    """An ICB with PRACTICES practices and a buyer; SOLUTIONS published solutions with tiered
    per-patient prices, capabilities with MUST epics (claimed), and standards. Returns the buyer and
    the comparison's query string."""
    from accounts.models import Membership, Organisation, Role, User
    from catalogue.models import (
        Capability,
        CapabilityEpic,
        Epic,
        Framework,
        HostingOption,
        Price,
        PriceTier,
        Solution,
        SolutionEpic,
        Standard,
        Supplier,
    )

    icb = Organisation.objects.create(name="Bench ICB", org_type="icb", ods_code="QZZ")
    sub_icb = Organisation.objects.create(
        name="Bench sub-ICB location", org_type="sub_icb_location", ods_code="ZZ9", parent=icb
    )
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench Practice {n:03d}",
            org_type="gp_practice",
            ods_code=f"Y9{n:04d}",
            parent=sub_icb,
            list_size=2000 + 97 * n,
        )
        for n in range(PRACTICES)
    )
    buyer = User.objects.create_user("bench.buyer@example.com", "bench-password-not-secret")
    Membership.objects.create(user=buyer, organisation=icb, role=Role.BUYER)

    framework = Framework.objects.create(code="BENCH001", name="Bench framework", maximum_term_months=36)
    overarching = Standard.objects.create(ref="S900", name="Bench overarching", standard_type="overarching")
    capabilities = []
    for c in range(CAPABILITIES_EACH * 2):
        capability = Capability.objects.create(ref=f"C9{c:02d}", name=f"Bench capability {c}")
        capabilities.append(capability)
        for e in range(MUST_EPICS_EACH):
            epic = Epic.objects.create(code=f"E9{c:02d}{e:02d}", name=f"Bench epic {c}.{e}")
            CapabilityEpic.objects.create(capability=capability, epic=epic, level="must")

    query = []
    for s in range(SOLUTIONS):
        supplier_org = Organisation.objects.create(name=f"Bench Supplier {s}", org_type="supplier")
        supplier = Supplier.objects.create(organisation=supplier_org, code=f"9800{s}")
        solution = Solution.objects.create(
            catalogue_id=f"9800{s}-001",
            supplier=supplier,
            name=f"Bench Solution {s}",
            summary="A solution for the comparison benchmark.",
            publication_state="published",
            sla_type="type_1",
            implementation_timescales="Four to six weeks.",
        )
        solution.frameworks.add(framework)
        claimed = capabilities[s : s + CAPABILITIES_EACH]
        solution.capabilities.set(claimed)
        solution.standards.add(overarching)
        SolutionEpic.objects.bulk_create(
            SolutionEpic(solution=solution, capability=capability, epic=link.epic)
            for capability in claimed
            for link in CapabilityEpic.objects.filter(capability=capability).select_related("epic")
        )
        HostingOption.objects.create(solution=solution, hosting_type="public_cloud")
        calculation = ("volume", "cumulative", "single_fixed", "volume")[s]
        price = Price.objects.create(
            solution=solution,
            price_type="tiered",
            calculation_type=calculation,
            provisioning_type="per_patient",
            quantity_basis="per_service_recipient" if s % 2 else "per_solution",
            unit_description="per patient",
            range_description="patients",
            time_unit="year",
        )
        base = Decimal("1.50") - Decimal("0.20") * s
        PriceTier.objects.bulk_create(
            [
                PriceTier(price=price, lower=1, upper=5000, unit_price=base),
                PriceTier(price=price, lower=5001, upper=20000, unit_price=base * Decimal("0.8")),
                PriceTier(price=price, lower=20001, upper=None, unit_price=base * Decimal("0.6")),
            ]
        )
        query.append(f"solution={solution.catalogue_id}")
    return buyer, "&".join(query) + "&term=36"


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 200
    prepare_database()
    from django.db import connection
    from django.test import Client

    with rolled_back():
        buyer, query = build()
        client = Client(HTTP_HOST="localhost")
        client.force_login(buyer)
        url = f"/compare/?{query}"

        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, page[:2000]
        # Every practice costed, every solution with an estimate.
        assert f"For {PRACTICES} practices" in page, page[:2000]
        assert page.count('data-testid="total"') == SOLUTIONS

        def get():
            response = client.get(url)
            assert response.status_code == 200
            return response

        samples, response = timed(get, runs, warm_up=5)
        p50, p95 = p50_p95(samples)
        print(
            f"compare page: {SOLUTIONS} solutions (tiered per-patient prices, "
            f"{CAPABILITIES_EACH} capabilities x {MUST_EPICS_EACH} must epics each), "
            f"{PRACTICES} practices, {runs} runs"
        )
        print(f"  server time p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < 300 ms)")
        print(f"  SQL queries per request: {len(queries)}")
        print(f"  page size: {len(response.content) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
