"""Small display helpers shared by every app's templates."""

import re
from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


@register.filter
def due(when: datetime | None) -> str:
    """'overdue by 2 h' or 'due in 35 min'; empty when nothing is due."""
    if when is None:
        return ""
    seconds = (when - timezone.now()).total_seconds()
    if seconds < 0:
        return f"overdue by {_span(-seconds)}"
    return f"due in {_span(seconds)}"


@register.filter
def is_overdue(when: datetime | None) -> bool:
    return when is not None and when < timezone.now()


@register.filter
def dial(phone: str | None) -> str:
    """A phone number as `tel:`/`sms:` links want it: digits and a leading plus."""
    phone = (phone or "").strip()
    digits = re.sub(r"[^\d]", "", phone)
    return ("+" + digits) if phone.startswith("+") else digits
