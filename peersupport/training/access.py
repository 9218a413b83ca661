"""Access to training: program staff read it and record attendance; the director maintains it.
Each program runs its own training: its staff see its courses, sessions and materials only."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.front.decorators import require_role
from peersupport.training.models import Course, Material, Session

STAFF_ONLY = _("Only the program's director and administrator see the training records.")
DIRECTOR_ONLY = _("Only the program director maintains the courses, sessions and materials.")
MAINTAINERS = frozenset({Role.DIRECTOR})


def require_training_reader(user: User) -> None:
    require_role(user, PROGRAM_STAFF, STAFF_ONLY)


def require_training_maintainer(user: User) -> None:
    require_role(user, MAINTAINERS, DIRECTOR_ONLY)


def course_for_user(user: User, course_id: int) -> Course:
    """A course of the user's own program; another program's does not exist for them (404)."""
    require_training_reader(user)
    return get_object_or_404(Course, pk=course_id, program_id=user.program_pk)


def session_for_user(user: User, session_id: int) -> Session:
    """A session of a course of the user's own program, else 404."""
    require_training_reader(user)
    session = (Session.objects.select_related("course")
               .filter(pk=session_id, course__program_id=user.program_pk).first())
    if session is None:
        raise Http404(_("No such training session."))
    return session


def material_for_user(user: User, material_id: int) -> Material:
    require_training_maintainer(user)
    return get_object_or_404(Material, pk=material_id, program_id=user.program_pk)
