"""Reads for the group debrief pages. The invitee list is read only for a session the caller took
through the gate (`debriefs.access`); every list is paged, none counts the roster."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from peersupport.debriefs.models import DebriefSession, Invitee
from peersupport.lib.paging import UncountedPage, uncounted_page
from peersupport.resources.selectors import program_resources
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.training.models import TrainingSettings
from peersupport.training.selectors import refresher_dates, with_last_training

PAGE_SIZE = 50
LIST_SIZE = 50
DATALIST_MAX = 500


def upcoming(sessions: QuerySet[DebriefSession], now: datetime | None = None) -> list[DebriefSession]:
    now = now or timezone.now()
    return list(sessions.filter(ends_at__gt=now).order_by("starts_at", "pk")[:LIST_SIZE])


def past(sessions: QuerySet[DebriefSession], now: datetime | None = None) -> list[DebriefSession]:
    now = now or timezone.now()
    return list(sessions.filter(ends_at__lte=now).order_by("-starts_at", "-pk")[:LIST_SIZE])


def invitee_page(session: DebriefSession, page: object) -> UncountedPage[Invitee]:
    invitees = (Invitee.objects.filter(session=session).select_related("person")
                .order_by("person__name", "person_id"))
    return uncounted_page(invitees, page, PAGE_SIZE)


def invitee_count(session: DebriefSession) -> int:
    return Invitee.objects.filter(session=session).count()


def people_page(session: DebriefSession, *, q: str, department: str,
                page: object) -> tuple[UncountedPage[Person], set[int]]:
    """One page of active people to tick or untick, found by name or id and by department (the
    roster's indexes), and which of them are on the list already (one query for the page)."""
    people = Person.objects.filter(active=True, program_id=session.program_id).search(q).exclude(
        pk__in=Supporter.objects.filter(pk__in=session.facilitator_ids()).values("person_id"))
    if department:
        people = people.filter(department=department)
    found = uncounted_page(people.order_by("name", "pk"), page, PAGE_SIZE)
    invited = set(Invitee.objects.filter(session=session, person_id__in=[p.pk for p in found.object_list])
                  .values_list("person_id", flat=True))
    return found, invited


def departments(program_id: int | None) -> list[str]:
    """The departments of the program's active people, for the datalist."""
    if program_id is None:
        return []
    return list(Person.objects.filter(active=True, program_id=program_id).exclude(department="").order_by("department")
                .values_list("department", flat=True).distinct()[:DATALIST_MAX])


def facilitator_choices(program_id: int | None) -> list[tuple[str, str]]:
    """Active supporters whose training is current, by name: (employee id, name) for the datalist."""
    if program_id is None:
        return []
    dates = refresher_dates(timezone.localdate(), TrainingSettings.for_program(program_id))
    supporters = (with_last_training(Supporter.objects.filter(status=SupporterStatus.ACTIVE, person__active=True,
                                                           person__program_id=program_id))
                  .filter(Q(last_trained_on__gte=dates.overdue_before)).order_by("person__name")
                  .values_list("person__employee_id", "person__name")[:DATALIST_MAX])
    return list(supporters)


def resource_choices(program_id: int) -> list[tuple[int, str]]:
    """The resources a session of this program may offer: its own program's."""
    return list(program_resources(program_id).filter(active=True).order_by("category", "name")
                .values_list("pk", "name"))
