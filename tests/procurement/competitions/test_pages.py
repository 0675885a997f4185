"""The competition pages over HTTP: the whole flow as forms post it (no JavaScript), errors shown in the
summary and beside the inputs, and who may open each page and export."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from procurement.competitions import results, services
from procurement.competitions.models import Competition, CompetitionStatus
from tests.factories import MembershipFactory, OrganisationFactory, SupplierFactory

from .helpers import default_price_entries, ready_competition, reasons_for

SCORE_ELEMENTS = ("features", "implementation", "service_levels")


def post_prices(client, competition):
    data = {}
    for cid, entry in default_price_entries(competition).items():
        data[f"price-{cid}"] = entry["price"]
        data[f"agreed-{cid}"] = ""
        for code, quantity in entry["quantities"].items():
            data[f"quantity-{cid}-{code}"] = quantity
    return client.post(reverse("competitions:prices", args=[competition.pk]), data)


def test_the_flow_through_the_pages(client, world):
    client.force_login(world.buyer)
    shortlist_page = client.get(world.shortlist.get_absolute_url())
    start_url = reverse("competitions:start", args=[world.shortlist.pk])
    assert start_url in shortlist_page.content.decode()

    response = client.post(start_url, {"name": "Online consultation 2027"})
    competition = Competition.objects.get(name="Online consultation 2027")
    assert response.status_code == 302 and response["Location"] == competition.get_absolute_url()
    page = client.get(competition.get_absolute_url()).content.decode()
    assert "Choose solutions" in page and "Cannot start yet" in page

    url = reverse("competitions:solutions", args=[competition.pk])
    keep = world.ids("Flat One", "Flat Two", "Tiered Three")
    response = client.post(url, {"selected": keep})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Say why Practice Four does not meet your needs" in body
    assert 'href="#reason-' in body
    data = {"selected": keep, **{f"reason-{k}": v for k, v in reasons_for(competition, keep).items()}}
    assert client.post(url, data).status_code == 302

    url = reverse("competitions:recipients", args=[competition.pk])
    template = client.get(reverse("competitions:recipients-template", args=[competition.pk]))
    assert template["Content-Type"].startswith("text/csv") and b"Y00001" in template.content
    bad = SimpleUploadedFile("r.csv", b"Y00001\nZZZ\nY00001\n")
    response = client.post(
        reverse("competitions:recipients-upload", args=[competition.pk]), {"csv_file": bad}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 2: “ZZZ” is not a practice ODS code" in body and "Line 3: Y00001 is listed twice" in body
    assert not competition.recipients.exists()
    good = SimpleUploadedFile("r.csv", b"ODS code\nY00001\nY00002\nY00003\n")
    assert (
        client.post(
            reverse("competitions:recipients-upload", args=[competition.pk]), {"csv_file": good}
        ).status_code
        == 302
    )
    assert competition.recipients.count() == 3

    url = reverse("competitions:contract-length", args=[competition.pk])
    response = client.post(url, {"months": "48"})
    assert response.status_code == 400 and "1 to 36 months" in response.content.decode()
    assert client.post(url, {"months": "36"}).status_code == 302

    url = reverse("competitions:criteria", args=[competition.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "criteria": "price_and_non_price",
            "price_weight": "65",
            "features_weight": "40",
            "implementation_weight": "30",
            "interoperability_weight": "0",
            "service_levels_weight": "30",
            "feature_rows": "2",
            "feature-1": "Online triage",
            "feature-1-level": "must",
            "feature-2": "",
            "feature-2-level": "must",
        },
    )
    assert response.status_code == 302
    competition.refresh_from_db()
    assert (competition.price_weight, competition.features_weight) == (65, 40)

    assert client.get(reverse("competitions:prices", args=[competition.pk])).status_code == 200
    assert post_prices(client, competition).status_code == 302

    url = reverse("competitions:scores", args=[competition.pk])
    assert client.get(url).status_code == 200
    data = {}
    for row, score in zip(results.selected_solutions(competition), ("5", "3", "4"), strict=True):
        for element in SCORE_ELEMENTS:
            data[f"score-{row.catalogue_id}-{element}"] = score
            data[f"justification-{row.catalogue_id}-{element}"] = "As demonstrated"
    assert client.post(url, data).status_code == 302

    page = client.get(reverse("competitions:results", args=[competition.pk])).content.decode()
    assert 'data-testid="results"' in page
    ranks = re.findall(r'data-testid="rank">(\d)', page)
    assert ranks == ["1", "2", "3"]
    pdf = client.get(reverse("competitions:results-pdf", args=[competition.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    response = client.post(reverse("competitions:award", args=[competition.pk]))
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.AWARDED
    assert response["Location"] == reverse("orders:detail", args=[competition.order_id])
    # Flat One: cheapest (£60,000) and scored 5s.
    assert competition.awarded_solution.solution_name == "Flat One"
    # A second submit of the award form goes to the same order, not a second one.
    again = client.post(reverse("competitions:award", args=[competition.pk]))
    assert again["Location"] == reverse("orders:detail", args=[competition.order_id])

    history = client.get(reverse("competitions:audit", args=[competition.pk])).content.decode()
    assert "Competition awarded" in history and "Competition started" in history
    csv = client.get(reverse("competitions:audit-csv", args=[competition.pk]))
    assert b"Competition scored" in b"".join(csv.streaming_content)
    dashboard = client.get(reverse("procurement:dashboard")).content.decode()
    assert "Online consultation 2027" in dashboard


def competition_urls(competition) -> list[tuple[str, str]]:
    pk = competition.pk
    names = [
        "detail",
        "solutions",
        "recipients",
        "recipients-template",
        "contract-length",
        "criteria",
        "prices",
        "scores",
        "results",
        "results-pdf",
        "award",
        "direct-award",
        "cancel",
        "audit",
        "audit-csv",
    ]
    urls = [("get", reverse(f"competitions:{name}", args=[pk])) for name in names]
    urls += [
        ("post", reverse(f"competitions:{name}", args=[pk]))
        for name in names
        if name not in {"recipients-template", "results", "results-pdf", "detail", "audit", "audit-csv"}
    ]
    urls.append(("post", reverse("competitions:recipients-upload", args=[pk])))
    return urls


def test_only_the_organisations_buyers_open_any_page_or_export(client, world):
    competition = ready_competition(world)
    services.set_prices(competition, user=world.buyer, entries=default_price_entries(competition))
    services.set_criteria(competition, user=world.buyer, criteria="price_only")
    other_buyer = MembershipFactory(
        organisation=OrganisationFactory(name="Another ICB", ods_code="QYY"), role=Role.BUYER
    ).user
    supplier_user = MembershipFactory(
        organisation=SupplierFactory().organisation, role=Role.SUPPLIER_EDITOR
    ).user
    urls = competition_urls(competition)
    start_url = reverse("competitions:start", args=[world.shortlist.pk])

    for method, url in [*urls, ("get", start_url), ("post", start_url)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url

    client.force_login(other_buyer)
    for method, url in [*urls, ("get", start_url), ("post", start_url)]:
        assert getattr(client, method)(url).status_code == 404, (method, url)

    client.force_login(supplier_user)
    for method, url in [*urls, ("get", start_url), ("post", start_url)]:
        assert getattr(client, method)(url).status_code == 403, (method, url)

    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.IN_PROGRESS
    assert Competition.objects.count() == 1

    # The buyer can open every page (the direct-award page is a 404 on the competition route, and a
    # price-only competition has nothing to score).
    client.force_login(world.buyer)
    for method, url in urls:
        if method == "get":
            expected = 404 if "direct-award" in url else 302 if "scores" in url else 200
            assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("months", ["", "abc", "0"])
def test_a_bad_contract_length_is_explained(client, world, months):
    competition = ready_competition(world)
    client.force_login(world.buyer)
    response = client.post(reverse("competitions:contract-length", args=[competition.pk]), {"months": months})
    assert response.status_code == 400
    assert 'href="#months"' in response.content.decode()
