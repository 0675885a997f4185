"""`import_ods` and `import_list_sizes` on the real ODS excerpts (reference/ods/) and broken copies of them
(tests/accounts/data/): both formats, closed practices, the hierarchy, PCN membership, list sizes, bad rows,
unusable files that change nothing, and second runs that write nothing."""

from __future__ import annotations

import datetime
import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, OrganisationType
from accounts.ods import OdsFileError, import_list_sizes, import_ods
from tests.factories.accounts import OrganisationFactory, PracticeFactory

REFERENCE = Path("/work/shared/reference/ods")
DATA = Path(__file__).parent / "data"
ECCG_2018 = REFERENCE / "eccg.csv"
ECCG_2025 = DATA / "eccg.2025.csv"
EPRACCUR_LEGACY = REFERENCE / "epraccur.csv"
EPRACCUR_CURRENT = REFERENCE / "epraccur.dse-2025.csv"
PCN_DETAILS = REFERENCE / "ePCN.xlsx.PCN_Details.csv"
PCN_PARTNERS = REFERENCE / "ePCN.xlsx.PCN_Core_Partner_Details.csv"
LIST_SIZES_2021 = REFERENCE / "gp-reg-pat-prac-all.2021-01.csv"
LIST_SIZES_2026 = REFERENCE / "gp-reg-pat-prac-all.2026-04.csv"

pytestmark = pytest.mark.django_db


def org(code: str) -> Organisation:
    return Organisation.objects.get(ods_code=code)


def snapshot() -> list[tuple]:
    """Every organisation field that matters, and updated_at, so 'nothing written' can be checked."""
    return list(Organisation.objects.order_by("ods_code").values_list())


def run(*args: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- GP practices and the hierarchy above them --------------------------------------------------------


def test_current_format_loads_practices_under_their_sub_icb_location_and_icb():
    results = import_ods([EPRACCUR_CURRENT, ECCG_2025])  # given in the wrong order: sub-ICBs load first

    assert [r.format for r in results] == [
        "eccg (sub-ICB locations)",
        "epraccur (ODS Data Search and Export format)",
    ]
    densham = org("A81001")
    assert (densham.name, densham.org_type, densham.postcode) == (
        "THE DENSHAM SURGERY",
        "gp_practice",
        "TS18 1HU",
    )
    assert densham.parent.ods_code == "16C"
    assert densham.parent.org_type == OrganisationType.SUB_ICB_LOCATION
    assert densham.parent.parent.ods_code == "QHM"
    assert densham.parent.parent.org_type == OrganisationType.ICB
    # What a commissioner at the ICB buys for: the open practices of its sub-ICB locations.
    icb_practices = set(Organisation.objects.practices_of(org("QHM")).values_list("ods_code", flat=True))
    assert icb_practices == {"A81001", "A81002", "A81004", "A81005", "A81006", "A81007", "A81631"}
    assert results[1].bad_rows == []


def test_closed_and_dormant_practices_are_kept_and_marked_closed_with_their_close_date():
    results = import_ods([ECCG_2025, EPRACCUR_CURRENT])

    victoria = org("A81003")  # INACTIVE, closed 31 October 2017, commissioner the old CCG 00K
    assert victoria.is_active is False
    assert victoria.closed_on == datetime.date(2017, 10, 31)
    assert victoria.parent.ods_code == "00K"
    eston = org("A81065")  # DORMANT: cannot buy, but has not closed
    assert (eston.is_active, eston.closed_on) == (False, None)
    assert org("A81001").closed_on is None
    # A81003, A81008, A81043, A81065, A81630 arrive closed; so do the CCGs 00K and 00M (merged in 2020).
    assert results[0].closed == 2
    assert results[1].closed == 5
    assert not org("00K").is_active and org("00K").closed_on == datetime.date(2020, 3, 31)


def test_legacy_format_loads_with_its_own_status_codes():
    results = import_ods([ECCG_2018, ECCG_2025, EPRACCUR_LEGACY])

    practices = results[-1]
    assert practices.format == "epraccur (legacy format)"
    assert practices.bad_rows == []
    assert practices.created == 15
    lagan = org("A81015")  # status C, closed 30 April 2019, commissioner 00M
    assert (lagan.is_active, lagan.closed_on, lagan.parent.ods_code) == (
        False,
        datetime.date(2019, 4, 30),
        "00M",
    )
    assert org("A81016").is_active is True


def test_ccg_era_file_loads_ccgs_without_inventing_icbs_and_skips_commissioning_hubs():
    result = import_ods([ECCG_2018])[0]

    assert result.created == 11 and result.skipped == 2  # 13N and 13Q are commissioning hubs
    assert not Organisation.objects.filter(ods_code__in=["13N", "13Q"]).exists()
    darlington = org("00C")
    assert darlington.org_type == OrganisationType.SUB_ICB_LOCATION
    assert darlington.parent is None  # column 4 (Q74) was an NHS England area team, not an ICB
    assert not Organisation.objects.filter(org_type=OrganisationType.ICB).exists()
    leeds_north = org("02V")
    assert (leeds_north.is_active, leeds_north.closed_on) == (False, datetime.date(2018, 3, 31))


def test_a_second_run_of_the_same_files_writes_nothing():
    files = [ECCG_2025, EPRACCUR_CURRENT, PCN_DETAILS, PCN_PARTNERS]
    import_ods(files)
    before = snapshot()

    results = import_ods(files)

    assert sum(r.created + r.updated + r.closed for r in results) == 0
    assert sum(r.unchanged for r in results) > 0
    assert snapshot() == before  # updated_at included: no row was touched


def test_a_practice_that_closes_is_updated_and_counted_as_closed(tmp_path):
    open_copy = tmp_path / "epraccur.csv"
    open_copy.write_text(
        EPRACCUR_CURRENT.read_text().replace('"20240630","INACTIVE"', '"","ACTIVE"'), encoding="utf-8"
    )
    import_ods([ECCG_2025, open_copy])
    assert org("A81043").is_active is True

    result = import_ods([EPRACCUR_CURRENT])[0]

    assert (result.created, result.updated, result.closed) == (0, 1, 1)
    manor = org("A81043")
    assert (manor.is_active, manor.closed_on) == (False, datetime.date(2024, 6, 30))


def test_existing_organisations_keep_their_names_and_users_when_a_file_names_them_only_as_parents():
    commissioner = OrganisationFactory(ods_code="QHM", name="NHS North East and North Cumbria ICB")

    import_ods([ECCG_2025])

    assert org("QHM").name == "NHS North East and North Cumbria ICB"
    assert org("QHM").pk == commissioner.pk
    assert org("16C").parent_id == commissioner.pk
    assert org("QYG").name == "ICB QYG"  # no file here names ICBs: its code stands in until someone does


# --- PCNs ---------------------------------------------------------------------------------------------


def test_pcns_and_their_member_practices():
    import_ods([ECCG_2018, ECCG_2025])
    for code in ("A83005", "A83006", "A83010", "A83013", "A83031", "A83034", "A83040", "A83047", "A83048",
                 "A83070", "A83641", "A83001", "A83003", "A83007", "A83008"):  # fmt: skip
        PracticeFactory(ods_code=code, parent=org("00C"))

    details, partners = import_ods([PCN_PARTNERS, PCN_DETAILS])

    liverpool = org("U35980")
    assert (liverpool.name, liverpool.org_type, liverpool.postcode) == (
        "CENTRAL LIVERPOOL PCN",
        "pcn",
        "L69 3GD",
    )
    assert liverpool.parent.name == "NHS CHESHIRE AND MERSEYSIDE ICB - 99A"  # 99A as the 2025 file names it
    belgrave = org("U64426")  # its CCG 04C is in no eccg file loaded: created from the name the row gives
    assert (belgrave.parent.ods_code, belgrave.parent.name) == ("04C", "NHS LEICESTER CITY CCG")
    assert details.bad_rows == [] and partners.bad_rows == []

    darlington = org("U45102")  # only in the partner sheet: created from it, under the practices' CCG
    assert (darlington.name, darlington.parent.ods_code) == ("DARLINGTON PCN", "00C")
    members = Organisation.objects.practices_of(darlington).values_list("ods_code", flat=True)
    assert sorted(members) == ["A83005", "A83006", "A83010", "A83013", "A83031", "A83034", "A83040",
                               "A83047", "A83048", "A83070", "A83641"]  # fmt: skip
    assert org("A83008").pcn.name == "SEDGEFIELD 1 PCN"
    assert partners.updated == 15


def test_an_ended_pcn_membership_clears_the_practice_pcn(tmp_path):
    import_ods([ECCG_2018])
    PracticeFactory(ods_code="A83005", parent=org("00C"))
    PracticeFactory(ods_code="A83006", parent=org("00C"))
    import_ods([PCN_PARTNERS])
    header, whinfield, orchard = PCN_PARTNERS.read_text().splitlines()[:3]
    ended = tmp_path / "partners.csv"
    ended.write_text(
        "\n".join([header, whinfield.replace("20191001,,", "20191001,20230331,"), orchard]) + "\n"
    )

    result = import_ods([ended])[0]

    assert org("A83005").pcn is None
    assert org("A83006").pcn.ods_code == "U45102"
    assert (result.updated, result.unchanged) == (1, 1)


def test_pcn_membership_of_an_unknown_practice_is_a_bad_row():
    import_ods([ECCG_2018])

    result = import_ods([PCN_PARTNERS])[0]

    assert len(result.bad_rows) == 15
    assert str(result.bad_rows[0]) == "line 2: unknown GP practice A83005: it is not in the database."


# --- Bad rows -----------------------------------------------------------------------------------------


def test_bad_rows_are_reported_with_their_line_and_skipped_and_the_rest_loads():
    result = import_ods([ECCG_2025, DATA / "epraccur.bad-rows.csv"])[1]

    assert [str(bad) for bad in result.bad_rows] == [
        "line 2: bad ODS code 'A8100': a practice's is a letter and 5 digits.",
        "line 3: A81002 has no name.",
        "line 4: A81004: unknown parent: no sub-ICB location ZZZ in the database or the files "
        "(load eccg.csv first).",
        "line 5: A81005: unknown status 'OPEN' (expected one of ACTIVE, INACTIVE, DORMANT, PROPOSED).",
        "line 6: column 12: '31/12/2024' is not a date (expected YYYYMMDD).",
        "line 7: has 5 columns, expected 27.",
        "line 8: A81001 appears again (first on line 1).",
    ]
    assert result.skipped == 1  # the walk-in centre
    assert sorted(Organisation.objects.practices().values_list("ods_code", flat=True)) == ["A81001", "A81631"]
    assert org("A81001").name == "THE DENSHAM SURGERY"  # the repeat did not overwrite the first


def test_a_code_already_used_by_another_kind_of_organisation_is_a_bad_row():
    OrganisationFactory(ods_code="A81001", org_type=OrganisationType.PCN, name="Not a practice")

    result = import_ods([ECCG_2025, EPRACCUR_CURRENT])[1]

    assert "line 1: A81001 is already a PCN (Not a practice)." in [str(b) for b in result.bad_rows]
    assert org("A81001").name == "Not a practice"


# --- Files that cannot be used change nothing ---------------------------------------------------------


def unusable_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = EPRACCUR_CURRENT.read_bytes()
    files = {
        "empty": (b"\n\n", "the file is empty"),
        "excel": (b"PK\x03\x04" + b"\x00" * 100, "Excel workbook"),
        "binary": (b"\x00\x01\x02 some bytes", "not a text (CSV) file"),
        "unknown": (b"code,name\nA81001,THE DENSHAM SURGERY\n", "unknown format (first row has 2 columns"),
        "wrong-columns": (good.replace(b'"RO76",""', b'"RO76"'), "unknown format (first row has 26 columns"),
        # Past the 64 KB the format is recognised from, so the refusal comes part-way through loading.
        "latin-1 late in the file": (
            good * 30 + "A81999,CAF\xc9\n".encode("latin-1"),
            "line 361 is not UTF-8",
        ),
        "list sizes": (LIST_SIZES_2026.read_bytes(), "load it with `manage.py import_list_sizes`"),
    }
    paths = {}
    for name, (content, message) in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(content)
        paths[name] = (path, message)
    return paths


@pytest.mark.parametrize(
    "name", ["empty", "excel", "binary", "unknown", "wrong-columns", "latin-1 late in the file", "list sizes"]
)
def test_an_unusable_file_is_refused_with_a_reason_and_nothing_changes(tmp_path, name):
    import_ods([ECCG_2025])
    before = snapshot()
    path, message = unusable_files(tmp_path)[name]

    with pytest.raises(CommandError) as raised:
        # The good file comes first in the run: its rows are rolled back too.
        run("import_ods", str(ECCG_2018), str(path))

    assert message in str(raised.value)
    assert str(raised.value).endswith("Nothing was changed.")
    assert snapshot() == before


def test_a_file_bigger_than_the_limit_is_refused(tmp_path):
    with pytest.raises(OdsFileError, match="bigger than the limit of 1,000 bytes"):
        import_ods([EPRACCUR_LEGACY], max_bytes=1000)
    assert not Organisation.objects.exists()


# --- List sizes ---------------------------------------------------------------------------------------


def test_list_sizes_from_both_formats_and_an_older_file_never_replaces_a_newer_size():
    import_ods([ECCG_2025, EPRACCUR_CURRENT])
    PracticeFactory(ods_code="A84002", parent=org("00L"), list_size=None)

    old = import_list_sizes([LIST_SIZES_2021])[0]
    assert old.format == "Patients Registered at a GP Practice (CCG era)"
    assert old.updated == 1 and len(old.bad_rows) == 14  # the other Northumberland practices are not loaded
    assert (org("A84002").list_size, org("A84002").list_size_date) == (5903, datetime.date(2021, 1, 1))

    new = import_list_sizes([LIST_SIZES_2026])[0]
    assert new.format == "Patients Registered at a GP Practice (sub-ICB location era)"
    assert (org("A84002").list_size, org("A84002").list_size_date) == (6303, datetime.date(2026, 4, 1))
    assert (org("A81001").list_size, org("A81002").list_size) == (3747, 18654)
    assert new.updated == 7  # A81001, -02, -04, -05, -06, -07 and A84002; the rest are not loaded
    assert "line 8: unknown GP practice A81009: it is not in the database." in [str(b) for b in new.bad_rows]

    before = snapshot()
    again = import_list_sizes([LIST_SIZES_2021, LIST_SIZES_2026])
    assert sum(r.written for r in again) == 0
    assert snapshot() == before
    assert org("A84002").list_size == 6303


def test_a_list_size_that_is_not_a_number_is_a_bad_row(tmp_path):
    import_ods([ECCG_2025, EPRACCUR_CURRENT])
    lines = LIST_SIZES_2026.read_text().splitlines()
    broken = tmp_path / "sizes.csv"
    broken.write_text(
        "\n".join([lines[0], lines[1].replace(",3747", ",3,747"), lines[2].replace(",18654", ",n/a")])
    )

    result = import_list_sizes([broken])[0]

    assert [str(b) for b in result.bad_rows] == [
        "line 2: has 11 columns, expected 10.",
        "line 3: A81002: list size 'n/a' is not a whole number.",
    ]
    assert org("A81002").list_size is None


def test_import_list_sizes_refuses_an_ods_file():
    with pytest.raises(
        CommandError, match=re.escape("load it with `manage.py import_ods`. Nothing was changed.")
    ):
        run("import_list_sizes", str(EPRACCUR_CURRENT))


# --- The commands -------------------------------------------------------------------------------------


def test_command_reports_bad_rows_and_ends_with_the_summary_line(tmp_path):
    shutil.copy(DATA / "epraccur.bad-rows.csv", tmp_path / "epraccur.csv")

    out, err = run("import_ods", str(ECCG_2025), str(tmp_path / "epraccur.csv"))

    lines = out.splitlines()
    assert "  bad row, line 3: A81002 has no name." in lines
    assert lines[-1] == "created 10, updated 0, unchanged 0, closed 2, bad rows 7"
    assert err == ""  # stderr is not a terminal here, so no progress bar


def test_progress_bar_on_request():
    out, err = run("import_list_sizes", "--progress", str(LIST_SIZES_2026))

    assert "gp-reg-pat-prac-all.2026-04.csv [" in err
    assert err.rstrip().endswith("100%")
    assert out.splitlines()[-1] == "created 0, updated 0, unchanged 0, closed 0, bad rows 18"


# --- The demo -----------------------------------------------------------------------------------------


def test_importing_the_current_files_over_the_demo_keeps_its_organisations_and_list_sizes():
    from catalogue.demo import seed_organisations

    ids = seed_organisations({})

    import_ods([ECCG_2025, EPRACCUR_CURRENT])
    sizes = import_list_sizes([LIST_SIZES_2026])[0]

    assert org("A81001").pk == ids["A81001"] and org("QHM").pk == ids["QHM"]  # demo users' organisations
    assert org("QHM").name == "NHS North East and North Cumbria ICB"
    assert org("A81001").parent.ods_code == "16C" and org("16C").parent.ods_code == "QHM"
    # The demo's list sizes were taken by hand from the same file: the importer agrees with every one.
    assert sizes.written == 0 and sizes.unchanged == 11
    assert org("U45102").pcn_practices.count() == 11


def test_pcn_files_exported_without_their_header_row_load_the_same(tmp_path):
    import_ods([ECCG_2018])
    PracticeFactory(ods_code="A83005", parent=org("00C"))
    details, partners = tmp_path / "details.csv", tmp_path / "partners.csv"
    details.write_text("".join(PCN_DETAILS.read_text().splitlines(keepends=True)[1:]))
    partners.write_text("".join(PCN_PARTNERS.read_text().splitlines(keepends=True)[1:3]))

    results = import_ods([details, partners])

    assert [r.format for r in results] == ["ePCN PCN Details", "ePCN PCN Core Partner Details"]
    assert results[0].created == 14  # 12 PCNs and the CCGs 99A and 04C they name
    assert org("A83005").pcn.ods_code == "U45102"
    assert [str(b) for b in results[1].bad_rows] == [
        "line 2: unknown GP practice A83006: it is not in the database."
    ]
