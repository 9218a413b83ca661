"""What identifies a peer is encrypted in its columns: the raw columns hold no plain text, every way
of writing a person keeps the email's keyed hash right, lookups by email still find people, and a
key rotation re-encrypts while old rows still read. Runs on SQLite and on PostgreSQL."""

import hashlib
import hmac
import importlib
from datetime import date
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peersupport.lib.encrypted_columns import rewrite, to_current_key
from peersupport.lib.encryption import decrypt
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.models import Referral
from peersupport.roster.models import Person
from peersupport.roster.services import PersonInput, people_upsert_batch
from peersupport.support.tests.helpers import ask, process_all
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
SENTENCE = "Unexpected airway complication during an elective procedure."


def raw(table: str, pk: int, *columns: str) -> tuple[str, ...]:
    """The columns as the database holds them (what a backup or a stolen copy would show)."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {", ".join(columns)} FROM "{table}" WHERE id = %s', [pk])  # noqa: S608
        return tuple(cursor.fetchone())


def everything_raw(table: str) -> str:
    """Every value of every row of a table, as one text."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        return "\n".join(" ".join(str(value) for value in row) for row in cursor.fetchall())


def hmac_of(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def make_referral(summary: str = SENTENCE) -> Referral:
    return Referral.objects.create(category="medical_error", occurred_on=date(2026, 11, 20), summary=summary,
                                   source="safety_report")


def test_the_raw_columns_hold_no_plain_email_phone_or_sentence():
    person = make_person(name="Dana Reyes", email="Dana.Reyes@example.org", phone="+1 555 0100")
    referral = make_referral()
    email, phone, email_hash = raw("roster_person", person.pk, "email", "phone", "email_hash")
    (summary,) = raw("referrals_referral", referral.pk, "summary")
    for stored, plain in ((email, "Dana.Reyes@example.org"), (phone, "+1 555 0100"), (summary, SENTENCE)):
        assert plain not in stored and decrypt(stored) == plain
    roster, referrals = everything_raw("roster_person"), everything_raw("referrals_referral")
    for fragment in ("Dana.Reyes", "dana.reyes", "example.org", "555 0100", "0100"):
        assert fragment not in roster
    for fragment in ("airway", "elective", "procedure"):
        assert fragment not in referrals
    assert len(email_hash) == 64 and "dana" not in email_hash.lower()
    # The rest of the code reads plain text, as before.
    assert Person.objects.get(pk=person.pk).email == "Dana.Reyes@example.org"
    assert Person.objects.values_list("phone", flat=True).get(pk=person.pk) == "+1 555 0100"
    assert Referral.objects.get(pk=referral.pk).summary == SENTENCE


def test_a_blank_email_or_phone_is_stored_blank_with_no_hash():
    person = make_person(email="", phone="")
    assert raw("roster_person", person.pk, "email", "phone", "email_hash") == ("", "", "")
    assert not Person.objects.with_email("").exists()


def test_the_email_is_found_by_its_keyed_hash_in_any_letter_case(settings):
    settings.FIELD_HASH_KEYS = ["k" * 40]
    person = make_person(email="Dana.Reyes@Example.org")
    (email_hash,) = raw("roster_person", person.pk, "email_hash")
    assert email_hash == hmac_of("k" * 40, "dana.reyes@example.org")
    for typed in ("dana.reyes@example.org", "  DANA.REYES@EXAMPLE.ORG ", "Dana.Reyes@Example.org"):
        assert list(Person.objects.with_email(typed)) == [person]
    assert not Person.objects.with_email("dana.reyes@example.com").exists()


def test_a_lookup_by_email_reads_the_hash_index_not_the_roster():
    make_person(email="dana@example.org")
    query = Person.objects.with_email("dana@example.org").filter(active=True)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows: the plan a full roster gets
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "person_email_hash_idx" in plan, plan


def test_the_ask_path_still_sends_the_link_to_the_person_on_the_roster_whatever_the_case_typed(client):
    make_person(name="Dana Reyes", email="Dana.Reyes@example.org", role_type="physician")
    ask(client, "  DANA.reyes@EXAMPLE.org")
    process_all()
    [message] = OutboxMessage.objects.filter(kind="personal_link")
    assert message.to == "Dana.Reyes@example.org"


def test_an_email_about_a_peer_waits_in_the_outbox_encrypted_and_is_sent_in_plain_text(mailoutbox):
    from peersupport.notifications.services import outbox_deliver, outbox_enqueue

    body = f"Dana Reyes, Dana.Reyes@example.org, +1 555 0100. {SENTENCE}"
    message = outbox_enqueue(kind="assignment", to="supporter@example.org", subject="A new peer for Dana Reyes",
                             body=body)
    subject, stored_body = raw("notifications_outboxmessage", message.pk, "subject", "body")
    assert "Dana" not in subject + stored_body and "airway" not in stored_body
    assert decrypt(stored_body) == body
    assert outbox_deliver(message.pk) == "sent"
    [sent] = mailoutbox
    assert sent.body == body and sent.subject == "A new peer for Dana Reyes"


# Every way a person is written keeps the hash right ------------------------------------------------

def stored_hash(person: Person) -> str:
    return raw("roster_person", person.pk, "email_hash")[0]


def expected_hash(settings, email: str) -> str:
    return hmac_of(settings.FIELD_HASH_KEYS[0], email.strip().lower())


def test_save_and_save_of_the_email_alone_set_the_hash(settings):
    person = make_person(email="first@example.org")
    assert stored_hash(person) == expected_hash(settings, "first@example.org")
    person.email = "Second@example.org"
    person.save(update_fields=["email"])
    assert stored_hash(person) == expected_hash(settings, "second@example.org")
    person.email = "third@example.org"
    person.save()
    assert stored_hash(person) == expected_hash(settings, "third@example.org")


def test_update_and_bulk_update_set_the_hash(settings):
    person, other = make_person(email="a@example.org"), make_person(email="b@example.org")
    Person.objects.filter(pk=person.pk).update(email="Changed@example.org")
    assert stored_hash(person) == expected_hash(settings, "changed@example.org")
    assert decrypt(raw("roster_person", person.pk, "email")[0]) == "Changed@example.org"
    other.email = "bulk@example.org"
    Person.objects.bulk_update([other], ["email"])
    assert stored_hash(other) == expected_hash(settings, "bulk@example.org")
    assert list(Person.objects.with_email("BULK@example.org")) == [other]


def test_bulk_create_sets_the_hash(settings):
    [person] = Person.objects.bulk_create([Person(employee_id="B1", name="Bulk One", email="One@example.org")])
    assert stored_hash(Person.objects.get(employee_id="B1")) == expected_hash(settings, "one@example.org")
    assert person.email_hash == expected_hash(settings, "one@example.org")


def test_the_bulk_roster_path_writes_the_hash_on_insert_and_on_update(settings, integration):
    def batch(email: str) -> list[tuple[str, PersonInput]]:
        return [("E1", PersonInput(name="Dana Reyes", email=email, phone="+1 555 0100")),
                ("E2", PersonInput(name="Sam Lee", email="sam@example.org"))]

    people_upsert_batch(actor=integration, items=batch("dana@example.org"))
    dana = Person.objects.get(employee_id="E1")
    assert stored_hash(dana) == expected_hash(settings, "dana@example.org")
    counts = people_upsert_batch(actor=integration, items=batch("Dana.New@example.org"))
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert stored_hash(dana) == expected_hash(settings, "dana.new@example.org")
    assert list(Person.objects.with_email("dana.new@example.org")) == [dana]
    assert not Person.objects.with_email("dana@example.org").exists()
    email, phone = raw("roster_person", dana.pk, "email", "phone")
    assert "Dana" not in email and "555" not in phone


def test_the_single_put_writes_the_hash_on_create_and_on_update(settings, integration):
    from peersupport.roster.services import person_upsert

    person, created = person_upsert(actor=integration, employee_id="E7", data=PersonInput(name="Ana Ruiz",
                                                                                          email="Ana@example.org"))
    assert created and stored_hash(person) == expected_hash(settings, "ana@example.org")
    person, created = person_upsert(actor=integration, employee_id="E7", data=PersonInput(name="Ana Ruiz",
                                                                                          email="ana.ruiz@example.org"))
    assert not created and stored_hash(person) == expected_hash(settings, "ana.ruiz@example.org")
    assert list(Person.objects.with_email("ANA.RUIZ@example.org")) == [person]


def test_an_update_of_the_email_by_expression_is_refused():
    from django.db.models import F

    with pytest.raises(ValueError, match="hash"):
        Person.objects.update(email=F("name"))


# Key rotation ---------------------------------------------------------------------------------------

def test_rows_under_the_old_and_the_new_key_both_read_and_the_command_re_encrypts_them_all(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    before = make_person(email="before@example.org", phone="+1 555 0001")
    old_referral = make_referral("A sentence written under the old key.")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    after = make_person(email="after@example.org", phone="+1 555 0002")
    assert Person.objects.get(pk=before.pk).email == "before@example.org"
    assert Person.objects.get(pk=after.pk).phone == "+1 555 0002"
    assert Referral.objects.get(pk=old_referral.pk).summary == "A sentence written under the old key."
    with pytest.raises(CommandError, match="older key"):
        call_command("rotate_encryption_key", "--check", stdout=StringIO())

    out = StringIO()
    call_command("rotate_encryption_key", "--batch-size", "1", stdout=out)
    assert "roster_person: 1 rows read" in out.getvalue() and "referrals_referral:" in out.getvalue()
    new_only = Fernet(NEW.encode())
    for pk in (before.pk, after.pk):
        for token in raw("roster_person", pk, "email", "phone"):
            new_only.decrypt(token.encode())  # raises unless under the new key
    new_only.decrypt(raw("referrals_referral", old_referral.pk, "summary")[0].encode())

    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key removed
    call_command("rotate_encryption_key", "--check", stdout=StringIO())
    assert sorted(Person.objects.filter(pk__in=[before.pk, after.pk]).values_list("email", flat=True)) == [
        "after@example.org", "before@example.org"]
    assert Referral.objects.get(pk=old_referral.pk).summary == "A sentence written under the old key."


def test_a_rotation_stopped_part_way_takes_up_where_it_stopped(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    people = [make_person() for _ in range(3)]
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    first = next(rewrite(Person, ["email", "phone"], to_current_key, batch_size=1))
    assert (first.seen, first.changed) == (1, 1)
    *_, last = rewrite(Person, ["email", "phone"], to_current_key, batch_size=1)
    assert (last.seen, last.changed) == (len(Person.objects.all()), 2)
    assert all(Person.objects.get(pk=p.pk).email == p.email for p in people)


def test_the_command_says_which_key_is_missing_rather_than_failing_obscurely(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    person = make_person()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match="opens with none of FIELD_ENCRYPTION_KEYS"):
        call_command("rotate_encryption_key", stdout=StringIO())
    with pytest.raises(InvalidToken):
        Person.objects.get(pk=person.pk)


def test_a_new_hash_key_finds_people_during_and_after_the_rewrite_of_the_hashes(settings):
    settings.FIELD_HASH_KEYS = ["a" * 40]
    person = make_person(email="Dana@example.org")
    settings.FIELD_HASH_KEYS = ["b" * 40, "a" * 40]
    assert list(Person.objects.with_email("dana@example.org")) == [person]  # by the old key's hash
    call_command("rotate_encryption_key", stdout=StringIO())
    assert stored_hash(person) == hmac_of("a" * 40, "dana@example.org")  # hashes only with --hash-key
    call_command("rotate_encryption_key", "--hash-key", stdout=StringIO())
    assert stored_hash(person) == hmac_of("b" * 40, "dana@example.org")
    settings.FIELD_HASH_KEYS = ["b" * 40]
    assert list(Person.objects.with_email("DANA@example.org")) == [person]


# The data migrations ----------------------------------------------------------------------------------

ROSTER_BEFORE = ("roster", "0007_supporter_notify_by")
REFERRALS_BEFORE = ("referrals", "0005_safety_report_intake_ref")
OUTBOX_BEFORE = ("notifications", "0004_outbox_channel")
# Up to the roster's latest migration: the test then writes through today's Person model (and a
# later migration that rebuilds the table must bring the search triggers back too).
ROSTER_AFTER = ("roster", "0009_person_language")
REFERRALS_AFTER = ("referrals", "0006_encrypt_summary")
OUTBOX_AFTER = ("notifications", "0005_encrypt_outbox_message")


@pytest.mark.django_db(transaction=True)
def test_the_migrations_encrypt_existing_rows_in_batches_and_reverse_to_plain_text(settings, monkeypatch):
    monkeypatch.setattr(importlib.import_module("peersupport.lib.encrypted_columns"), "BATCH_SIZE", 2)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([ROSTER_BEFORE, REFERRALS_BEFORE, OUTBOX_BEFORE])
        apps = executor.loader.project_state([ROSTER_BEFORE, REFERRALS_BEFORE, OUTBOX_BEFORE]).apps
        OldPerson, OldReferral = apps.get_model("roster", "Person"), apps.get_model("referrals", "Referral")
        people = [OldPerson.objects.create(employee_id=f"M{i}", name=f"Migrated {i}", email=f"M{i}@example.org",
                                           phone=f"+1 555 010{i}") for i in range(5)]
        blank = OldPerson.objects.create(employee_id="M9", name="No Contact", email="", phone="")
        referral = OldReferral.objects.create(category="other", occurred_on=date(2026, 1, 2), summary=SENTENCE,
                                              source="leader")
        purged = OldReferral.objects.create(category="other", occurred_on=date(2026, 1, 2), summary="",
                                            source="leader")
        message = apps.get_model("notifications", "OutboxMessage").objects.create(
            kind="assignment", to="s@example.org", subject="A new peer", body=f"Migrated 0. {SENTENCE}",
            message_id="<m@example.org>")

        executor = MigrationExecutor(connection)
        executor.migrate([ROSTER_AFTER, REFERRALS_AFTER, OUTBOX_AFTER])
        for i, person in enumerate(people):
            email, phone, email_hash = raw("roster_person", person.pk, "email", "phone", "email_hash")
            assert decrypt(email) == f"M{i}@example.org" and decrypt(phone) == f"+1 555 010{i}"
            assert email_hash == expected_hash(settings, f"m{i}@example.org")
        assert raw("roster_person", blank.pk, "email", "phone", "email_hash") == ("", "", "")
        assert decrypt(raw("referrals_referral", referral.pk, "summary")[0]) == SENTENCE
        assert raw("referrals_referral", purged.pk, "summary") == ("",)
        assert decrypt(raw("notifications_outboxmessage", message.pk, "body")[0]) == f"Migrated 0. {SENTENCE}"
        assert "example.org" not in everything_raw("roster_person")
        # On SQLite the rebuilt table has its search triggers again, through every later migration
        # too: a new name is found by the trigram index.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        make_person(name="Zebulon Trigram")
        assert [p.name for p in Person.objects.search("zebul")] == ["Zebulon Trigram"]

        executor = MigrationExecutor(connection)
        executor.migrate([ROSTER_BEFORE, REFERRALS_BEFORE, OUTBOX_BEFORE])
        assert raw("roster_person", people[0].pk, "email", "phone") == ("M0@example.org", "+1 555 0100")
        assert raw("notifications_outboxmessage", message.pk, "subject") == ("A new peer",)
        assert raw("referrals_referral", referral.pk, "summary") == (SENTENCE,)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# The retention purge, with encryption on ------------------------------------------------------------------

def test_the_purge_blanks_the_encrypted_sentence_to_an_empty_column():
    referral = make_referral()
    referral.summary = ""
    referral.save(update_fields=["summary"])
    assert raw("referrals_referral", referral.pk, "summary") == ("",)
    assert Referral.objects.get(pk=referral.pk).summary == ""
