"""The mail server goes down: the program keeps working, mail waits, and the director is told.

Against a real SMTP server on loopback that is stopped and restarted (or replaced by one that
takes connections and never answers), with the real django-tasks worker doing the sending.
"""

import json
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from peersupport.accounts.models import ApiToken, Role
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Case, CaseState
from peersupport.front.tests.helpers import login_as, refer
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.notifications.services import SET_ASIDE_NOTICE, outbox_flush
from peersupport.notifications.testing import SilentMailServer, run_worker_until_idle, wait_until_worker_idle
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person, make_user

from .conftest import enqueue_sample

pytestmark = pytest.mark.django_db(transaction=True)

# A request that waited on the mail server would take EMAIL_TIMEOUT; these take a fraction of it.
EMAIL_TIMEOUT = 5
PROMPT = 2.5


@pytest.fixture
def peers(db):
    return [make_person(name="Pat Peer", employee_id="E100", department="Emergency"),
            make_person(name="Sam Peer", employee_id="E200", department="Radiology")]


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def api(client, user, path, body):
    token = ApiToken.issue(user)[1]
    return client.post("/api/v1" + path, data=json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def referral_body(employee_id):
    return {"event": {"category": "medical_error", "occurred_on": "2026-11-20",
                      "summary": "A medication was given at the wrong dose."},
            "involved": [{"employee_id": employee_id}], "source": "safety_report"}


def test_intake_and_assignment_answer_at_once_while_the_mail_server_hangs_and_mail_follows_once(
    client, smtp_server, settings, clock, director, referrer, supporter_a, peers
):
    settings.EMAIL_TIMEOUT = EMAIL_TIMEOUT
    reverse("queue")  # load every view module first, so what is timed is the request alone
    smtp_server.stop()
    hanging = SilentMailServer(port=smtp_server.port)
    hanging.start()
    try:
        by_api, api_took = timed(lambda: api(client, referrer, "/referrals", referral_body("E100")))
        client.force_login(referrer)
        by_form, form_took = timed(lambda: client.post(reverse("referral-new"), {
            "involved_ids": "E200", "category": "patient_death", "occurred_on": "2026-11-20",
            "source": "safety_report", "summary": "A patient died after a routine admission.", "key": "",
        }))
        first, second = Case.objects.order_by("pk")
        assigned_by_api, assign_api_took = timed(lambda: api(
            client, director, f"/cases/{first.pk}/assignment",
            {"supporter": supporter_a.person.employee_id, "override_reason": "other"}))
        client.force_login(director)
        assigned_by_form, assign_form_took = timed(lambda: client.post(
            reverse("case-assign", args=[second.pk]),
            {"supporter": supporter_a.person.employee_id, "version": second.version}))
    finally:
        hanging.stop()

    assert (by_api.status_code, by_form.status_code) == (201, 302)
    assert (assigned_by_api.status_code, assigned_by_form.status_code) == (200, 302)
    assert Referral.objects.count() == 2
    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.ASSIGNED}
    assert max(api_took, form_took, assign_api_took, assign_form_took) < PROMPT
    assert hanging.connections == 0  # no request so much as opened a connection to it
    kinds = Counter(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == {"new_referral": 2, "assignment": 2}

    # The server is down (refusing): the real worker tries each message once, and backs off.
    run_worker_until_idle()
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 1)}
    assert smtp_server.messages == []

    smtp_server.start()
    clock.shift(timedelta(seconds=31))
    run_worker_until_idle()

    received = smtp_server.wait_for(4)
    ids = [message["Message-ID"] for message in received]
    assert sorted(ids) == sorted(OutboxMessage.objects.values_list("message_id", flat=True))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    # Exactly once: neither the sweeper nor a later worker run sends anything again.
    clock.shift(timedelta(hours=2))
    assert outbox_flush() == 0
    call_command("send_outbox", verbosity=0)
    wait_until_worker_idle()
    assert len(smtp_server.messages) == 4


def fail_until_set_aside(clock, attempts):
    """Let the real worker try every due message `attempts` times, moving the clock past each back-off."""
    for _ in range(attempts):
        run_worker_until_idle()
        outbox_flush()  # a sweeper beside the worker changes nothing
        clock.shift(timedelta(hours=1, seconds=1))


def test_mail_set_aside_after_the_last_attempt_is_shown_to_the_director_who_sends_it_again(
    client, smtp_server, settings, clock, director, referrer, supporter_a, peers
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    make_user(Role.ADMINISTRATOR)
    case = refer(referrer, peers[0]).cases.get()
    OutboxMessage.objects.all().delete()  # the directors' new-referral notice is not the point here
    DBTaskResult.objects.all().delete()
    smtp_server.stop()
    response = api(client, director, f"/cases/{case.pk}/assignment",
                   {"supporter": supporter_a.person.employee_id, "override_reason": "other"})
    assert response.status_code == 200
    assignment = OutboxMessage.objects.get(kind="assignment")

    fail_until_set_aside(clock, 1)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.attempts) == (OutboxStatus.PENDING, 1)
    assert not OutboxMessage.objects.filter(kind=SET_ASIDE_NOTICE).exists()
    fail_until_set_aside(clock, 1)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.attempts) == (OutboxStatus.FAILED, 2)

    # The directors are told by email (not the administrator, who sees the overview)...
    [notice] = OutboxMessage.objects.filter(kind=SET_ASIDE_NOTICE)
    assert notice.to == director.email
    smtp_server.start()
    run_worker_until_idle()
    [received] = smtp_server.wait_for(1)
    assert received["To"] == director.email
    assert received["Subject"] == "Some program emails could not be delivered"
    text = received.get_content()
    assert "1 email from the program could not be delivered after 2 attempts" in text
    assert "/overview/" in text and "Pat Peer" not in text and supporter_a.person.email not in text

    # ...and on the queue and the overview, with a way to send it again.
    client.force_login(director)
    queue = client.get(reverse("queue")).content.decode()
    assert 'data-testid="set-aside-alert"' in queue and "1 email could not be delivered" in queue
    overview = client.get(reverse("overview"))
    page = overview.content.decode()
    assert overview.context["set_aside_total"] == 1
    assert [m.pk for m in overview.context["set_aside"]] == [assignment.pk]
    assert f'action="{reverse("outbox-retry")}"' in page and "ConnectionRefusedError" in page

    response = client.post(reverse("outbox-retry"))
    assert response.status_code == 302 and response["Location"] == reverse("overview")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.attempts) == (OutboxStatus.PENDING, 0)
    assert AuditEntry.objects.filter(action="outbox.retry", actor=director,
                                     detail={"messages": 1}).count() == 1
    run_worker_until_idle()
    _, resent = smtp_server.wait_for(2)
    assert resent["Message-ID"] == assignment.message_id and resent["To"] == supporter_a.person.email
    assignment.refresh_from_db()
    assert assignment.status == OutboxStatus.SENT
    assert 'data-testid="set-aside"' not in client.get(reverse("overview")).content.decode()
    assert 'data-testid="set-aside-alert"' not in client.get(reverse("queue")).content.decode()


def test_a_notice_about_set_aside_mail_that_cannot_be_sent_raises_no_further_notice(
    smtp_server, settings, clock, director
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    second_director = make_user(Role.DIRECTOR)
    smtp_server.stop()
    enqueue_sample(to="first@example.org")
    enqueue_sample(to="second@example.org")

    # Both messages fail twice; the first to be set aside writes one notice per director, the
    # second finds those notices still waiting and writes none.
    fail_until_set_aside(clock, 2)
    notices = OutboxMessage.objects.filter(kind=SET_ASIDE_NOTICE)
    assert sorted(notices.values_list("to", flat=True)) == sorted([director.email, second_director.email])
    assert OutboxMessage.objects.exclude(kind=SET_ASIDE_NOTICE).filter(status=OutboxStatus.FAILED).count() == 2

    # The server stays down: the notices are set aside in turn, and tell no one.
    fail_until_set_aside(clock, 3)
    assert set(notices.values_list("status", flat=True)) == {OutboxStatus.FAILED}
    assert notices.count() == 2
    assert not OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).exists()
    clock.shift(timedelta(days=2))
    assert outbox_flush() == 0
    run_worker_until_idle()
    assert OutboxMessage.objects.count() == 4


@pytest.mark.parametrize("persona", ["supporter_a", "referrer", "leader", "outsider"])
def test_only_program_staff_send_set_aside_mail_again(client, request, persona):
    login_as(client, request, persona)
    assert client.post(reverse("outbox-retry")).status_code == 403
    assert not AuditEntry.objects.filter(action="outbox.retry").exists()


def test_sending_set_aside_mail_again_takes_a_post(client, director):
    client.force_login(director)
    assert client.get(reverse("outbox-retry")).status_code == 405
