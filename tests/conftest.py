"""Shared by the access tests: a small world whose objects fill every route's path parameters."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.front.tests.helpers import assign, refer
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.roster.models import Supporter
from peersupport.testing.factories import make_person


@dataclass
class World:
    """A referral by the referrer whose case is supporter A's, supporter B beside them, a resource."""

    referral: Referral
    case: Case
    resource: Resource
    supporter_a: Supporter
    supporter_b: Supporter

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
            "person-new": {"employee_id": "E9999", "name": "Robin Roster", "role_type": "physician", "rank": 3},
            "person-edit": {"name": "Alex Supporter", "role_type": "physician", "rank": 3},
            "supporter-edit": {"status": "active", "capacity": 2},
            "login-invite": {"email": "new.login@example.org", "role": "referrer"},
            "password-forgot": {"email": "someone@example.org"},
            "resource-new": {"name": "Crisis line", "category": "crisis"},
            "resource-edit": {"name": "Crisis line", "category": "crisis"},
            "about-me": {"gender": "female", "race_ethnicity": ["asian"], "age_band": "40_49"},
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
    return World(referral=referral, case=case, resource=resource, supporter_a=supporter_a,
                 supporter_b=supporter_b)
