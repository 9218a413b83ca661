"""Reminders and escalations of late steps, with a frozen clock."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from peersupport.audit.models import AuditEntry
from peersupport.cases import timeliness
from peersupport.cases.actions import case_record_outreach, case_record_response
from peersupport.cases.management.commands import send_reminders as send_reminders_command
from peersupport.cases.models import Case, CaseState, StepNotice
from peersupport.cases.tasks import send_reminders
from peersupport.cases.timeliness import send_due_notices
from peersupport.front.tests.helpers import SUMMARY, assign, refer
from peersupport.lib import looping
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, program_settings

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)

    def at(offset: timedelta) -> datetime:
        time_machine.move_to(START + offset, tick=False)
        return START + offset

    return at


@pytest.fixture
def peer(db):
    return make_person(name="Pat Peer", department="Emergency")


@pytest.fixture
def waiting_case(clock, director, referrer, peer) -> Case:
    """Referred at START: its assignment is due 4 hours later."""
    return refer(referrer, peer).cases.get()


@pytest.fixture
def assigned_case(waiting_case, director, supporter_a) -> Case:
    """Assigned at START: its first outreach is due 24 hours later."""
    return assign(director, waiting_case, supporter_a)


def notices(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=f"step_{kind}").order_by("pk"))


def assert_neutral(message: OutboxMessage, peer) -> None:
    for secret in (peer.name, "Pat", SUMMARY, "death", "died"):
        assert secret not in message.subject
    assert SUMMARY not in message.body and peer.name not in message.body


def test_assigned_case_reminds_its_supporter_once_after_the_due_time(clock, assigned_case, supporter_a, peer):
    clock(24 * HOUR - MINUTE)
    assert not send_due_notices()
    assert notices("reminder") == []

    clock(24 * HOUR + MINUTE)
    assert send_due_notices().reminders == 1
    [reminder] = notices("reminder")
    assert reminder.to == supporter_a.person.email
    assert reminder.subject == "A reminder about one of your cases"
    assert f"/cases/{assigned_case.pk}/" in reminder.body and "first outreach" in reminder.body
    assert_neutral(reminder, peer)
    assert AuditEntry.objects.filter(action="case.reminder", object_id=str(assigned_case.pk),
                                     actor=None).count() == 1

    clock(25 * HOUR)
    assert not send_due_notices()
    assert len(notices("reminder")) == 1 and notices("escalation") == []


def test_a_step_later_than_the_threshold_escalates_once_to_the_directors(
    clock, assigned_case, director, supporter_a, peer
):
    clock(24 * HOUR + MINUTE)
    send_due_notices()
    clock(28 * HOUR - MINUTE)
    assert send_due_notices().escalations == 0

    clock(28 * HOUR + MINUTE)
    counts = send_due_notices()
    assert (counts.reminders, counts.escalations) == (0, 1)
    [escalation] = notices("escalation")
    assert escalation.to == director.email
    assert escalation.subject == "A case step is running late"
    body = escalation.body
    assert "First outreach" in body and "4 hours" in body and supporter_a.person.name in body
    assert f"/cases/{assigned_case.pk}/" in body
    assert_neutral(escalation, peer)
    assert AuditEntry.objects.filter(action="case.escalation", object_id=str(assigned_case.pk)).count() == 1

    clock(40 * HOUR)
    assert not send_due_notices()
    assert len(notices("escalation")) == 1


def test_a_first_run_long_after_the_due_time_reminds_and_escalates_together(clock, assigned_case):
    clock(3 * 24 * HOUR)
    counts = send_due_notices()
    assert (counts.reminders, counts.escalations) == (1, 1)
    assert StepNotice.objects.filter(case=assigned_case).count() == 2


def test_a_new_due_time_is_a_new_step_with_its_own_reminder(clock, assigned_case, supporter_a):
    clock(25 * HOUR)
    send_due_notices()
    case_record_outreach(actor=supporter_a.person.user, case_id=assigned_case.pk, channel="call")
    # The outreach is done: nothing more about it, and the response is not yet due.
    clock(26 * HOUR)
    assert not send_due_notices()

    clock(25 * HOUR + 48 * HOUR + MINUTE)
    assert send_due_notices().reminders == 1
    latest = notices("reminder")[-1]
    assert "response" in latest.body
    assert StepNotice.objects.filter(case=assigned_case, kind="reminder").count() == 2


def test_a_case_waiting_for_assignment_reminds_the_directors(clock, waiting_case, director, peer):
    clock(4 * HOUR - MINUTE)
    assert not send_due_notices()
    clock(4 * HOUR + MINUTE)
    assert send_due_notices().reminders == 1
    [reminder] = notices("reminder")
    assert reminder.to == director.email
    assert reminder.subject == "A case is waiting for a supporter"
    assert f"/cases/{waiting_case.pk}/" in reminder.body and "/queue/" in reminder.body
    assert_neutral(reminder, peer)


def test_closed_cases_are_never_reminded(clock, assigned_case):
    Case.objects.filter(pk=assigned_case.pk).update(state=CaseState.CLOSED, closed_at=START)
    clock(10 * 24 * HOUR)
    assert not send_due_notices()


def test_peer_becomes_unreachable_after_the_set_attempts_and_days(clock, assigned_case, supporter_a):
    program_settings(unreachable_after_attempts=2, unreachable_after_days=3)
    actor = supporter_a.person.user
    clock(HOUR)
    case_record_outreach(actor=actor, case_id=assigned_case.pk, channel="call")

    # Three days later, but only one try: not yet.
    clock(3 * 24 * HOUR + 2 * HOUR)
    assert send_due_notices().unreachable == 0
    case_record_outreach(actor=actor, case_id=assigned_case.pk, channel="text")
    assigned_case.refresh_from_db()
    # Recording the second try after enough days makes the case unreachable at once.
    assert assigned_case.state == CaseState.UNREACHABLE


def test_the_job_marks_a_silent_peer_unreachable_when_the_days_pass(clock, assigned_case, supporter_a):
    program_settings(unreachable_after_attempts=2, unreachable_after_days=3)
    actor = supporter_a.person.user
    clock(HOUR)
    case_record_outreach(actor=actor, case_id=assigned_case.pk, channel="call")
    clock(2 * HOUR)
    case_record_response(actor=actor, case_id=assigned_case.pk, response="no_response")
    case_record_outreach(actor=actor, case_id=assigned_case.pk, channel="text")

    clock(3 * 24 * HOUR)  # two tries, but not yet three days since the first
    assert send_due_notices().unreachable == 0
    clock(3 * 24 * HOUR + HOUR + MINUTE)
    assert send_due_notices().unreachable == 1
    assigned_case.refresh_from_db()
    assert assigned_case.state == CaseState.UNREACHABLE
    assert OutboxMessage.objects.filter(kind="open_invitation", case=assigned_case).count() == 1
    assert AuditEntry.objects.filter(action="case.unreachable", actor=None).count() == 1
    assert send_due_notices().unreachable == 0


def test_a_notice_another_run_sent_first_is_not_sent_again(monkeypatch, clock, assigned_case):
    """Two runs at once: the other run inserts the notice between our read and our write."""
    clock(25 * HOUR)
    send_notice = timeliness._send_notice
    other: list[timeliness.NoticeCounts] = []

    def other_run_gets_in_first(*args, **kwargs):
        if not other:
            other.append(timeliness.NoticeCounts())  # the other run itself goes straight through
            other[0] = send_due_notices()
        return send_notice(*args, **kwargs)

    monkeypatch.setattr(timeliness, "_send_notice", other_run_gets_in_first)
    assert send_due_notices().reminders == 0
    assert other[0].reminders == 1
    assert len(notices("reminder")) == 1
    assert AuditEntry.objects.filter(action="case.reminder").count() == 1


def test_a_step_done_meanwhile_is_not_reminded(monkeypatch, clock, assigned_case, supporter_a):
    clock(25 * HOUR)
    send_notice = timeliness._send_notice

    def supporter_acts_first(*args, **kwargs):
        case_record_outreach(actor=supporter_a.person.user, case_id=assigned_case.pk, channel="call")
        return send_notice(*args, **kwargs)

    monkeypatch.setattr(timeliness, "_send_notice", supporter_acts_first)
    assert send_due_notices().reminders == 0
    assert notices("reminder") == [] and not StepNotice.objects.exists()


def test_a_rerun_costs_a_few_queries_however_many_cases_are_due(
    clock, director, referrer, supporter_a, django_assert_max_num_queries
):
    for n in range(12):
        refer(referrer, make_person(name=f"Peer {n}"))
    clock(5 * HOUR)
    assert send_due_notices().reminders == 12
    # One batch of due cases: its rows, their conversations (the next step follows them), ...
    # ...one for the supporter meetings' nudge step (the recent meetings with attendance),
    # two for the refresher step (its settings, and the supporters due or overdue: none here),
    # and one for the nomination campaigns whose sending stands still; and one for the programs,
    # each of which is reminded by its own rules.
    with django_assert_max_num_queries(12):
        assert not send_due_notices()


def test_the_command_reports_what_it_sent(clock, assigned_case, capsys):
    clock(25 * HOUR)
    call_command("send_reminders")
    assert "Sent 1 reminder(s), 0 escalation(s)" in capsys.readouterr().out
    call_command("send_reminders")
    assert capsys.readouterr().out == ""


def test_the_looping_command_survives_a_failed_run(monkeypatch):
    runs: list[str] = []

    def flaky() -> timeliness.NoticeCounts:
        runs.append("run")
        if len(runs) == 1:
            raise RuntimeError("database is locked")
        return timeliness.NoticeCounts()

    def sleep(seconds: float) -> None:
        if len(runs) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(send_reminders_command, "send_due_notices", flaky)
    monkeypatch.setattr(looping.time, "sleep", sleep)
    monkeypatch.setattr(looping, "close_old_connections", lambda: None)
    with pytest.raises(KeyboardInterrupt):
        call_command("send_reminders", "--loop", "300", verbosity=0)
    assert runs == ["run", "run"]


def test_the_loop_needs_a_positive_interval():
    with pytest.raises(CommandError):
        call_command("send_reminders", "--loop", "0")


def test_the_task_runs_the_job(clock, assigned_case):
    clock(25 * HOUR)
    assert send_reminders.call() == {"reminders": 1, "escalations": 0, "unreachable": 0,
                                     "refresher_notices": 0, "refresher_pauses": 0}
