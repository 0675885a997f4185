"""Open contracting: each award is published at /api/v1/ocds/ as an OCDS 1.1 release package, and
every package the API serves validates offline against the standard's schema (ocds_schema.py)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from catalogue.models import Supplier
from procurement.contracts import services
from procurement.contracts.models import Frozen, PublishedRelease, ReleaseKind
from procurement.orders.models import Order
from procurement.orders.services import ItemDraft, accept_order, amend_order, terminate_order, update_order
from tests.factories import MembershipFactory

from .helpers import complete
from .ocds_schema import assert_valid_package

LIST_URL = "/api/v1/ocds/"


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_a_completed_direct_award_is_published_as_a_valid_release_package(world, completed):
    client = APIClient()  # anonymous: open contracting is public
    page = get_json(client, LIST_URL)
    assert page["count"] == 1
    [package] = page["results"]
    assert_valid_package(package)

    [release] = package["releases"]
    ocid = f"ocds-gpitmp-C{completed.number:06d}"
    assert release["ocid"] == ocid
    assert release["tag"] == ["award", "contract"]
    assert release["tender"]["procurementMethod"] == "direct"
    assert release["relatedProcesses"] == [
        {
            "id": "framework-NHSDGP001",
            "relationship": ["framework"],
            "title": completed.framework_name,
            "identifier": "NHSDGP001",
            "uri": "http://127.0.0.1:8000/api/v1/frameworks/NHSDGP001/",
        }
    ]
    buyer_id = f"GB-NHS-{world.organisation.ods_code}"
    assert release["buyer"] == {"id": buyer_id, "name": world.organisation.name}
    parties = {party["id"]: party for party in release["parties"]}
    assert parties[buyer_id]["identifier"] == {
        "scheme": "GB-NHS",
        "id": world.organisation.ods_code,
        "legalName": world.organisation.name,
    }
    # The test supplier has no company number: a local id, and no invented registration.
    supplier_id = f"GB-GPITF-SUPPLIER-{world.supplier.code}"
    assert parties[supplier_id]["roles"] == ["supplier"] and "identifier" not in parties[supplier_id]

    [award] = release["awards"]
    assert award["id"] == completed.call_off_id
    assert award["suppliers"] == [{"id": supplier_id, "name": "Meadowbank Clinical Systems"}]
    assert award["value"] == {"amount": float(completed.total_cost()), "currency": "GBP"}
    assert award["contractPeriod"]["startDate"] == f"{completed.commencement_date:%Y-%m-%d}T00:00:00Z"
    assert award["contractPeriod"]["endDate"] == f"{completed.end_date:%Y-%m-%d}T23:59:59Z"
    [item] = award["items"]
    assert item["quantity"] == 6000  # the three practices' list sizes: 1,000 + 2,000 + 3,000
    assert item["unit"]["value"] == {"amount": 1.25, "currency": "GBP"}
    assert release["contracts"][0]["awardID"] == completed.call_off_id

    # Public data only: no one's name, email or telephone number.
    text = json.dumps(package)
    for personal in (world.buyer.email, "sam@meadowbank.example.com", "Sam Seller"):
        assert personal not in text

    # The package on its own, at its own uri.
    detail = get_json(client, f"{LIST_URL}{ocid}/")
    assert_valid_package(detail)
    assert detail["uri"] == f"http://testserver{LIST_URL}{ocid}/"
    assert detail["releases"] == package["releases"]


def test_a_competition_award_is_selective_and_the_supplier_is_identified_by_company_number(
    world, django_capture_on_commit_callbacks
):
    Supplier.objects.filter(pk=world.supplier.pk).update(companies_house_number="01234567")
    order = complete(world, django_capture_on_commit_callbacks, route="competition")
    package = get_json(APIClient(), LIST_URL)["results"][0]
    assert_valid_package(package)
    release = package["releases"][0]
    assert release["tender"]["procurementMethod"] == "selective"
    supplier = next(p for p in release["parties"] if "supplier" in p["roles"])
    assert supplier["id"] == "GB-COH-01234567"
    assert supplier["identifier"] == {
        "scheme": "GB-COH",
        "id": "01234567",
        "legalName": world.supplier.legal_name,
    }
    assert release["awards"][0]["suppliers"][0]["id"] == "GB-COH-01234567"
    assert order.call_off_id in {a["id"] for a in release["awards"]}


def test_orders_in_progress_are_never_published(world):
    from tests.procurement.orders.helpers import ready_order

    order = ready_order(world)
    assert services.publish_release(order.pk, ReleaseKind.AWARD) is None
    client = APIClient()
    assert get_json(client, LIST_URL)["count"] == 0
    assert client.get(f"{LIST_URL}ocds-gpitmp-C{order.number:06d}/").status_code == 404
    assert client.get(f"{LIST_URL}nothing-here/").status_code == 404


def test_the_published_release_is_frozen(world, completed):
    published = PublishedRelease.objects.get(order=completed)
    before = published.release
    # Later edits to the catalogue change nothing that was published...
    Supplier.objects.filter(pk=world.supplier.pk).update(
        companies_house_number="09999999", legal_name="Renamed"
    )
    world.supplier.organisation.name = "Renamed Ltd"
    world.supplier.organisation.save()
    assert get_json(APIClient(), LIST_URL)["results"][0]["releases"] == [before]
    # ...publishing again publishes nothing new, and the release cannot be changed or deleted.
    assert services.publish_release(completed.pk, ReleaseKind.AWARD).pk == published.pk
    assert PublishedRelease.objects.count() == 1
    published.release = {}
    with pytest.raises(Frozen):
        published.save()
    with pytest.raises(Frozen):
        published.delete()
    with pytest.raises(Frozen):
        PublishedRelease.objects.filter(pk=published.pk).update(release={})
    with (
        pytest.raises(DatabaseError, match="cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE contracts_publishedrelease SET release = '{}' WHERE id = %s", [published.pk])


def test_amendment_and_termination_publish_further_releases_of_the_same_process(
    world, completed, django_capture_on_commit_callbacks
):
    from procurement.orders.services import complete_order

    accept_order(completed, user=world.supplier_user)
    amendment = amend_order(Order.objects.get(pk=completed.pk), user=world.buyer)
    update_order(amendment, user=world.buyer, maximum_term_months=48)
    with django_capture_on_commit_callbacks(execute=True):
        complete_order(Order.objects.get(pk=amendment.pk), user=world.buyer)
    with django_capture_on_commit_callbacks(execute=True):
        terminate_order(
            Order.objects.get(pk=amendment.pk),
            user=world.buyer,
            terminated_on=timezone.localdate() + datetime.timedelta(days=60),
            reason="Practice merger: the confidential details stay with us.",
        )
    package = get_json(APIClient(), f"{LIST_URL}ocds-gpitmp-C{completed.number:06d}/")
    assert_valid_package(package)
    award, amended, terminated = package["releases"]
    assert award["tag"] == ["award", "contract"]
    assert amended["tag"] == ["awardUpdate", "contractAmendment"]
    assert amended["contracts"][0]["id"] == amendment.call_off_id
    assert amended["contracts"][0]["amendments"][0]["amendsReleaseID"] == award["id"]
    assert amended["contracts"][0]["amendments"][0]["releaseID"] == amended["id"]
    assert (
        amended["contracts"][0]["period"]["durationInDays"]
        > award["contracts"][0]["period"]["durationInDays"]
    )
    assert terminated["tag"] == ["contractTermination"]
    assert terminated["contracts"][0]["status"] == "terminated"
    assert "confidential" not in json.dumps(package)
    assert get_json(APIClient(), LIST_URL)["count"] == 1  # one contracting process


def test_the_list_is_paged_and_every_package_on_it_validates(world, django_capture_on_commit_callbacks):
    orders = [
        complete(world, django_capture_on_commit_callbacks, items=[ItemDraft(price=world.per_patient)])
        for _ in range(3)
    ]
    client = APIClient()
    first = get_json(client, LIST_URL, page_size=2)
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    packages = first["results"] + second["results"]
    for package in packages:
        assert_valid_package(package)
    # Newest first, each process once.
    assert [p["releases"][0]["awards"][0]["id"] for p in packages] == [
        o.call_off_id for o in reversed(orders)
    ]


def test_the_api_is_read_only_and_in_the_openapi_schema(world, completed):
    client = APIClient()
    assert client.post(LIST_URL, {}, format="json").status_code == 405
    ocid = PublishedRelease.objects.get().ocid
    assert client.delete(f"{LIST_URL}{ocid}/").status_code == 405
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert "/api/v1/ocds/" in schema["paths"] and "/api/v1/ocds/{ocid}/" in schema["paths"]


@override_settings(OCDS_OCID_PREFIX="ocds-q1w2e3")
def test_the_ocid_prefix_is_a_setting(world, completed):
    assert PublishedRelease.objects.get().ocid == f"ocds-gpitmp-C{completed.number:06d}"  # published before
    order = Order.objects.get(pk=completed.pk)
    from procurement.contracts import ocds

    assert ocds.ocid_for(order) == f"ocds-q1w2e3-C{order.number:06d}"


@override_settings(OCDS_OCID_PREFIX="ocds-TOO-LONG")
def test_a_malformed_ocid_prefix_stops_the_checks():
    with pytest.raises(SystemCheckError, match=r"contracts\.E001"):
        call_command("check")


def test_the_api_is_public_and_the_same_for_everyone(client, world, completed):
    from tests.procurement.orders.helpers import ready_order

    ready_order(world)  # in progress: published to no one
    other_buyer = MembershipFactory(role=Role.BUYER).user
    seen = []
    for user in (None, world.supplier_user, other_buyer, world.buyer):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(LIST_URL)
        assert response.status_code == 200
        seen.append([p["releases"] for p in response.json()["results"]])
        ocid = f"ocds-gpitmp-C{completed.number:06d}"
        assert client.get(f"{LIST_URL}{ocid}/").status_code == 200
    assert all(releases == seen[0] for releases in seen) and len(seen[0]) == 1
