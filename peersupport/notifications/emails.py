"""The wording of the program's notification emails, rendered from plain-text templates.

Subjects stay neutral (no names, no event): they show in lock screens and shared inboxes.
Bodies carry only what the next step needs, never clinical details.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template import Context, Engine

from peersupport.cases.models import CaseState
from peersupport.support.links import talk_link_url

if TYPE_CHECKING:
    from datetime import date

    from peersupport.cases.models import Case
    from peersupport.resources.models import Resource
    from peersupport.roster.models import Person


def render_assignment_email(case: "Case") -> tuple[str, str]:
    """The supporter's notice of a new case: who to contact, the one sentence, the link."""
    context = {
        "peer": case.peer,
        "referral": case.referral,
        "case_url": f"{settings.SITE_URL}/cases/{case.pk}/",
        # Once assigned, the case's next due time is the first outreach's; before that it would
        # be the assignment's own, which is no use to the supporter.
        "outreach_due_at": case.next_due_at if case.state == CaseState.ASSIGNED else None,
    }
    return _render("assignment", context)


def render_new_referral_email(count: int) -> tuple[str, str]:
    """The directors' nudge that cases are waiting: a count and the queue link, no names."""
    return _render("new_referrals", {"count": count, "queue_url": f"{settings.SITE_URL}/queue/"})


def render_set_aside_email(count: int) -> tuple[str, str]:
    """The directors' notice that emails were set aside: a count and the overview link, no names."""
    return _render("set_aside", {
        "count": count,
        "overview_url": f"{settings.SITE_URL}/overview/",
        "attempts": settings.OUTBOX_MAX_ATTEMPTS,
    })


def render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template (an email, a text message, a mailto body), rendered without HTML
    escaping: "Deb O'Neil" stays "Deb O'Neil", not "Deb O&#x27;Neil". An HTML page that shows the
    result escapes it there, once."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_deputy_email(director_name: str, away_from: "date", away_until: "date") -> tuple[str, str]:
    """The deputy's notice that a director's notices come to them while the director is away."""
    return _render("deputy", {"director_name": director_name, "away_from": away_from, "away_until": away_until,
                              "queue_url": f"{settings.SITE_URL}/queue/"})


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = render_plain_text(f"notifications/{name}_subject.txt", context)
    body = render_plain_text(f"notifications/{name}_body.txt", context)
    # A subject is one header line; the body ends with exactly one newline.
    return " ".join(subject.split()), body.strip() + "\n"


def first_name(name: str) -> str:
    return (name or "").split(" ")[0] or "there"


def outreach_text(case: "Case", supporter_name: str, supporter_phone: str) -> str:
    """The warm first message, for the supporter to send from their phone or through us."""
    return render_plain_text(
        "notifications/outreach_text.txt",
        {"peer_first_name": first_name(case.unpurged_peer.name), "supporter_name": supporter_name,
         "supporter_phone": supporter_phone},
    ).strip()


def render_outreach_email(case: "Case", supporter_name: str, supporter_phone: str) -> tuple[str, str]:
    return _render("outreach", {"outreach_text": outreach_text(case, supporter_name, supporter_phone)})


def _peer_links(case: "Case") -> dict[str, str | int]:
    """The peer's own "I'd like to talk now" link (signed, single-use, expiring: no sign-in), and
    the public ask page for when that link has expired."""
    return {
        "talk_url": talk_link_url(person_id=case.peer_id, case_id=case.pk) if case.peer_id else "",
        "invitation_url": f"{settings.SITE_URL}/support/ask/",
        "talk_link_days": settings.INVITATION_LINK_DAYS,
    }


def render_open_invitation_email(case: "Case", resources: list["Resource"]) -> tuple[str, str]:
    """After a decline or no answer: resources and an open door. Never the event."""
    return _render("open_invitation", {
        "peer_first_name": first_name(case.unpurged_peer.name),
        "resources": resources,
        **_peer_links(case),
    })


def render_information_sheet_email(case: "Case", resources: list["Resource"]) -> tuple[str, str]:
    return _render("information_sheet", {
        "peer_first_name": first_name(case.unpurged_peer.name),
        "resources": resources,
        **_peer_links(case),
    })


def render_personal_link_email(person: "Person", url: str, *, hours: int) -> tuple[str, str]:
    """The link asked for at /support/ask/: it opens the request form, no sign-in needed."""
    return _render("personal_link", {"peer_first_name": first_name(person.name), "link_url": url,
                                     "hours": hours})


def render_safety_escalation_email(case: "Case", supporter_name: str, supporter_phone: str,
                                   raised_at: Any) -> tuple[str, str]:
    return _render("safety_escalation", {
        "case_url": f"{settings.SITE_URL}/cases/{case.pk}/",
        "supporter_name": supporter_name,
        "supporter_phone": supporter_phone,
        "raised_at": raised_at,
    })


def render_check_in_email(case: "Case", supporter_name: str, reason: str) -> tuple[str, str]:
    """The directors' notice that a supporter would like a check-in: who, the reason from the
    fixed list, the queue; nothing about the peer."""
    return _render("check_in", {"supporter_name": supporter_name, "reason": reason,
                                "queue_url": f"{settings.SITE_URL}/queue/"})


def render_handback_email(case: "Case", reason: str) -> tuple[str, str]:
    return _render("handback", {"case_url": f"{settings.SITE_URL}/cases/{case.pk}/", "reason": reason})


# Reminders and escalations of late steps (sent by `send_reminders`). The subjects say only that
# something is due; the bodies name the step and link the case, never the peer or the event.


def _case_url(case: "Case") -> str:
    return f"{settings.SITE_URL}/cases/{case.pk}/"


def describe_lateness(due_at: Any, now: Any) -> str:
    """'40 minutes', '5 hours', '3 days': how long past its due time a step is."""
    minutes = max(int((now - due_at).total_seconds() // 60), 1)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    return f"{hours} hours" if hours < 48 else f"{hours // 24} days"


def render_step_reminder_email(case: "Case", *, supporter_name: str, due_at: Any, now: Any) -> tuple[str, str]:
    """The supporter's reminder that the next step of one of their cases is due."""
    return _render("step_reminder", {
        "supporter_first_name": first_name(supporter_name),
        "step": case.next_step,
        "state": case.state,
        "due_at": due_at,
        "late": describe_lateness(due_at, now),
        "case_url": _case_url(case),
    })


def render_assignment_reminder_email(case: "Case", *, due_at: Any, now: Any) -> tuple[str, str]:
    """The directors' reminder that a case is past its assignment due time."""
    return _render("assignment_reminder", {
        "due_at": due_at,
        "late": describe_lateness(due_at, now),
        "case_url": _case_url(case),
        "queue_url": f"{settings.SITE_URL}/queue/",
    })


def render_step_escalation_email(case: "Case", *, due_at: Any, now: Any, supporter_name: str,
                                 supporter_phone: str, supporter_email: str) -> tuple[str, str]:
    """The directors' notice that a step is well past due: which, how late, whose, where."""
    return _render("step_escalation", {
        "step": case.next_step,
        "due_at": due_at,
        "late": describe_lateness(due_at, now),
        "supporter_name": supporter_name,
        "supporter_phone": supporter_phone,
        "supporter_email": supporter_email,
        "case_url": _case_url(case),
    })
