"""The audit trail is hash-chained: the sealing step chains what requests inserted, `verify_audit`
passes on an honest trail and names the first entry that was changed, deleted or inserted behind
the application's back."""

import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from peersupport.accounts.models import Role
from peersupport.audit.chain import GENESIS, HASHED_FIELDS, entry_digest, pending, seal_pending
from peersupport.audit.models import AuditEntry
from peersupport.audit.services import audit_origin, audit_record, audit_record_many
from peersupport.testing.factories import make_user

pytestmark = pytest.mark.django_db


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def raw(sql: str, params: list | None = None) -> None:
    """SQL straight to the database, with the append-only trigger out of the way, as someone
    with the database's owner password could do. The test's transaction puts the trigger back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE needs no checks pending
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_delete")
        cursor.execute(sql, params or [])


def rehash(pk: int) -> str:
    """Give an entry changed behind the application's back a valid hash of its contents as they
    now read, chained on the prev_hash it carries: the entry then verifies on its own."""
    entry = AuditEntry.objects.get(pk=pk)
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    digest = entry_digest(fields, entry.prev_hash, from_database=True)
    raw("UPDATE audit_auditentry SET entry_hash = %s WHERE id = %s", [digest, pk])
    return digest


@pytest.fixture
def trail(db) -> list[AuditEntry]:
    """A few entries of every kind: single, several at once, from the web with an address."""
    director = make_user(Role.DIRECTOR)
    audit_record(actor=director, action="case.view", object_type="case", object_id=7)
    with audit_origin("web", "2001:db8::1"):
        audit_record_many(actor=director, action="case.list", object_type="case", object_ids=[7, 8, 9])
    audit_record(actor=None, action="case.reminder", object_type="case", object_id=8,
                 detail={"step": "first_outreach", "emails": 2, "score": 0.1, "big": 1e16, "ü": ["é"]})
    assert seal_pending("default") == 5
    return list(AuditEntry.objects.order_by("seal_seq"))


def test_every_entry_is_chained_to_the_one_before(trail):
    assert trail[0].prev_hash == GENESIS
    assert [entry.pk for entry in trail] == sorted(entry.pk for entry in trail)  # sealed in key order
    for before, entry in zip(trail, trail[1:], strict=False):
        assert entry.prev_hash == before.entry_hash and len(entry.entry_hash) == 64
        assert entry.seal_seq == before.seal_seq + 1


def test_a_request_only_inserts_its_entry_and_the_sealing_step_chains_it(trail):
    entry = audit_record(actor=None, action="case.view", object_type="case", object_id=3)
    entry.refresh_from_db()
    assert (entry.seal_seq, entry.prev_hash, entry.entry_hash) == (None, "", "")
    assert pending("default").count == 1
    assert seal_pending("default") == 1
    entry.refresh_from_db()
    assert entry.seal_seq == trail[-1].seal_seq + 1 and entry.prev_hash == trail[-1].entry_hash
    assert pending("default").count == 0 and seal_pending("default") == 0


def test_an_entry_that_commits_late_is_sealed_after_the_ones_sealed_before_it(trail):
    # A transaction that took its key before another's and committed after the sealing step had
    # sealed the other: its entry has the lower key, and takes the next place in the chain.
    ahead = AuditEntry(action="case.view", object_type="case", object_id="4", via="web")
    ahead.pk = trail[-1].pk + 50
    ahead.save()
    assert seal_pending("default") == 1
    late = AuditEntry(action="case.view", object_type="case", object_id="5", via="web")
    late.pk = trail[-1].pk + 10
    late.save()
    assert seal_pending("default") == 1
    ahead.refresh_from_db()
    late.refresh_from_db()
    assert late.pk < ahead.pk and late.seal_seq == ahead.seal_seq + 1 and late.prev_hash == ahead.entry_hash
    assert verify().startswith("OK: 7 audit entries")


def test_sealing_in_small_batches_gives_the_same_chain_as_one_batch(db):
    for n in range(7):
        audit_record(actor=None, action="case.view", object_type="case", object_id=n)
    assert seal_pending("default", batch_size=3) == 7
    assert list(AuditEntry.objects.order_by("seal_seq").values_list("seal_seq", flat=True)) == list(range(1, 8))
    assert verify().startswith("OK: 7 audit entries")


def test_verify_audit_seals_what_waits_and_says_so(db):
    audit_record(actor=None, action="case.view", object_type="case", object_id=1)
    audit_record(actor=None, action="case.view", object_type="case", object_id=2)
    output = verify()
    assert output.startswith("OK: 2 audit entries") and "Sealed 2 of them first" in output
    assert pending("default").count == 0


def test_verify_audit_without_sealing_reports_the_entries_waiting(trail):
    from io import StringIO

    audit_record(actor=None, action="case.view", object_type="case", object_id=1)
    out = StringIO()
    call_command("verify_audit", "--no-seal", stdout=out)
    assert out.getvalue().startswith("OK: 5 audit entries")
    assert "1 entry is not sealed yet" in out.getvalue()
    assert pending("default").count == 1


def test_seal_audit_seals_and_is_quiet_when_idle(db):
    from io import StringIO

    audit_record(actor=None, action="case.view", object_type="case", object_id=1)
    out = StringIO()
    call_command("seal_audit", stdout=out)
    assert out.getvalue().startswith("Sealed 1 audit entry; the oldest had waited")
    out = StringIO()
    call_command("seal_audit", stdout=out)
    assert out.getvalue() == ""
    assert AuditEntry.objects.get().seal_seq == 1


def test_verify_audit_passes_an_honest_trail_and_prints_the_count_and_head(trail):
    output = verify()
    assert output.startswith("OK: 5 audit entries") and trail[-1].entry_hash in output


def test_verify_audit_passes_an_empty_trail(db):
    assert verify().startswith("OK: 0 audit entries")


def test_an_entry_edited_in_the_database_is_detected(trail):
    raw("UPDATE audit_auditentry SET actor_label = 'someone.else@example.org' WHERE id = %s", [trail[2].pk])
    with pytest.raises(CommandError, match=f"entry {trail[2].pk} was changed"):
        verify()


def test_an_edited_detail_is_detected(trail):
    raw("UPDATE audit_auditentry SET detail = %s WHERE id = %s", ['{"step": "closing"}', trail[4].pk])
    with pytest.raises(CommandError, match=f"entry {trail[4].pk} was changed"):
        verify()


def test_an_edit_that_also_rewrites_its_own_hash_breaks_the_next_link(trail):
    # The edited entry carries a valid hash of its new contents, so it verifies on its own:
    # only the next entry's link to it can show the edit.
    raw("UPDATE audit_auditentry SET actor_label = 'someone.else@example.org' WHERE id = %s", [trail[1].pk])
    rehash(trail[1].pk)
    with pytest.raises(CommandError, match=f"entry {trail[2].pk} does not follow the entry before it "
                                           f"\\(after entry {trail[1].pk}\\)"):
        verify()


def test_a_deleted_entry_is_detected_at_the_next_one(trail):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [trail[2].pk])
    with pytest.raises(CommandError, match=f"entry {trail[3].pk} does not follow") as refused:
        verify()
    assert "deleted" in str(refused.value)


def test_an_inserted_entry_is_detected(trail):
    # A forged entry put between two real ones, chained on the one before it and carrying a
    # valid hash of its own contents, verifies on its own: the real entry after it no longer
    # follows it, and that is what gives it away.
    before, after = trail[1], trail[2]
    # Room for one entry, in the keys and in the chain's places.
    raw("UPDATE audit_auditentry SET id = id + 1000, seal_seq = seal_seq + 1000 WHERE id > %s", [before.pk])
    forged_pk = before.pk + 1
    raw("INSERT INTO audit_auditentry (id, at, actor_label, action, object_type, object_id, via, detail, "
        "seal_seq, prev_hash, entry_hash) VALUES (%s, %s, 'x', 'case.view', 'case', '1', 'web', '{}', %s, %s, %s)",
        [forged_pk, before.at, before.seal_seq + 1, before.entry_hash, "0" * 64])
    rehash(forged_pk)
    with pytest.raises(CommandError, match=f"entry {after.pk + 1000} does not follow the entry before it "
                                           f"\\(after entry {forged_pk}\\)"):
        verify()


def test_verify_audit_exits_non_zero_when_broken(trail):
    raw("UPDATE audit_auditentry SET action = 'case.list' WHERE id = %s", [trail[0].pk])
    with pytest.raises(CommandError) as refused:
        verify()
    assert refused.value.returncode == 1


@pytest.mark.postgres(reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_writers_appending_at_the_same_moment_keep_one_unbroken_chain():
    director = make_user(Role.DIRECTOR)
    writers, per_writer = 8, 10
    barrier = threading.Barrier(writers)
    errors: list[Exception] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                if i % 2:
                    audit_record(actor=director, action="case.view", object_type="case", object_id=n)
                else:
                    audit_record_many(actor=director, action="case.list", object_type="case", object_ids=[n, i])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert verify().startswith(f"OK: {writers * per_writer * 3 // 2} audit entries")


@pytest.mark.postgres(reason="concurrent writers and sealers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_sealers_running_while_writers_append_keep_one_unbroken_chain():
    """Two sealing steps (say, `seal_audit` and a `verify_audit` run) while eight writers append:
    every entry is sealed exactly once, and the chain verifies."""
    director = make_user(Role.DIRECTOR)
    writers, per_writer = 8, 10
    done = threading.Event()
    errors: list[Exception] = []

    def write(n: int) -> None:
        try:
            for i in range(per_writer):
                audit_record_many(actor=director, action="case.list", object_type="case", object_ids=[n, i])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def seal() -> None:
        try:
            while not done.is_set():
                seal_pending("default", batch_size=7)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    sealers = [threading.Thread(target=seal) for _ in range(2)]
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in sealers + threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    done.set()
    for thread in sealers:
        thread.join(60)
    assert not errors
    assert verify().startswith(f"OK: {writers * per_writer * 2} audit entries")
    places = list(AuditEntry.objects.order_by("seal_seq").values_list("seal_seq", flat=True))
    assert places == list(range(1, len(places) + 1))


def verify_anchored(anchor) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", "--anchor", str(anchor), stdout=out)
    return out.getvalue()


def test_an_anchor_records_the_head_and_the_next_run_accepts_a_trail_that_only_grew(trail, tmp_path):
    anchor = tmp_path / "audit-anchor.json"
    assert "No anchor" in verify_anchored(anchor)
    assert json.loads(anchor.read_text())["head"] == trail[-1].entry_hash
    audit_record(actor=None, action="case.view", object_type="case", object_id=9)  # sealed by the run
    assert verify_anchored(anchor).startswith("OK: 6 audit entries")
    assert json.loads(anchor.read_text())["count"] == 6


def test_an_anchor_catches_a_trail_cut_back_at_its_end(trail, tmp_path):
    anchor = tmp_path / "audit-anchor.json"
    verify_anchored(anchor)
    raw("DELETE FROM audit_auditentry WHERE id >= %s", [trail[3].pk])
    assert verify().startswith("OK: 3 audit entries")  # on its own, the shorter chain verifies
    before = anchor.read_text()
    with pytest.raises(CommandError, match="CUT BACK OR REWRITTEN"):
        verify_anchored(anchor)
    assert anchor.read_text() == before  # a failed run does not move the anchor


def test_an_anchor_catches_a_trail_rewritten_with_fresh_hashes(trail, tmp_path):
    anchor = tmp_path / "audit-anchor.json"
    verify_anchored(anchor)
    # Someone with the database edits an entry and recomputes every hash after it.
    raw("UPDATE audit_auditentry SET object_id = '99' WHERE id = %s", [trail[1].pk])
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("seal_seq"):
        fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
        digest = entry_digest(fields, prev, from_database=True)
        raw("UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s", [prev, digest, entry.pk])
        prev = digest
    assert verify().startswith("OK: 5 audit entries")
    with pytest.raises(CommandError, match="CUT BACK OR REWRITTEN"):
        verify_anchored(anchor)


def test_a_file_that_is_not_an_anchor_is_refused(trail, tmp_path):
    anchor = tmp_path / "audit-anchor.json"
    anchor.write_text("not json")
    with pytest.raises(CommandError, match="not an anchor"):
        verify_anchored(anchor)
