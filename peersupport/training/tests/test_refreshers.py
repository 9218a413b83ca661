"""Refreshers: due a set period after the last training; flagged, told once, optionally paused."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.cases.timeliness import send_due_notices
from peersupport.matching.selectors import active_supporter_facts
from peersupport.notifications.models import OutboxMessage, OutboxPriority
from peersupport.program.models import Program, ProgramSettings
from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.testing.factories import make_supporter
from peersupport.training.models import CourseKind, TrainingSettings
from peersupport.training.selectors import add_months
from peersupport.training.tests.helpers import make_course, make_session


def months_ago(months: int, days: int = 0) -> date:
    return add_months(timezone.localdate(), -months) - timedelta(days=days)


@pytest.fixture
def team(db):
    return {
        "fresh": make_supporter(trained_on=months_ago(2)),
        "soon": make_supporter(trained_on=months_ago(12, days=-10)),  # due in 10 days
        "overdue": make_supporter(trained_on=months_ago(13)),
        "nominated": make_supporter(status=SupporterStatus.NOMINATED, trained_on=None),
    }


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 12) == date(2027, 11, 30)
    assert add_months(date(2027, 3, 15), -14) == date(2026, 1, 15)


def test_the_job_tells_each_supporter_once_due_soon_and_once_overdue(team):
    counts = send_due_notices()
    assert counts.refresher_notices == 2 and counts.refresher_pauses == 0
    soon = OutboxMessage.objects.get(to=team["soon"].person.email)
    overdue = OutboxMessage.objects.get(to=team["overdue"].person.email)
    assert soon.kind == "refresher_due_soon" and "is due on" in soon.body
    assert overdue.kind == "refresher_overdue" and "was due on" in overdue.body
    assert soon.priority == overdue.priority == OutboxPriority.NORMAL
    assert AuditEntry.objects.filter(action="training.refresher_overdue").count() == 1

    # Safe to re-run: nothing more is sent, nobody is paused (the program's default).
    again = send_due_notices()
    assert again.refresher_notices == 0
    assert OutboxMessage.objects.filter(kind__startswith="refresher_").count() == 2
    assert Supporter.objects.get(pk=team["overdue"].pk).status == SupporterStatus.ACTIVE


def test_the_due_soon_supporter_is_told_again_when_overdue(team):
    send_due_notices()
    later = timezone.now() + timedelta(days=11)
    counts = send_due_notices(later)
    assert counts.refresher_notices == 1
    assert OutboxMessage.objects.filter(to=team["soon"].person.email).count() == 2


def test_overdue_supporters_are_paused_when_the_program_chooses_and_not_suggested(
        team, django_capture_on_commit_callbacks):
    TrainingSettings.objects.update_or_create(program=Program.default(), defaults={"pause_when_overdue": True})
    program = ProgramSettings.current()
    overdue = team["overdue"]
    with django_capture_on_commit_callbacks(execute=True):
        counts = send_due_notices()
    assert counts.refresher_pauses == 1
    assert Supporter.objects.get(pk=overdue.pk).status == SupporterStatus.PAUSED
    suggested = {s.person.employee_id for s in active_supporter_facts(program)}
    assert overdue.person.employee_id not in suggested and team["fresh"].person.employee_id in suggested
    assert AuditEntry.objects.filter(action="training.refresher_pause").count() == 1

    # Idempotent, and the director's decision to resume them stands for this due date.
    assert send_due_notices().refresher_pauses == 0
    Supporter.objects.filter(pk=overdue.pk).update(status=SupporterStatus.ACTIVE)
    assert send_due_notices().refresher_pauses == 0
    assert Supporter.objects.get(pk=overdue.pk).status == SupporterStatus.ACTIVE


def test_recording_a_refresher_resumes_a_supporter_the_job_paused(team, client, director):
    TrainingSettings.objects.update_or_create(program=Program.default(), defaults={"pause_when_overdue": True})
    send_due_notices()
    overdue = team["overdue"]
    client.force_login(director)
    session = make_session(make_course(CourseKind.REFRESHER, name="Yearly refresher"))
    response = client.post(reverse("training-session", args=[session.pk]),
                           {"attendees": [overdue.person.employee_id], "completed": "yes"})
    assert response.status_code == 302
    assert Supporter.objects.get(pk=overdue.pk).status == SupporterStatus.ACTIVE
    assert send_due_notices().refresher_pauses == 0


def test_overdue_supporters_are_flagged_on_the_training_and_supporters_pages(team, client, administrator):
    client.force_login(administrator)
    training = client.get(reverse("training")).content.decode()
    assert team["overdue"].person.name in training and team["fresh"].person.name not in training.split(
        'data-testid="overdue"')[1].split("</table>")[0]
    supporters = client.get(reverse("supporters")).content.decode()
    assert supporters.count('data-testid="refresher-overdue"') == 1


def test_the_refresher_period_is_a_program_setting(team, client, director):
    client.force_login(director)
    bad = client.post(reverse("training-settings"), {"refresher_months": 0, "notice_days": 30})
    assert bad.status_code == 422 and TrainingSettings.current().refresher_months == 12
    ok = client.post(reverse("training-settings"), {"refresher_months": 1, "notice_days": 7})
    assert ok.status_code == 302 and TrainingSettings.current().refresher_months == 1
    # Now everyone trained two months ago is overdue too.
    assert send_due_notices().refresher_notices == 3


def test_a_supporter_sees_their_history_and_when_the_refresher_is_due(client, supporter_a):
    client.force_login(supporter_a.person.user)
    page = client.get(reverse("my-training")).content.decode()
    due = add_months(supporter_a.trained_on, 12)
    assert 'data-testid="my-history"' in page and "Your next refresher is due on" in page
    assert f"{due:%B} {due.day}, {due.year}" in page
