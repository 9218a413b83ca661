"""What the case page shows the people who act on a case: the next step first, then the rest.

Which buttons appear follows the states each service accepts (`cases/actions.py`); the services
still refuse an out-of-turn action with 409, and a test keeps the two in step.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db.models import prefetch_related_objects
from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.cases.access import is_case_supporter
from peersupport.cases.actions import undo_response_until
from peersupport.cases.forms import EncounterForm
from peersupport.cases.models import CLOSING, Case, CaseState, GuideTopic, OutreachChannel
from peersupport.cases.timeline import sheets_sent
from peersupport.front.templatetags.front_tags import dial
from peersupport.notifications.emails import first_name, outreach_text, render_outreach_email
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Category
from peersupport.resources.selectors import active_resources, crisis_resources, group_by_category

S = CaseState
# Action -> the states in which its service accepts it.
ACTION_STATES: dict[str, frozenset[str]] = {
    "outreach": frozenset({S.ASSIGNED, S.OUTREACH_MADE}),
    "response": frozenset({S.OUTREACH_MADE}),
    "encounter": frozenset({S.ACCEPTED}),
    "resource": frozenset({S.OUTREACH_MADE, S.ACCEPTED, S.DECLINED}),
    "sheet": frozenset({S.OUTREACH_MADE, S.ACCEPTED, S.DECLINED, S.UNREACHABLE}),
    "close": frozenset({S.ACCEPTED, S.DECLINED, S.UNREACHABLE}),
    "hand_back": frozenset({S.ASSIGNED, S.OUTREACH_MADE}),
    "safety": frozenset({S.ASSIGNED, S.OUTREACH_MADE, S.ACCEPTED, S.DECLINED, S.UNREACHABLE}),
}
# The page's sections for each state, the next step first.
SECTIONS: dict[str, tuple[str, ...]] = {
    S.ASSIGNED: ("outreach", "safety", "hand_back"),
    S.OUTREACH_MADE: ("response", "outreach", "resources", "safety", "hand_back"),
    S.ACCEPTED: ("encounter", "resources", "close", "safety"),
    S.DECLINED: ("close", "resources", "safety"),
    S.UNREACHABLE: ("close", "resources", "safety"),
}
# Channels the supporter records themself; email sent by the program has its own button.
CHANNELS = [(value, label) for value, label in OutreachChannel.choices]
# Two conversations are usual; from then on the page suggests professional help.
USUAL_ENCOUNTERS = 2


@dataclass(frozen=True)
class Outreach:
    """The warm first message, and links that open it ready to send from the supporter's phone."""

    message: str
    sms_href: str
    mailto_href: str


def may_act(user: User, case: Case) -> bool:
    """The case's supporter, or the director, acts on it (the services hold the same rule)."""
    return user.role == Role.DIRECTOR or is_case_supporter(user, case)


def allowed_actions(user: User, case: Case) -> dict[str, bool]:
    acting = may_act(user, case)
    allowed = {action: acting and case.state in states for action, states in ACTION_STATES.items()}
    supporter = is_case_supporter(user, case)
    # Handing a case back is the supporter's own decision; the director reassigns instead.
    allowed["hand_back"] = allowed["hand_back"] and supporter
    # The outreach panel is the supporter's own words ("Hi Linh, this is …") sent from their own
    # phone: no one else reaches out in their name.
    allowed["outreach"] = allowed["outreach"] and supporter
    return allowed


def outreach_for(case: Case) -> Outreach:
    person = case.supporter.person if case.supporter is not None else None
    name, phone = (person.name, person.phone) if person else ("", "")
    message = outreach_text(case, name, phone)
    sms = mailto = ""
    if case.unpurged_peer.phone:
        # `?&body=` is read by both iOS and Android messaging apps.
        sms = f"sms:{dial(case.unpurged_peer.phone)}?&body={quote(message, safe='')}"
    if case.unpurged_peer.email:
        subject, body = render_outreach_email(case, name, phone)
        mailto = f"mailto:{case.unpurged_peer.email}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    return Outreach(message=message, sms_href=sms, mailto_href=mailto)


def _sections(case: Case) -> tuple[str, ...]:
    sections = SECTIONS.get(case.state, ())
    if case.state == S.ACCEPTED and case.next_step == CLOSING:
        # The conversations are done: closing comes first, another conversation stays possible.
        return ("close", *(s for s in sections if s != "close"))
    return sections


def supporter_context(user: User, case: Case, *, encounter_form: EncounterForm | None = None) -> dict[str, Any]:
    """Everything the supporter's part of the case page needs (also shown to the director)."""
    allowed = allowed_actions(user, case)
    allowed["resources"] = allowed["resource"] or allowed["sheet"]
    # One query for the record below and for the case's next step, which follows its conversations.
    prefetch_related_objects([case], "encounters")
    encounters = list(case.encounters.all())
    for encounter in encounters:
        encounter.topic_labels = [  # type: ignore[attr-defined]  # for the template, beside the encounter
            GuideTopic(t).label for t in encounter.topics if t in GuideTopic.values]
    escalations = list(case.escalations.order_by("-raised_at", "-pk"))
    context: dict[str, Any] = {
        "may_act": may_act(user, case),
        "allowed": allowed,
        "sections": [s for s in _sections(case) if allowed.get(s)],
        "peer_first_name": first_name(case.peer.name) if case.peer is not None else "",
        "attempts": list(case.outreach_attempts.all()),
        "encounters": encounters,
        "responses": list(case.responses.all()),
        "shares": list(case.resource_shares.select_related("resource")),
        "sheets": sheets_sent(case),
        "escalations": escalations,
        "crisis_resources": crisis_resources(case.program_id) if escalations else [],
        "is_litigation": case.referral.category == Category.LITIGATION,
        "encouragement": case.state in (S.DECLINED, S.UNREACHABLE),
        "check_in_on_more": len(encounters) >= USUAL_ENCOUNTERS,
        "channels": CHANNELS,
    }
    if context["may_act"]:
        context["undo_until"] = undo_response_until(case)
    if allowed["outreach"]:
        context["outreach"] = outreach_for(case)
    if allowed["response"]:
        context["program"] = ProgramSettings.for_program(case.program_id)
    if allowed["encounter"]:
        today = timezone.localdate()
        context["encounter_form"] = encounter_form or EncounterForm(today=today)
    if allowed["resources"]:
        # The peer's own hospital's directory, whichever program the supporter is from.
        context["resource_groups"] = group_by_category(active_resources(case.program_id))
    return context
