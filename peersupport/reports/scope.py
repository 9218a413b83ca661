"""Whose figures a report shows: one program's, or every program's together (a health system).

A program's director, administrator and leadership read their own program's reports only, at its
threshold. The system leader (`Role.SYSTEM_LEADER`) reads every program's, side by side, and the
tables across programs, whose threshold is the largest of the programs' (so that no combined
figure is published below any program's own rule). Every program's tables and the combined ones
are suppressed as one (`tables.family_joint`): subtracting one program's figures from the
system's totals recovers nothing hidden.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.accounts.models import Role, User
from peersupport.program.models import Program
from peersupport.reports.tables import combined_threshold, program_thresholds

# The `program` value that asks for every program combined.
ALL = "all"
ALL_LABEL = gettext_lazy("All programs combined")


@dataclass(frozen=True)
class ReportScope:
    """One program (its id, short name and name), or every program combined (`program_id` None)."""

    program_id: int | None
    slug: str
    name: str
    threshold: int

    @property
    def combined(self) -> bool:
        return self.program_id is None


def sees_every_program(user: User) -> bool:
    return user.role == Role.SYSTEM_LEADER


def report_scopes(user: User) -> list[ReportScope]:
    """The scopes the user may read: their own program's, or (the system leader) every
    program's and the combined, in that order."""
    thresholds = dict(program_thresholds())
    programs = Program.objects.order_by("pk")
    if not sees_every_program(user):
        programs = programs.filter(pk=user.program_pk)
    scopes = [ReportScope(program.pk, program.short_name, program.name, thresholds[str(program.pk)])
              for program in programs]
    if sees_every_program(user):
        scopes.append(ReportScope(None, ALL, str(ALL_LABEL), combined_threshold(tuple(thresholds.items()))))
    return scopes


def report_scope(user: User, slug: str | None) -> ReportScope:
    """The scope asked for (`program=<short name>` or `all`); without one, the user's own program,
    or the combined view for the system leader. Another program's, or the combined view, for a
    program's reader: 403; a program that does not exist: 404."""
    scopes = report_scopes(user)
    if not scopes:
        raise PermissionDenied(_("Reports are for leadership and the program's staff."))
    if not slug:
        return scopes[-1]
    for scope in scopes:
        if scope.slug == slug:
            return scope
    if slug == ALL or Program.objects.filter(short_name=slug).exists():
        raise PermissionDenied(_("Your reports are your own program's: another program's figures are for the "
                                 "system's leadership."))
    raise Http404(_("There is no program named %(name)s.") % {"name": slug})
