"""The director's on-call rota: teams, weeks, who is on call now, and being on call raising a
supporter in the suggestions, right across the turn of a week (the cache is in play: these
tests commit)."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.matching.selectors import suggestions_for_case
from peersupport.team.models import OnCallTeam, OnCallWeek
from peersupport.team.services import on_call_team_save, on_call_week_set
from peersupport.team.tests.helpers import this_monday
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def waiting_case(referrer):
    from peersupport.front.tests.helpers import refer

    return refer(referrer, make_person(name="Pat Peer", department="Emergency")).cases.get()


def first_and_reasons(case) -> tuple[str, tuple[str, ...]]:
    best = suggestions_for_case(case)[0]
    return best.name, best.reasons


def test_the_supporter_on_call_rises_and_falls_back_when_the_week_turns(
    director, supporter_a, supporter_b, waiting_case
):
    monday = this_monday()
    # Sunday noon of this week, then Monday noon of the next: the turn with no change to the data.
    sunday = timezone.make_aware(datetime.combine(monday + timedelta(days=6), time(12)))
    team = on_call_team_save(actor=director, name="Team Blair", supporter_ids=[supporter_b.pk])
    with time_machine.travel(sunday - timedelta(days=6)):
        on_call_week_set(actor=director, starts_on=monday, team_id=team.pk)
    with time_machine.travel(sunday):
        name, reasons = first_and_reasons(waiting_case)
        assert name == "Blair Supporter" and "on call now" in reasons
        assert first_and_reasons(waiting_case)[0] == "Blair Supporter"  # from the cache
    with time_machine.travel(sunday + timedelta(days=1)):
        ranked = suggestions_for_case(waiting_case)
        assert all("on call now" not in s.reasons for s in ranked)


def test_the_director_builds_the_rota_and_the_queue_shows_who_is_on_call_now(client, director, supporter_a,
                                                                            supporter_b):
    client.force_login(director)
    response = client.post("/team/on-call/teams/", {"name": "Team North",
                                                    "supporters": [supporter_a.pk, supporter_b.pk]})
    assert response.status_code == 302
    team = OnCallTeam.objects.get()
    assert set(team.members.values_list("pk", flat=True)) == {supporter_a.pk, supporter_b.pk}
    monday = this_monday()
    for week in (monday, monday + timedelta(days=7)):
        assert client.post("/team/on-call/weeks/", {"starts_on": week.isoformat(), "team": team.pk}).status_code == 302
    assert OnCallWeek.objects.count() == 2
    rota = client.get("/team/on-call/").content.decode()
    assert rota.count('data-testid="rota-week"') == 12
    queue = client.get("/queue/").content.decode()
    now = queue.split('data-testid="on-call-now"')[1].split("</p>")[0]
    assert "Alex Supporter" in now and "Blair Supporter" in now and "Team North" in now
    assert AuditEntry.objects.filter(action="on_call.week_set").count() == 2
    # Clearing a week takes the team off call.
    client.post("/team/on-call/weeks/", {"starts_on": monday.isoformat(), "team": ""})
    assert "No one is on call this week" in client.get("/queue/").content.decode()


def test_the_queue_says_when_someone_on_call_now_has_paused(client, director, supporter_a, supporter_b):
    team = on_call_team_save(actor=director, name="Team North", supporter_ids=[supporter_a.pk, supporter_b.pk])
    on_call_week_set(actor=director, starts_on=this_monday(), team_id=team.pk)
    until = timezone.localdate() + timedelta(days=10)
    supporter_b.paused_until = until
    supporter_b.save(update_fields=["paused_until"])
    client.force_login(director)
    now = client.get("/queue/").content.decode().split('data-testid="on-call-now"')[1].split("</p>")[0]
    assert f"Blair Supporter (paused through {until:%b} {until.day})" in now
    assert "Alex Supporter," in now and "Alex Supporter (paused" not in now


@pytest.mark.parametrize("starts_on_offset, team", [(1, "team"), (-14, "team"), (0, "9999"), (400, "team")])
def test_a_bad_week_is_refused_with_a_message_and_changes_nothing(client, director, supporter_a,
                                                                 starts_on_offset, team):
    the_team = on_call_team_save(actor=director, name="Team North", supporter_ids=[supporter_a.pk])
    client.force_login(director)
    starts_on = this_monday() + timedelta(days=starts_on_offset)
    if starts_on_offset == 400:
        starts_on = this_monday() + timedelta(weeks=60)
    response = client.post("/team/on-call/weeks/", {"starts_on": starts_on.isoformat(),
                                                    "team": the_team.pk if team == "team" else team})
    assert response.status_code == 422 and 'data-testid="error"' in response.content.decode()
    assert not OnCallWeek.objects.exists()


def test_a_team_needs_a_unique_name_and_supporters_on_the_team(client, director, supporter_a):
    client.force_login(director)
    assert client.post("/team/on-call/teams/", {"name": "  ", "supporters": [supporter_a.pk]}).status_code == 422
    assert client.post("/team/on-call/teams/", {"name": "North", "supporters": []}).status_code == 422
    assert client.post("/team/on-call/teams/", {"name": "North", "supporters": [supporter_a.pk]}).status_code == 302
    assert client.post("/team/on-call/teams/", {"name": "North", "supporters": [supporter_a.pk]}).status_code == 409
    assert OnCallTeam.objects.count() == 1


def test_the_director_changes_a_teams_members(client, director, supporter_a, supporter_b):
    team = on_call_team_save(actor=director, name="North", supporter_ids=[supporter_a.pk])
    client.force_login(director)
    assert 'data-testid="team-edit"' in client.get("/team/on-call/").content.decode()
    response = client.post("/team/on-call/teams/", {"team": team.pk, "name": "North", "supporters": [supporter_b.pk]})
    assert response.status_code == 302
    assert list(team.members.values_list("pk", flat=True)) == [supporter_b.pk]
