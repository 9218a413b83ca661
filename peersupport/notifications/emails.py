"""The wording of the program's notification emails, rendered from plain-text templates.

Subjects stay neutral (no names, no event): they show in lock screens and shared inboxes.
Bodies carry only what the next step needs, never clinical details.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string

from peersupport.cases.models import CaseState

if TYPE_CHECKING:
    from peersupport.cases.models import Case


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


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = render_to_string(f"notifications/{name}_subject.txt", context)
    body = render_to_string(f"notifications/{name}_body.txt", context)
    # A subject is one header line; the body ends with exactly one newline.
    return " ".join(subject.split()), body.strip() + "\n"
