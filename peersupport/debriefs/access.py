"""The access gate for group debriefs. Every page about a session goes through it.

Who may see a session: the director of its program, always; that program's administrator while
its settings let administrators see cases (`ProgramSettings.administrators_see_cases`); and the
session's two facilitators. Staff of another program see nothing of it. A session someone may
not see does not exist for them (404). Changing a session (its time and place, its invitees,
cancelling, the follow-up) is the director's and the administrator's; a facilitator may record
it. Referrers, leaders, clinicians and integrations never open one (403). The invitee list says
who the event touched, so every access is audited, as a case's is.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.audit.services import audit_record
from peersupport.debriefs.models import DebriefSession
from peersupport.program.models import ProgramSettings

DEBRIEF_ROLES = PROGRAM_STAFF | {Role.SUPPORTER}


def require_debrief_role(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in DEBRIEF_ROLES:
        raise PermissionDenied(gettext("Your role does not give access to group debriefs."))


def require_debrief_manager(user: User) -> None:
    """Opening and changing sessions: the director and the administrator."""
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied(gettext("Group debriefs are run by the program director and administrator."))


def may_open_debriefs(user: User) -> bool:
    """Whether this program staff member sees (and so may open) sessions at all."""
    if user.program_id is None:
        return False
    return user.role == Role.DIRECTOR or (
        user.role == Role.ADMINISTRATOR and ProgramSettings.for_program(user.program_id).administrators_see_cases)


def debriefs_for_user(user: User) -> QuerySet[DebriefSession]:
    """The sessions this user may see (not audited: callers audit what they show)."""
    require_debrief_role(user)
    sessions = DebriefSession.objects.all()
    if user.role in PROGRAM_STAFF:
        # The program boundary, as for cases: only the sessions of their own program.
        if user.program_id is None or not may_open_debriefs(user):
            return sessions.none()
        return sessions.filter(program_id=user.program_id)
    if not user.person_id:
        return sessions.none()
    return sessions.filter(Q(facilitator_one__person_id=user.person_id) | Q(facilitator_two__person_id=user.person_id))


def debrief_for_user(user: User, debrief_id: int, *, action: str = "debrief.view",
                     for_update: bool = False) -> DebriefSession:
    """The session if this user may see it, else 404; the access is audited as `action`."""
    sessions = debriefs_for_user(user)
    if for_update:
        sessions = sessions.select_for_update(of=("self",))
    try:
        session = sessions.get(pk=debrief_id)
    except (DebriefSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such group debrief.") from None
    audit_record(actor=user, action=action, obj=session)
    return session


def is_facilitator(user: User, session: DebriefSession) -> bool:
    return bool(user.person_id) and user.person_id in {session.facilitator_one.person_id,
                                                       session.facilitator_two.person_id}
