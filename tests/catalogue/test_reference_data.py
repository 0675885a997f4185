"""`load_reference`: the GP IT Futures reference data loads completely, correctly and idempotently.

Expectations are computed from the CSV files directly (not through the loader's own helpers), so a loader bug
cannot hide behind itself. The data is loaded once per module inside a transaction that is rolled back at the
end, so other test modules start from an empty catalogue.
"""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from catalogue.models import (
    Capability,
    CapabilityEpic,
    Epic,
    Framework,
    Integration,
    IntegrationType,
    Standard,
)
from catalogue.reference import REFERENCE_DIR, load_reference

BC = REFERENCE_DIR / "buying_catalogue"
REFERENCE_MODELS = [Framework, Capability, Epic, CapabilityEpic, Standard, Integration, IntegrationType]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every reference table and link table, as plain values in a stable order."""
    tables = [*REFERENCE_MODELS, Capability.frameworks.through, Standard.capabilities.through]
    return {
        model._meta.label: sorted((tuple(sorted(row.items())) for row in model.objects.values()), key=repr)
        for model in tables
    }


@pytest.fixture(scope="module")
def first_load(django_db_setup, django_db_blocker):
    """Load once for the module, roll everything back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_reference()
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("first_load")


@pytest.mark.django_db
def test_the_first_load_creates_every_row(first_load):
    assert first_load["Framework"].created == 4
    assert first_load["Capability"].created == 46
    assert first_load["Epic"].created == 768
    assert first_load["Standard"].created == 47
    assert first_load["IntegrationType"].created == 12
    assert all(t.updated == 0 and t.unchanged == 0 for t in first_load.values())


@pytest.mark.django_db
def test_every_capability_of_the_reference_file_loads_with_its_name_status_and_details():
    expected = {row["ref"]: row for row in rows(REFERENCE_DIR / "capabilities.csv")}
    details = {row["CapabilityRef"]: row for row in rows(BC / "capabilities.csv")}
    loaded = {c.ref: c for c in Capability.objects.all()}
    assert set(loaded) == set(expected)
    assert len(loaded) == 46
    assert not {"C28", "C31", "C48", "C49"} & set(loaded)
    for ref, row in expected.items():
        capability = loaded[ref]
        assert capability.name == row["name"]
        assert capability.status == row["status"]
        assert capability.description == details[ref]["Description"].strip()
        assert capability.version == details[ref]["Version"]
        assert capability.category == details[ref]["Category"]
        assert capability.sort_key == int(ref[1:])
    assert loaded["C19"].status == loaded["C40"].status == "expired"
    assert [c.ref for c in Capability.objects.all()][:3] == ["C1", "C2", "C3"]  # numeric order, not text


@pytest.mark.django_db
def test_every_epic_loads_under_each_of_its_capabilities_at_its_level():
    expected = {}
    for row in rows(BC / "epics.csv"):
        level = "may" if row["SupplierDefined"] == "true" else row["CompliancyLevel"].lower()
        expected[(row["CapabilityRef"], row["Id"])] = level
    for row in rows(REFERENCE_DIR / "epics-known.csv"):
        expected[(row["capability"], row["id"])] = row["level"]
    loaded = {
        (ref, code): level
        for ref, code, level in CapabilityEpic.objects.values_list("capability__ref", "epic__code", "level")
    }
    assert loaded == expected
    assert Epic.objects.count() == 768
    assert set(CapabilityEpic.objects.values_list("level", flat=True)) == {"must", "may"}
    # The submit-MI epic is shared by eight capabilities, MUST in some and MAY in others.
    assert loaded[("C1", "E00109")] == "must" and loaded[("C2", "E00109")] == "may"


@pytest.mark.django_db
def test_every_capability_with_epics_in_the_source_has_them_and_must_epics_exist_where_expected():
    with_epics = {row["CapabilityRef"] for row in rows(BC / "epics.csv")}
    for capability in Capability.objects.all():
        count = capability.capability_epics.count()
        assert (count > 0) == (capability.ref in with_epics), capability.ref
    assert CapabilityEpic.objects.filter(capability__ref="C43", level="must", epic__code="E00001").exists()
    assert CapabilityEpic.objects.filter(capability__ref="C44", level="must", epic__code="E00039").exists()


@pytest.mark.django_db
def test_known_epics_and_supplier_defined_epics():
    assert Epic.objects.get(code="E00039").name == "Conduct Video Consultation"  # epics-known.csv's name
    appless = Epic.objects.get(code="S00005")
    assert appless.supplier_defined and appless.name == "Appless Video"
    supplier_defined = CapabilityEpic.objects.filter(epic__supplier_defined=True)
    assert supplier_defined.count() == 39
    assert set(supplier_defined.values_list("level", flat=True)) == {"may"}
    assert Epic.objects.filter(is_active=False).count() == len(
        {row["Id"] for row in rows(BC / "epics.csv") if row["IsActive"] == "false"}
    )


@pytest.mark.django_db
def test_foundation_capabilities_are_flagged():
    flagged = set(Capability.objects.filter(is_foundation=True).values_list("ref", flat=True))
    assert flagged == {"C5", "C11", "C12", "C13", "C14", "C15"}


@pytest.mark.django_db
def test_frameworks_terms_expiry_and_funding():
    frameworks = {f.code: f for f in Framework.objects.all()}
    assert set(frameworks) == {"NHSDGP001", "DFOCVC001", "TIF001", "ATP001"}
    assert {f.maximum_term_months for f in frameworks.values()} == {36}
    assert frameworks["NHSDGP001"].is_expired and not frameworks["NHSDGP001"].is_live()
    assert not any(frameworks[code].is_expired for code in ("DFOCVC001", "TIF001", "ATP001"))
    assert frameworks["NHSDGP001"].funding_types == ["GPIT funding", "Local funding"]
    assert frameworks["DFOCVC001"].funding_types == ["Local funding"]
    assert frameworks["ATP001"].short_name == "Advanced Telephony"


@pytest.mark.django_db
def test_capability_frameworks_are_the_union_of_both_files():
    def codes(ref: str) -> set[str]:
        return set(Capability.objects.get(ref=ref).frameworks.values_list("code", flat=True))

    assert codes("C1") == {"NHSDGP001", "TIF001"}
    assert codes("C19") == {"NHSDGP001"}  # expired: not on Tech Innovation
    assert codes("C43") == codes("C44") == {"DFOCVC001"}
    assert codes("C45") == set()  # not known
    assert Capability.frameworks.through.objects.count() == 81


@pytest.mark.django_db
def test_standards_types_names_and_details():
    typed = {row["ref"]: row for row in rows(REFERENCE_DIR / "standards.csv")}
    source = {row["Id"]: row for row in rows(BC / "standards.csv")}
    loaded = {s.ref: s for s in Standard.objects.all()}
    assert set(loaded) == {ref for ref, row in source.items() if row["IsDeleted"] == "false"}
    assert len(loaded) == 47
    assert not Standard.objects.filter(ref__in=["S1", "S5", "S23"]).exists()  # deleted legacy standards
    for ref, standard in loaded.items():
        if ref in typed:
            assert standard.standard_type == typed[ref]["type"]
            assert standard.name == typed[ref]["name"]
        else:
            assert standard.standard_type == "capability_specific"
        assert standard.version == source[ref]["Version"]
        assert standard.url == source[ref]["Url"]
    assert loaded["S6"].standard_type == "capability_specific"
    assert loaded["S36"].name == "EPS - Prescribing"
    assert loaded["S24"].description.startswith("Ensures that suppliers solutions")
    assert Standard.objects.filter(standard_type="overarching").count() == 12
    assert loaded["S24"].capabilities.count() == 44
    assert Standard.capabilities.through.objects.count() == len(rows(BC / "standards_capabilities.csv"))


@pytest.mark.django_db
def test_integrations_and_their_types():
    by_integration = {i.name: set(i.types.values_list("name", flat=True)) for i in Integration.objects.all()}
    assert by_integration == {
        "IM1": {"Bulk", "Transactional", "Patient Facing"},
        "GP Connect": {
            "Access Record HTML",
            "Appointment Management",
            "Access Record Structured",
            "Send Document",
            "Update Record",
        },
        "NHS App": {
            "Online Consultations",
            "Personal Health Records",
            "Primary Care Notifications",
            "Secondary Care Notifications",
        },
    }
    online = IntegrationType.objects.get(integration__name="NHS App", name="Online Consultations")
    assert online.description.startswith("Local integrations that allow NHS App users")


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    before = snapshot()
    summary = load_reference()
    assert snapshot() == before
    assert all(tally.created == 0 and tally.updated == 0 for tally in summary.values()), summary
    assert summary["CapabilityEpic"].unchanged == 809


@pytest.mark.django_db
def test_a_reload_repairs_changed_values_and_keeps_links_added_by_hand():
    Capability.objects.filter(ref="C14").update(name="Renamed by hand", is_foundation=False)
    atp = Framework.objects.get(code="ATP001")
    Capability.objects.get(ref="C5").frameworks.add(atp)

    summary = load_reference()

    assert summary["Capability"].updated == 1
    c14 = Capability.objects.get(ref="C14")
    assert c14.name == "Prescribing" and c14.is_foundation
    assert Capability.objects.get(ref="C5").frameworks.filter(code="ATP001").exists()


@pytest.mark.django_db
def test_the_command_prints_a_line_per_model():
    from io import StringIO

    out = StringIO()
    call_command("load_reference", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("Capability ") and "46 unchanged" in line for line in lines)
    assert len(lines) == 9
