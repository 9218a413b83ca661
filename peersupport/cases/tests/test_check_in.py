"""After a hard case, the assigned supporter asks for a check-in (a reason from a fixed list,
no notes); every director is emailed and sees it on the queue, and marks it done."""

import pytest

from peersupport.accounts.models import User
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import CheckInRequest
from peersupport.front.tests.helpers import assign, refer
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(director, referrer, supporter_a):
    case = refer(referrer, make_person(name="Pat Peer", department="Emergency")).cases.get()
    return assign(director, case, supporter_a)


def ask(client, supporter, case, reason="hard_conversation"):
    client.force_login(User.objects.get(person=supporter.person))
    return client.post(f"/cases/{case.pk}/check-in/", {"reason": reason})


def test_the_assigned_supporter_asks_and_the_director_is_told_and_sees_it_on_the_queue(client, director, case,
                                                                                      supporter_a):
    client.force_login(User.objects.get(person=supporter_a.person))
    assert 'data-testid="check-in-ask"' in client.get(f"/cases/{case.pk}/").content.decode()
    assert ask(client, supporter_a, case, "own_experience").status_code == 302
    request = CheckInRequest.objects.get()
    assert (request.supporter, request.reason, request.done_at) == (supporter_a, "own_experience", None)
    assert AuditEntry.objects.filter(action="case.check_in_requested", object_id=str(case.pk)).exists()
    [mail] = OutboxMessage.objects.filter(kind="check_in")
    assert mail.to == director.email and "Alex Supporter" in mail.body and "Pat Peer" not in mail.body + mail.subject
    assert 'data-testid="check-in-open"' in client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(director)
    queue = client.get("/queue/").content.decode()
    assert 'data-testid="check-in-row"' in queue and "It touched my own experience" in queue


def test_the_director_marks_it_done_once(client, director, case, supporter_a):
    ask(client, supporter_a, case)
    client.force_login(director)
    assert client.post(f"/cases/{case.pk}/check-in/done/").status_code == 302
    assert CheckInRequest.objects.get().done_at is not None
    assert AuditEntry.objects.filter(action="case.check_in_done").count() == 1
    assert 'data-testid="check-in-row"' not in client.get("/queue/").content.decode()
    client.post(f"/cases/{case.pk}/check-in/done/")
    assert AuditEntry.objects.filter(action="case.check_in_done").count() == 1


def test_another_supporter_cannot_ask_on_a_case_not_theirs(client, case, supporter_b):
    assert ask(client, supporter_b, case).status_code == 404
    assert not CheckInRequest.objects.exists()


def test_the_director_does_not_ask_for_a_check_in(client, director, case):
    client.force_login(director)
    assert client.post(f"/cases/{case.pk}/check-in/", {"reason": "other"}).status_code == 403


def test_a_reason_off_the_list_or_a_second_request_is_refused_and_changes_nothing(client, case, supporter_a):
    response = ask(client, supporter_a, case, reason="I need to vent about this")
    assert response.status_code == 422 and not CheckInRequest.objects.exists()
    ask(client, supporter_a, case)
    again = ask(client, supporter_a, case)
    assert again.status_code == 409 and "already asked" in again.content.decode()
    assert CheckInRequest.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="check_in").count() == 1
