"""Comparing solutions (/compare/): what a buyer relies on. The right solutions side by side with their
conformance, costs that are the price engine's for the practices they buy for (and only theirs),
validation that says what is wrong, exports, and a page whose query count does not grow with the
number of practices or solutions."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OrganisationType, Role
from catalogue.conformance.ingest import ImportedCase, record_imported_results
from catalogue.models import (
    CalculationType,
    EpicLevel,
    PriceType,
    ProvisioningType,
    PublicationState,
    QuantityBasis,
    StandardType,
    TimeUnit,
)
from catalogue.pricing import calculate_cost, to_pence
from procurement.compare import compare as compare_module
from procurement.compare.compare import Cell, Line, Row, Section
from procurement.csv_cells import safe_cell
from tests.factories import (
    CapabilityEpicFactory,
    CapabilityFactory,
    EpicFactory,
    FrameworkFactory,
    HostingOptionFactory,
    MembershipFactory,
    OrganisationFactory,
    PracticeFactory,
    PriceFactory,
    SolutionClientApplicationFactory,
    SolutionEpicFactory,
    SolutionFactory,
    StandardFactory,
    SupplierFactory,
)

URL = "/compare/"


@pytest.fixture
def catalogue(db):
    """Three public solutions with different prices, and a draft: enough to compare."""
    framework = FrameworkFactory(maximum_term_months=48)
    capability = CapabilityFactory(ref="C10", name="Patient Information Maintenance")
    epic = EpicFactory(code="E00010", name="Record patient details")
    CapabilityEpicFactory(capability=capability, epic=epic, level=EpicLevel.MUST)
    StandardFactory(ref="S1", name="Clinical Safety", standard_type=StandardType.OVERARCHING)

    supplier_a, supplier_b = SupplierFactory(), SupplierFactory()
    flat = SolutionFactory(
        supplier=supplier_a,
        name="Flat Clinical",
        frameworks=[framework],
        capabilities=[capability],
        sla_type="type_1",
        implementation_timescales="Six to eight weeks.",
    )
    SolutionEpicFactory(solution=flat, capability=capability, epic=epic)
    HostingOptionFactory(solution=flat)
    SolutionClientApplicationFactory(solution=flat)
    PriceFactory(solution=flat, tiers=[(1, None, "1.25")])

    tiered = SolutionFactory(supplier=supplier_b, name="Tiered Clinical", frameworks=[framework])
    PriceFactory(
        solution=tiered,
        price_type=PriceType.TIERED,
        calculation_type=CalculationType.VOLUME,
        quantity_basis=QuantityBasis.PER_SERVICE_RECIPIENT,
        tiers=[(1, 7500, "1.00"), (7501, None, "0.75")],
    )
    per_practice = SolutionFactory(supplier=supplier_b, name="Practice Reporting", frameworks=[framework])
    PriceFactory(
        solution=per_practice,
        provisioning_type=ProvisioningType.DECLARATIVE,
        quantity_basis=QuantityBasis.PER_SERVICE_RECIPIENT,
        unit_description="per practice",
        range_description="practices",
        time_unit=TimeUnit.PER_MONTH,
        tiers=[(1, None, "100.00")],
    )
    draft = SolutionFactory(
        supplier=supplier_b, name="Secret Draft", publication_state=PublicationState.DRAFT
    )
    return {
        "flat": flat,
        "tiered": tiered,
        "per_practice": per_practice,
        "draft": draft,
        "framework": framework,
        "capability": capability,
        "epic": epic,
    }


def icb_with_practices(sizes: list[int], name: str = "North ICB"):
    icb = OrganisationFactory(name=name, org_type=OrganisationType.ICB)
    sub_icb = OrganisationFactory(
        name=f"{name} sub-ICB location", org_type=OrganisationType.SUB_ICB_LOCATION, parent=icb
    )
    practices = [PracticeFactory(parent=sub_icb, list_size=size) for size in sizes]
    return icb, practices


def buyer_of(organisation):
    return MembershipFactory(organisation=organisation, role=Role.BUYER).user


def ids(*solutions) -> str:
    return "&".join(f"solution={s.catalogue_id}" for s in solutions)


def cost_of(solution, quantities, term):
    price = solution.prices.get()
    return to_pence(calculate_cost(price, quantities, term).total)


def totals(response) -> dict[str, Decimal]:
    return {cost.solution.catalogue_id: cost.total for cost in response.context["comparison"].costs}


# --- Choosing what to compare -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (0, "You chose no solutions. Choose 2 to 4 solutions to compare"),
        (1, "You chose 1 solution. Choose 2 to 4 solutions to compare"),
        (5, "You chose 5 solutions. Choose at most 4 to compare"),
    ],
)
def test_fewer_than_two_or_more_than_four_solutions_are_refused_with_a_message(client, db, count, message):
    solutions = SolutionFactory.create_batch(count)
    response = client.get(f"{URL}?{ids(*solutions)}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["comparison"].sections == []


def test_an_unknown_id_is_named_in_the_message(client, catalogue):
    response = client.get(f"{URL}?{ids(catalogue['flat'])}&solution=99999-999")
    assert response.status_code == 400
    assert "There is no listed solution with the ID 99999-999" in response.content.decode()


def test_a_solution_the_user_may_not_see_is_refused_like_an_unknown_one(client, catalogue):
    buyer = buyer_of(PracticeFactory())
    client.force_login(buyer)
    draft = catalogue["draft"]
    response = client.get(f"{URL}?{ids(catalogue['flat'], draft)}")
    assert response.status_code == 400
    page = response.content.decode()
    assert f"There is no listed solution with the ID {draft.catalogue_id}" in page
    assert "Secret Draft" not in page


def test_a_supplier_editor_may_compare_their_own_draft(client, catalogue):
    draft = catalogue["draft"]
    editor = MembershipFactory(organisation=draft.supplier.organisation, role=Role.SUPPLIER_EDITOR).user
    client.force_login(editor)
    response = client.get(f"{URL}?{ids(catalogue['flat'], draft)}")
    assert response.status_code == 200
    assert "Secret Draft" in response.content.decode()
    # Another supplier's editor may not.
    client.force_login(
        MembershipFactory(organisation=SupplierFactory().organisation, role=Role.SUPPLIER_EDITOR).user
    )
    assert client.get(f"{URL}?{ids(catalogue['flat'], draft)}").status_code == 400


def test_solutions_side_by_side_with_conformance_and_facts(client, catalogue):
    flat, tiered = catalogue["flat"], catalogue["tiered"]
    optional = EpicFactory(code="E00011", name="Record a carer")
    CapabilityEpicFactory(capability=catalogue["capability"], epic=optional, level=EpicLevel.MAY)
    SolutionEpicFactory(solution=flat, capability=catalogue["capability"], epic=optional)
    tested = timezone.now().replace(microsecond=0)
    record_imported_results(
        "compare-test",
        [ImportedCase(flat.catalogue_id, catalogue["epic"].code, "passed", tested)],
        harness_name="Test harness",
    )
    response = client.get(f"{URL}?{ids(flat, tiered)}")
    assert response.status_code == 200
    sections = {section.key: section for section in response.context["comparison"].sections}
    capability_row = next(r for r in sections["capabilities"].rows if r.key == "capability-C10")
    flat_cell, tiered_cell = capability_row.cells
    assert flat_cell.lines[0].tag == "Met"
    assert flat_cell.lines[0].detail == f"Latest result {tested.strftime('%-d %B %Y')}"
    assert [(line.text, line.tag) for line in flat_cell.more] == [
        ("E00010 Record patient details (must)", "Passed"),
        ("E00011 Record a carer (may)", "Not tested"),
    ]
    assert tiered_cell.lines == [Line("Not claimed")]
    rows = {row.key: row for row in sections["service"].rows}
    assert rows["hosting"].cells[0].as_text() == "Public cloud"
    assert rows["hosting"].cells[1].as_text() == "Not stated"
    assert rows["sla"].cells[0].as_text().startswith("Type 1")
    assert rows["implementation"].cells[0].as_text() == "Six to eight weeks."
    assert rows["client_applications"].cells[0].as_text() == "Browser-based"
    standards = {row.key: row for row in sections["standards"].rows}
    assert [cell.lines[0].tag for cell in standards["standard-S1"].cells] == ["Not met", "Not met"]
    page = response.content.decode()
    assert "Not stated" in page
    assert "Flat Clinical" in page and "Tiered Clinical" in page


def test_rows_are_data_driven_so_a_new_row_is_one_function(client, catalogue, monkeypatch):
    def works_with(loaded):
        cells = [Cell([Line(f"Works with {s.name}")]) for s in loaded.solutions]
        return Section("systems", "Works with your systems", [Row("systems", "Your systems", cells)])

    monkeypatch.setattr(compare_module, "SECTIONS", [*compare_module.SECTIONS, works_with])
    response = client.get(f"{URL}?{ids(catalogue['flat'], catalogue['tiered'])}")
    page = response.content.decode()
    assert "Works with your systems" in page
    assert "Works with Tiered Clinical" in page


# --- Costs --------------------------------------------------------------------------------------------


def test_anonymous_compare_with_a_typed_list_size_matches_the_price_engine(client, catalogue):
    flat, tiered, per_practice = catalogue["flat"], catalogue["tiered"], catalogue["per_practice"]
    response = client.get(f"{URL}?{ids(flat, tiered, per_practice)}&list_size=8,000&term=24")
    assert response.status_code == 200
    assert totals(response) == {
        flat.catalogue_id: cost_of(flat, [8000], 24),
        tiered.catalogue_id: cost_of(tiered, [8000], 24),
        per_practice.catalogue_id: cost_of(per_practice, [1], 24),
    }
    # £1.25 x 8,000 a year for two years; 8,000 at the volume tier's £0.75; £100 a month for 24 months.
    assert totals(response)[flat.catalogue_id] == Decimal("20000.00")
    assert totals(response)[tiered.catalogue_id] == Decimal("12000.00")
    assert totals(response)[per_practice.catalogue_id] == Decimal("2400.00")
    page = response.content.decode()
    assert "£20,000.00" in page
    assert 'data-testid="cost-chart"' in page


def test_costs_grow_with_the_list_size(client, catalogue):
    flat, tiered = catalogue["flat"], catalogue["tiered"]
    small = totals(client.get(f"{URL}?{ids(flat, tiered)}&list_size=3000"))
    large = totals(client.get(f"{URL}?{ids(flat, tiered)}&list_size=30000"))
    assert all(large[sid] > small[sid] for sid in small)


def test_without_a_list_size_anonymous_users_are_asked_for_one(client, catalogue):
    response = client.get(f"{URL}?{ids(catalogue['flat'], catalogue['tiered'])}")
    assert response.status_code == 200
    assert response.context["comparison"].costs == [] or not response.context["comparison"].has_costs
    assert "Enter a list size" in response.content.decode()


def test_a_solution_without_a_per_patient_or_per_practice_price_has_no_estimate(client, catalogue):
    sms = SolutionFactory(name="Messaging")
    PriceFactory(
        solution=sms,
        provisioning_type=ProvisioningType.ON_DEMAND,
        unit_description="per SMS fragment",
        tiers=[(1, None, "0.04")],
    )
    response = client.get(f"{URL}?{ids(catalogue['flat'], sms)}&list_size=5000")
    costs = {c.solution.catalogue_id: c for c in response.context["comparison"].costs}
    assert costs[sms.catalogue_id].total is None
    assert "Ask the supplier for a quote" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("term=0", "Enter a term of 1 to 48 months"),
        ("term=49", "Enter a term of 1 to 48 months"),
        ("term=two+years", "Enter a term of 1 to 48 months"),
        ("list_size=lots", "Enter the list size as a whole number, such as 8,000"),
        ("list_size=-5", "Enter the list size as a whole number, such as 8,000"),
        ("list_size=0", "Enter a list size of 1 or more"),
        ("list_size=5000000", "Enter the list size of 1,000,000 or fewer"),
        ("list_size=" + "9" * 5000, "Enter the list size as a whole number, such as 8,000"),
        ("term=" + "9" * 5000, "Enter a term of 1 to 48 months"),
    ],
)
def test_bad_terms_and_list_sizes_get_a_clear_message(client, catalogue, query, message):
    response = client.get(f"{URL}?{ids(catalogue['flat'], catalogue['tiered'])}&{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["comparison"].costs == []


def test_a_buyer_gets_their_icbs_practices_prefilled_and_costed(client, catalogue):
    icb, practices = icb_with_practices([4000, 9000, 12000])
    client.force_login(buyer_of(icb))
    flat, tiered = catalogue["flat"], catalogue["tiered"]
    response = client.get(f"{URL}?{ids(flat, tiered)}")
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [(p.code, p.size_value, p.included) for p in comparison.practices] == [
        (p.ods_code, str(p.list_size), True) for p in sorted(practices, key=lambda p: p.name)
    ]
    assert totals(response) == {
        flat.catalogue_id: cost_of(flat, [4000, 9000, 12000], 36),
        tiered.catalogue_id: cost_of(tiered, [4000, 9000, 12000], 36),
    }
    page = response.content.decode()
    for practice in practices:
        assert f'id="practice-{practice.ods_code}"' in page


def test_a_buyer_can_leave_practices_out_and_edit_list_sizes(client, catalogue):
    icb, (first, second, third) = icb_with_practices([4000, 9000, 12000])
    client.force_login(buyer_of(icb))
    flat = catalogue["flat"]
    query = (
        f"{URL}?{ids(flat, catalogue['tiered'])}&costs=1&practice={first.ods_code}&practice={second.ods_code}"
        f"&size-{first.ods_code}=4000&size-{second.ods_code}=20000&size-{third.ods_code}=12000"
    )
    response = client.get(query)
    assert response.status_code == 200
    assert totals(response)[flat.catalogue_id] == cost_of(flat, [4000, 20000], 36)
    included = {p.code: p.included for p in response.context["comparison"].practices}
    assert included == {first.ods_code: True, second.ods_code: True, third.ods_code: False}

    bad = client.get(
        f"{URL}?{ids(flat, catalogue['tiered'])}&costs=1&practice={first.ods_code}&size-{first.ods_code}="
    )
    assert bad.status_code == 400
    assert f"Enter a list size for {first.name}, or leave it out" in bad.content.decode()


def test_a_practice_buyer_gets_only_their_own_practice(client, catalogue):
    practice = PracticeFactory(list_size=6000)
    PracticeFactory(list_size=9000)  # a neighbour
    client.force_login(buyer_of(practice))
    response = client.get(f"{URL}?{ids(catalogue['flat'], catalogue['tiered'])}")
    assert [p.code for p in response.context["comparison"].practices] == [practice.ods_code]
    assert totals(response)[catalogue["flat"].catalogue_id] == Decimal("22500.00")  # £1.25 x 6,000 x 3


def test_another_organisations_practices_cannot_be_loaded(client, catalogue):
    own_icb, _ = icb_with_practices([5000], name="Own ICB")
    other_icb, (other_practice,) = icb_with_practices([7000], name="Other ICB")
    client.force_login(buyer_of(own_icb))
    base = f"{URL}?{ids(catalogue['flat'], catalogue['tiered'])}"

    # There is no organisation parameter: one in the URL changes nothing.
    response = client.get(f"{base}&organisation={other_icb.pk}&org={other_icb.ods_code}")
    assert response.status_code == 200
    assert other_practice.ods_code not in [p.code for p in response.context["comparison"].practices]
    assert other_practice.name not in response.content.decode()

    # Naming another organisation's practice is refused, and its name is never shown.
    response = client.get(
        f"{base}&costs=1&practice={other_practice.ods_code}&size-{other_practice.ods_code}=7000"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{other_practice.ods_code} is not one of the practices you buy for" in page
    assert other_practice.name not in page
    assert response.context["comparison"].costs == []


def test_anonymous_users_cannot_name_practices(client, catalogue):
    practice = PracticeFactory(list_size=5000)
    response = client.get(
        f"{URL}?{ids(catalogue['flat'], catalogue['tiered'])}&costs=1&practice={practice.ods_code}"
    )
    assert response.context["comparison"].practices == []
    assert practice.name not in response.content.decode()
    assert not response.context["comparison"].has_costs


def test_the_shareable_link_reproduces_the_comparison(client, catalogue):
    icb, (first, second) = icb_with_practices([4000, 9000])
    client.force_login(buyer_of(icb))
    response = client.get(
        f"{URL}?{ids(catalogue['flat'], catalogue['tiered'])}&costs=1&practice={first.ods_code}"
        f"&size-{first.ods_code}=5000&size-{second.ods_code}=9000&term=12"
    )
    link = response.context["link"]
    assert link.startswith("http://testserver/compare/?")
    assert link in response.content.decode().replace("&amp;", "&")
    again = client.get(link.removeprefix("http://testserver"))
    assert totals(again) == totals(response)
    assert totals(again)[catalogue["flat"].catalogue_id] == cost_of(catalogue["flat"], [5000], 12)


# --- Exports ------------------------------------------------------------------------------------------


def test_csv_export_has_a_column_per_solution_and_the_costs(client, catalogue):
    flat, tiered = catalogue["flat"], catalogue["tiered"]
    response = client.get(f"/compare/comparison.csv?{ids(flat, tiered)}&list_size=8000&term=12")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Section",
        "Row",
        f"Flat Clinical ({flat.catalogue_id})",
        f"Tiered Clinical ({tiered.catalogue_id})",
    ]
    by_label = {row[1]: row for row in rows if len(row) > 1}
    assert by_label["Whole term (12 months)"][2:] == ["£10,000.00", "£6,000.00"]
    assert by_label["Per year"][2:] == ["£10,000.00", "£6,000.00"]
    assert by_label["Hosting"][2:] == ["Public cloud", "Not stated"]
    assert ["A practice of the list size you entered", "", "8000"] in rows


def test_csv_cells_cannot_run_as_formulas(client, catalogue):
    evil = SolutionFactory(
        name='=HYPERLINK("http://evil.example")', summary="+44 call us", frameworks=[catalogue["framework"]]
    )
    response = client.get(f"/compare/comparison.csv?{ids(catalogue['flat'], evil)}")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][3].startswith("'=HYPERLINK")
    summary = next(row for row in rows if row[1] == "Summary")
    assert summary[3] == "'+44 call us"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_prefixes_formula_starts(value):
    assert safe_cell(value) == f"'{value}"


def test_safe_cell_leaves_plain_text_alone():
    assert safe_cell("EMIS Web GP") == "EMIS Web GP"
    assert safe_cell(None) == ""


def test_pdf_export(client, catalogue):
    response = client.get(
        f"/compare/comparison.pdf?{ids(catalogue['flat'], catalogue['tiered'])}&list_size=8000"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("export", ["comparison.csv", "comparison.pdf"])
def test_exports_with_bad_input_get_the_page_with_the_message(client, catalogue, export):
    response = client.get(f"/compare/{export}?{ids(catalogue['flat'])}")
    assert response.status_code == 400
    assert "Choose 2 to 4 solutions to compare" in response.content.decode()


@pytest.mark.parametrize("export", ["comparison.csv", "comparison.pdf"])
def test_exports_refuse_a_solution_the_user_may_not_see(client, catalogue, export):
    response = client.get(f"/compare/{export}?{ids(catalogue['flat'], catalogue['draft'])}")
    assert response.status_code == 400
    assert b"Secret Draft" not in response.content


# --- Queries ------------------------------------------------------------------------------------------


def test_a_fixed_number_of_queries_whatever_the_practices_or_solutions(
    client, catalogue, django_assert_max_num_queries
):
    small_icb, _ = icb_with_practices([5000, 6000], name="Small ICB")
    big_icb, _ = icb_with_practices([3000 + n for n in range(200)], name="Big ICB")
    few = ids(catalogue["flat"], catalogue["tiered"])
    many = ids(catalogue["flat"], catalogue["tiered"], catalogue["per_practice"], SolutionFactory())

    client.force_login(buyer_of(small_icb))
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(f"{URL}?{few}").status_code == 200
    assert len(baseline) > 5  # the page was really counted
    client.force_login(buyer_of(big_icb))
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(f"{URL}?{many}")
    assert response.status_code == 200
    assert len(response.context["comparison"].recipients) == 200
