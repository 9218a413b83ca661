"""The wording of the program's notification emails, rendered from plain-text templates.

Subjects stay neutral (no names, no event): they show in lock screens and shared inboxes.
Bodies carry only what the next step needs, never clinical details.

Each message is rendered in its recipient's language (`peersupport.lib.i18n.language_of`) when it
is queued: the peer's for what goes to a peer, the supporter's for a supporter's. A message whose
recipient is not given (the directors' notices, sent to several addresses at once) is rendered in
the program's default language, never in the language of whoever's request caused it.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template import Context, Engine
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from peersupport.cases.models import CaseState
from peersupport.lib.i18n import in_language_of, link_in_language_of
from peersupport.support.links import talk_link_url
from peersupport.support.pages import program_ask_url

if TYPE_CHECKING:
    from datetime import date

    from peersupport.cases.models import Case
    from peersupport.resources.models import Resource
    from peersupport.roster.models import Person


def render_assignment_email(case: "Case", *, supporter: Any = None) -> tuple[str, str]:
    """The supporter's notice of a new case, in the supporter's language: who to contact, the one
    sentence, the link."""
    context = {
        "peer": case.peer,
        "referral": case.referral,
        "case_url": f"{settings.SITE_URL}/cases/{case.pk}/",
        # Once assigned, the case's next due time is the first outreach's; before that it would
        # be the assignment's own, which is no use to the supporter.
        "outreach_due_at": case.next_due_at if case.state == CaseState.ASSIGNED else None,
    }
    return _render("assignment", context, recipient=supporter or (case.supporter if case.supporter_id else None))


def render_new_referral_email(count: int, *, recipient: Any = None) -> tuple[str, str]:
    """The directors' nudge that cases are waiting: a count and the queue link, no names."""
    return _render("new_referrals", {"count": count, "queue_url": f"{settings.SITE_URL}/queue/"},
                   recipient=recipient)


def render_set_aside_email(count: int, *, texts: int = 0, recipient: Any = None) -> tuple[str, str]:
    """The directors' notice that emails (`count`) and text messages were set aside: the counts
    and the overview link, no names."""
    with in_language_of(recipient):
        parts = [ngettext("%(count)s email", "%(count)s emails", count) % {"count": count}] \
            if count or not texts else []
        if texts:
            parts.append(ngettext("%(count)s text message", "%(count)s text messages", texts) % {"count": texts})
        return _render("set_aside", {
            "what": _(" and ").join(parts),
            "count": count + texts,
            "texts": texts,
            "overview_url": f"{settings.SITE_URL}/overview/",
            "attempts": settings.OUTBOX_MAX_ATTEMPTS,
        }, recipient=recipient)


def render_plain_text(template_name: str, context: dict[str, Any], *, recipient: Any = None) -> str:
    """A plain-text template (an email, a text message, a mailto body), rendered without HTML
    escaping: "Deb O'Neil" stays "Deb O'Neil", not "Deb O&#x27;Neil". An HTML page that shows the
    result escapes it there, once.

    Rendered in the language of `recipient` (a roster person, a supporter, a login, a language code),
    or the program's default language when none is given: a message is never written in the
    language of whoever happened to cause it."""
    template = Engine.get_default().get_template(template_name)
    with in_language_of(recipient):
        return template.render(Context(context, autoescape=False))


def render_deputy_email(director_name: str, away_from: "date", away_until: "date", *,
                        recipient: Any = None) -> tuple[str, str]:
    """The deputy's notice that a director's notices come to them while the director is away."""
    return _render("deputy", {"director_name": director_name, "away_from": away_from, "away_until": away_until,
                              "queue_url": f"{settings.SITE_URL}/queue/"}, recipient=recipient)


def _render(name: str, context: dict[str, Any], *, recipient: Any = None) -> tuple[str, str]:
    subject = render_plain_text(f"notifications/{name}_subject.txt", context, recipient=recipient)
    body = render_plain_text(f"notifications/{name}_body.txt", context, recipient=recipient)
    # A subject is one header line; the body ends with exactly one newline.
    return " ".join(subject.split()), body.strip() + "\n"


def first_name(name: str) -> str:
    """The first word of a name, for a greeting ("Hello Ana,"); "there" (in the language being
    rendered) when there is none."""
    return (name or "").split(" ")[0] or _("there")


def _peer(case: "Case") -> Any:
    """The peer a message to the peer is written for (None once purged: the default language)."""
    return case.peer if case.peer_id else None


def outreach_text(case: "Case", supporter_name: str, supporter_phone: str) -> str:
    """The warm first message, in the peer's language, for the supporter to send from their phone
    or through us."""
    with in_language_of(_peer(case)):
        return render_plain_text(
            "notifications/outreach_text.txt",
            {"peer_first_name": first_name(case.unpurged_peer.name), "supporter_name": supporter_name,
             "supporter_phone": supporter_phone},
            recipient=_peer(case),
        ).strip()


def render_outreach_email(case: "Case", supporter_name: str, supporter_phone: str) -> tuple[str, str]:
    return _render("outreach", {"outreach_text": outreach_text(case, supporter_name, supporter_phone)},
                   recipient=_peer(case))


def _peer_links(case: "Case") -> dict[str, str | int]:
    """The peer's own "I'd like to talk now" link (signed, single-use, expiring: no sign-in), and
    the public ask page of the case's program (the peer's hospital) for when that link has expired."""
    peer = _peer(case)
    return {
        "talk_url": link_in_language_of(talk_link_url(person_id=case.peer_id, case_id=case.pk), peer)
        if case.peer_id else "",
        "invitation_url": link_in_language_of(program_ask_url(case.program_id), peer),
        "talk_link_days": settings.INVITATION_LINK_DAYS,
    }


def render_open_invitation_email(case: "Case", resources: list["Resource"]) -> tuple[str, str]:
    """After a decline or no answer, in the peer's language: resources and an open door. Never the event."""
    with in_language_of(_peer(case)):
        return _render("open_invitation", {
            "peer_first_name": first_name(case.unpurged_peer.name),
            "resources": resources,
            **_peer_links(case),
        }, recipient=_peer(case))


def render_information_sheet_email(case: "Case", resources: list["Resource"]) -> tuple[str, str]:
    with in_language_of(_peer(case)):
        return _render("information_sheet", {
            "peer_first_name": first_name(case.unpurged_peer.name),
            "resources": resources,
            **_peer_links(case),
        }, recipient=_peer(case))


def render_personal_link_email(person: "Person", url: str, *, hours: int) -> tuple[str, str]:
    """The link asked for at /support/ask/, in the person's language: it opens the request form,
    no sign-in needed."""
    with in_language_of(person):
        return _render("personal_link", {"peer_first_name": first_name(person.name),
                                         "link_url": link_in_language_of(url, person),
                                         "hours": hours}, recipient=person)


def render_safety_escalation_email(case: "Case", supporter_name: str, supporter_phone: str,
                                   raised_at: Any, *, recipient: Any = None) -> tuple[str, str]:
    return _render("safety_escalation", {
        "case_url": f"{settings.SITE_URL}/cases/{case.pk}/",
        "supporter_name": supporter_name,
        "supporter_phone": supporter_phone,
        "raised_at": raised_at,
    }, recipient=recipient)


def render_check_in_email(case: "Case", supporter_name: str, reason: str, *,
                          recipient: Any = None) -> tuple[str, str]:
    """The directors' notice that a supporter would like a check-in: who, the reason from the
    fixed list, the queue; nothing about the peer."""
    return _render("check_in", {"supporter_name": supporter_name, "reason": reason,
                                "queue_url": f"{settings.SITE_URL}/queue/"}, recipient=recipient)


def render_handback_email(case: "Case", reason: str, *, recipient: Any = None) -> tuple[str, str]:
    return _render("handback", {"case_url": f"{settings.SITE_URL}/cases/{case.pk}/", "reason": reason},
                   recipient=recipient)


# Reminders and escalations of late steps (sent by `send_reminders`). The subjects say only that
# something is due; the bodies name the step and link the case, never the peer or the event.


def _case_url(case: "Case") -> str:
    return f"{settings.SITE_URL}/cases/{case.pk}/"


def describe_lateness(due_at: Any, now: Any) -> str:
    """'40 minutes', '5 hours', '3 days': how long past its due time a step is, in the language
    being rendered."""
    minutes = max(int((now - due_at).total_seconds() // 60), 1)
    if minutes < 120:
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return ngettext("%(count)s day", "%(count)s days", hours // 24) % {"count": hours // 24}


# The names of a case's steps as the emails give them (Case.next_step's values), in the reader's language.
STEP_NAMES = {
    "assignment": gettext_lazy("assignment"),
    "first outreach": gettext_lazy("first outreach"),
    "response": gettext_lazy("response"),
    "closing": gettext_lazy("closing"),
    "first conversation": gettext_lazy("first conversation"),
    "follow-up conversation": gettext_lazy("follow-up conversation"),
}


def _step(case: "Case") -> tuple[str, Any]:
    """The case's next step: its key (compared in the templates) and its name to show."""
    with translation.override("en"):
        key = str(case.next_step)
    return key, STEP_NAMES.get(key, case.next_step)


def render_step_reminder_email(case: "Case", *, supporter_name: str, due_at: Any, now: Any) -> tuple[str, str]:
    """The supporter's reminder, in the supporter's language, that the next step of one of their
    cases is due."""
    recipient = case.supporter if case.supporter_id else None
    step_key, step = _step(case)
    with in_language_of(recipient):
        return _render("step_reminder", {
            "supporter_first_name": first_name(supporter_name),
            "step": step,
            "step_key": step_key,
            "state": case.state,
            "due_at": due_at,
            "late": describe_lateness(due_at, now),
            "case_url": _case_url(case),
        }, recipient=recipient)


def render_assignment_reminder_email(case: "Case", *, due_at: Any, now: Any, recipient: Any = None) -> tuple[str, str]:
    """The directors' reminder that a case is past its assignment due time."""
    with in_language_of(recipient):
        return _render("assignment_reminder", {
            "due_at": due_at,
            "late": describe_lateness(due_at, now),
            "case_url": _case_url(case),
            "queue_url": f"{settings.SITE_URL}/queue/",
        }, recipient=recipient)


def render_step_escalation_email(case: "Case", *, due_at: Any, now: Any, supporter_name: str,
                                 supporter_phone: str, supporter_email: str,
                                 recipient: Any = None) -> tuple[str, str]:
    """The directors' notice that a step is well past due: which, how late, whose, where."""
    with in_language_of(recipient):
        return _render("step_escalation", {
            "step": _step(case)[1],
            "due_at": due_at,
            "late": describe_lateness(due_at, now),
            "supporter_name": supporter_name,
            "supporter_phone": supporter_phone,
            "supporter_email": supporter_email,
            "case_url": _case_url(case),
        }, recipient=recipient)


def render_break_glass_email(case: "Case", administrator: str, reason: str, granted_at: Any,
                             expires_at: Any, *, recipient: Any = None) -> tuple[str, str]:
    """The directors' urgent notice that an administrator opened a case in an emergency: who, the
    reason from the fixed list, until when, and the case's link; nothing about the peer."""
    return _render("break_glass", {"case_number": case.pk, "case_url": f"{settings.SITE_URL}/cases/{case.pk}/",
                                   "administrator": administrator, "reason": reason,
                                   "granted_at": granted_at, "expires_at": expires_at}, recipient=recipient)
