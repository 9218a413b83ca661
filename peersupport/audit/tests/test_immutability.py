"""Audit entries cannot be changed or deleted: not through the application, and not by SQL
sent to the database (its triggers refuse), except that emptying the whole database with
`flush` (tests, `load_demo --reset`) still works, and that the sealing step may give a new entry
its place in the chain once, changing nothing it says."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from peersupport.accounts.models import Role
from peersupport.audit.chain import seal_pending
from peersupport.audit.models import AuditEntry, AuditTrailImmutable
from peersupport.audit.services import audit_record
from peersupport.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(db) -> AuditEntry:
    written = audit_record(actor=make_user(Role.DIRECTOR), action="case.view", object_type="case", object_id=1)
    seal_pending("default")
    return written


def test_saving_an_existing_entry_is_refused(entry):
    entry.action = "case.list"
    with pytest.raises(AuditTrailImmutable):
        entry.save()
    assert AuditEntry.objects.get().action == "case.view"


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AuditTrailImmutable):
        entry.delete()
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("change", [
    lambda entries: entries.update(action="case.list"),
    lambda entries: entries.delete(),
    lambda entries: entries.bulk_update(list(entries), ["action"]),
    lambda entries: entries.filter(action="case.view").update(detail={}),
], ids=["update", "delete", "bulk_update", "filtered_update"])
def test_queryset_changes_are_refused(entry, change):
    with pytest.raises(AuditTrailImmutable):
        change(AuditEntry.objects.all())
    assert AuditEntry.objects.get().action == "case.view"


def test_a_login_that_has_acted_cannot_be_deleted(entry):
    # It is deactivated instead: deleting it would have to rewrite its entries.
    with pytest.raises(ProtectedError):
        entry.actor.delete()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditentry SET action = 'case.list'",
    "UPDATE audit_auditentry SET prev_hash = entry_hash",
    "UPDATE audit_auditentry SET seal_seq = NULL",
    "DELETE FROM audit_auditentry",
], ids=["update", "rechain", "unseal", "delete"])
def test_the_database_refuses_update_and_delete(entry, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get().action == "case.view"


@pytest.fixture
def unsealed(db) -> AuditEntry:
    return audit_record(actor=make_user(Role.DIRECTOR), action="case.view", object_type="case", object_id=1)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditentry SET action = 'case.list'",
    "UPDATE audit_auditentry SET seal_seq = 1, entry_hash = 'x', action = 'case.list'",
    "UPDATE audit_auditentry SET seal_seq = 1, prev_hash = 'x', detail = '{\"x\": 1}'",
    "UPDATE audit_auditentry SET seal_seq = 1, object_id = '2'",
    "DELETE FROM audit_auditentry",
], ids=["update", "seal_and_edit", "seal_and_edit_detail", "seal_and_edit_object", "delete"])
def test_an_entry_waiting_to_be_sealed_cannot_be_changed_either(unsealed, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get().action == "case.view"


def test_the_database_lets_the_sealing_step_place_an_entry_once(unsealed):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET seal_seq = 1, prev_hash = 'a', entry_hash = 'b'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET seal_seq = 2, prev_hash = 'c', entry_hash = 'd'")
    assert AuditEntry.objects.values_list("seal_seq", "prev_hash", "entry_hash").get() == (1, "a", "b")


@pytest.mark.postgres(reason="the PostgreSQL trigger")
def test_on_postgresql_a_row_trigger_guards_the_table(entry):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass AND NOT tgisinternal"
        )
        assert [row[0] for row in cursor.fetchall()] == ["audit_auditentry_append_only"]


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_whole_database():
    audit_record(actor=make_user(Role.DIRECTOR), action="case.view", object_type="case", object_id=1)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
