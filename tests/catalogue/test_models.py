"""Validation rules of the catalogue model that forms and the admin rely on."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Framework
from catalogue.models.solutions import validate_features
from tests.factories import CapabilityFactory, FrameworkFactory, SolutionFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_capabilities_sort_by_number_not_text():
    for ref in ["C10", "C2", "C1"]:
        CapabilityFactory(ref=ref)
    from catalogue.models import Capability

    assert [c.ref for c in Capability.objects.filter(ref__in=["C1", "C2", "C10"])] == ["C1", "C2", "C10"]


def test_summary_and_description_limits_are_enforced():
    solution = SolutionFactory.build(supplier=SupplierFactory(), summary="x" * 351, description="y" * 3001)
    solution.catalogue_id = f"{solution.supplier.code}-001"
    with pytest.raises(ValidationError) as error:
        solution.full_clean()
    assert set(error.value.message_dict) == {"summary", "description"}


def test_solution_id_must_start_with_its_suppliers_id():
    supplier = SupplierFactory(code="10000")
    solution = SolutionFactory.build(supplier=supplier, catalogue_id="10001-001")
    with pytest.raises(ValidationError, match=r"starts with its supplier's id \(10000-\)"):
        solution.full_clean()


@pytest.mark.parametrize("bad", ["10000", "10000-1", "ABCDE-001", "10000-001A001"])
def test_solution_id_format(bad):
    solution = SolutionFactory.build(supplier=SupplierFactory(), catalogue_id=bad)
    with pytest.raises(ValidationError) as error:
        solution.full_clean()
    assert "catalogue_id" in error.value.message_dict


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ("one feature", "list of short sentences"),
        (["ok"] * 11, "at most 10 features"),
        (["ok", "  "], "Feature 2 is empty"),
        (["x" * 101], "Feature 1 is 101 characters long"),
    ],
)
def test_features_are_validated_with_a_reason(features, message):
    with pytest.raises(ValidationError, match=message):
        validate_features(features)


def test_framework_is_live_between_its_dates_unless_expired():
    framework: Framework = FrameworkFactory(
        active_from=datetime.date(2024, 1, 1), expires_on=datetime.date(2026, 12, 31)
    )
    assert framework.is_live(datetime.date(2025, 6, 1))
    assert framework.is_live(datetime.date(2026, 12, 31))
    assert not framework.is_live(datetime.date(2027, 1, 1))
    assert not framework.is_live(datetime.date(2023, 12, 31))
    framework.is_expired = True
    assert not framework.is_live(datetime.date(2025, 6, 1))


def test_live_frameworks_query_agrees_with_is_live():
    open_ended = FrameworkFactory()
    dated = FrameworkFactory(active_from=datetime.date(2024, 1, 1), expires_on=datetime.date(2026, 12, 31))
    FrameworkFactory(is_expired=True)
    for day, expected in [
        (datetime.date(2023, 6, 1), {open_ended}),
        (datetime.date(2026, 12, 31), {open_ended, dated}),
        (datetime.date(2027, 1, 1), {open_ended}),
    ]:
        assert set(Framework.objects.live(day)) == expected
        assert {f for f in Framework.objects.all() if f.is_live(day)} == expected


@pytest.mark.parametrize("code", ["E00001", "E000304", "S00001", "S020X01E01", "C1E1", "C10E12"])
def test_every_real_epic_id_shape_is_valid(code):
    from catalogue.models.reference import epic_id_validator

    epic_id_validator(code)


@pytest.mark.parametrize("code", ["E1", "X00001", "S020X1E1", "C1E", "e00001"])
def test_malformed_epic_ids_are_refused(code):
    from catalogue.models.reference import epic_id_validator

    with pytest.raises(ValidationError):
        epic_id_validator(code)
