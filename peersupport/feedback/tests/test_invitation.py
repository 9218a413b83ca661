"""When a case closes, a peer who talked with a supporter is asked, once, how it went."""

import pytest

from peersupport.cases.actions import case_close
from peersupport.feedback.tests.helpers import closed_case
from peersupport.lib.errors import Conflict
from peersupport.notifications.models import OutboxMessage, OutboxPriority

pytestmark = pytest.mark.django_db


def invitations() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="feedback_invitation"))


def test_closing_a_supported_case_queues_one_invitation_to_the_peer():
    case = closed_case()
    [message] = invitations()
    assert message.to == "robin@example.org"
    assert message.case_id == case.pk
    assert message.priority == OutboxPriority.NORMAL
    assert "/feedback/" in message.body
    assert message.body.startswith("Hello Robin,")
    assert "works once, for 30 days" in message.body
    # Nothing about the event, the case or the supporter: the subject shows on lock screens.
    for private in ("Sam", "died", "patient", str(case.pk)):
        assert private not in message.subject
    assert "died" not in message.body and "Sam" not in message.body


def test_a_peer_with_no_email_address_gets_no_invitation_and_the_case_still_closes():
    case = closed_case(email="")
    assert case.state == "closed"
    assert invitations() == []


@pytest.mark.parametrize("response", ["declined", "unreachable"])
def test_a_peer_who_declined_or_never_answered_is_not_asked(response):
    # The open invitation told them nothing more would be asked of them.
    case = closed_case(response=response)
    assert case.state == "closed"
    assert invitations() == []


def test_a_refused_close_queues_nothing():
    case = closed_case()
    with pytest.raises(Conflict):
        case_close(actor=case.supporter.person.user, case_id=case.pk)  # already closed
    assert len(invitations()) == 1


def test_the_link_carries_nothing_but_the_event_category_and_the_program():
    from django.core import signing

    from peersupport.feedback.links import FEEDBACK
    from peersupport.feedback.tests.helpers import feedback_path

    case = closed_case(category="litigation")
    token = feedback_path().split("/")[2]
    payload = signing.loads(token, salt=FEEDBACK.salt)
    assert set(payload) == {"k", "p", "n"}
    assert payload["p"] == case.program_id
    assert payload["k"] == "litigation"
