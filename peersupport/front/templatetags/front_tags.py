"""Small display helpers shared by every app's templates."""

import re
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.cases.models import STEP_WORDS

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return gettext("%(minutes)s min") % {"minutes": max(minutes, 1)}
    hours = minutes // 60
    if hours < 48:
        return gettext("%(hours)s h") % {"hours": hours}
    return gettext("%(days)s days") % {"days": hours // 24}


@register.filter
def due(when: datetime | None) -> str:
    """'overdue by 2 h' or 'due in 35 min'; empty when nothing is due."""
    if when is None:
        return ""
    seconds = (when - timezone.now()).total_seconds()
    if seconds < 0:
        return gettext("overdue by %(span)s") % {"span": _span(-seconds)}
    return gettext("due in %(span)s") % {"span": _span(seconds)}


@register.filter
def step_words(step: str) -> str:
    """A case's next step as the reader's language says it ("first outreach")."""
    return str(STEP_WORDS.get(step, step))


@register.filter
def is_overdue(when: datetime | None) -> bool:
    return when is not None and when < timezone.now()


@register.filter
def dial(phone: str | None) -> str:
    """A phone number as `tel:`/`sms:` links want it: digits and a leading plus."""
    phone = (phone or "").strip()
    digits = re.sub(r"[^\d]", "", phone)
    return ("+" + digits) if phone.startswith("+") else digits
