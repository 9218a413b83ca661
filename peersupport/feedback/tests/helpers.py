"""A peer's case taken to its close, and the feedback link from the email that follows."""

import re

from peersupport.accounts.models import Role
from peersupport.cases.actions import case_close, case_record_outreach, case_record_response
from peersupport.cases.models import Case
from peersupport.front.tests.helpers import assign, refer
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, make_supporter, make_user

ANSWERS = {"timely": "right_time", "helped": "yes", "recommend": "yes", "useful": ["counseling", "time_off"]}


def closed_case(*, response: str = "accepted", email: str = "robin@example.org", category: str = "patient_death",
                close: bool = True) -> Case:
    """A case of a peer who answered `response` (or "unreachable": never answered), then closed."""
    director = make_user(Role.DIRECTOR)
    peer = make_person(name="Robin Peer", email=email, department="Emergency")
    supporter = make_supporter(make_person(name="Sam Supporter", department="Surgery"))
    me = make_user(Role.SUPPORTER, person=supporter.person)
    case = assign(director, refer(make_user(Role.REFERRER), peer, category=category).cases.get(), supporter)
    case_record_outreach(actor=me, case_id=case.pk, channel="call")
    if response == "unreachable":
        Case.objects.filter(pk=case.pk).update(state="unreachable")
    else:
        case_record_response(actor=me, case_id=case.pk, response=response)
    if close:
        case_close(actor=me, case_id=case.pk)
    return Case.objects.get(pk=case.pk)


def feedback_path() -> str:
    """The path of the feedback link in the latest invitation."""
    body = OutboxMessage.objects.filter(kind="feedback_invitation").latest("pk").body
    match = re.search(r"https?://[^/\s]+(/feedback/[^\s]+/)", body)
    assert match, body
    return match[1]
