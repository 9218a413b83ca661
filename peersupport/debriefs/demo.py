"""The demo's group debriefs: one held for Critical Care after a patient's death, recorded and
followed up, and one coming up for the code team. Everything goes through the services, each at
the time it "happened"."""

from datetime import datetime, timedelta

from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.debriefs.selectors import facilitator_choices
from peersupport.debriefs.services import DebriefInput, debrief_change_invitees, debrief_open
from peersupport.debriefs.services_record import RecordInput, debrief_record, debrief_send_follow_up
from peersupport.resources.models import Resource
from peersupport.roster.models import Person

HELD_UNIT = "Critical Care"
CODE_TEAM_FROM = ("Emergency Medicine", "Critical Care", "Anesthesiology")
CODE_TEAM_SIZE = 3  # from each department


def _session(director: User, *, opened: datetime, starts_in: timedelta, facilitators: tuple[str, str],
             department: str = "", team_name: str = "", category: str, event_ago: int) -> int:
    starts_at = timezone.localtime(opened + starts_in).replace(minute=0, second=0, microsecond=0)
    data = DebriefInput(category=category, event_on=timezone.localdate(opened) - timedelta(days=event_ago),
                        department=department, team_name=team_name, facilitator_ids=facilitators,
                        starts_at=starts_at, ends_at=starts_at + timedelta(hours=1, minutes=30),
                        place="Chapel meeting room, Riverside General")
    return debrief_open(actor=director, data=data, now=opened).pk


def demo_debriefs(*, director: User, now: datetime) -> None:
    if director.program_id is None:
        return
    choices = [employee_id for employee_id, _name in facilitator_choices(director.program_id)]
    if len(choices) < 4:
        return
    opened = now - timedelta(days=11)
    held = _session(director, opened=opened, starts_in=timedelta(days=2, hours=3), department=HELD_UNIT,
                    facilitators=(choices[0], choices[1]), category="patient_death", event_ago=1)
    debrief_change_invitees(actor=director, session_id=held, department=HELD_UNIT, now=opened)
    took_place = opened + timedelta(days=3)
    resources = tuple(Resource.objects.filter(active=True, program_id=director.program_id,
                                              category__in=["counseling", "stress_reduction"])
                      .order_by("pk").values_list("pk", flat=True)[:2])
    debrief_record(actor=director, session_id=held, now=took_place,
                   data=RecordInput(attendance_count=14, minutes=80, topics=("story", "normalizing", "coping",
                                                                                "resources"),
                                    resource_ids=resources))
    debrief_send_follow_up(actor=director, session_id=held, now=took_place)

    coming = _session(director, opened=now - timedelta(hours=2), starts_in=timedelta(days=2, hours=4),
                      team_name="Code team", facilitators=(choices[2], choices[3]),
                      category="adverse_outcome", event_ago=1)
    code_team = [pk for department in CODE_TEAM_FROM for pk in Person.objects.filter(
        department=department, active=True, program_id=director.program_id
    ).order_by("name").values_list("pk", flat=True)[:CODE_TEAM_SIZE]]
    debrief_change_invitees(actor=director, session_id=coming, add=code_team, now=now - timedelta(hours=2))
