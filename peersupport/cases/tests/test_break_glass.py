"""Who sees cases, and break-glass: with `administrators_see_cases` off the administrator sees no
case, and opens one in an emergency, for a reason from a fixed list, for a limited time."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import ApiToken, Role
from peersupport.audit.models import AuditEntry
from peersupport.audit.selectors import case_access_log
from peersupport.cases.access import case_for_user, cases_for_user
from peersupport.cases.break_glass import AlreadyGranted, case_break_glass
from peersupport.cases.models import BreakGlassGrant, BreakGlassReason, Case, CaseState
from peersupport.front.tests.helpers import assign, refer
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.models import OutboxMessage, OutboxPriority
from peersupport.program.models import ProgramSettings
from peersupport.testing.factories import make_person, make_user, program_settings

pytestmark = pytest.mark.django_db

PAGE = "case-break-glass"
NO_CASE = "No open case has this number"


def admins_see_cases(on: bool, **fields) -> None:
    program_settings(**{"administrators_see_cases": on, **fields})


@pytest.fixture
def cases(director, referrer, supporter_a):
    """Two open cases of two peers: one assigned to supporter A, one waiting in the queue."""
    first = assign(director, refer(referrer, make_person(name="Pat Peer")).cases.get(), supporter_a)
    second = refer(referrer, make_person(name="Quinn Peer")).cases.get()
    return first, second


@pytest.fixture
def locked(cases):
    admins_see_cases(False)
    return cases


def api_get(client, user, path):
    token = ApiToken.issue(user)[1]
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


def form(case_number, reason="peer_in_crisis", **extra):
    return {"case_number": str(case_number), "reason": reason, "no_director": "on", **extra}


# The setting


def test_a_new_program_lets_administrators_see_cases_as_before(cases, administrator, client):
    assert ProgramSettings.current().administrators_see_cases is True
    assert ProgramSettings.current().break_glass_hours == 2
    client.force_login(administrator)
    assert client.get(reverse("case", args=[cases[1].pk])).status_code == 200
    assert cases_for_user(administrator).count() == 2


def test_with_the_setting_off_the_administrator_sees_no_case_on_any_page_list_or_count(
        locked, administrator, director, client):
    first, second = locked
    client.force_login(administrator)
    for case in locked:
        assert client.get(reverse("case", args=[case.pk])).status_code == 404
        assert api_get(client, administrator, f"/cases/{case.pk}").status_code == 404
    cases_page = client.get(reverse("cases")).content.decode()
    queue_page = client.get(reverse("queue")).content.decode()
    assert "Pat Peer" not in cases_page and "Quinn Peer" not in queue_page
    assert reverse(PAGE) in queue_page and reverse(PAGE) in cases_page
    assert client.get(reverse("overview")).context["open_total"] == 0
    listed = api_get(client, administrator, "/cases")
    assert json.loads(listed.content) == [] and listed["X-Total-Count"] == "0"
    # Nor in a referral's joint plan: the plan names case ids, so only the cases one may see.
    plan = api_get(client, administrator, f"/referrals/{second.referral_id}/plan")
    assert plan.status_code == 200 and json.loads(plan.content) == []
    refused = client.post(reverse("referral-plan", args=[second.referral_id]))
    assert refused.status_code == 409 and Case.objects.get(pk=second.pk).state == CaseState.AWAITING_ASSIGNMENT
    # The director is untouched.
    assert cases_for_user(director).count() == 2
    assert [item["case_id"] for item in json.loads(api_get(client, director, f"/referrals/{second.referral_id}/plan")
                                                   .content)] == [second.pk]


def test_the_director_turns_administrators_case_access_off_on_the_settings_page(client, director, administrator):
    from peersupport.program.tests.test_settings_page import settings_form

    client.force_login(director)
    data = settings_form(break_glass_hours="3")
    del data["administrators_see_cases"]
    assert client.post(reverse("program-settings"), data).status_code == 302
    program = ProgramSettings.current()
    assert program.administrators_see_cases is False and program.break_glass_hours == 3
    entry = AuditEntry.objects.filter(action="program.settings_update").latest("pk")
    assert entry.detail == {"administrators_see_cases": False, "break_glass_hours": 3}
    response = client.post(reverse("program-settings"), settings_form(break_glass_hours="25"))
    assert response.status_code == 422
    assert "“Hours an emergency access lasts” must be between 1 and 24" in response.content.decode()
    # The administrator reads the setting, and cannot change it.
    client.force_login(administrator)
    assert "The program administrator sees cases" in client.get(reverse("program-settings")).content.decode()


# The grant


def test_a_grant_opens_exactly_that_case_for_its_time_and_then_nothing_with_no_job_running(
        locked, administrator, client):
    first, second = locked
    grant = case_break_glass(actor=administrator, case_id=first.pk, reason="peer_in_crisis")
    assert grant.expires_at - grant.granted_at == timedelta(hours=2)
    client.force_login(administrator)
    assert client.get(reverse("case", args=[first.pk])).status_code == 200
    assert api_get(client, administrator, f"/cases/{first.pk}").status_code == 200
    assert client.get(reverse("case", args=[second.pk])).status_code == 404
    assert api_get(client, administrator, f"/cases/{second.pk}").status_code == 404
    assert list(cases_for_user(administrator)) == [first]

    # Two hours on, the browser session has timed out: sign in again at each moment.
    with time_machine.travel(grant.expires_at - timedelta(seconds=1), tick=False):
        client.force_login(administrator)
        assert client.get(reverse("case", args=[first.pk])).status_code == 200
    with time_machine.travel(grant.expires_at, tick=False):
        client.force_login(administrator)
        assert client.get(reverse("case", args=[first.pk])).status_code == 404
        assert api_get(client, administrator, f"/cases/{first.pk}").status_code == 404
        assert not cases_for_user(administrator).exists()
    # The grant is kept, for the record of who saw the case and why.
    assert BreakGlassGrant.objects.filter(pk=grant.pk).exists()


def test_a_grant_is_that_administrators_only(locked, administrator):
    other = make_user(Role.ADMINISTRATOR)
    case_break_glass(actor=administrator, case_id=locked[0].pk, reason="urgent_assignment")
    assert not cases_for_user(other).exists()


def test_the_grant_lasts_the_programs_break_glass_hours(cases, administrator):
    admins_see_cases(False, break_glass_hours=5)
    grant = case_break_glass(actor=administrator, case_id=cases[0].pk, reason="safety_concern")
    assert grant.expires_at - grant.granted_at == timedelta(hours=5)


def test_under_a_grant_the_administrator_assigns_the_waiting_case(locked, administrator, supporter_b, client):
    waiting = locked[1]
    case_break_glass(actor=administrator, case_id=waiting.pk, reason="urgent_assignment")
    client.force_login(administrator)
    response = client.post(reverse("case-assign", args=[waiting.pk]),
                           {"supporter": supporter_b.person.employee_id, "version": waiting.version})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == CaseState.ASSIGNED and waiting.supporter == supporter_b


def test_the_grant_and_each_access_under_it_are_audited_with_its_reason_and_end(locked, administrator):
    case = locked[0]
    grant = case_break_glass(actor=administrator, case_id=case.pk, reason="supporter_unreachable")
    case_for_user(administrator, case.pk)
    want = {"break_glass": grant.pk, "reason": "supporter_unreachable", "until": grant.expires_at.isoformat()}
    entries = AuditEntry.objects.for_object("case", case.pk).filter(actor=administrator).order_by("pk")
    assert [(e.action, e.detail) for e in entries] == [("case.break_glass", want), ("case.view", want)]


def test_who_has_seen_the_case_flags_the_emergency_access_with_its_reason_and_end(
        locked, administrator, director, client):
    case = locked[0]
    grant = case_break_glass(actor=administrator, case_id=case.pk, reason="peer_in_crisis")
    client.force_login(administrator)
    client.get(reverse("case", args=[case.pk]))
    client.get(reverse("cases"))
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    section = page[page.index('data-testid="case-access"'):]
    until = timezone.localtime(grant.expires_at).strftime("%b %-d, %H:%M")
    flag = f"emergency access: {BreakGlassReason.PEER_IN_CRISIS.label}, until {until}"
    assert section.count(flag) == 3  # the grant, the case page, the list of cases
    rows = {row.action: row for row in case_access_log(case) if row.who == administrator.email}
    assert set(rows) == {"case.break_glass", "case.view", "case.list"}
    assert all(row.emergency_until == grant.expires_at for row in rows.values())
    # The director's own visits and the supporter's assignment are not flagged.
    assert all(not row.emergency_reason for row in case_access_log(case) if row.who != administrator.email)


def test_an_access_after_the_grant_ended_is_not_flagged(locked, administrator):
    case = locked[0]
    grant = case_break_glass(actor=administrator, case_id=case.pk, reason="peer_in_crisis")
    admins_see_cases(True)
    with time_machine.travel(grant.expires_at + timedelta(minutes=1), tick=False):
        case_for_user(administrator, case.pk)
    later = [row for row in case_access_log(case) if row.action == "case.view"]
    assert len(later) == 1 and not later[0].emergency_reason


# Refusals: each changes nothing


def nothing_written() -> bool:
    return (not BreakGlassGrant.objects.exists() and not OutboxMessage.objects.filter(kind="break_glass").exists()
            and not AuditEntry.objects.filter(action="case.break_glass").exists())


@pytest.mark.parametrize("persona", ["director", "supporter_a", "referrer", "leader", "integration", "outsider"])
def test_no_other_role_may_break_glass(request, locked, persona, client):
    value = request.getfixturevalue(persona)
    user = value.person.user if persona == "supporter_a" else value
    with pytest.raises(PermissionDenied):
        case_break_glass(actor=user, case_id=locked[1].pk, reason="peer_in_crisis")
    client.force_login(user)
    assert client.post(reverse(PAGE), form(locked[1].pk)).status_code == 403
    assert client.get(reverse(PAGE)).status_code == 403
    assert nothing_written()


def test_refused_while_administrators_see_every_case(cases, administrator, client):
    with pytest.raises(Conflict, match="see every case"):
        case_break_glass(actor=administrator, case_id=cases[0].pk, reason="peer_in_crisis")
    client.force_login(administrator)
    page = client.get(reverse(PAGE))
    assert page.status_code == 200 and 'data-testid="break-glass-not-needed"' in page.content.decode()
    assert 'data-testid="break-glass-form"' not in page.content.decode()
    assert nothing_written()


def test_an_unknown_closed_or_malformed_case_number_gets_one_answer_that_reveals_nothing(
        locked, administrator, client):
    closed = locked[0]
    Case.objects.filter(pk=closed.pk).update(state=CaseState.CLOSED, closed_at=timezone.now())
    client.force_login(administrator)
    answers = set()
    for number in (closed.pk, 999999, "abc", "-3", "99999999999999", "1.5"):
        with pytest.raises(InvalidInput, match=NO_CASE):
            case_break_glass(actor=administrator, case_id=number, reason="peer_in_crisis")
        response = client.post(reverse(PAGE), form(number))
        body = response.content.decode()
        answers.add((response.status_code, NO_CASE in body))
    assert answers == {(422, True)}
    assert nothing_written()


def test_a_reason_off_the_list_or_no_confirmation_is_refused(locked, administrator, client):
    with pytest.raises(InvalidInput, match="reason from the list"):
        case_break_glass(actor=administrator, case_id=locked[1].pk, reason="curious")
    client.force_login(administrator)
    assert client.post(reverse(PAGE), form(locked[1].pk, reason="I just want to look")).status_code == 422
    unconfirmed = form(locked[1].pk)
    del unconfirmed["no_director"]
    response = client.post(reverse(PAGE), unconfirmed)
    assert response.status_code == 422 and "only for when no director can be reached" in response.content.decode()
    assert nothing_written()


def test_a_second_grant_for_the_same_case_while_one_is_live_is_refused_and_shows_the_first(
        locked, administrator, client):
    case = locked[1]
    client.force_login(administrator)
    response = client.post(reverse(PAGE), form(f"#{case.pk}"))
    assert response.status_code == 302 and response["Location"] == reverse("case", args=[case.pk])
    grant = BreakGlassGrant.objects.get()
    with pytest.raises(AlreadyGranted):
        case_break_glass(actor=administrator, case_id=case.pk, reason="safety_concern")
    again = client.post(reverse(PAGE), form(case.pk, reason="safety_concern"))
    body = again.content.decode()
    assert again.status_code == 409 and 'data-testid="break-glass-already"' in body
    assert reverse("case", args=[case.pk]) in body
    assert 'data-testid="break-glass-grants"' in client.get(reverse(PAGE)).content.decode()
    assert BreakGlassGrant.objects.count() == 1 and OutboxMessage.objects.filter(kind="break_glass").count() == 1
    # Once it has ended, a new emergency may open the case again.
    with time_machine.travel(grant.expires_at, tick=False):
        case_break_glass(actor=administrator, case_id=case.pk, reason="safety_concern")
    assert BreakGlassGrant.objects.count() == 2


def test_the_directors_notice_is_urgent_and_written_with_the_grant(locked, administrator, director):
    deputy_of_nobody = make_user(Role.DIRECTOR, email="second.director@example.org")
    case_break_glass(actor=administrator, case_id=locked[0].pk, reason="peer_in_crisis")
    notices = OutboxMessage.objects.filter(kind="break_glass")
    assert sorted(notices.values_list("to", flat=True)) == sorted([director.email, deputy_of_nobody.email])
    assert {n.priority for n in notices} == {OutboxPriority.URGENT} and {n.case_id for n in notices} == {locked[0].pk}


def test_the_case_page_tells_the_administrator_their_access_is_an_emergency_one(locked, administrator, client):
    case = locked[0]
    case_break_glass(actor=administrator, case_id=case.pk, reason="safety_concern")
    client.force_login(administrator)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'data-testid="break-glass-active"' in page and str(BreakGlassReason.SAFETY_CONCERN.label) in page


def test_a_director_ends_the_emergency_access_at_once_from_the_case_page(locked, administrator, director, client):
    case = locked[0]
    grant = case_break_glass(actor=administrator, case_id=case.pk, reason="peer_in_crisis")
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'data-testid="break-glass-running"' in page and administrator.email in page
    response = client.post(reverse("case-break-glass-end", args=[case.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.ended_by == director and grant.expires_at <= timezone.now()
    assert not cases_for_user(administrator).exists()
    ended = AuditEntry.objects.get(action="case.break_glass_ended")
    assert ended.actor == director and ended.detail == {"break_glass": grant.pk, "administrator": administrator.pk}
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'data-testid="break-glass-running"' not in page
    # Nothing left to end: a clear refusal that changes nothing.
    again = client.post(reverse("case-break-glass-end", args=[case.pk]))
    assert again.status_code == 409 and "No emergency access to this case is running" in again.content.decode()
    # The administrator cannot end it (or anyone's) themself.
    client.force_login(administrator)
    assert client.post(reverse("case-break-glass-end", args=[case.pk])).status_code == 403


def test_mail_set_aside_about_a_case_the_administrator_may_not_see_names_no_one(locked, administrator, director,
                                                                                client):
    case = locked[0]
    OutboxMessage.objects.create(kind="open_invitation", to="pat.peer@example.org", subject="An invitation",
                                 body="Hello Pat", case=case, status="failed", message_id="<set-aside@example.org>",
                                 next_attempt_at=timezone.now())
    client.force_login(administrator)
    page = client.get(reverse("overview")).content.decode()
    assert 'data-testid="set-aside-hidden"' in page
    assert "pat.peer@example.org" not in page and reverse("case", args=[case.pk]) not in page
    client.force_login(director)
    page = client.get(reverse("overview")).content.decode()
    assert "pat.peer@example.org" in page and 'data-testid="set-aside-hidden"' not in page
