"""The peer answers four questions through their personal link: no sign-in, no free text, once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from peersupport.feedback.models import FeedbackAnswer, UsefulResource
from peersupport.feedback.tests.helpers import ANSWERS, closed_case, feedback_path
from peersupport.program.models import Program
from peersupport.support.models import LinkUse

pytestmark = pytest.mark.django_db


@pytest.fixture
def path():
    closed_case()
    return feedback_path()


def test_the_form_opens_without_signing_in_and_asks_four_questions(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<fieldset") == 4
    assert "<textarea" not in html and 'type="text"' not in html


def test_answers_are_kept_and_the_peer_is_thanked(client, path):
    response = client.post(path, ANSWERS, follow=True)
    assert response.redirect_chain[-1][0] == "/feedback/thanks/"
    answer = FeedbackAnswer.objects.get()
    assert (answer.timely, answer.helped, answer.recommend) == ("right_time", "yes", "yes")
    assert sorted(answer.useful.values_list("category", flat=True)) == ["counseling", "time_off"]


def test_none_of_them_keeps_no_resource(client, path):
    client.post(path, {**ANSWERS, "useful": ["none"]})
    assert FeedbackAnswer.objects.count() == 1
    assert UsefulResource.objects.count() == 0


def test_the_stored_answer_cannot_be_joined_back_to_the_case(client, path):
    with time_machine.travel(timezone.now().replace(day=17, hour=14, minute=23, second=41), tick=False):
        client.post(path, ANSWERS)
    row = FeedbackAnswer.objects.values().get()
    # Only the program, the month, the category and the choices: no case, person, link or time of day.
    assert set(row) == {"id", "program_id", "month", "category", "timely", "helped", "recommend"}
    assert row["month"].day == 1
    assert row["category"] == "patient_death"
    # Its key is random, not a counter that would number the answers in the order they came.
    assert row["id"].version == 4
    mark = UsefulResource.objects.values().first()
    assert mark is not None and set(mark) == {"id", "answer_id", "category"} and mark["id"].version == 4
    # The link's use is recorded by its nonce alone, which appears nowhere in the answer.
    use = LinkUse.objects.get(purpose="feedback")
    assert use.nonce not in str(row) and use.nonce not in str(mark)


def test_a_link_works_once(client, path):
    client.post(path, ANSWERS)
    again = client.post(path, {**ANSWERS, "helped": "no"})
    assert again.status_code == 410
    assert "already sent" in again.content.decode()
    assert client.get(path).status_code == 410
    assert FeedbackAnswer.objects.count() == 1


def test_a_tampered_link_gets_a_kind_page(client, path):
    response = client.get(path[:-6] + "xxxxx/")
    assert response.status_code == 400
    assert "not complete" in response.content.decode()
    assert client.post(path[:-6] + "xxxxx/", ANSWERS).status_code == 400
    assert FeedbackAnswer.objects.count() == 0


def test_a_link_of_another_kind_does_not_open_the_form(client):
    from peersupport.support.links import TALK, make_token

    response = client.get(f"/feedback/{make_token(TALK, person_id=1, case_id=1)}/")
    assert response.status_code == 400


def test_an_expired_link_gets_a_kind_page(client, path):
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client.post(path, ANSWERS)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert FeedbackAnswer.objects.count() == 0


@pytest.mark.parametrize("bad", [
    {"helped": ""},
    {"helped": "very much"},
    {"timely": "yesterday"},
    {"useful": []},
    {"useful": ["none", "counseling"]},
    {"useful": ["a nice chat"]},
])
def test_bad_answers_are_refused_with_a_message_and_the_link_still_works(client, path, bad):
    response = client.post(path, {**ANSWERS, **bad})
    assert response.status_code == 422
    assert 'data-testid="form-error"' in response.content.decode()
    assert FeedbackAnswer.objects.count() == 0
    assert not LinkUse.objects.filter(purpose="feedback").exists()
    assert client.post(path, ANSWERS).status_code == 302


def test_the_service_refuses_answers_out_of_the_choices():
    from peersupport.feedback.services import FeedbackInput, feedback_answer, feedback_token
    from peersupport.lib.errors import InvalidInput

    with pytest.raises(InvalidInput):
        feedback_answer(token=feedback_token("other", Program.default().pk),
                        data=FeedbackInput(timely="right_time", helped="yes", recommend="sometimes", useful=["none"]))
    assert FeedbackAnswer.objects.count() == 0


def test_the_month_is_the_month_of_answering(client, path):
    with time_machine.travel((timezone.now() + timedelta(days=20)).replace(hour=12), tick=False):
        client.post(path, ANSWERS)
    assert FeedbackAnswer.objects.get().month == (timezone.localdate() + timedelta(days=20)).replace(day=1)


def test_the_same_link_answered_twice_through_the_service_keeps_one_answer():
    from peersupport.feedback.services import FeedbackInput, feedback_answer, feedback_token
    from peersupport.support.links import LinkRefused

    token = feedback_token("medical_error", Program.default().pk)
    data = FeedbackInput(timely="too_late", helped="a_little", recommend="maybe", useful=["none"])
    feedback_answer(token=token, data=data)
    with pytest.raises(LinkRefused):
        feedback_answer(token=token, data=data)
    assert FeedbackAnswer.objects.count() == 1
