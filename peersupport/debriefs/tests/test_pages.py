"""The group debrief pages, as the director uses them: open a session, choose whom to invite page by
page, change it, record it and send the follow-up. Bad input answers with the reason and saves nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peersupport.debriefs.models import DebriefSession, Invitee
from peersupport.debriefs.selectors import PAGE_SIZE
from peersupport.debriefs.testing import debrief_form_body, make_debrief, time_place_body
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person


@pytest.fixture
def signed_in(client: Client, director) -> Client:
    client.force_login(director)
    return client


def test_the_director_opens_a_session_and_lands_on_choosing_whom_to_invite(signed_in, supporter_a, supporter_b):
    response = signed_in.post("/debriefs/new/", debrief_form_body(supporter_a, supporter_b))

    session = DebriefSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/debriefs/{session.pk}/invitees/"
    assert OutboxMessage.objects.filter(kind="debrief_invitation").count() == 2
    assert b"Code team" in signed_in.get("/debriefs/").content


def test_a_refused_session_answers_with_the_reason_and_saves_nothing(signed_in, supporter_a):
    body = debrief_form_body(supporter_a, supporter_a)

    response = signed_in.post("/debriefs/new/", body)

    assert response.status_code == 422 and b"Choose two different facilitators." in response.content
    assert not DebriefSession.objects.exists() and not OutboxMessage.objects.exists()


def test_choosing_whom_to_invite_ticks_and_unticks_the_people_on_the_page(signed_in, supporter_a, supporter_b):
    session = make_debrief(supporter_a, supporter_b)
    nia, max_ = make_person(name="Nia Nurse", department="4 West"), make_person(name="Max Medic", department="4 West")
    url = f"/debriefs/{session.pk}/invitees/?department=4+West"

    page = signed_in.get(url)
    assert page.status_code == 200 and b"Nia Nurse" in page.content and b"Max Medic" in page.content
    signed_in.post(url, {"shown": [nia.pk, max_.pk], "invited": [nia.pk, max_.pk]})
    signed_in.post(url, {"shown": [nia.pk, max_.pk], "invited": [nia.pk]})

    assert list(Invitee.objects.values_list("person_id", flat=True)) == [nia.pk]
    assert OutboxMessage.objects.filter(to=max_.email).count() == 2  # invited, then told it is off
    assert b'checked data-testid="invite-' + nia.employee_id.encode() in signed_in.get(url).content


def test_inviting_everyone_in_the_department_takes_one_press(signed_in, supporter_a, supporter_b):
    session = make_debrief(supporter_a, supporter_b)
    unit = [make_person(department="4 West") for _ in range(3)]

    response = signed_in.post(f"/debriefs/{session.pk}/invitees/?department=4+West", {"everyone_in": "4 West"})

    assert response.status_code == 302
    assert set(Invitee.objects.values_list("person_id", flat=True)) == {p.pk for p in unit}


def test_the_people_page_is_paged_and_its_queries_do_not_grow_with_the_roster(signed_in, supporter_a, supporter_b):
    session = make_debrief(supporter_a, supporter_b)
    url = f"/debriefs/{session.pk}/invitees/?department=4+West"
    for _ in range(PAGE_SIZE + 5):
        make_person(department="4 West")
    with CaptureQueriesContext(connection) as first:
        page_one = signed_in.get(url)
    for _ in range(PAGE_SIZE * 2):
        make_person(department="4 West")
    with CaptureQueriesContext(connection) as second:
        signed_in.get(url)

    assert page_one.content.count(b'name="invited"') == PAGE_SIZE and b'rel="next"' in page_one.content
    assert len(second) == len(first)


def test_bad_ids_on_the_invitee_page_answer_with_the_reason_and_change_nothing(signed_in, supporter_a, supporter_b):
    session = make_debrief(supporter_a, supporter_b)

    response = signed_in.post(f"/debriefs/{session.pk}/invitees/", {"invited": ["x1"]})

    assert response.status_code == 422 and b"Choose people from the list." in response.content
    assert not Invitee.objects.exists()


def test_changing_the_time_tells_everyone_and_nothing_changed_tells_no_one(signed_in, supporter_a, supporter_b):
    session = make_debrief(supporter_a, supporter_b,
                           starts_at=(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0))
    same = {**time_place_body(timezone.localtime(session.starts_at)), "place": session.place}
    same["ends_at"] = f"{timezone.localtime(session.ends_at):%Y-%m-%dT%H:%M}"

    signed_in.post(f"/debriefs/{session.pk}/edit/", same)
    assert not OutboxMessage.objects.exists()
    signed_in.post(f"/debriefs/{session.pk}/edit/", time_place_body(timezone.localtime() + timedelta(days=4)))
    assert OutboxMessage.objects.filter(kind="debrief_update").count() == 2


def test_after_the_session_the_director_records_it_and_sends_the_follow_up(signed_in, supporter_a, supporter_b):
    nia = make_person(name="Nia Nurse")
    session = make_debrief(supporter_a, supporter_b, starts_at=timezone.now() - timedelta(hours=3), invite=[nia])

    recorded = signed_in.post(f"/debriefs/{session.pk}/record/",
                              {"attendance_count": 11, "minutes": 70, "topics": ["normalizing", "coping"]})
    signed_in.post(f"/debriefs/{session.pk}/follow-up/")
    page = signed_in.get(f"/debriefs/{session.pk}/")

    assert recorded.status_code == 302
    assert b'data-testid="debrief-attendance">11<' in page.content and b"Normalizing the reaction" in page.content
    assert OutboxMessage.objects.filter(kind="debrief_follow_up", to=nia.email).count() == 1
    assert b'data-testid="debrief-followed-up"' in page.content


def test_a_refused_record_answers_with_the_reason(signed_in, supporter_a, supporter_b):
    session = make_debrief(supporter_a, supporter_b)  # not started yet

    response = signed_in.post(f"/debriefs/{session.pk}/record/", {"attendance_count": 5, "minutes": 60})

    assert response.status_code == 409 and b"once it has started" in response.content
    session.refresh_from_db()
    assert session.recorded_at is None
