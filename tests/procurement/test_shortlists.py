# ruff: noqa: F811 - pytest fixtures imported from shortlist_helpers are redefined as arguments
"""Shortlists: saving a catalogue search, seeing what matches now, renaming, deleting, the limit of
ten per organisation, exports, and who may see or change them."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from accounts.models import Role
from procurement import services
from procurement.models import AuditAction, AuditRecord, Shortlist, ShortlistMatch
from tests.factories import MembershipFactory, OrganisationFactory

from .shortlist_helpers import (  # noqa: F401 - fixtures
    C43_SEARCH,
    catalogue_ids,
    other_buyer,
    other_practice,
    practice,
    practice_buyer,
    publish_c43_listing,
    save_shortlist,
)

pytestmark = pytest.mark.django_db


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(soup_of(response).get_text(" ").split())


def result_names(response) -> list[str]:
    results = soup_of(response).find(attrs={"data-testid": "shortlist-results"})
    return [h3.get_text(strip=True) for h3 in results.find_all("h3")] if results else []


# --- saving a search --------------------------------------------------------------------------------


def test_a_buyer_saves_a_catalogue_search_and_sees_what_matches(client, catalogue_ids, practice_buyer):
    client.force_login(practice_buyer)
    catalogue = client.get("/catalogue/", {"q": "consultation", "capability": "C43", "page": "1"})
    button = soup_of(catalogue).find("button", string="Save this search as a shortlist")
    assert button is not None and button["form"] == "shortlist-form"
    carried = soup_of(catalogue).find("form", id="shortlist-form").find("input", attrs={"name": "search"})

    form = client.get("/shortlists/new/", {"search": carried["value"]})
    assert form.status_code == 200
    assert "2 solutions match now" in text(form)
    assert "C43 Online Consultation" in text(form)

    response = client.post(
        "/shortlists/new/",
        {"search": carried["value"], "name": "  Online triage  ", "description": "For the winter."},
    )
    shortlist = Shortlist.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/shortlists/{shortlist.pk}/"
    # Stored as validated, normalised parameters: the page number is not part of a search.
    assert shortlist.parameters == {"q": "consultation", "capability": ["C43"]}
    assert shortlist.name == "Online triage"
    assert shortlist.organisation.ods_code == "A81001"
    assert shortlist.created_by == practice_buyer

    page = client.get(response["Location"])
    assert sorted(result_names(page)) == ["Consultly Online", "Triageflow"]
    assert "Shortlist “Online triage” saved." in text(page)
    reopen = soup_of(page).find("a", string="Open this search in the catalogue")
    assert reopen["href"] == "/catalogue/?q=consultation&capability=C43"
    record = AuditRecord.objects.get(action=AuditAction.SHORTLIST_CREATED)
    assert (record.actor, record.subject_id, record.organisation_id) == (
        practice_buyer,
        shortlist.pk,
        shortlist.organisation_id,
    )


def test_the_shortlist_shows_what_matches_now_not_what_matched_when_saved(
    client, catalogue_ids, practice_buyer
):
    shortlist = save_shortlist(practice_buyer, practice_buyer.memberships.get().organisation)
    publish_c43_listing("Consultnow Online")
    client.force_login(practice_buyer)

    page = client.get(shortlist.get_absolute_url())

    assert sorted(result_names(page)) == ["Consultly Online", "Consultnow Online", "Triageflow"]
    assert "3 solutions match" in text(page)


def test_a_bad_search_is_refused_with_the_reason(client, catalogue_ids, practice_buyer):
    client.force_login(practice_buyer)

    response = client.get("/shortlists/new/", {"search": "capability=C999&list_size=lots"})

    assert response.status_code == 400
    assert "“C999” is not a capability reference" in text(response)
    assert "The list size must be a whole number of patients" in text(response)
    response = client.post("/shortlists/new/", {"search": "capability=C999", "name": "Bad"})
    assert response.status_code == 400
    assert not Shortlist.objects.exists()


def test_a_name_is_required_and_limited(client, catalogue_ids, practice_buyer):
    client.force_login(practice_buyer)

    response = client.post("/shortlists/new/", {"search": "q=video", "name": "   "})
    assert response.status_code == 400
    summary = soup_of(response).find(class_="nhsuk-error-summary")
    assert summary.find("a", href="#id_name").get_text() == "Enter a name for the shortlist."

    response = client.post("/shortlists/new/", {"search": "q=video", "name": "x" * 101})
    assert response.status_code == 400
    assert "The name must be 100 characters or fewer." in text(response)
    assert not Shortlist.objects.exists()


# --- at most ten per organisation -----------------------------------------------------------------------


def test_the_eleventh_shortlist_is_refused_with_a_clear_message(
    client, catalogue_ids, practice_buyer, other_buyer
):
    organisation = practice_buyer.memberships.get().organisation
    for number in range(10):
        save_shortlist(practice_buyer, organisation, name=f"Shortlist {number}")
    client.force_login(practice_buyer)

    response = client.post("/shortlists/new/", {"search": "q=video", "name": "The eleventh"})

    assert response.status_code == 400
    assert (
        "Your organisation already has 10 shortlists, the most it can keep. Delete one you no longer need "
        "before saving another."
    ) in text(response)
    assert Shortlist.objects.for_organisation(organisation).count() == 10
    with pytest.raises(services.ShortlistLimitReached):
        save_shortlist(practice_buyer, organisation, name="Via the service")
    # The limit is per organisation: another practice still saves its first.
    save_shortlist(other_buyer, other_buyer.memberships.get().organisation)

    # Deleting one makes room again.
    services.delete_shortlist(Shortlist.objects.for_organisation(organisation).first(), user=practice_buyer)
    save_shortlist(practice_buyer, organisation, name="Now it fits")
    assert Shortlist.objects.for_organisation(organisation).count() == 10


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_cannot_both_pass_the_limit(catalogue_ids, practice_buyer):
    organisation = practice_buyer.memberships.get().organisation
    for number in range(9):
        save_shortlist(practice_buyer, organisation, name=f"Shortlist {number}")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(name: str) -> None:
        try:
            start.wait(timeout=10)
            save_shortlist(practice_buyer, organisation, name=name)
            outcomes.append("saved")
        except services.ShortlistLimitReached:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(f"Racer {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "saved"]
    assert Shortlist.objects.for_organisation(organisation).count() == 10


# --- changing and deleting ------------------------------------------------------------------------------


def test_rename_and_describe_a_shortlist(client, catalogue_ids, practice_buyer):
    shortlist = save_shortlist(practice_buyer, practice_buyer.memberships.get().organisation)
    client.force_login(practice_buyer)
    url = f"/shortlists/{shortlist.pk}/edit/"

    form = client.get(url)
    assert soup_of(form).find("input", id="id_name")["value"] == "Online consultation"

    response = client.post(url, {"name": "", "description": "x"})
    assert response.status_code == 400
    assert "Enter a name for the shortlist." in text(response)

    response = client.post(url, {"name": "PCN triage", "description": "Shared with the PCN."})
    assert response.status_code == 302
    shortlist.refresh_from_db()
    assert (shortlist.name, shortlist.description) == ("PCN triage", "Shared with the PCN.")
    assert shortlist.parameters == {"q": "consultation", "capability": ["C43"]}  # the search is kept
    record = AuditRecord.objects.get(action=AuditAction.SHORTLIST_CHANGED)
    assert record.details["name"] == ["Online consultation", "PCN triage"]
    assert record.actor == practice_buyer


def test_delete_a_shortlist_after_confirming_and_the_audit_keeps_it(client, catalogue_ids, practice_buyer):
    shortlist = save_shortlist(practice_buyer, practice_buyer.memberships.get().organisation)
    client.force_login(practice_buyer)
    url = f"/shortlists/{shortlist.pk}/delete/"

    confirm = client.get(url)
    assert "Delete “Online consultation”?" in text(confirm)
    assert Shortlist.objects.exists()

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/buyer/"
    assert not Shortlist.objects.exists()
    assert not ShortlistMatch.objects.exists()
    record = AuditRecord.objects.get(action=AuditAction.SHORTLIST_DELETED)
    assert (record.subject_id, record.subject_name, record.actor) == (
        shortlist.pk,
        "Online consultation",
        practice_buyer,
    )
    assert record.details["parameters"] == {"q": "consultation", "capability": ["C43"]}
    assert "Shortlist “Online consultation” deleted." in text(client.get("/buyer/"))


# --- exports ----------------------------------------------------------------------------------------------


def test_csv_export_lists_the_matches_and_is_safe_against_formulas(client, catalogue_ids, practice_buyer):
    publish_c43_listing('=HYPERLINK("http://evil.example","Click")', summary="@SUM(1+1) online consultation")
    shortlist = save_shortlist(
        practice_buyer,
        practice_buyer.memberships.get().organisation,
        parameters={"capability": "C43", "list_size": "8,000", "sort": "name"},
    )
    client.force_login(practice_buyer)

    response = client.get(f"/shortlists/{shortlist.pk}/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="shortlist-online-consultation-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "Solution ID",
        "Solution",
        "Supplier",
        "Frameworks",
        "Accredited",
        "In remediation",
    ]
    assert rows[0][6] == "First-year price for 8,000 patients (£)"
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Consultly Online", "Triageflow", '\'=HYPERLINK("http://evil.example","Click")'}
    evil = by_name['\'=HYPERLINK("http://evil.example","Click")']
    assert evil[7] == "'@SUM(1+1) online consultation"
    online = by_name["Consultly Online"]
    assert online[0] == "99000-001"
    assert online[2] == "Consultly Ltd"
    assert online[4] == "Yes"
    assert online[6] == "8000.00"  # £1.00 a patient a year
    assert online[8].startswith("http://testserver/")


def test_pdf_export(client, catalogue_ids, practice_buyer):
    shortlist = save_shortlist(practice_buyer, practice_buyer.memberships.get().organisation)
    client.force_login(practice_buyer)

    response = client.get(f"/shortlists/{shortlist.pk}/export.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    assert response.content.startswith(b"%PDF-")


def test_pdf_content(rf, catalogue_ids, practice_buyer):
    """The PDF is made from this HTML (its text is compressed inside the PDF itself)."""
    from django.template.loader import render_to_string

    from procurement import saved_searches
    from procurement.buying.exports import matching_rows

    shortlist = save_shortlist(practice_buyer, practice_buyer.memberships.get().organisation)
    rows, total = matching_rows(shortlist, practice_buyer)
    html = render_to_string(
        "procurement/buying/shortlist_pdf.html",
        {
            "shortlist": shortlist,
            "rows": rows,
            "total": total,
            "search": saved_searches.describe(shortlist.parameters),
        },
    )
    content = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "2 solutions match" in content
    assert "Consultly Online" in content and "Triageflow" in content
    assert "C43 Online Consultation" in content


# --- who may see and change a shortlist -------------------------------------------------------------------

PAGES = [
    ("get", "/shortlists/{pk}/"),
    ("get", "/shortlists/{pk}/edit/"),
    ("post", "/shortlists/{pk}/edit/"),
    ("get", "/shortlists/{pk}/delete/"),
    ("post", "/shortlists/{pk}/delete/"),
    ("post", "/shortlists/{pk}/alerts/"),
    ("get", "/shortlists/{pk}/export.csv"),
    ("get", "/shortlists/{pk}/export.pdf"),
]


@pytest.fixture
def shortlist(catalogue_ids, practice_buyer):
    return save_shortlist(practice_buyer, practice_buyer.memberships.get().organisation)


@pytest.mark.parametrize("method, path", PAGES)
def test_another_organisations_buyer_gets_404(client, shortlist, other_buyer, method, path):
    client.force_login(other_buyer)
    response = getattr(client, method)(path.format(pk=shortlist.pk), {"name": "Mine now", "alerts": "on"})
    assert response.status_code == 404
    shortlist.refresh_from_db()
    assert shortlist.name == "Online consultation"
    assert not shortlist.subscriptions.exists()


@pytest.mark.parametrize("method, path", PAGES)
def test_a_supplier_gets_403(client, shortlist, supplier_a_editor, method, path):
    client.force_login(supplier_a_editor)
    response = getattr(client, method)(path.format(pk=shortlist.pk), {"name": "Mine now", "alerts": "on"})
    assert response.status_code == 403
    assert Shortlist.objects.get().name == "Online consultation"


@pytest.mark.parametrize("method, path", [*PAGES, ("get", "/shortlists/new/"), ("post", "/shortlists/new/")])
def test_anonymous_is_sent_to_log_in(client, shortlist, method, path):
    path = path.format(pk=shortlist.pk)
    response = getattr(client, method)(path, {"name": "Mine now", "search": "q=x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=" + path)
    assert Shortlist.objects.get().name == "Online consultation"


def test_a_supplier_cannot_save_a_shortlist(client, catalogue_ids, supplier_a_editor):
    client.force_login(supplier_a_editor)
    assert client.get("/shortlists/new/", {"search": "q=video"}).status_code == 403
    assert client.post("/shortlists/new/", {"search": "q=video", "name": "Ours"}).status_code == 403
    assert "Save this search as a shortlist" not in text(client.get("/catalogue/", {"q": "video"}))
    assert not Shortlist.objects.exists()


def test_the_service_refuses_someone_who_does_not_buy_for_the_organisation(
    catalogue_ids, practice_buyer, other_buyer, supplier_a_editor
):
    from django.core.exceptions import PermissionDenied

    organisation = practice_buyer.memberships.get().organisation
    for user in (other_buyer, supplier_a_editor):
        with pytest.raises(PermissionDenied):
            save_shortlist(user, organisation)
    shortlist = save_shortlist(practice_buyer, organisation)
    with pytest.raises(PermissionDenied):
        services.delete_shortlist(shortlist, user=other_buyer)
    with pytest.raises(PermissionDenied):
        services.update_shortlist(shortlist, user=other_buyer, name="Taken")
    assert Shortlist.objects.get().name == "Online consultation"


def test_querysets_for_organisation_and_visible_to(
    catalogue_ids, practice_buyer, other_buyer, supplier_a_editor
):
    organisation = practice_buyer.memberships.get().organisation
    ours = save_shortlist(practice_buyer, organisation)
    theirs = save_shortlist(other_buyer, other_buyer.memberships.get().organisation)
    admin = MembershipFactory(organisation=organisation, role=Role.ORGANISATION_ADMIN).user

    assert list(Shortlist.objects.for_organisation(organisation)) == [ours]
    assert list(Shortlist.objects.visible_to(practice_buyer)) == [ours]
    assert list(Shortlist.objects.visible_to(admin)) == [ours]
    assert list(Shortlist.objects.visible_to(other_buyer)) == [theirs]
    assert list(Shortlist.objects.visible_to(supplier_a_editor)) == []
    from django.contrib.auth.models import AnonymousUser

    assert list(Shortlist.objects.visible_to(AnonymousUser())) == []


def test_a_member_of_two_organisations_sees_only_the_one_they_act_for(client, catalogue_ids, practice_buyer):
    organisation = practice_buyer.memberships.get().organisation
    pcn = OrganisationFactory(name="Aardvark PCN", org_type="pcn", ods_code="U00001")
    MembershipFactory(user=practice_buyer, organisation=pcn, role=Role.BUYER)
    ours = save_shortlist(practice_buyer, organisation, name="Practice list")
    pcns = save_shortlist(practice_buyer, pcn, name="PCN list")
    client.force_login(practice_buyer)

    # The first buyer organisation by name (Aardvark PCN) is acted for until the user switches.
    assert client.get(f"/shortlists/{pcns.pk}/").status_code == 200
    assert client.get(f"/shortlists/{ours.pk}/").status_code == 404
    session = client.session
    session["acting_organisation_id"] = organisation.pk
    session.save()
    assert client.get(f"/shortlists/{ours.pk}/").status_code == 200
    assert client.get(f"/shortlists/{pcns.pk}/").status_code == 404
