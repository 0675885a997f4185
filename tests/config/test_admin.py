"""The Django admin covers every model of ours, and only staff get in."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from accounts.models import Invitation, LoginThrottle, SecurityEvent
from catalogue.conformance.ingest import ImportedCase, record_imported_results
from catalogue.models import (
    ConformanceReport,
    HarnessClient,
    HarnessFeed,
    HarnessResult,
    HarnessSecret,
    ListingStateChange,
    ReportWarning,
)
from tests.factories import (
    AdditionalServiceFactory,
    AssociatedServiceFactory,
    CapabilityEpicFactory,
    PriceFactory,
    SolutionEpicFactory,
    SupplierContactFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "catalogue")
# Rows that only make sense edited inline under their parent.
INLINE_ONLY = {
    "capabilityepic",
    "solutionepic",
    "solutionintegration",
    "hostingoption",
    "solutionclientapplication",
    "pricetier",
    "suppliercontact",
    "integrationtype",
    "harnesssecret",
    "harnessfeed",
    "reportwarning",
    "capabilityconformance",
    "epicconformance",
    "standardconformance",
}
# Audit records and harness evidence can be read, never added by hand.
READ_ONLY = {ListingStateChange, ConformanceReport, HarnessResult, SecurityEvent, LoginThrottle, Invitation}


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def populated():
    """One of everything, so change pages have a row to open."""
    SolutionEpicFactory()
    CapabilityEpicFactory()
    PriceFactory()
    AdditionalServiceFactory()
    AssociatedServiceFactory()
    SupplierContactFactory()
    client = HarnessClient.objects.create(name="Test harness")
    HarnessSecret.objects.create(client=client)
    HarnessFeed.objects.create(client=client, url="https://harness.example.com/feed.json")
    epic = SolutionEpicFactory().epic
    solution = SolutionEpicFactory(epic=epic).solution
    report = record_imported_results(
        "admin-test-run",
        [ImportedCase(solution.catalogue_id, epic.code, "passed", solution.created_at)],
        harness_name="Test harness",
    )
    ReportWarning.objects.create(report=report, code="unknown_solution", message="Unknown solution id 1.")
    # The account security records, written only by accounts.services.
    from accounts import services

    services.record_failed_login("someone@example.nhs.uk", ip_address="192.0.2.1")


def test_every_model_of_ours_is_in_the_admin_or_inline():
    missing = [
        model._meta.label
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if model not in admin.site._registry and model._meta.model_name not in INLINE_ONLY
    ]
    assert missing == []


def test_every_admin_page_opens_for_a_superuser(client, superuser, populated):
    client.force_login(superuser)
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, model
        add = client.get(reverse("admin:{}_{}_add".format(*info)))
        assert add.status_code == (403 if model in READ_ONLY else 200), model
        obj = model.objects.first()
        if obj is not None:
            change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            assert change.status_code == 200, model


def test_the_admin_search_finds_a_solution_by_supplier_name(client, superuser):
    solution = PriceFactory().solution
    client.force_login(superuser)
    response = client.get(reverse("admin:catalogue_solution_changelist"), {"q": solution.supplier.name})
    assert solution.name in response.content.decode()


def test_non_staff_users_are_sent_to_log_in(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:catalogue_solution_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_wagtail_admin_works_with_email_logins(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    users = client.get("/admin/users/")
    assert users.status_code == 200
    assert superuser.email in users.content.decode()
