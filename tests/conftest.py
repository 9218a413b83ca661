"""Shared by the access tests: a small world whose objects fill every route's path parameters."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from peersupport.accounts.intake_secrets import intake_secret_rotate
from peersupport.accounts.models import ApiToken
from peersupport.cases.models import Case
from peersupport.debriefs.models import DebriefSession
from peersupport.debriefs.testing import debrief_form_body, make_debrief, time_place_body
from peersupport.front.tests.helpers import assign, refer
from peersupport.meetings.models import Scenario
from peersupport.meetings.testing import SCENARIO_BODY, meeting_for_access_checks, meeting_form_body
from peersupport.program.models import Program
from peersupport.publicity.testing import publicity_date_for_access_checks, publicity_place_for_access_checks
from peersupport.recruitment.models import Campaign, Candidate
from peersupport.recruitment.tests.factories import make_campaign, make_candidate, recruit_campaign_body
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.roster.models import RoleType, RosterImport, Supporter
from peersupport.testing.factories import make_person, make_supporter
from peersupport.training.models import Course, Material, Session


def _next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


@dataclass
class World:
    """A referral by the referrer whose case is supporter A's, supporter B beside them, a resource."""

    referral: Referral
    case: Case
    resource: Resource
    supporter_a: Supporter
    supporter_b: Supporter
    training_session: Session
    material: Material
    campaign: Campaign | None = None
    candidate: Candidate | None = None
    roster_import: RosterImport | None = None
    # A group debrief supporter A facilitates (with a third supporter): "own group debrief".
    debrief: DebriefSession | None = None

    def path_values(self) -> dict[str, Any]:
        return {
            "case_id": self.case.pk,
            "referral_id": self.referral.pk,
            "resource_id": self.resource.pk,
            "employee_id": self.supporter_a.person.employee_id,
            "rest": "no-such-thing",
            # A login every program staff member may manage: the referrer's.
            "login_id": self.referral.referred_by_id,
            # A set-password link that names no login: the page that says the link does not work.
            "uidb64": "MA",
            "token": "set-password",
            "meeting_id": meeting_for_access_checks().pk,
            "debrief_id": self.debrief.pk if self.debrief else 0,
            "scenario_id": Scenario.objects.order_by("pk").values_list("pk", flat=True)[0],
            "campaign_id": self.campaign.pk if self.campaign else 0,
            "candidate_id": self.candidate.pk if self.candidate else 0,
            "roster_import_id": self.roster_import.pk if self.roster_import else 0,
            "course_id": self.training_session.course_id,
            "session_id": self.training_session.pk,
            "material_id": self.material.pk,
            # A calendar feed address that was never given out: the page that says it does not work.
            "feed_token": "cal_no-such-feed",
            # The first program's public page (the world's objects are all the first program's).
            "short_name": Program.default().short_name,
            "place_id": publicity_place_for_access_checks().pk,
            "date_id": publicity_date_for_access_checks().pk,
            "table": "outcomes_by_category",
            # The integration token made with the world (the callers' own tokens come after it).
            "token_id": ApiToken.objects.order_by("pk").values_list("pk", flat=True)[0],
            "file_format": "csv",
        }

    def web_bodies(self) -> dict[str, dict[str, Any]]:
        """Valid form data by URL name, so a refusal is about who asks, never about the input."""
        today = timezone.localdate().isoformat()
        return {
            "case-assign": {"supporter": self.supporter_b.person.employee_id, "version": self.case.version,
                            "reassign": "1"},
            "case-outreach": {"channel": "text"},
            "case-response": {"response": "declined"},
            "case-encounter": {"held_on": today, "minutes": 30, "mode": "phone"},
            "case-resource": {"resource": self.resource.pk, "facilitated": "1"},
            "case-sheet": {"resource": self.resource.pk},
            "case-sheet-send": {"resource": self.resource.pk},
            "case-hand-back": {"reason": "no_capacity"},
            "case-safety": {"confirmed": "yes"},
            "case-legal-hold": {"legal_hold": "on"},
            "case-outside-wish": {"outside": "on"},
            "person-new": {"employee_id": "E9999", "name": "Robin Roster", "role_type": "physician", "rank": 3},
            "person-edit": {"name": "Alex Supporter", "role_type": "physician", "rank": 3},
            "supporter-edit": {"status": "active", "capacity": 2},
            "login-invite": {"email": "new.login@example.org", "role": "referrer"},
            "password-forgot": {"email": "someone@example.org"},
            "resource-new": {"name": "Crisis line", "category": "crisis"},
            "resource-edit": {"name": "Crisis line", "category": "crisis"},
            "meeting-new": meeting_form_body(),
            "meeting-edit": meeting_form_body(),
            "meeting-rsvp": {"answer": "yes"},
            "debrief-new": debrief_form_body(self.supporter_a, self.supporter_b),
            "debrief-edit": time_place_body(timezone.localtime() + timedelta(days=3)),
            "debrief-invitees": {"shown": [self.case.peer_id], "invited": [self.case.peer_id]},
            "debrief-record": {"attendance_count": 7, "minutes": 60, "topics": ["normalizing"]},
            "scenario-new": SCENARIO_BODY,
            "scenario-edit": SCENARIO_BODY,
            "recruit-campaign-new": recruit_campaign_body(),
            "recruit-campaign-edit": recruit_campaign_body(),
            "recruit-candidate-move": {"step": "invite"},
            "training-settings": {"refresher_months": 12, "notice_days": 30},
            "training-course-new": {"name": "Listening well", "kind": "initial"},
            "training-course-edit": {"name": "Listening well", "kind": "initial", "active": "on"},
            "training-session-new": {"day": (timezone.localdate() + timedelta(days=7)).isoformat(), "time": "09:00",
                                     "minutes": 180, "place": "Room 1"},
            "training-session-edit": {"day": timezone.localtime(self.training_session.starts_at).date().isoformat(),
                                      "time": "09:00", "minutes": 180, "place": "Room 2"},
            "training-session": {"others": self.supporter_b.person.employee_id, "completed": "yes"},
            "training-material-new": {"title": "Listening guide", "description": "Read before the first session."},
            "training-material-edit": {"title": "Listening guide", "description": "Read before the first session."},
            "my-team-pause": {"until": (timezone.localdate() + timedelta(days=7)).isoformat(), "reason": "leave"},
            "my-team-recognition": {"opt_in": "on"},
            "my-team-sharing": {"shared": "on"},
            "my-team-notifications": {"notify_by": "email"},
            "on-call-team": {"name": "Team North", "supporters": [self.supporter_a.pk, self.supporter_b.pk]},
            "on-call-week": {"starts_on": _next_monday().isoformat(), "team": ""},
            "case-check-in": {"reason": "hard_conversation"},
            "case-break-glass": {"case_number": str(self.case.pk), "reason": "peer_in_crisis", "no_director": "on"},
            "roster-import": {"column_employee_id": "Employee ID", "column_name": "Name", "mapping_name": "HR"},
            "about-me": {"gender": "female", "race_ethnicity": ["asian"], "age_band": "40_49"},
            "planner-assumptions": {**{f"rate_{role}": 5.5 for role in RoleType.values}, "encounters_per_case": 1.5,
                                    "minutes_per_encounter": 60, "case_days": 21, "available_percent": 80,
                                    "director_base_hours_week": 2, "director_minutes_per_referral": 20},
            "reports-deck": {"program_name": "Riverside Peer Support", "saving_per_clinician": 22576,
                             "supporter_hourly_cost": 100, "director_hourly_cost": 120},
            "publicity-place-new": {"name": f"Town hall {timezone.now().timestamp()}"},
            "publicity-date-new": {"done_on": today},
            "api-token-new": {"name": "Policy check", "scope": "read_only",
                              "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat()},
        }

    def api_bodies(self) -> dict[str, Any]:
        """Valid JSON bodies: the API validates input before the endpoint asks who is calling."""
        today = timezone.localdate().isoformat()
        case = "/cases/{case_id}"
        return {
            "PUT /people/{employee_id}": {"name": "Alex Supporter", "role_type": "physician", "rank": 3},
            "PUT /supporters/{employee_id}": {"status": "active", "capacity": 2},
            "POST /people/batch": {"people": [{"employee_id": "E9998", "name": "Robin Roster"}]},
            "POST /supporters/batch": {"supporters": [
                {"employee_id": self.supporter_a.person.employee_id, "status": "paused", "capacity": 2}]},
            "POST /referrals": {
                "event": {"category": "other", "occurred_on": today, "summary": "A hard night on the ward."},
                "involved": [{"employee_id": self.case.peer.employee_id}], "source": "colleague",
            },
            f"POST {case}/assignment": {"supporter": self.supporter_b.person.employee_id,
                                        "override_reason": "shared_experience", "reassign": True},
            f"POST {case}/outreach": {"channel": "text"},
            f"POST {case}/response": {"response": "declined"},
            f"POST {case}/encounters": {"held_on": today, "minutes": 30, "mode": "phone"},
            f"POST {case}/resources": {"resource_id": self.resource.pk, "facilitated": True},
            f"POST {case}/information-sheet": {"resource_ids": [self.resource.pk]},
            f"POST {case}/hand-back": {"reason": "no_capacity"},
            f"POST {case}/legal-hold": {"legal_hold": True},
            "POST /resources": {"name": "Crisis line", "category": "crisis"},
        }


@pytest.fixture
def access_world(director, referrer, supporter_a, supporter_b) -> World:
    peer = make_person(name="Pat Peer", department="Emergency", email="pat@example.org")
    referral = refer(referrer, peer, occurred_on=timezone.localdate() - timedelta(days=3))
    case = assign(director, referral.cases.get(), supporter_a)
    resource = Resource.objects.create(name="Employee Assistance Program", category="counseling",
                                       contact="+1 555 0140")
    course = Course.objects.create(program=director.program, name="Supporter training", kind="initial")
    session = Session.objects.create(course=course, starts_at=timezone.now() - timedelta(days=2), place="Room 1")
    material = Material.objects.create(program=director.program, title="Listening guide",
                                       description="Read before the first session.")
    intake_secret_rotate()  # the signed intake answers 401 without its signature (503 with no secret)
    ApiToken.issue(referrer, name="Policy check", scope="read_only", created_by=director)
    return World(referral=referral, case=case, resource=resource, supporter_a=supporter_a,
                 supporter_b=supporter_b, training_session=session, material=material,
                 campaign=make_campaign(director), candidate=make_candidate(make_person(name="Nico Nominee")),
                 roster_import=RosterImport.objects.create(
                     created_by=director, program=director.program, filename="hr.csv",
                     content=b"Employee ID,Name\nE7001,Robin Roster\n",
                     headers=["Employee ID", "Name"], total_rows=1),
                 debrief=make_debrief(supporter_a, make_supporter(make_person(name="Cleo Cofacilitator")),
                                      starts_at=timezone.now() - timedelta(minutes=30), hours=2, invite=[peer]))
