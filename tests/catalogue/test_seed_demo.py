"""`seed_demo`: the demo is real where it can be, complete where it must be, and idempotent.

The demo is seeded once per module inside a transaction rolled back at the end; each test runs in a savepoint
of it, so tests that seed again or change rows leave nothing behind.
"""

import csv
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from accounts.models import Membership, Organisation, Role, User
from catalogue.demo import DEMO_PASSWORD, DEMO_USERS, scale_catalogue_id, seed_demo
from catalogue.models import (
    AdditionalService,
    AssociatedService,
    Capability,
    CapabilityEpic,
    Framework,
    HostingOption,
    Price,
    PriceTier,
    PublicationState,
    Solution,
    SolutionClientApplication,
    SolutionEpic,
    SolutionIntegration,
    Supplier,
    SupplierContact,
)
from catalogue.pricing import calculate_cost, validate_tiers
from catalogue.reference import BUYING_CATALOGUE_DIR

SEEDED_MODELS = [
    Organisation,
    Supplier,
    SupplierContact,
    Solution,
    Solution.frameworks.through,
    Solution.capabilities.through,
    Solution.standards.through,
    SolutionEpic,
    HostingOption,
    SolutionClientApplication,
    SolutionIntegration,
    AdditionalService,
    AdditionalService.capabilities.through,
    AssociatedService,
    AssociatedService.solutions.through,
    Price,
    PriceTier,
    User,
    Membership,
]


def source(name: str) -> list[dict[str, str]]:
    with (BUYING_CATALOGUE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def snapshot() -> dict[str, list[tuple]]:
    """Every seeded row as plain values (timestamps included), in a stable order."""
    return {
        model._meta.label: sorted((tuple(sorted(row.items())) for row in model.objects.values()), key=repr)
        for model in SEEDED_MODELS
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_the_demo_has_enough_suppliers_and_solutions_on_every_framework():
    assert Supplier.objects.count() >= 20
    assert Solution.objects.count() >= 60
    for framework in Framework.objects.all():
        assert framework.solutions.published().count() >= 2, framework.code
    assert Solution.objects.filter(is_demo=True).count() >= 40


def test_every_real_supplier_is_there_with_an_invented_contact():
    real = source("suppliers.csv")
    assert len(real) == 74
    suppliers = {s.code: s for s in Supplier.objects.select_related("organisation")}
    for row in real:
        supplier = suppliers[row["Id"]]
        assert supplier.name == row["Name"]
        assert supplier.legal_name == row["LegalName"]
        assert supplier.address == row["Address"]
        assert not supplier.is_demo and supplier.organisation.ods_code is None
        contact = supplier.contacts.get()
        assert contact.is_primary and contact.email.endswith("@example.com")
        assert contact.department == "Demo contact"


def test_real_listings_keep_their_real_text_state_and_frameworks():
    for row in source("solutions.csv"):
        solution = Solution.objects.get(catalogue_id=row["CatalogueItemId"])
        assert not solution.is_demo
        assert solution.name == row["Name"]
        assert solution.summary == row["Summary"]
        assert solution.description == row["FullDescription"]
        assert solution.implementation_timescales == row["ImplementationDetail"]
        assert solution.publication_state == row["PublishedStatus"].lower()
        assert set(solution.frameworks.values_list("code", flat=True)) == set(
            filter(None, row["FrameworkIds"].split(";"))
        )
    emis = Solution.objects.get(catalogue_id="10000-001")
    assert emis.summary.startswith("EMIS Web is the most widely used GP clinical system in the UK.")
    assert len(emis.features) == 10
    assert emis.published_at.date().isoformat() == "2020-03-25"
    assert emis.updated_at.date().isoformat() == "2020-03-25"
    assert set(emis.client_applications.values_list("application_type", flat=True)) == {
        "browser_based",
        "native_mobile",
        "native_desktop",
    }
    assert "BrowsersSupported" in emis.client_application_details
    # Its public-cloud entry says "not available", so only private cloud is listed.
    assert list(emis.hosting_options.values_list("hosting_type", flat=True)) == ["private_cloud"]
    assert Solution.objects.get(catalogue_id="10046-006").name == "PATCHS Online Consultation"


def test_emis_web_gp_costs_126_pence_per_patient_per_year():
    price = Solution.objects.get(catalogue_id="10000-001").prices.get()
    assert price.reference == "1001"
    assert (price.price_type, price.provisioning_type, price.time_unit) == ("flat", "per_patient", "year")
    assert price.unit_description == "per patient"
    tier = price.tiers.get()
    assert (tier.lower, tier.upper, tier.unit_price) == (1, None, Decimal("1.26"))
    cost = calculate_cost(price, quantity=10000, term_months=12)
    assert cost.total == Decimal("12600.00")


def test_every_real_price_loads_with_a_readable_unit():
    real = source("prices.csv")
    assert (
        Price.objects.filter(reference__in=[r["CataloguePriceId"] for r in real]).count() == len(real) == 115
    )
    assert not Price.objects.filter(unit_description__istartswith="test").exists()
    assert (
        not Price.objects.filter(unit_description__contains="(")
        .exclude(unit_description__contains=")")
        .exists()
    )
    mobile = Price.objects.get(reference="1034")
    assert mobile.additional_service.catalogue_id == "10052-002A002"
    assert mobile.unit_description == "per SystmOne unit"
    sms = Price.objects.get(reference="1102")
    assert sms.tiers.get().unit_price == Decimal("0.017")
    by_recipient = Price.objects.filter(
        quantity_basis="per_service_recipient", reference__in=[r["CataloguePriceId"] for r in real]
    )
    assert set(by_recipient.values_list("calculation_type", flat=True)) == {"volume"}


def test_real_services_and_assessed_capabilities():
    assert AdditionalService.objects.filter(is_demo=False).count() == 17
    assert AssociatedService.objects.filter(is_demo=False).count() == 72
    reorganisation = dict(
        AssociatedService.objects.filter(catalogue_id__startswith="10000-S-04").values_list(
            "catalogue_id", "practice_reorganisation"
        )
    )
    assert reorganisation["10000-S-040"] == "merger_or_split"
    assert reorganisation["10000-S-042"] == "merger"
    assert reorganisation["10000-S-043"] == "split"
    assert AssociatedService.objects.get(catalogue_id="10052-S-010").practice_reorganisation == "split"
    training = AssociatedService.objects.get(catalogue_id="10046-S-004")
    assert set(training.solutions.values_list("catalogue_id", flat=True)) == {
        "10046-001",
        "10046-003",
        "10046-006",
    }
    emis = Solution.objects.get(catalogue_id="10000-001")
    assert emis.capabilities.count() == 13
    assert emis.solution_epics.filter(epic__code="C5E1", capability__ref="C5").exists()
    # Failed assessments are not claims.
    dispensing = AdditionalService.objects.get(catalogue_id="10000-001A005")
    assert "C1" not in set(dispensing.capabilities.values_list("ref", flat=True))
    met = {(r["CatalogueItemId"], r["EpicId"]) for r in source("item_epics.csv") if r["IsMet"] == "true"}
    claimed = set(
        SolutionEpic.objects.filter(solution__is_demo=False).values_list(
            "solution__catalogue_id", "epic__code"
        )
    )
    assert claimed <= met and len(claimed) >= 190


def test_generated_listings_are_marked_demo_and_only_by_the_flag():
    real_ids = {row["CatalogueItemId"] for row in source("solutions.csv")}
    for solution in Solution.objects.select_related("supplier__organisation"):
        assert solution.is_demo == (solution.catalogue_id not in real_ids)
        assert "(demo)" not in solution.name
        if solution.is_demo:
            assert solution.supplier.is_demo and solution.supplier.name.endswith("(demo)")
            assert int(solution.supplier.code) >= 99000
    assert Solution.objects.get(catalogue_id="99000-001").name == "Consultly Online Consultation"


def test_every_publication_state_is_represented():
    states = set(Solution.objects.values_list("publication_state", flat=True))
    assert states == {choice for choice, _ in PublicationState.choices}


def test_demo_listings_cover_the_model():
    demo = Solution.objects.filter(is_demo=True)
    for ref in ("C43", "C44"):
        assert demo.filter(capabilities__ref=ref).count() >= 5, ref
    for capability in Capability.objects.filter(is_foundation=True):
        assert demo.filter(capabilities=capability).count() >= 2, capability.ref
    categories = set(Capability.objects.values_list("category", flat=True))
    assert set(demo.values_list("capabilities__category", flat=True)) == categories
    for solution in demo.prefetch_related("capabilities", "solution_epics"):
        claimed = {c.pk for c in solution.capabilities.all()}
        assert 1 <= len(claimed) <= 3
        musts = set(
            CapabilityEpic.objects.filter(
                capability__in=claimed, level="must", epic__is_active=True
            ).values_list("capability_id", "epic_id")
        )
        assert musts <= {(e.capability_id, e.epic_id) for e in solution.solution_epics.all()}
        assert solution.frameworks.exists() and solution.prices.exists()
        assert solution.standards.filter(standard_type="overarching").count() == 12
    assert set(
        HostingOption.objects.filter(solution__is_demo=True).values_list("hosting_type", flat=True)
    ) == {
        "public_cloud",
        "private_cloud",
        "hybrid",
        "on_premise",
    }
    assert len(set(SolutionClientApplication.objects.values_list("application_type", flat=True))) == 3
    integrations = SolutionIntegration.objects.filter(solution__is_demo=True)
    assert set(integrations.values_list("direction", flat=True)) == {"provider", "consumer"}
    assert set(integrations.values_list("integration_type__integration__name", flat=True)) == {
        "IM1",
        "GP Connect",
        "NHS App",
    }
    assert set(demo.values_list("sla_type", flat=True)) == {"type_1", "type_2"}
    assert demo.filter(standards__standard_type="interoperability").distinct().count() >= 30


def test_demo_prices_have_every_shape_and_valid_tiers():
    demo = Price.objects.filter(reference__startswith="demo-").prefetch_related("tiers")
    shapes = {(p.price_type, p.calculation_type) for p in demo}
    assert {
        ("flat", "single_fixed"),
        ("tiered", "single_fixed"),
        ("tiered", "cumulative"),
        ("tiered", "volume"),
    } <= shapes
    assert {p.provisioning_type for p in demo} == {"per_patient", "declarative", "on_demand"}
    assert {p.quantity_basis for p in demo} == {"per_solution", "per_service_recipient"}
    assert {p.time_unit for p in demo} == {"month", "year", ""}
    for price in demo:
        tiers = list(price.tiers.all())
        validate_tiers(tiers)
        assert (len(tiers) == 1) == (price.price_type == "flat")
        assert len(tiers) <= 3
        if price.provisioning_type == "per_patient":
            assert price.time_unit == "year"
    assert AdditionalService.objects.filter(is_demo=True, prices__isnull=False).count() >= 5
    assert AssociatedService.objects.filter(is_demo=True, prices__isnull=False).count() >= 5
    assert set(
        AssociatedService.objects.filter(is_demo=True).values_list("practice_reorganisation", flat=True)
    ) == {"", "merger", "split", "merger_or_split"}


def test_real_organisations():
    icb = Organisation.objects.get(ods_code="QHM")
    sub_icb = Organisation.objects.get(ods_code="16C")
    assert (icb.org_type, icb.name) == ("icb", "NHS North East and North Cumbria ICB")
    assert (sub_icb.org_type, sub_icb.parent) == ("sub_icb_location", icb)
    densham = Organisation.objects.get(ods_code="A81001")
    assert (densham.name, densham.parent, densham.list_size) == ("THE DENSHAM SURGERY", sub_icb, 3747)
    assert densham.list_size_date.isoformat() == "2026-04-01" and densham.is_active
    assert Organisation.objects.get(ods_code="A81002").list_size == 18654
    for closed in ("A81003", "A81008", "A81043", "A81065", "A81630"):
        practice = Organisation.objects.get(ods_code=closed)
        assert not practice.is_active and practice.list_size is None, closed
    pcn = Organisation.objects.get(ods_code="U45102")
    assert (pcn.org_type, pcn.name, pcn.parent) == ("pcn", "DARLINGTON PCN", sub_icb)
    members = Organisation.objects.filter(pcn=pcn)
    assert members.count() == 11
    assert set(members.values_list("parent__ods_code", "org_type", "list_size")) == {
        ("16C", "gp_practice", None)
    }
    assert Organisation.objects.filter(org_type="catalogue_team").count() == 1
    practices = Organisation.objects.filter(org_type="gp_practice", is_active=True)
    assert practices.filter(list_size__isnull=False).count() == 11


@pytest.mark.parametrize(
    ("email", "role", "organisation"),
    [
        ("practice.manager@example.com", Role.BUYER, "A81001"),
        ("commissioner@example.com", Role.BUYER, "QHM"),
        ("commissioner@example.com", Role.ORGANISATION_ADMIN, "QHM"),
        ("commissioner@example.com", Role.BUYER, "16C"),  # a second organisation, for the switcher
        ("supplier.a@example.com", Role.SUPPLIER_EDITOR, "supplier:10000"),
        ("supplier.b@example.com", Role.SUPPLIER_EDITOR, "supplier:10030"),
        ("moderator@example.com", Role.CATALOGUE_MODERATOR, "catalogue_team"),
    ],
)
def test_demo_users_have_their_roles_and_log_in_with_the_documented_password(email, role, organisation):
    if organisation.startswith("supplier:"):
        org = Supplier.objects.get(code=organisation.split(":")[1]).organisation
    elif organisation == "catalogue_team":
        org = Organisation.objects.get(org_type="catalogue_team")
    else:
        org = Organisation.objects.get(ods_code=organisation)
    user = User.objects.get(email=email)
    assert user.has_role(role, organisation=org)
    assert user.first_name and user.last_name
    assert Client().login(email=email, password=DEMO_PASSWORD)
    assert not Client().login(email=email, password="wrong-password-1")


def test_staff_and_superuser_flags():
    moderator = User.objects.get(email="moderator@example.com")
    assert moderator.is_staff and not moderator.is_superuser and moderator.is_catalogue_moderator
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_staff and admin.is_superuser
    assert Client().login(email="admin@example.com", password=DEMO_PASSWORD)
    assert User.objects.filter(email__in=[u.email for u in DEMO_USERS]).count() == 6
    supplier_a = User.objects.get(email="supplier.a@example.com")
    assert set(Solution.objects.editable_by(supplier_a).values_list("supplier__code", flat=True)) == {"10000"}


def test_a_second_run_changes_nothing(seeded):
    before = snapshot()
    result = seed_demo()
    assert snapshot() == before
    changed = {name: tally for name, tally in result.summary.items() if tally.created or tally.updated}
    assert changed == {}
    assert result.logins == seeded.logins


def test_a_rerun_repairs_seeded_values_but_never_resets_a_changed_password():
    user = User.objects.get(email="practice.manager@example.com")
    user.set_password("a-new-password-42")
    user.save()
    Solution.objects.filter(catalogue_id="10000-001").update(summary="Edited")

    seed_demo()

    user.refresh_from_db()
    assert user.check_password("a-new-password-42")
    assert Solution.objects.get(catalogue_id="10000-001").summary.startswith("EMIS Web is")


def test_the_command_prints_the_demo_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Demo logins:" in text
    for spec in DEMO_USERS:
        assert spec.email in text
    assert text.count(DEMO_PASSWORD) == len(DEMO_USERS)


def test_scale_listings_are_added_once():
    before = Solution.objects.count()
    call_command("seed_demo", solutions=200, stdout=StringIO())
    assert Solution.objects.count() == before + 200
    call_command("seed_demo", solutions=200, stdout=StringIO())
    assert Solution.objects.count() == before + 200

    ids = [scale_catalogue_id(i) for i in range(200)]
    scale = Solution.objects.filter(catalogue_id__in=ids)
    assert scale.count() == 200 and not scale.filter(is_demo=False).exists()
    assert all(name.startswith("Scale Test ") for name in scale.values_list("name", flat=True))
    relations = (
        "capabilities",
        "frameworks",
        "solution_epics",
        "hosting_options",
        "client_applications",
        "prices",
    )
    for relation in relations:
        assert not scale.filter(**{f"{relation}__isnull": True}).exists(), relation
    assert SolutionIntegration.objects.filter(solution__in=scale).count() >= 200
    for price in Price.objects.filter(solution__in=scale).prefetch_related("tiers")[:50]:
        validate_tiers(list(price.tiers.all()))
    assert json.dumps(scale.first().features)  # a JSON list, as the field expects


def test_scale_ids_are_deterministic_across_suppliers():
    assert scale_catalogue_id(0) == "990001-001"
    assert scale_catalogue_id(998) == "990001-999"
    assert scale_catalogue_id(999) == "990002-001"
