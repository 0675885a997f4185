"""Orders at their largest: the order summary PDF of an order with 200 service recipients, and the full
CSV of 1,000 orders streamed (peak Python memory measured with tracemalloc, compared with 100 orders:
streaming means the peak should not grow with the number of orders).

Usage (from the project root):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_orders \\
        .venv/bin/python bench/orders.py [--runs 5]

The database (created if missing, then migrated) keeps nothing: the data is made inside a transaction
that is rolled back at the end. Targets (issue 7): PDF under 3 s; CSV memory flat.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from _common import prepare_database, rolled_back

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_orders")
os.environ.setdefault("DEBUG", "false")  # no per-query bookkeeping, as in production

PDF_RECIPIENTS = 200
CSV_ORDERS = (100, 1000)
CSV_RECIPIENTS = 10  # per order; two per-recipient items and one per-solution item: 21 rows an order


def build_world():
    """A sub-ICB location with PDF_RECIPIENTS practices and a buyer; an accredited solution on a live
    framework with a per-patient price, a tiered per-practice price and an associated service."""
    from decimal import Decimal

    from accounts.models import Membership, Organisation, Role, User
    from catalogue.models import AssociatedService, Framework, Price, PriceTier, Solution, Supplier

    def price(owner: dict, tiers, **fields) -> Price:
        created = Price.objects.create(**owner, **fields)
        PriceTier.objects.bulk_create(
            PriceTier(price=created, lower=lower, upper=upper, unit_price=Decimal(unit))
            for lower, upper, unit in tiers
        )
        return created

    icb = Organisation.objects.create(name="Bench ICB", org_type="icb", ods_code="QZZ")
    sub_icb = Organisation.objects.create(
        name="Bench sub-ICB", org_type="sub_icb_location", ods_code="ZZ9", parent=icb
    )
    practices = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench Surgery {n}",
            org_type="gp_practice",
            ods_code=f"Y{90000 + n:05d}",
            parent=sub_icb,
            list_size=3000 + 37 * n,
        )
        for n in range(PDF_RECIPIENTS)
    )
    buyer = User.objects.create_user(email="bench.buyer@example.com", password="x" * 20)
    Membership.objects.create(user=buyer, organisation=sub_icb, role=Role.BUYER)
    framework = Framework.objects.create(
        code="BENCH1", name="Bench framework", maximum_term_months=48, funding_types=["Central funding"]
    )
    supplier_org = Organisation.objects.create(name="Bench Supplier Ltd", org_type="supplier")
    supplier = Supplier.objects.create(organisation=supplier_org, code="99001")
    solution = Solution.objects.create(
        supplier=supplier, catalogue_id="99001-001", name="Bench Online", publication_state="published",
        is_accredited=True,
    )  # fmt: skip
    solution.frameworks.add(framework)
    per_patient = price({"solution": solution}, [(1, None, "1.26")], provisioning_type="per_patient",
                        unit_description="per patient", time_unit="year")  # fmt: skip
    per_practice = price(
        {"solution": solution},
        [(1, 9, "120"), (10, 49, "100"), (50, None, "85")],
        price_type="tiered", calculation_type="cumulative", provisioning_type="declarative",
        quantity_basis="per_service_recipient", unit_description="per practice",
        range_description="practices", time_unit="month",
    )  # fmt: skip
    service = AssociatedService.objects.create(
        supplier=supplier, catalogue_id="99001-S-001", name="Training day", publication_state="published"
    )
    service.solutions.add(solution)
    training = price({"associated_service": service}, [(1, None, "650")], provisioning_type="declarative",
                     unit_description="per day", time_unit="")  # fmt: skip
    return sub_icb, practices, buyer, solution, (per_patient, per_practice, training)


def complete_order(buyer, sub_icb, solution, practices, prices):
    from procurement.orders import services

    per_patient, per_practice, training = prices
    order = services.create_order(
        organisation=sub_icb, user=buyer, solution=solution, route="competition", recipients=practices,
        items=[
            services.ItemDraft(price=per_patient),
            services.ItemDraft(price=per_practice, quantities={p.ods_code: 1 for p in practices}),
            services.ItemDraft(price=training, quantity=3),
        ],
        commencement_date=datetime.date.today() + datetime.timedelta(days=30),
        initial_period_months=12, maximum_term_months=36, description="Bench order",
    )  # fmt: skip
    services.update_order(
        order, user=buyer, ordering_party_contact_name="Bench Buyer",
        supplier_contact_name="Bench Seller", supplier_contact_email="seller@bench.example.com",
    )  # fmt: skip
    for item in order.items.all():
        services.update_item(
            order, user=buyer, item_id=item.pk, funding_source="Central funding",
            planned_delivery_date=order.commencement_date,
        )  # fmt: skip
    return services.complete_order(order, user=buyer)


def copy_orders(template, count: int) -> None:
    """`count` more orders like `template` (its recipients and items), inserted in bulk."""
    from procurement.orders.models import CallOffNumber, Order, OrderItem, OrderRecipient

    numbers = CallOffNumber.objects.bulk_create(CallOffNumber() for _ in range(count))
    recipients = list(template.recipients.all())
    items = list(template.items.all())
    orders = []
    for number in numbers:
        copy = Order.objects.get(pk=template.pk)
        copy.pk = copy.id = None
        copy.number = number.pk
        orders.append(copy)
    orders = Order.objects.bulk_create(orders)
    OrderRecipient.objects.bulk_create(
        OrderRecipient(order=o, organisation_id=r.organisation_id, ods_code=r.ods_code, name=r.name,
                       list_size=r.list_size)
        for o in orders for r in recipients
    )  # fmt: skip
    clones = []
    for order in orders:
        for item in items:
            clone = OrderItem.objects.get(pk=item.pk)
            clone.pk = clone.id = None
            clone.order = order
            clones.append(clone)
    OrderItem.objects.bulk_create(clones)


def stream_csv(client) -> tuple[int, int, float, int]:
    """(bytes, rows, seconds, peak traced bytes) of the organisation's full CSV through the view."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/orders/export.csv")
    assert response.status_code == 200
    size = rows = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += 1
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, rows - 1, elapsed, peak


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    prepare_database()
    from django.test import Client

    from procurement.orders.models import Order

    with rolled_back():
        sub_icb, practices, buyer, solution, prices = build_world()
        client = Client(HTTP_HOST="localhost")
        client.force_login(buyer)

        big = complete_order(buyer, sub_icb, solution, practices, prices)
        url = f"/orders/{big.pk}/summary.pdf"
        response = client.get(url)  # warm up (fonts, templates)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        samples, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        print(f"order summary PDF: {PDF_RECIPIENTS} service recipients, 3 items, {runs} runs")
        # CPU time too: on a shared machine the wall time mostly measures other people's load.
        print(
            f"  wall p50 {statistics.median(samples):.2f} s, max {max(samples):.2f} s (target < 3 s); "
            f"CPU p50 {statistics.median(cpu):.2f} s; {len(response.content) / 1024:.0f} KiB; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )

        # The CSV: orders with CSV_RECIPIENTS recipients each; delete the big one first.
        small = complete_order(buyer, sub_icb, solution, practices[:CSV_RECIPIENTS], prices)
        Order.objects.filter(pk=big.pk).delete()
        made = 1
        print(f"full CSV, streamed through the view ({CSV_RECIPIENTS} recipients and 3 items an order):")
        for target in CSV_ORDERS:
            copy_orders(small, target - made)
            made = target
            size, rows, elapsed, peak = stream_csv(client)
            print(
                f"  {target:>5,} orders: {rows:,} rows, {size / 1024 / 1024:.1f} MiB in {elapsed:.2f} s; "
                f"peak Python memory (tracemalloc) {peak / 1024 / 1024:.2f} MiB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
