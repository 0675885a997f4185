"""The listing lifecycle in the catalogue's service functions: the transition map, permissions,
reasons, the audit trail, events, publication rules and applying a supplier's content."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from catalogue import events, services
from catalogue.listing_content import AdditionalServiceContent, ListingContent, PriceContent
from catalogue.models import (
    AdditionalService,
    AppendOnlyError,
    ListingAction,
    ListingStateChange,
    PublicationState,
    Solution,
)
from catalogue.pricing import Tier
from tests.factories import SolutionFactory
from tests.factories.listings import build_listing

pytestmark = pytest.mark.django_db
S = PublicationState
MODERATOR_ACTIONS = {
    S.SUSPENDED: services.suspend_listing,
    S.IN_REMEDIATION: services.mark_listing_in_remediation,
    S.PUBLISHED: services.restore_listing,
    S.UNPUBLISHED: services.unpublish_listing,
}


def content(solution) -> ListingContent:
    return ListingContent.from_solution(Solution.objects.with_facts().get(pk=solution.pk))


@pytest.mark.parametrize("from_state", [s for s, _ in S.choices])
@pytest.mark.parametrize("to_state", list(MODERATOR_ACTIONS))
def test_moderator_moves_follow_the_transition_map(from_state, to_state, supplier_a, moderator):
    solution = SolutionFactory(supplier=supplier_a, publication_state=from_state)
    change = MODERATOR_ACTIONS[to_state]
    if from_state == to_state:
        assert change(solution, user=moderator, reason="again") is False
        assert not ListingStateChange.objects.exists()
    elif (from_state, to_state) in services.TRANSITIONS:
        assert change(solution, user=moderator, reason="Failed re-test") is True
        solution.refresh_from_db()
        assert solution.publication_state == to_state
        record = ListingStateChange.objects.get()
        assert (record.from_state, record.to_state, record.actor, record.reason) == (
            from_state,
            to_state,
            moderator,
            "Failed re-test",
        )
    else:
        with pytest.raises(services.IllegalTransition, match="cannot become"):
            change(solution, user=moderator, reason="Failed re-test")
        solution.refresh_from_db()
        assert solution.publication_state == from_state
        assert not ListingStateChange.objects.exists()


@pytest.mark.parametrize("user_fixture", ["supplier_a_editor", "buyer", "plain_user"])
def test_only_the_catalogue_team_changes_a_listings_state(request, user_fixture, supplier_a):
    solution = SolutionFactory(supplier=supplier_a, publication_state=S.PUBLISHED)
    for change in MODERATOR_ACTIONS.values():
        with pytest.raises(PermissionDenied):
            change(solution, user=request.getfixturevalue(user_fixture), reason="no")
    assert Solution.objects.get(pk=solution.pk).publication_state == S.PUBLISHED


def test_moderator_actions_need_a_reason(supplier_a, moderator):
    solution = SolutionFactory(supplier=supplier_a, publication_state=S.PUBLISHED)
    with pytest.raises(services.ReasonRequired):
        services.suspend_listing(solution, user=moderator, reason="   ")
    assert not ListingStateChange.objects.exists()


def test_state_changes_are_announced_only_after_commit(
    supplier_a, moderator, django_capture_on_commit_callbacks
):
    heard = []
    solution = SolutionFactory(supplier=supplier_a, publication_state=S.PUBLISHED)

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    events.listing_state_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.suspend_listing(solution, user=moderator, reason="Clinical safety")
            assert heard == []  # nothing before the commit
        # The announcement waits for the commit (listeners may schedule more work of their own then).
        assert callbacks
    finally:
        events.listing_state_changed.disconnect(receiver)
    assert heard == [
        {
            "solution_id": solution.pk,
            "old_state": S.PUBLISHED,
            "new_state": S.SUSPENDED,
            "action": ListingAction.SUSPENDED,
            "user_id": moderator.pk,
            "reason": "Clinical safety",
            "signal": events.listing_state_changed,
        }
    ]


def test_audit_records_are_never_changed_or_deleted(supplier_a, moderator):
    solution = SolutionFactory(supplier=supplier_a, publication_state=S.PUBLISHED)
    services.suspend_listing(solution, user=moderator, reason="Clinical safety")
    record = ListingStateChange.objects.get()
    record.reason = "Something else"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    assert ListingStateChange.objects.get().reason == "Clinical safety"


def test_publication_rules_name_everything_missing(supplier_a):
    solution = SolutionFactory(supplier=supplier_a, publication_state=S.DRAFT)
    problems = services.publication_problems(solution, ListingContent())
    assert problems == [
        "add a summary",
        "add a description",
        "choose at least one client application type",
        "add a list price",
        "have the catalogue team record at least one capability",
        "add a contact for buyers",
    ]
    assert services.publication_problems(build_listing(supplier_a), content(build_listing(supplier_a))) == []


def test_submitting_checks_the_rules_and_the_supplier(supplier_a, supplier_a_editor, supplier_b_editor):
    solution = build_listing(supplier_a, publication_state=S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.submit_listing(solution, content(solution), user=supplier_b_editor)
    with pytest.raises(services.PublicationRulesNotMet, match="add a summary"):
        services.submit_listing(solution, ListingContent(), user=supplier_a_editor)
    assert services.submit_listing(solution, content(solution), user=supplier_a_editor) is True
    assert Solution.objects.get(pk=solution.pk).publication_state == S.SUBMITTED


def test_changes_requested_send_a_never_published_listing_back_to_draft_and_others_to_unpublished(
    supplier_a, moderator
):
    new = SolutionFactory(supplier=supplier_a, publication_state=S.SUBMITTED)
    services.request_listing_changes(new, user=moderator, reason="Add prices")
    relisting = SolutionFactory(
        supplier=supplier_a, publication_state=S.SUBMITTED, published_at="2025-01-01T00:00Z"
    )
    services.request_listing_changes(relisting, user=moderator, reason="Add prices")
    assert Solution.objects.get(pk=new.pk).publication_state == S.DRAFT
    assert Solution.objects.get(pk=relisting.pk).publication_state == S.UNPUBLISHED
    with pytest.raises(services.ReasonRequired):
        services.request_listing_changes(new, user=moderator, reason="")


def test_applying_the_same_content_twice_writes_nothing_the_second_time(supplier_a, moderator):
    solution = build_listing(supplier_a)
    unchanged = content(solution)
    assert services.apply_listing_content(solution, unchanged, user=moderator) is False
    changed = ListingContent(**{**unchanged.__dict__, "summary": "Better summary."})
    assert services.apply_listing_content(solution, changed, user=moderator) is True
    assert services.apply_listing_content(solution, changed, user=moderator) is False
    assert content(solution) == changed


def test_applied_prices_and_new_services_are_stored(supplier_a, moderator):
    solution = build_listing(supplier_a)
    old = content(solution)
    tiered = PriceContent(
        provisioning_type="declarative",
        unit_description="per user",
        range_description="users",
        time_unit="month",
        calculation_type="volume",
        tiers=(Tier(1, 9, Decimal("5")), Tier(10, None, Decimal("4.5"))),
    )
    kept = old.additional_services[0]
    new_service = AdditionalServiceContent(name="Video add-on", summary="Video calls", prices=(tiered,))
    services.apply_listing_content(
        solution,
        ListingContent(**{**old.__dict__, "prices": (tiered,), "additional_services": (new_service,)}),
        user=moderator,
    )
    after = content(solution)
    assert after.prices == (tiered,)
    assert [s.name for s in after.additional_services] == ["Video add-on"]
    added = AdditionalService.objects.get(name="Video add-on")
    # A new service gets a free id of its solution's; the old one keeps its own.
    assert added.catalogue_id.startswith(f"{solution.catalogue_id}A")
    assert added.catalogue_id != kept.catalogue_id
    added.full_clean()
    # The one left out is unpublished, never deleted: orders may refer to it.
    left_out = AdditionalService.objects.get(catalogue_id=kept.catalogue_id)
    assert left_out.publication_state == S.UNPUBLISHED


def test_suppliers_cannot_apply_content_to_another_suppliers_listing(supplier_a, supplier_b_editor):
    solution = build_listing(supplier_a)
    with pytest.raises(PermissionDenied):
        services.apply_listing_content(solution, ListingContent(summary="Hijacked"), user=supplier_b_editor)
    assert Solution.objects.get(pk=solution.pk).summary != "Hijacked"


@pytest.mark.django_db(transaction=True)
def test_two_moderators_suspending_at_once_make_one_change(supplier_a, moderator):
    """Real parallel transactions on PostgreSQL: the row lock makes the second a no-op."""
    solution = SolutionFactory(supplier=supplier_a, publication_state=S.PUBLISHED)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def suspend():
        try:
            barrier.wait()
            results.append(services.suspend_listing(solution, user=moderator, reason="Clinical safety"))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=suspend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert ListingStateChange.objects.filter(solution=solution).count() == 1


def test_every_approval_keeps_the_content_that_went_live(supplier_a, moderator):
    solution = build_listing(supplier_a, publication_state=S.SUBMITTED)
    first = content(solution)
    services.approve_listing(solution, first, user=moderator)
    second = ListingContent(**{**first.__dict__, "summary": "Second version."})
    services.approve_listing(solution, second, user=moderator, comment="Looks right")
    approvals = ListingStateChange.objects.filter(solution=solution, action=ListingAction.APPROVED).order_by(
        "pk"
    )
    assert [a.published_content["summary"] for a in approvals] == [first.summary, "Second version."]
    assert approvals[1].published_content["prices"][0]["tiers"][0]["unit_price"] == "1.25"
    assert approvals[1].reason == "Looks right"
