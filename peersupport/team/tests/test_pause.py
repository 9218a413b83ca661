"""A supporter pauses themself until a date and is not suggested meanwhile; the pause ends by
itself after its last day. These tests commit, so the matching's per-process cache is in play."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.audit.models import AuditEntry
from peersupport.matching.selectors import suggestions_for_case
from peersupport.roster.models import Supporter
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def suggested(case) -> list[str]:
    return [s.name for s in suggestions_for_case(case)]


@pytest.fixture
def waiting_case(referrer):
    from peersupport.front.tests.helpers import refer

    return refer(referrer, make_person(name="Pat Peer", department="Emergency")).cases.get()


def pause(client, until, reason="leave"):
    return client.post("/my/team/pause/", {"until": until.isoformat(), "reason": reason})


def test_a_paused_supporter_is_not_suggested_and_comes_back_by_themself_after_the_last_day(
    client, supporter_a, waiting_case
):
    assert "Alex Supporter" in suggested(waiting_case)  # and now the team's facts are cached
    client.force_login(User.objects.get(person=supporter_a.person))
    today = timezone.localdate()
    response = pause(client, today + timedelta(days=2))
    assert response.status_code == 302
    assert "Alex Supporter" not in suggested(waiting_case)
    page = client.get("/my/team/").content.decode()
    assert 'data-testid="paused"' in page
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert "Alex Supporter" in suggested(waiting_case)
        client.force_login(User.objects.get(person=supporter_a.person))  # the session has expired
        assert 'data-testid="pause-form"' in client.get("/my/team/").content.decode()


def test_resuming_makes_the_supporter_suggested_again_at_once(client, supporter_a, waiting_case):
    client.force_login(User.objects.get(person=supporter_a.person))
    pause(client, timezone.localdate() + timedelta(days=30))
    assert "Alex Supporter" not in suggested(waiting_case)
    assert client.post("/my/team/resume/").status_code == 302
    assert "Alex Supporter" in suggested(waiting_case)
    assert list(AuditEntry.objects.filter(action__in=["supporter.pause", "supporter.resume"])
                .order_by("pk").values_list("action", flat=True)) == ["supporter.pause", "supporter.resume"]


@pytest.mark.parametrize("until, reason", [(-1, "leave"), (400, "leave"), (5, "holiday"), (None, "leave")])
def test_a_bad_pause_is_refused_with_a_message_and_changes_nothing(client, supporter_a, until, reason):
    client.force_login(User.objects.get(person=supporter_a.person))
    day = "" if until is None else (timezone.localdate() + timedelta(days=until)).isoformat()
    response = client.post("/my/team/pause/", {"until": day, "reason": reason})
    assert response.status_code == 422
    assert 'data-testid="error"' in response.content.decode()
    assert Supporter.objects.get(pk=supporter_a.pk).paused_until is None


def test_resuming_when_not_paused_says_so(client, supporter_a):
    client.force_login(User.objects.get(person=supporter_a.person))
    response = client.post("/my/team/resume/")
    assert response.status_code == 409 and "not paused" in response.content.decode()


def test_a_supporter_login_without_a_supporter_record_is_refused(client):
    user = make_user(Role.SUPPORTER, person=make_person(name="Not Yet"))
    client.force_login(user)
    assert client.get("/my/team/").status_code == 403


def test_a_supporter_in_training_cannot_pause(client):
    supporter = make_supporter(make_person(name="Trainee"), status="in_training")
    user = make_user(Role.SUPPORTER, person=supporter.person)
    client.force_login(user)
    assert pause(client, timezone.localdate() + timedelta(days=3)).status_code == 409


def test_a_supporter_the_director_set_aside_is_told_so_rather_than_offered_a_pause(client):
    supporter = make_supporter(make_person(name="Trainee"), status="in_training")
    client.force_login(make_user(Role.SUPPORTER, person=supporter.person))
    page = client.get("/my/team/").content.decode()
    assert 'data-testid="not-active"' in page and 'data-testid="pause-form"' not in page
