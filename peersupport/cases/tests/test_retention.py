"""Retention: identifying details of cases closed longer than the program keeps them are purged,
unless on legal hold; the anonymous counts stay; every purge is audited and the audit is untouched."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import ApiToken
from peersupport.audit.models import AuditEntry
from peersupport.cases.actions import (
    EncounterInput,
    case_close,
    case_record_encounter,
    case_record_outreach,
    case_record_resource,
    case_record_response,
)
from peersupport.cases.models import PURGED_LABEL, Assignment, Case, CaseState, Encounter, OutreachAttempt
from peersupport.cases.retention import _purge_case, case_set_legal_hold, retention_cutoffs, retention_purge
from peersupport.cases.selectors import program_totals
from peersupport.front.tests.helpers import assign, refer
from peersupport.lib.errors import Conflict
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person

SUMMARY = "A patient died unexpectedly after a routine operation on ward 7B."
EXTERNAL_REF = "SR-2024-88412"
# Closed on 14 March 2024; the program keeps case details for 365 days.
CLOSED_ON = datetime(2024, 3, 14, 15, 30, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def resource(db):
    return Resource.objects.create(name="Employee Assistance Program", category="counseling", contact="x1234")


@pytest.fixture
def team(director, supporter_a, referrer, resource):
    return {"director": director, "supporter": supporter_a, "referrer": referrer, "resource": resource}


def supported_case(team, peer, *, when=CLOSED_ON, close=True, summary=SUMMARY, referral=None,
                   override_reason="") -> Case:
    """A case taken from referral to close at `when`: outreach email, accepted, one talk, a resource."""
    user = team["supporter"].person.user
    with time_machine.travel(when, tick=False):
        today = timezone.localdate()
        if referral is None:
            referral = refer(team["referrer"], peer, occurred_on=today - timedelta(days=1),
                             summary=summary, external_ref=EXTERNAL_REF)
        case = assign(team["director"], referral.cases.get(peer=peer), team["supporter"],
                      override_reason=override_reason)
        case_record_outreach(actor=user, case_id=case.pk, channel="email", send_email=True)
        case_record_response(actor=user, case_id=case.pk, response="accepted")
        case_record_encounter(actor=user, case_id=case.pk, data=EncounterInput(
            held_on=today, minutes=45, mode="phone", topics=("opening", "coping"), follow_up_planned=True))
        case_record_resource(actor=user, case_id=case.pk, resource_id=team["resource"].pk, facilitated=True)
        if close:
            case_close(actor=user, case_id=case.pk)
    return Case.objects.get(pk=case.pk)


def snapshot_audit() -> list[dict]:
    return list(AuditEntry.objects.order_by("pk").values())


def test_a_case_closed_past_the_retention_period_loses_its_identifying_details(team):
    peer = make_person(name="Pat Peer", email="pat.peer@example.org", department="Emergency")
    case = supported_case(team, peer)

    result = retention_purge(now=NOW)

    case.refresh_from_db()
    assert result.cases == 1 and result.purged_case_ids == [case.pk]
    assert case.peer_id is None and case.purged_at == NOW and case.peer_name == PURGED_LABEL
    assert case.state == CaseState.CLOSED and case.supporter_id == team["supporter"].pk
    referral = Referral.objects.get(pk=case.referral_id)
    assert (referral.summary, referral.external_ref, referral.preferences) == ("", "", {})
    assert referral.purged_at == NOW
    assert all(a.reasons == [] for a in Assignment.objects.filter(case=case))
    # The roster entry stays: only its link to the case is gone.
    peer.refresh_from_db()
    assert not peer.cases.exists()


def test_what_is_kept_is_dated_by_month_only_in_the_program_time_zone(team, settings):
    settings.TIME_ZONE = "America/Chicago"
    peer = make_person(name="Pat Peer")
    # 23:30 in Chicago on 31 March is already 1 April in UTC: it must stay a March case.
    when = datetime(2024, 4, 1, 4, 30, tzinfo=UTC)
    case = supported_case(team, peer, when=when)
    retention_purge(now=NOW)
    case.refresh_from_db()
    chicago = timezone.get_current_timezone()
    for moment in (case.created_at, case.assigned_at, case.responded_at, case.closed_at):
        local = moment.astimezone(chicago)
        assert (local.year, local.month, local.day, local.hour, local.minute) == (2024, 3, 1, 0, 0)
    encounter = Encounter.objects.get(case=case)
    assert encounter.held_on == date(2024, 3, 1) and encounter.minutes == 45
    assert {a.made_at.astimezone(chicago).day for a in OutreachAttempt.objects.filter(case=case)} == {1}
    assert Referral.objects.get(pk=case.referral_id).occurred_on == date(2024, 3, 1)


def test_cases_closed_within_the_retention_period_and_open_cases_are_untouched(team):
    recent = supported_case(team, make_person(), when=NOW - timedelta(days=300))
    still_open = supported_case(team, make_person(), when=CLOSED_ON, close=False)
    before = {c.pk: (c.peer_id, c.created_at, c.referral.summary) for c in Case.objects.select_related("referral")}

    result = retention_purge(now=NOW)

    assert result.cases == 0
    after = {c.pk: (c.peer_id, c.created_at, c.referral.summary) for c in Case.objects.select_related("referral")}
    assert after == before and {recent.pk, still_open.pk} <= set(after)


def test_the_retention_period_is_the_programs_setting(team):
    case = supported_case(team, make_person(), when=NOW - timedelta(days=40))
    assert retention_purge(now=NOW).cases == 0
    ProgramSettings.objects.filter(pk=ProgramSettings.current().pk).update(retention_days=30)
    assert retention_purge(now=NOW).purged_case_ids == [case.pk]


def test_a_case_on_legal_hold_is_kept_until_the_hold_is_lifted(team, director):
    case = supported_case(team, make_person(name="Held Peer"))
    case_set_legal_hold(actor=director, case_id=case.pk, hold=True)

    result = retention_purge(now=NOW)
    case.refresh_from_db()
    assert (result.cases, result.on_hold) == (0, 1)
    assert case.peer.name == "Held Peer" and case.referral.summary == SUMMARY

    case_set_legal_hold(actor=director, case_id=case.pk, hold=False)
    assert retention_purge(now=NOW).purged_case_ids == [case.pk]
    actions = list(AuditEntry.objects.filter(object_type="case", object_id=str(case.pk),
                                             action__startswith="case.legal_hold_").values_list("action", flat=True))
    assert sorted(actions) == ["case.legal_hold_lifted", "case.legal_hold_placed"]


def test_a_hold_placed_after_the_case_was_listed_still_stops_its_purge(team, director):
    """Each case is re-checked under its row lock: a hold placed while the job runs is respected."""
    case = supported_case(team, make_person())
    case_set_legal_hold(actor=director, case_id=case.pk, hold=True)
    [cutoff] = retention_cutoffs(NOW)
    assert _purge_case(case.pk, cutoff, NOW) is None
    assert Case.objects.get(pk=case.pk).peer_id is not None


def test_a_referral_keeps_its_sentence_until_every_one_of_its_cases_is_purged(team):
    first, second = make_person(name="First Peer"), make_person(name="Second Peer")
    with time_machine.travel(CLOSED_ON - timedelta(days=1), tick=False):
        referral = refer(team["referrer"], first, second, occurred_on=date(2024, 3, 10), summary=SUMMARY)
    supported_case(team, first, referral=referral)
    # The team's one supporter takes both colleagues of the event: an override of the
    # one-peer-per-event rule.
    supported_case(team, second, referral=referral, close=False, override_reason="availability")

    retention_purge(now=NOW)
    referral.refresh_from_db()
    assert referral.summary == SUMMARY and referral.purged_at is None
    assert referral.cases.get(peer=None) and referral.cases.get(peer=second)

    with time_machine.travel(CLOSED_ON + timedelta(days=2), tick=False):
        case_close(actor=team["supporter"].person.user, case_id=referral.cases.get(peer=second).pk)
    result = retention_purge(now=NOW)
    referral.refresh_from_db()
    assert (result.cases, result.referrals) == (1, 1)
    assert referral.summary == "" and referral.purged_at == NOW
    # The receipt time is the referrer's record: it never moves.
    assert referral.received_at == CLOSED_ON - timedelta(days=1)


def test_emails_about_a_purged_case_lose_address_and_content_and_unsent_ones_are_deleted(team):
    case = supported_case(team, make_person(email="pat.peer@example.org"))
    OutboxMessage.objects.filter(case=case).update(status=OutboxStatus.SENT)
    unsent = OutboxMessage.objects.create(kind="outreach", to="pat.peer@example.org", subject="Hello",
                                          body=SUMMARY, message_id="<unsent@test>", case=case)

    result = retention_purge(now=NOW)

    assert not OutboxMessage.objects.filter(pk=unsent.pk).exists()
    kept = list(OutboxMessage.objects.filter(case=case))
    assert kept and result.emails_blanked == len(kept) and result.emails_deleted == 1
    assert all((m.to, m.reply_to, m.subject, m.body, m.last_error) == ("", "", "", "", "") for m in kept)
    assert not OutboxMessage.objects.filter(to="pat.peer@example.org").exists()


def test_links_between_a_purged_case_and_the_same_peers_later_case_are_cut(team):
    peer = make_person()
    earlier = supported_case(team, peer)
    later = supported_case(team, make_person(), when=NOW - timedelta(days=10), close=False)
    Case.objects.filter(pk=later.pk).update(reengagement_of=earlier)
    retention_purge(now=NOW)
    assert Case.objects.get(pk=later.pk).reengagement_of_id is None


def test_the_programs_totals_are_the_same_before_and_after_the_purge(team, settings):
    settings.TIME_ZONE = "America/New_York"
    for when in (CLOSED_ON, datetime(2024, 5, 1, 2, 0, tzinfo=UTC), datetime(2024, 1, 31, 23, 0, tzinfo=UTC)):
        supported_case(team, make_person(), when=when)
    supported_case(team, make_person(), when=NOW - timedelta(days=20))
    supported_case(team, make_person(), when=CLOSED_ON, close=False)
    with time_machine.travel(CLOSED_ON, tick=False):
        refer(team["referrer"], make_person(), category="litigation", occurred_on=date(2024, 3, 1))

    before = program_totals()
    result = retention_purge(now=NOW)
    after = program_totals()

    assert result.cases == 3
    assert after == before
    assert before["encounters"] == 5 and before["encounter_minutes"] == 225
    assert before["resource_shares_by_category"] == {"counseling": 5}
    assert sum(before["cases_by_month"].values()) == 6


def test_each_purge_is_audited_with_counts_and_never_content(team):
    peer = make_person(name="Quinn Canary-Peer", email="quinn.canary@example.org")
    case = supported_case(team, peer)
    result = retention_purge(now=NOW)

    case_entry = AuditEntry.objects.get(action="case.purged", object_id=str(case.pk))
    assert case_entry.detail["counts"]["encounter"] == 1 and case_entry.detail["retention_days"] == 365
    assert case_entry.via == "command"
    referral_entry = AuditEntry.objects.get(action="referral.purged", object_id=str(case.referral_id))
    assert referral_entry.detail == {"cases": 1, "linked_cases": 0}
    run = AuditEntry.objects.get(action="retention.purge")
    assert run.detail == {**result.summary()} and run.detail["cases"] == 1
    everything = json.dumps(list(AuditEntry.objects.values("detail", "object_id", "actor_label")))
    for secret in ("Quinn", "canary", SUMMARY[:20], EXTERNAL_REF):
        assert secret not in everything


def test_the_purge_never_changes_or_deletes_an_audit_entry(team):
    supported_case(team, make_person())
    supported_case(team, make_person(), when=NOW - timedelta(days=5))
    before = snapshot_audit()
    retention_purge(now=NOW)
    after = snapshot_audit()
    assert after[: len(before)] == before
    new = AuditEntry.objects.filter(pk__gt=max(row["id"] for row in before))
    assert set(new.values_list("action", flat=True)) == {"case.purged", "referral.purged", "retention.purge"}


def test_running_the_purge_again_changes_nothing_more(team):
    supported_case(team, make_person())
    assert retention_purge(now=NOW).cases == 1
    state = list(Case.objects.values())
    again = retention_purge(now=NOW + timedelta(days=1))
    assert (again.cases, again.referrals) == (0, 0)
    assert list(Case.objects.values()) == state


def test_the_purged_case_reads_details_purged_on_its_page_and_in_the_api(client, team, director):
    case = supported_case(team, make_person(name="Pat Peer"))
    retention_purge(now=NOW)
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert PURGED_LABEL in page and "Pat Peer" not in page and SUMMARY not in page
    assert 'data-testid="purged-notice"' in page and 'data-testid="legal-hold-form"' not in page
    listing = client.get(reverse("cases")).content.decode()
    assert PURGED_LABEL in listing and "Pat Peer" not in listing

    key = ApiToken.issue(director)[1]
    answer = client.get(f"/api/v1/cases/{case.pk}", headers={"Authorization": f"Bearer {key}"}).json()
    assert answer["peer"] is None and answer["event"]["summary"] == "" and answer["purged_at"]
    assert answer["encounters"][0]["minutes"] == 45
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_the_director_places_and_lifts_a_legal_hold_on_the_case_page(client, team, director):
    case = supported_case(team, make_person(), when=NOW - timedelta(days=3))
    client.force_login(director)
    url = reverse("case-legal-hold", args=[case.pk])
    assert 'data-testid="legal-hold-form"' in client.get(reverse("case", args=[case.pk])).content.decode()

    assert client.post(url, {"legal_hold": "on"}).status_code == 302
    assert Case.objects.get(pk=case.pk).legal_hold is True
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "On: kept past the retention period" in page and "Lift the legal hold" in page
    assert client.post(url, {"legal_hold": "off"}).status_code == 302
    assert Case.objects.get(pk=case.pk).legal_hold is False
    assert client.post(url, {"legal_hold": "maybe"}).status_code == 422
    assert AuditEntry.objects.filter(action="case.legal_hold_placed", actor=director).count() == 1


def test_only_the_director_places_a_legal_hold(client, team, administrator, supporter_a, supporter_b, referrer):
    case = supported_case(team, make_person(), when=NOW - timedelta(days=3))
    url = reverse("case-legal-hold", args=[case.pk])
    for user in (administrator, supporter_a.person.user, supporter_b.person.user, referrer):
        client.force_login(user)
        assert client.post(url, {"legal_hold": "on"}).status_code == 403
    assert Case.objects.get(pk=case.pk).legal_hold is False
    client.logout()
    assert client.post(url, {"legal_hold": "on"}).status_code == 302  # to the login page
    client.force_login(team["director"])
    assert client.post(reverse("case-legal-hold", args=[999999]), {"legal_hold": "on"}).status_code == 404


def test_legal_hold_through_the_api(client, team, director, administrator):
    case = supported_case(team, make_person(), when=NOW - timedelta(days=3))

    def post(user, body):
        key = ApiToken.issue(user)[1]
        return client.post(f"/api/v1/cases/{case.pk}/legal-hold", data=json.dumps(body),
                           content_type="application/json", headers={"Authorization": f"Bearer {key}"})

    answer = post(director, {"legal_hold": True})
    assert answer.status_code == 200 and answer.json()["legal_hold"] is True
    assert post(administrator, {"legal_hold": False}).status_code == 403
    assert post(director, {"legal_hold": "yes"}).status_code == 422
    assert Case.objects.get(pk=case.pk).legal_hold is True


def test_a_purged_case_cannot_be_put_on_hold(team, director):
    case = supported_case(team, make_person())
    retention_purge(now=NOW)
    with pytest.raises(Conflict):
        case_set_legal_hold(actor=director, case_id=case.pk, hold=True)


def test_the_purge_command_runs_once_and_says_what_it_did(team):
    supported_case(team, make_person())
    supported_case(team, make_person(), when=CLOSED_ON + timedelta(days=1))
    case_set_legal_hold(actor=team["director"], case_id=Case.objects.order_by("pk").last().pk, hold=True)
    from io import StringIO

    out = StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert "1 case(s) due for purging; 1 on legal hold" in out.getvalue()
    assert Case.objects.filter(purged_at__isnull=False).count() == 0
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "Purged 1 case(s)" in out.getvalue() and "1 on legal hold" in out.getvalue()
    assert Case.objects.filter(purged_at__isnull=False).count() == 1


def test_the_purge_is_scheduled_daily_with_the_other_jobs():
    from django.conf import settings

    procfile = (settings.BASE_DIR / "Procfile").read_text()
    assert "manage.py purge_expired --loop 86400" in procfile


def test_each_program_keeps_its_cases_for_its_own_retention_period(team, second_program):
    """Two hospitals in one installation: the one that keeps details for ten years keeps them,
    the one that keeps them for 30 days has its case purged, in the same run."""
    kept = supported_case(team, make_person(name="Kim Kept"))
    elsewhere = supported_case(team, make_person(name="Ely Elsewhere"))
    Case.objects.filter(pk=elsewhere.pk).update(program=second_program)
    ProgramSettings.objects.filter(program__is_default=True).update(retention_days=3650)
    ProgramSettings.for_program(second_program)
    ProgramSettings.objects.filter(program=second_program).update(retention_days=30)

    result = retention_purge(now=NOW)

    assert result.purged_case_ids == [elsewhere.pk]
    assert Case.objects.get(pk=kept.pk).peer_id is not None
    assert Case.objects.get(pk=elsewhere.pk).peer_id is None
    assert {each.program_id: each.retention_days for each in result.cutoffs} == {
        kept.program_id: 3650, second_program.pk: 30}
    run = AuditEntry.objects.get(action="retention.purge")
    assert sorted(each["retention_days"] for each in run.detail["programs"]) == [30, 3650]
    purged = AuditEntry.objects.get(action="case.purged", object_id=str(elsewhere.pk))
    assert purged.detail["retention_days"] == 30
