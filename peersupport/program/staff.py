"""The program's own staff: the director's protected time, and a deputy while they are away.

Whoever tells "the directors" something (a new referral, a late step, a handed-back case, a
safety escalation, undeliverable mail) asks `director_recipients` for the addresses. While a
director is away (from and until, both days included) and has named an active deputy, their
notices go to the deputy instead: an away director is left in peace, and someone who can act
gets them. A safety escalation (`urgent=True`) goes to the deputy and to the away director
too: someone's safety is never left to one inbox. A director away with no deputy keeps getting
everything, so a notice always reaches somebody.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.lib.i18n import language_of
from peersupport.notifications.emails import render_deputy_email
from peersupport.notifications.services import outbox_enqueue
from peersupport.program.models import StaffMember

# Away for longer than this is not an absence but a handover: give the deputy the director's role.
AWAY_MAX_DAYS = 366


def director_audience(*, urgent: bool = False, today: date | None = None,
                      program_id: int | None = None) -> list[tuple[str, str]]:
    """Who gets the directors' notices today: each address once, with the language to write to
    it in, in a fixed order (one query).

    With `program_id`, that program's directors only (a case's notices go to its own program)."""
    today = today or timezone.localdate()
    directors = (User.objects.filter(role=Role.DIRECTOR, is_active=True).exclude(email="")
                 .select_related("person", "program_staff__deputy__person",
                                 "program_staff__deputy__program__settings").order_by("pk"))
    if program_id is not None:
        directors = directors.filter(program_id=program_id)
    audience: dict[str, str] = {}
    for director in directors:
        staff = getattr(director, "program_staff", None)
        deputy = staff.deputy if staff is not None and staff.is_away(today) else None
        if deputy is not None and _can_act_for_director(deputy):
            audience.setdefault(deputy.email, language_of(deputy))
            if urgent:
                audience.setdefault(director.email, language_of(director))
        else:
            audience.setdefault(director.email, language_of(director))
    return list(audience.items())


def _can_act_for_director(deputy: User) -> bool:
    """A deputy who can open what the notices link: an active director, or an administrator of a
    program whose administrators see cases. An administrator who cannot would get links that
    answer "not found", so the away director keeps their notices instead."""
    if not (deputy.is_active and deputy.email and deputy.role in PROGRAM_STAFF):
        return False
    if deputy.role != Role.ADMINISTRATOR:
        return True
    program = deputy.program
    settings = getattr(program, "settings", None) if program is not None else None
    return settings is None or settings.administrators_see_cases


def director_recipients(*, urgent: bool = False, today: date | None = None,
                        program_id: int | None = None) -> list[str]:
    """The addresses of the directors' notices today, each once, in a fixed order (one query)."""
    return [address for address, _ in director_audience(urgent=urgent, today=today, program_id=program_id)]


def in_each_language(audience: list[tuple[str, str]],
                     render: Callable[[str], tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Each address of `audience` (`director_audience`) with its notice, `render(language)` giving
    (subject, body): rendered once per language, so two directors who read different languages
    each get their own, and a hundred who read one cost one rendering."""
    rendered: dict[str, tuple[str, str]] = {}
    notices = []
    for address, language in audience:
        if language not in rendered:
            rendered[language] = render(language)
        notices.append((address, *rendered[language]))
    return notices


def deputy_choices(director: User) -> list[User]:
    """Who may deputize for a director: another active director or administrator with an email."""
    return list(User.objects.filter(role__in=PROGRAM_STAFF, is_active=True, program_id=director.program_pk)
                .exclude(email="").exclude(pk=director.pk).select_related("person").order_by("email"))


@dataclass(frozen=True)
class StaffInput:
    protected_time_percent: int | None
    away_from: date | None
    away_until: date | None
    deputy_id: int | None


def program_staff_update(*, actor: User, data: StaffInput) -> StaffMember:
    """A director's own protected time, absence and deputy. A deputy named for an absence (or
    for new dates) is told by email what will come to them, and when."""
    if not actor.is_active or actor.role != Role.DIRECTOR:
        raise InvalidInput(gettext("Only a program director sets their protected time and deputy."))
    percent = data.protected_time_percent
    if percent is not None and not 0 <= percent <= 100:
        raise InvalidInput(gettext("Protected time is a share of working time from 0 to 100%."))
    if (data.away_from is None) != (data.away_until is None):
        raise InvalidInput(gettext("Give both the first and the last day away, or neither."))
    if data.away_from is not None and data.away_until is not None:
        if data.away_until < data.away_from:
            raise InvalidInput(gettext("The last day away is before the first."))
        if (data.away_until - data.away_from).days >= AWAY_MAX_DAYS:
            raise InvalidInput(gettext("An absence is at most a year; for longer, hand the director's role over."))
        if data.deputy_id is None:
            raise InvalidInput(gettext("Name a deputy to receive the escalations while you are away."))
    deputy = None
    if data.deputy_id is not None:
        deputy = next((user for user in deputy_choices(actor) if user.pk == data.deputy_id), None)
        if deputy is None:
            raise InvalidInput(gettext("A deputy is another active director or administrator with an email address."))
    try:
        with transaction.atomic():
            staff, _ = StaffMember.objects.select_for_update().get_or_create(user=actor)
            before = (staff.deputy_id, staff.away_from, staff.away_until)
            staff.protected_time_percent = percent
            staff.away_from, staff.away_until = data.away_from, data.away_until
            staff.deputy = deputy
            staff.save()
            audit_record(actor=actor, action="program.staff_update", obj=staff,
                         detail={"deputy": deputy.pk if deputy else None,
                                 "away": bool(data.away_from), "protected_time_percent": percent})
            changed = before != (staff.deputy_id, staff.away_from, staff.away_until)
            if deputy is not None and data.away_from and data.away_until and changed:
                with translation.override(language_of(deputy.person)):
                    subject, body = render_deputy_email(actor.get_full_name() or actor.email, data.away_from,
                                                        data.away_until)
                outbox_enqueue(kind="deputy", to=deputy.email, subject=subject, body=body)
    except IntegrityError:
        # The same director saved twice at once, both creating their row: one of them won.
        raise Conflict(gettext("Your settings were saved from another window at the same moment; try again.")) from None
    return staff
