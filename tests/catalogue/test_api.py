"""The public read API at /api/v1/: what a client can rely on.

Every endpoint lists and retrieves; listings a caller may not see are absent from every list and 404
on detail; filters validate their values; writes are refused; lists cost a fixed number of queries.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from catalogue.models import (
    CapabilityStatus,
    EpicLevel,
    IntegrationDirection,
    PublicationState,
    Solution,
    StandardType,
)
from tests.factories import (
    AdditionalServiceFactory,
    AssociatedServiceFactory,
    CapabilityEpicFactory,
    CapabilityFactory,
    EpicFactory,
    FrameworkFactory,
    HostingOptionFactory,
    IntegrationFactory,
    IntegrationTypeFactory,
    PriceFactory,
    SolutionClientApplicationFactory,
    SolutionEpicFactory,
    SolutionFactory,
    SolutionIntegrationFactory,
    StandardFactory,
    SupplierContactFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
HIDDEN_STATES = [
    PublicationState.DRAFT,
    PublicationState.SUBMITTED,
    PublicationState.SUSPENDED,
    PublicationState.UNPUBLISHED,
]


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> list[str]:
    return [row["catalogue_id"] for row in results(response)]


@pytest.fixture
def gpitf(db):
    today = timezone.localdate()
    return FrameworkFactory(
        code="NHSDGP001",
        name="GP IT Futures",
        short_name="GP IT Futures",
        active_from=today - datetime.timedelta(days=365),
        expires_on=today + datetime.timedelta(days=365),
        funding_types=["Central funding", "Local funding"],
    )


@pytest.fixture
def dfocvc(db):
    return FrameworkFactory(code="DFOCVC001", name="DFOCVC", is_expired=True, maximum_term_months=24)


@pytest.fixture
def capabilities(gpitf, dfocvc):
    """C2, C10 (to check numeric ordering) and C14 (a foundation capability), each with epics."""
    c10 = CapabilityFactory(ref="C10", name="GP Referral Management", category="Referrals")
    c2 = CapabilityFactory(ref="C2", name="Appointments Management", category="Appointments")
    c14 = CapabilityFactory(ref="C14", name="Prescribing", category="Medicines", is_foundation=True)
    c2.frameworks.set([gpitf])
    c10.frameworks.set([gpitf])
    c14.frameworks.set([gpitf, dfocvc])
    e1 = EpicFactory(code="E00001", name="Book an appointment")
    e2 = EpicFactory(code="E00002", name="Cancel an appointment")
    s1 = EpicFactory(code="S00001", name="Supplier's own epic", supplier_defined=True)
    e3 = EpicFactory(code="E00003", name="Prescribe a medicine", is_active=False)
    CapabilityEpicFactory(capability=c2, epic=e1, level=EpicLevel.MUST)
    CapabilityEpicFactory(capability=c2, epic=e2, level=EpicLevel.SHOULD)
    CapabilityEpicFactory(capability=c2, epic=s1, level=EpicLevel.MAY)
    CapabilityEpicFactory(capability=c14, epic=e3, level=EpicLevel.MUST)
    CapabilityEpicFactory(capability=c14, epic=e1, level=EpicLevel.MAY)
    return {"C2": c2, "C10": c10, "C14": c14}


@pytest.fixture
def rich_solution(supplier_a, gpitf, capabilities):
    """A published listing with something in every part of the detail."""
    c2, c14 = capabilities["C2"], capabilities["C14"]
    solution = SolutionFactory(
        supplier=supplier_a,
        name="Appointments Plus",
        frameworks=[gpitf],
        capabilities=[c14, c2],
        sla_type="type_2",
        roadmap="Video in 2027.",
        roadmap_url="https://supplier.example.com/roadmap",
        implementation_timescales="Four weeks.",
        client_application_details={"browsers": ["Chrome", "Edge"]},
        last_reviewed=datetime.date(2026, 1, 15),
        published_at=timezone.now(),
    )
    SupplierContactFactory(supplier=supplier_a, name="Sam Sales", email="sam@supplier-a.example.com")
    e1 = c2.epics.get(code="E00001")
    SolutionEpicFactory(solution=solution, capability=c2, epic=e1)
    SolutionEpicFactory(solution=solution, capability=c2, epic=c2.epics.get(code="S00001"))
    SolutionEpicFactory(solution=solution, capability=c14, epic=c14.epics.get(code="E00003"))
    interop = StandardFactory(ref="S30", name="IM1 interface", standard_type=StandardType.INTEROPERABILITY)
    StandardFactory(ref="S2", name="Clinical safety", standard_type=StandardType.OVERARCHING)
    StandardFactory(ref="S31", name="Not claimed", standard_type=StandardType.INTEROPERABILITY)
    solution.standards.set([interop])
    im1 = IntegrationFactory(name="IM1")
    SolutionIntegrationFactory(
        solution=solution,
        integration_type=IntegrationTypeFactory(integration=im1, name="Bulk"),
        direction=IntegrationDirection.CONSUMER,
        integrates_with="EMIS Web",
    )
    HostingOptionFactory(solution=solution)
    SolutionClientApplicationFactory(solution=solution)
    PriceFactory(solution=solution)  # £1.25 per patient per year
    PriceFactory(solution=solution, is_published=False, tiers=[(1, None, "9.99")])
    PriceFactory(
        solution=solution,
        price_type="tiered",
        calculation_type="volume",
        provisioning_type="declarative",
        unit_description="per user",
        range_description="users",
        time_unit="month",
        tiers=[(1, 9, "5.00"), (10, None, "0.50")],
    )
    extra = AdditionalServiceFactory(solution=solution, name="Text messaging")
    extra.capabilities.set([c2])
    PriceFactory(
        solution=None,
        additional_service=extra,
        provisioning_type="on_demand",
        unit_description="per message",
        time_unit="month",
        tiers=[(1, None, "0.04")],
    )
    AdditionalServiceFactory(solution=solution, name="Secret extra", publication_state=PublicationState.DRAFT)
    training = AssociatedServiceFactory(supplier=supplier_a, name="Training")
    training.solutions.set([solution])
    PriceFactory(
        solution=None,
        associated_service=training,
        provisioning_type="declarative",
        unit_description="per day",
        time_unit="",
        tiers=[(1, None, "650")],
    )
    unready = AssociatedServiceFactory(
        supplier=supplier_a, name="Unready migration", publication_state=PublicationState.DRAFT
    )
    unready.solutions.set([solution])
    return solution


# --- Reference data ----------------------------------------------------------------------------


def test_frameworks_list_and_detail(client, gpitf, dfocvc):
    rows = {row["code"]: row for row in results(client.get(f"{API}/frameworks/"))}
    assert set(rows) == {"NHSDGP001", "DFOCVC001"}
    assert rows["NHSDGP001"]["is_live"] is True
    assert rows["DFOCVC001"]["is_live"] is False
    assert rows["DFOCVC001"]["is_expired"] is True

    detail = client.get(f"{API}/frameworks/NHSDGP001/").json()
    assert detail["name"] == "GP IT Futures"
    assert detail["funding_types"] == ["Central funding", "Local funding"]
    assert detail["maximum_term_months"] == 36
    assert detail["active_from"] == (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    assert client.get(f"{API}/frameworks/NOPE/").status_code == 404


def test_capabilities_are_ordered_by_number_and_carry_their_epics_with_levels(client, capabilities):
    rows = results(client.get(f"{API}/capabilities/"))
    assert [row["ref"] for row in rows] == ["C2", "C10", "C14"]
    c2 = rows[0]
    assert c2["frameworks"] == ["NHSDGP001"]
    assert c2["epics"] == [
        {
            "code": "E00001",
            "name": "Book an appointment",
            "supplier_defined": False,
            "is_active": True,
            "level": "must",
        },
        {
            "code": "E00002",
            "name": "Cancel an appointment",
            "supplier_defined": False,
            "is_active": True,
            "level": "should",
        },
        {
            "code": "S00001",
            "name": "Supplier's own epic",
            "supplier_defined": True,
            "is_active": True,
            "level": "may",
        },
    ]
    assert rows[1]["epics"] == []

    detail = client.get(f"{API}/capabilities/C14/").json()
    assert detail["is_foundation"] is True
    assert sorted(detail["frameworks"]) == ["DFOCVC001", "NHSDGP001"]
    assert [(e["code"], e["level"], e["is_active"]) for e in detail["epics"]] == [
        ("E00001", "may", True),
        ("E00003", "must", False),
    ]
    assert client.get(f"{API}/capabilities/C99/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("framework=DFOCVC001", ["C14"]),
        ("foundation=true", ["C14"]),
        ("foundation=false", ["C2", "C10"]),
        ("status=expired", ["C10"]),
        ("category=referrals", ["C10"]),
        ("framework=NHSDGP001&foundation=false&status=effective", ["C2"]),
    ],
)
def test_capability_filters(client, capabilities, query, expected):
    capabilities["C10"].status = CapabilityStatus.EXPIRED
    capabilities["C10"].save()
    assert [row["ref"] for row in results(client.get(f"{API}/capabilities/?{query}"))] == expected


def test_capabilities_list_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, gpitf, dfocvc
):
    for number in range(1, 41):
        capability = CapabilityFactory(ref=f"C{number}")
        capability.frameworks.set([gpitf, dfocvc])
        for level in EpicLevel.values:
            CapabilityEpicFactory(capability=capability, level=level)

    # count, capabilities, their frameworks, their epics (with the epic joined in)
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/capabilities/")
    rows = results(response)
    assert response.json()["count"] == 40
    assert len(rows) == 40
    assert all(len(row["epics"]) == 3 and len(row["frameworks"]) == 2 for row in rows)


def test_epics_list_and_detail_with_their_capabilities_and_levels(client, capabilities):
    rows = {row["code"]: row for row in results(client.get(f"{API}/epics/"))}
    assert set(rows) == {"E00001", "E00002", "E00003", "S00001"}
    assert rows["E00001"]["capabilities"] == [
        {"ref": "C2", "name": "Appointments Management", "level": "must"},
        {"ref": "C14", "name": "Prescribing", "level": "may"},
    ]
    detail = client.get(f"{API}/epics/S00001/").json()
    assert detail["supplier_defined"] is True
    assert detail["capabilities"] == [{"ref": "C2", "name": "Appointments Management", "level": "may"}]
    assert client.get(f"{API}/epics/E99999/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("capability=C14", ["E00001", "E00003"]),
        ("supplier_defined=true", ["S00001"]),
        ("is_active=false", ["E00003"]),
        ("capability=C2&supplier_defined=false", ["E00001", "E00002"]),
    ],
)
def test_epic_filters(client, capabilities, query, expected):
    assert [row["code"] for row in results(client.get(f"{API}/epics/?{query}"))] == expected


def test_standards_list_detail_and_type_filter(client, capabilities):
    overarching = StandardFactory(
        ref="S2", name="Clinical safety", standard_type=StandardType.OVERARCHING, url="https://example.com/s2"
    )
    interop = StandardFactory(ref="S10", name="GP Connect", standard_type=StandardType.INTEROPERABILITY)
    interop.capabilities.set([capabilities["C14"], capabilities["C2"]])

    rows = results(client.get(f"{API}/standards/"))
    assert [row["ref"] for row in rows] == ["S2", "S10"]
    assert rows[1]["capabilities"] == ["C2", "C14"]
    detail = client.get(f"{API}/standards/S2/").json()
    assert detail["type"] == "overarching"
    assert detail["url"] == overarching.url
    assert detail["api_url"] == "http://testserver/api/v1/standards/S2/"
    assert [row["ref"] for row in results(client.get(f"{API}/standards/?type=interoperability"))] == ["S10"]


def test_integrations_are_grouped_by_family(client):
    im1, gp_connect = IntegrationFactory(name="IM1"), IntegrationFactory(name="GP Connect")
    IntegrationFactory(name="NHS App")
    for name in ("Bulk", "Transactional", "Extract"):
        IntegrationTypeFactory(integration=im1, name=name)
    IntegrationTypeFactory(integration=gp_connect, name="Access Record HTML")

    rows = {row["name"]: row for row in results(client.get(f"{API}/integrations/"))}
    assert [t["name"] for t in rows["IM1"]["types"]] == ["Bulk", "Extract", "Transactional"]
    assert [t["name"] for t in rows["GP Connect"]["types"]] == ["Access Record HTML"]
    assert rows["NHS App"]["types"] == []


# --- Suppliers ---------------------------------------------------------------------------------


def test_suppliers_lists_active_suppliers_with_contacts_and_public_solutions(client, supplier_a, supplier_b):
    SupplierContactFactory(
        supplier=supplier_a, name="Alex", email="alex@a.example.com", phone="0113 000 0000"
    )
    gone = SupplierFactory(is_active=False)
    public = SolutionFactory(supplier=supplier_a, name="Public one")
    SolutionFactory(supplier=supplier_a, name="Hidden one", publication_state=PublicationState.DRAFT)

    rows = {row["code"]: row for row in results(client.get(f"{API}/suppliers/"))}
    assert set(rows) == {supplier_a.code, supplier_b.code}
    assert client.get(f"{API}/suppliers/{gone.code}/").status_code == 404

    detail = client.get(f"{API}/suppliers/{supplier_a.code}/").json()
    assert detail["name"] == "Supplier A Ltd"
    assert detail["contacts"] == [
        {
            "name": "Alex",
            "department": "",
            "email": "alex@a.example.com",
            "phone": "0113 000 0000",
            "is_primary": True,
        }
    ]
    assert detail["solutions"] == [
        {
            "catalogue_id": public.catalogue_id,
            "name": "Public one",
            "publication_state": "published",
            "url": f"http://testserver/api/v1/solutions/{public.catalogue_id}/",
            "listing_url": f"http://testserver/solutions/{public.catalogue_id}/",
        }
    ]


def test_supplier_editor_sees_its_own_hidden_solutions_in_its_supplier(client, supplier_a, supplier_a_editor):
    draft = SolutionFactory(supplier=supplier_a, publication_state=PublicationState.DRAFT)
    client.force_login(supplier_a_editor)
    solutions = client.get(f"{API}/suppliers/{supplier_a.code}/").json()["solutions"]
    assert [(s["catalogue_id"], s["publication_state"]) for s in solutions] == [(draft.catalogue_id, "draft")]


# --- Solutions: what a published listing shows -------------------------------------------------


def test_solution_detail_shows_everything_a_buyer_compares(client, rich_solution):
    response = client.get(f"{API}/solutions/{rich_solution.catalogue_id}/")
    assert response.status_code == 200
    body = response.json()

    assert body["listing_url"] == f"http://testserver/solutions/{rich_solution.catalogue_id}/"
    assert body["url"] == f"http://testserver/api/v1/solutions/{rich_solution.catalogue_id}/"
    assert body["features"] == ["Online triage", "Video consultation"]
    assert body["frameworks"] == [
        {"code": "NHSDGP001", "name": "GP IT Futures", "short_name": "GP IT Futures", "is_live": True}
    ]
    assert body["publication_state"] == "published"
    assert body["last_reviewed"] == "2026-01-15"
    assert body["published_at"] is not None
    assert body["sla_type"] == "type_2"
    assert body["roadmap"] == "Video in 2027."
    assert body["roadmap_url"] == "https://supplier.example.com/roadmap"
    assert body["implementation_timescales"] == "Four weeks."
    assert body["client_applications"] == ["browser_based"]
    assert body["client_application_details"] == {"browsers": ["Chrome", "Edge"]}
    assert [h["hosting_type"] for h in body["hosting_options"]] == ["public_cloud"]
    assert body["integrations"] == [
        {
            "integration": "IM1",
            "integration_type": "Bulk",
            "direction": "consumer",
            "integrates_with": "EMIS Web",
            "description": "",
        }
    ]
    assert body["supplier"]["code"] == rich_solution.supplier.code
    assert [c["name"] for c in body["supplier"]["contacts"]] == ["Sam Sales"]

    # Capabilities in ref order, each with the epics claimed for it and their level there.
    assert body["capabilities"] == [
        {
            "ref": "C2",
            "name": "Appointments Management",
            "is_foundation": False,
            "epics": [
                {"code": "E00001", "name": "Book an appointment", "supplier_defined": False, "level": "must"},
                {"code": "S00001", "name": "Supplier's own epic", "supplier_defined": True, "level": "may"},
            ],
        },
        {
            "ref": "C14",
            "name": "Prescribing",
            "is_foundation": True,
            "epics": [
                {"code": "E00003", "name": "Prescribe a medicine", "supplier_defined": False, "level": "must"}
            ],
        },
    ]
    # Claimed standards plus the overarching ones; an unclaimed interoperability standard is not listed.
    assert [(s["ref"], s["applies"]) for s in body["standards"]] == [
        ("S2", "overarching"),
        ("S30", "claimed"),
    ]


def test_solution_detail_prices_are_in_plain_words_and_hide_unpublished_prices(client, rich_solution):
    body = client.get(f"{API}/solutions/{rich_solution.catalogue_id}/").json()
    assert [p["description"] for p in body["prices"]] == [
        "£1.25 per patient per year",
        "from £0.50 per user per month (tiered, volume)",
    ]
    flat, tiered = body["prices"]
    assert flat["provisioning_type"] == "per_patient"
    assert flat["tiers"] == [
        {
            "lower": 1,
            "upper": None,
            "unit_price": "1.2500",
            "unit_price_text": "£1.25",
            "range": "1 or more patients",
        }
    ]
    assert [(t["range"], t["unit_price_text"]) for t in tiered["tiers"]] == [
        ("1 to 9 users", "£5.00"),
        ("10 or more users", "£0.50"),
    ]
    assert "£9.99" not in str(body)


def test_solution_detail_lists_only_public_additional_and_associated_services(client, rich_solution):
    body = client.get(f"{API}/solutions/{rich_solution.catalogue_id}/").json()
    assert [s["name"] for s in body["additional_services"]] == ["Text messaging"]
    extra = body["additional_services"][0]
    assert extra["capabilities"] == ["C2"]
    assert [p["description"] for p in extra["prices"]] == ["£0.04 per message per month"]
    assert [s["name"] for s in body["associated_services"]] == ["Training"]
    assert [p["description"] for p in body["associated_services"][0]["prices"]] == ["£650.00 per day"]


def test_solution_list_shape(client, rich_solution):
    (row,) = results(client.get(f"{API}/solutions/"))
    assert row == {
        "catalogue_id": rich_solution.catalogue_id,
        "name": "Appointments Plus",
        "supplier": {
            "code": rich_solution.supplier.code,
            "name": "Supplier A Ltd",
            "url": f"http://testserver/api/v1/suppliers/{rich_solution.supplier.code}/",
        },
        "summary": rich_solution.summary,
        "frameworks": ["NHSDGP001"],
        "capabilities": ["C2", "C14"],
        "publication_state": "published",
        "last_reviewed": "2026-01-15",
        "published_at": row["published_at"],
        "is_demo": False,
        "is_accredited": False,
        "listing_url": f"http://testserver/solutions/{rich_solution.catalogue_id}/",
        "url": f"http://testserver/api/v1/solutions/{rich_solution.catalogue_id}/",
    }


# --- Solutions: who sees what ------------------------------------------------------------------


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_hidden_listing_is_invisible_to_the_public_and_buyers(client, supplier_a, buyer, state, who):
    if who == "buyer":
        client.force_login(buyer)
    visible = SolutionFactory(supplier=supplier_a, name="Visible")
    hidden = SolutionFactory(supplier=supplier_a, name="Hidden", publication_state=state)

    assert client.get(f"{API}/solutions/{hidden.catalogue_id}/").status_code == 404
    assert ids(client.get(f"{API}/solutions/")) == [visible.catalogue_id]
    assert ids(client.get(f"{API}/solutions/?publication_state={state}")) == []
    supplier = client.get(f"{API}/suppliers/{supplier_a.code}/").json()
    assert [s["catalogue_id"] for s in supplier["solutions"]] == [visible.catalogue_id]
    assert hidden.catalogue_id not in client.get(f"{API}/suppliers/").content.decode()


def test_listing_in_remediation_stays_public(client, supplier_a):
    solution = SolutionFactory(supplier=supplier_a, publication_state=PublicationState.IN_REMEDIATION)
    assert (
        client.get(f"{API}/solutions/{solution.catalogue_id}/").json()["publication_state"]
        == "in_remediation"
    )
    assert ids(client.get(f"{API}/solutions/")) == [solution.catalogue_id]


def test_supplier_editor_sees_its_own_draft_but_not_another_suppliers(
    client, supplier_a, supplier_b, supplier_a_editor
):
    own_draft = SolutionFactory(supplier=supplier_a, name="A draft", publication_state=PublicationState.DRAFT)
    other_draft = SolutionFactory(
        supplier=supplier_b, name="B draft", publication_state=PublicationState.DRAFT
    )
    public = SolutionFactory(supplier=supplier_b, name="B public")
    client.force_login(supplier_a_editor)

    assert client.get(f"{API}/solutions/{own_draft.catalogue_id}/").json()["publication_state"] == "draft"
    assert client.get(f"{API}/solutions/{other_draft.catalogue_id}/").status_code == 404
    assert ids(client.get(f"{API}/solutions/")) == [own_draft.catalogue_id, public.catalogue_id]
    assert ids(client.get(f"{API}/solutions/?publication_state=draft")) == [own_draft.catalogue_id]
    supplier_b_solutions = client.get(f"{API}/suppliers/{supplier_b.code}/").json()["solutions"]
    assert [s["catalogue_id"] for s in supplier_b_solutions] == [public.catalogue_id]


def test_moderator_sees_every_state(client, moderator, supplier_a, supplier_b):
    listings = [
        SolutionFactory(supplier=supplier, publication_state=state)
        for supplier in (supplier_a, supplier_b)
        for state in PublicationState.values
    ]
    client.force_login(moderator)
    assert sorted(ids(client.get(f"{API}/solutions/?page_size=200"))) == sorted(
        s.catalogue_id for s in listings
    )
    for listing in listings:
        assert client.get(f"{API}/solutions/{listing.catalogue_id}/").status_code == 200
    assert len(ids(client.get(f"{API}/solutions/?publication_state=suspended"))) == 2


# --- Solutions: filters, ordering, pagination --------------------------------------------------


@pytest.fixture
def filterable(supplier_a, supplier_b, gpitf, dfocvc, capabilities):
    c2, c10, c14 = capabilities["C2"], capabilities["C10"], capabilities["C14"]
    return {
        "alpha": SolutionFactory(
            supplier=supplier_a,
            name="Alpha",
            frameworks=[gpitf],
            capabilities=[c2, c14],
            last_reviewed=datetime.date(2026, 3, 1),
        ),
        "bravo": SolutionFactory(
            supplier=supplier_a,
            name="Bravo",
            frameworks=[gpitf, dfocvc],
            capabilities=[c2],
            last_reviewed=datetime.date(2026, 1, 1),
            is_demo=True,
        ),
        "charlie": SolutionFactory(
            supplier=supplier_b,
            name="Charlie",
            frameworks=[dfocvc],
            capabilities=[c10, c14],
            last_reviewed=datetime.date(2026, 2, 1),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["alpha", "bravo", "charlie"]),
        ("framework=DFOCVC001", ["bravo", "charlie"]),
        ("capability=C2", ["alpha", "bravo"]),
        ("capability=C2&capability=C14", ["alpha"]),
        ("capability=C10&capability=C2", []),
        ("foundation=true", ["alpha", "charlie"]),
        ("foundation=false", ["bravo"]),
        ("is_demo=true", ["bravo"]),
        ("is_demo=false", ["alpha", "charlie"]),
        ("publication_state=published", ["alpha", "bravo", "charlie"]),
        ("framework=NHSDGP001&capability=C14", ["alpha"]),
        ("ordering=-name", ["charlie", "bravo", "alpha"]),
        ("ordering=last_reviewed", ["bravo", "charlie", "alpha"]),
        ("ordering=-last_reviewed", ["alpha", "charlie", "bravo"]),
    ],
)
def test_solution_filters_and_ordering(client, filterable, query, expected):
    assert ids(client.get(f"{API}/solutions/?{query}")) == [filterable[key].catalogue_id for key in expected]


def test_solution_supplier_filter(client, filterable, supplier_b):
    assert ids(client.get(f"{API}/solutions/?supplier={supplier_b.code}")) == [
        filterable["charlie"].catalogue_id
    ]


def test_solution_ordering_by_published_at(client, supplier_a):
    now = timezone.now()
    older = SolutionFactory(
        supplier=supplier_a, name="Z older", published_at=now - datetime.timedelta(days=9)
    )
    newer = SolutionFactory(supplier=supplier_a, name="A newer", published_at=now)
    assert ids(client.get(f"{API}/solutions/?ordering=published_at")) == [
        older.catalogue_id,
        newer.catalogue_id,
    ]
    assert ids(client.get(f"{API}/solutions/?ordering=-published_at")) == [
        newer.catalogue_id,
        older.catalogue_id,
    ]


@pytest.mark.parametrize(
    ("path", "parameter", "value", "words"),
    [
        ("solutions", "framework", "NOPE001", "Unknown framework code “NOPE001”"),
        ("solutions", "capability", "C999", "Unknown capability reference “C999”"),
        ("solutions", "capability", "banana", "Unknown capability reference “banana”"),
        ("solutions", "supplier", "abc", "Unknown supplier id “abc”"),
        ("solutions", "publication_state", "hidden", "hidden is not one of the available choices"),
        ("solutions", "foundation", "maybe", "“maybe” is not a boolean"),
        ("solutions", "is_demo", "2", "“2” is not a boolean"),
        ("solutions", "ordering", "price", "price is not one of the available choices"),
        ("capabilities", "framework", "NOPE001", "Unknown framework code"),
        ("capabilities", "foundation", "yes please", "is not a boolean"),
        ("capabilities", "status", "retired", "retired is not one of the available choices"),
        ("epics", "capability", "C999", "Unknown capability reference"),
        ("epics", "is_active", "perhaps", "is not a boolean"),
        ("standards", "type", "mandatory", "mandatory is not one of the available choices"),
    ],
)
def test_bad_filter_values_give_a_400_naming_the_parameter(client, filterable, path, parameter, value, words):
    response = client.get(f"{API}/{path}/", {parameter: value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == [parameter]
    assert words in body[parameter][0]


def test_page_size_is_settable_up_to_200(client, supplier_a):
    Solution.objects.bulk_create(
        Solution(
            supplier=supplier_a,
            catalogue_id=f"{supplier_a.code}-{n:03d}",
            name=f"Bulk {n:03d}",
            publication_state=PublicationState.PUBLISHED,
        )
        for n in range(205)
    )
    default = client.get(f"{API}/solutions/").json()
    assert default["count"] == 205
    assert len(default["results"]) == 50
    assert default["next"].endswith("page=2")

    assert len(results(client.get(f"{API}/solutions/?page_size=10&page=3"))) == 10
    assert len(results(client.get(f"{API}/solutions/?page_size=1000"))) == 200
    assert len(results(client.get(f"{API}/solutions/?page_size=200&page=2"))) == 5
    assert client.get(f"{API}/solutions/?page=99").status_code == 404


# --- Query counts ------------------------------------------------------------------------------


def _many_solutions(count: int, suppliers, frameworks, capabilities) -> None:
    for number in range(count):
        SolutionFactory(
            supplier=suppliers[number % len(suppliers)],
            frameworks=frameworks,
            capabilities=capabilities,
        )


def test_solutions_list_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, supplier_a, supplier_b, gpitf, dfocvc, capabilities
):
    _many_solutions(40, [supplier_a, supplier_b], [gpitf, dfocvc], list(capabilities.values()))
    # count, solutions with supplier joined, their frameworks, their capabilities
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/solutions/")
    rows = results(response)
    assert len(rows) == 40
    assert all(len(row["frameworks"]) == 2 and len(row["capabilities"]) == 3 for row in rows)


def test_solutions_list_for_a_signed_in_editor_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, supplier_a, supplier_b, supplier_a_editor, gpitf, capabilities
):
    _many_solutions(30, [supplier_a, supplier_b], [gpitf], list(capabilities.values()))
    client.force_login(supplier_a_editor)
    # + session, user and the moderator check
    with django_assert_max_num_queries(7):
        assert len(results(client.get(f"{API}/solutions/"))) == 30


def test_suppliers_list_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, gpitf, capabilities
):
    suppliers = [SupplierFactory() for _ in range(15)]
    for supplier in suppliers:
        SupplierContactFactory(supplier=supplier)
    _many_solutions(45, suppliers, [gpitf], [])
    # count, suppliers with organisation, contacts, solutions
    with django_assert_max_num_queries(4):
        rows = results(client.get(f"{API}/suppliers/"))
    assert len(rows) == 15
    assert all(len(row["solutions"]) == 3 and len(row["contacts"]) == 1 for row in rows)


def test_solution_detail_query_count_does_not_grow_with_its_contents(
    client, django_assert_max_num_queries, rich_solution, capabilities
):
    for _ in range(5):
        PriceFactory(solution=rich_solution)
        service = AdditionalServiceFactory(solution=rich_solution)
        service.capabilities.set(capabilities.values())
        PriceFactory(solution=None, additional_service=service)
        SolutionEpicFactory(solution=rich_solution, capability=capabilities["C10"])
    with django_assert_max_num_queries(24):
        body = client.get(f"{API}/solutions/{rich_solution.catalogue_id}/").json()
    assert len(body["prices"]) == 7
    assert len(body["additional_services"]) == 6


def test_epics_and_standards_lists_cost_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, capabilities
):
    for number in range(30):
        epic = EpicFactory()
        for capability in capabilities.values():
            CapabilityEpicFactory(capability=capability, epic=epic)
        StandardFactory(ref=f"S{100 + number}").capabilities.set(capabilities.values())
    with django_assert_max_num_queries(3):
        assert len(results(client.get(f"{API}/epics/"))) == 34
    with django_assert_max_num_queries(3):
        assert len(results(client.get(f"{API}/standards/"))) == 30


# --- Read only ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "frameworks/NHSDGP001/",
        "capabilities/C2/",
        "epics/E00001/",
        "suppliers/{supplier}/",
        "solutions/{solution}/",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_are_rejected(client, moderator, rich_solution, path, method):
    path = path.format(supplier=rich_solution.supplier.code, solution=rich_solution.catalogue_id)
    collection = f"{API}/{path.rsplit('/', 2)[0]}/"
    before = Solution.objects.get(pk=rich_solution.pk).name

    for url in (collection, f"{API}/{path}"):
        response = getattr(client, method)(url, {"name": "Changed"}, content_type="application/json")
        assert response.status_code in (403, 405), (url, response.status_code)
    client.force_login(moderator)
    for url in (collection, f"{API}/{path}"):
        response = getattr(client, method)(url, {"name": "Changed"}, content_type="application/json")
        assert response.status_code in (403, 405), (url, response.status_code)
    assert Solution.objects.get(pk=rich_solution.pk).name == before
    assert Solution.objects.filter(pk=rich_solution.pk).exists()


@pytest.mark.parametrize(
    "path",
    ["frameworks/", "capabilities/", "epics/", "standards/", "integrations/", "suppliers/", "solutions/"],
)
def test_every_list_answers_get_head_and_options_in_json(client, path):
    get = client.get(f"{API}/{path}")
    assert get.status_code == 200
    assert get["Content-Type"] == "application/json"
    assert set(get.json()) == {"count", "next", "previous", "results"}
    assert client.head(f"{API}/{path}").status_code == 200
    options = client.options(f"{API}/{path}")
    assert options.status_code == 200
    assert "POST" not in options["Allow"]


def test_api_root_lists_the_endpoints(client):
    body = client.get(f"{API}/").json()
    assert set(body) == {
        "frameworks",
        "capabilities",
        "epics",
        "standards",
        "integrations",
        "suppliers",
        "solutions",
    }
