"""The campaign's invitation: our template, the placeholders an administrator may use, rendering."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from peersupport.lib.errors import InvalidInput

LINK = "{link}"
FIRST_NAME = "{first_name}"
ABOUT_LINK = "{about_link}"
PLACEHOLDERS = (LINK, FIRST_NAME, ABOUT_LINK)
_PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")

DEFAULT_SUBJECT = "Whom would you want to talk to after a hard day at work?"
# One line a paragraph: mail clients wrap plain text to the reader's screen.
DEFAULT_BODY = "\n\n".join([
    "Dear {first_name},",
    "Our peer support program is looking for new supporters: colleagues who call a clinician after a hard "
    "event at work (an error, a patient's unexpected death, aggression, a lawsuit) and listen.",
    "Think of the colleague you would want to hear from after a day like that: someone who listens without "
    "rushing to fix things, who stays steady, and who keeps what they hear to themself. Please name them. "
    "You can name more than one person, and you can name yourself.",
    "Your personal link to nominate (it takes two minutes, works once, and needs no sign-in):\n{link}",
    "What supporters do, and how much time it takes:\n{about_link}",
    "Thank you,\nThe peer support program",
]) + "\n"


@dataclass(frozen=True)
class InvitationText:
    subject: str
    body: str


def check_invitation(subject: str, body: str) -> InvitationText:
    """The subject and body, or InvalidInput naming what is wrong (the link placeholder above all)."""
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    problems = []
    if not subject or len(subject) > 150:
        problems.append(("subject", _("A subject is required (at most 150 characters).")))
    if not body or len(body) > 5000:
        problems.append(("body", _("The invitation's text is required (at most 5,000 characters).")))
    if LINK not in body:
        problems.append(("body", _("Put %(link)s in the text where each person's own nomination link goes.")
                         % {"link": LINK}))
    if LINK in subject:
        problems.append(("subject", _("%(link)s belongs in the text, not in the subject.") % {"link": LINK}))
    unknown = sorted({p for p in _PLACEHOLDER.findall(subject + " " + body) if p not in PLACEHOLDERS})
    if unknown:
        problems.append(("body", _("Unknown placeholder %(unknown)s: use %(known)s.")
                         % {"unknown": unknown[0], "known": ", ".join(PLACEHOLDERS)}))
    if problems:
        field, message = problems[0]
        raise InvalidInput(message, errors=[{"loc": [f], "msg": m, "type": "value_error"} for f, m in problems])
    return InvitationText(subject=subject, body=body)


def about_url() -> str:
    return f"{settings.SITE_URL}{reverse('recruit-about')}"


def first_name(name: str) -> str:
    return (name or "").split(" ")[0] or _("colleague")


def render_invitation(subject: str, body: str, *, name: str, link: str) -> tuple[str, str]:
    """The subject and body one person receives: plain text, placeholders filled in."""
    values = {LINK: link, FIRST_NAME: first_name(name), ABOUT_LINK: about_url()}

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda match: values.get(match.group(0), match.group(0)), text)

    return " ".join(fill(subject).split()), fill(body).strip() + "\n"
