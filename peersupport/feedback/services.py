"""Asking a peer how it went when their case closes, and keeping the answer with no name on it.

The invitation goes out inside the closing's transaction. The answer keeps only the month, the
event's category and the choices made (see `models.py`). Answering writes no audit entry on
purpose: an entry's exact time, beside the time the link was used, would point back to the case.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.cases.models import Case
from peersupport.feedback.links import FEEDBACK, FEEDBACK_LINK_DAYS
from peersupport.feedback.models import FeedbackAnswer, Helped, Recommend, Timely, UsefulResource
from peersupport.lib.errors import InvalidInput
from peersupport.lib.i18n import in_language_of, link_in_language_of
from peersupport.notifications.emails import first_name, render_plain_text
from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.services import outbox_enqueue
from peersupport.program.models import Program
from peersupport.referrals.models import Category
from peersupport.resources.models import ResourceCategory
from peersupport.support.links import TAMPERED, LinkRefused, kind_url, link_was_used, open_link, sign_link, use_link
from peersupport.support.links import USED as LINK_USED

FEEDBACK_INVITATION = "feedback_invitation"
NONE = "none"


@dataclass(frozen=True)
class FeedbackInput:
    timely: str
    helped: str
    recommend: str
    # Kinds of resource found useful; ["none"] when none was.
    useful: list[str]


def feedback_token(category: str, program_id: int) -> str:
    """The link's payload: the event's category and the case's program (whose report counts the
    answer), nothing that names the case or the peer."""
    return sign_link(FEEDBACK, {"k": category, "p": program_id})


def feedback_invite(*, case: Case) -> OutboxMessage | None:
    """Queue the peer's invitation to answer; call it inside the transaction that closes the case.

    Only a peer with an email address on the roster gets one. The caller decides which closings
    ask (`case_close`: only after the peer accepted support).
    """
    peer = case.peer
    if peer is None or not peer.email:
        return None
    url = link_in_language_of(kind_url(FEEDBACK, feedback_token(case.referral.category, case.program_id)), peer)
    with in_language_of(peer):
        context = {"peer_first_name": first_name(peer.name), "feedback_url": url, "link_days": FEEDBACK_LINK_DAYS,
                   "program_page": link_in_language_of(f"{settings.SITE_URL}/support/", peer)}
        subject = " ".join(render_plain_text("feedback/email/invitation_subject.txt", context,
                                             recipient=peer).split())
        body = render_plain_text("feedback/email/invitation_body.txt", context, recipient=peer).strip() + "\n"
    return outbox_enqueue(kind=FEEDBACK_INVITATION, to=peer.email, subject=subject, body=body, case=case)


def feedback_link(token: str) -> tuple[str, int]:
    """The event category and the program a link carries; LinkRefused(TAMPERED, EXPIRED or USED) if
    it may not be used. A link sent before programs carries none: the default program's."""
    payload = open_link(FEEDBACK, token)
    category = payload.get("k")
    if not isinstance(category, str) or category not in Category.values:
        raise LinkRefused(TAMPERED)
    program_id = payload.get("p")
    if program_id is not None and (not isinstance(program_id, int) or isinstance(program_id, bool)):
        raise LinkRefused(TAMPERED)
    if link_was_used(payload["n"]):
        raise LinkRefused(LINK_USED)
    if program_id is None or not Program.objects.filter(pk=program_id).exists():
        program_id = Program.default().pk
    return category, program_id


def feedback_link_category(token: str) -> str:
    """The event category a link carries (see `feedback_link`)."""
    return feedback_link(token)[0]


def _check(data: FeedbackInput) -> None:
    for value, choices, question in (
        (data.timely, Timely, _("whether we reached out at a good time")),
        (data.helped, Helped, _("whether it helped")),
        (data.recommend, Recommend, _("whether you would recommend the program")),
    ):
        if value not in choices.values:
            raise InvalidInput(gettext("Please choose an answer about %(question)s.") % {"question": question})
    useful = set(data.useful)
    if not useful:
        raise InvalidInput(gettext("Please choose the resources you found useful, or \"None of them\"."))
    if not useful <= {*ResourceCategory.values, NONE}:
        raise InvalidInput(gettext("Please choose resources from the list."))
    if NONE in useful and len(useful) > 1:
        raise InvalidInput(gettext("\"None of them\" cannot go with other resources: please choose one or the other."))


def month_of(day: date) -> date:
    return day.replace(day=1)


def feedback_answer(*, token: str, data: FeedbackInput) -> FeedbackAnswer:
    """Keep a peer's answers and use up their link, in one transaction.

    LinkRefused if the link is not ours, expired or already used (of two answers through the
    same link at once, one is kept); InvalidInput, with nothing kept, for an answer out of the
    choices.
    """
    category, program_id = feedback_link(token)
    _check(data)
    nonce = open_link(FEEDBACK, token)["n"]
    with transaction.atomic():
        use_link(FEEDBACK, nonce)
        answer = FeedbackAnswer.objects.create(
            program_id=program_id, month=month_of(timezone.localdate()), category=category,
            timely=data.timely, helped=data.helped, recommend=data.recommend,
        )
        UsefulResource.objects.bulk_create(
            UsefulResource(answer=answer, category=kind) for kind in sorted(set(data.useful) - {NONE})
        )
    return answer
