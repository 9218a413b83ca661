"""The access gate for supporter meetings: a program's director and administrator see and change
their own program's meetings only; another program's meeting does not exist for them (404), as
another program's case does not. The views' role gate (`views.staff_only`) comes first."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.meetings.models import Meeting


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(program_id=user.program_pk)


def meeting_for_user(user: User, meeting_id: int) -> Meeting:
    meeting = meetings_for_user(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("No such meeting."))
    return meeting
