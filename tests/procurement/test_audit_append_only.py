"""The audit trail is evidence: nothing can change or delete a record once written, not even a bulk
query or raw SQL on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from procurement.models import AppendOnly, AuditAction, AuditRecord
from procurement.services import create_shortlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(buyer):
    organisation = buyer.memberships.get().organisation
    create_shortlist(
        user=buyer, organisation=organisation, name="Online consultation", parameters={"q": "video"}
    )
    return AuditRecord.objects.get(action=AuditAction.SHORTLIST_CREATED)


def test_a_record_cannot_be_changed_or_deleted_through_the_orm(record):
    record.subject_name = "Something else"
    with pytest.raises(AppendOnly):
        record.save()
    with pytest.raises(AppendOnly):
        record.delete()
    with pytest.raises(AppendOnly):
        AuditRecord.objects.filter(pk=record.pk).update(subject_name="x")
    with pytest.raises(AppendOnly):
        AuditRecord.objects.filter(pk=record.pk).delete()
    assert AuditRecord.objects.get(pk=record.pk).subject_name == "Online consultation"


def test_the_database_refuses_raw_changes_and_deletes(record):
    for statement in (
        "UPDATE procurement_auditrecord SET details = '{}' WHERE id = %s",
        "DELETE FROM procurement_auditrecord WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_removing_the_actor_keeps_the_record(record, buyer):
    buyer.delete()
    record = AuditRecord.objects.get(pk=record.pk)
    assert record.actor is None
    assert record.subject_name == "Online consultation"
