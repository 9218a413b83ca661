"""Shared by the page tests of every app: fast logins, a referral, an assigned case."""

import re
from datetime import date

from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.roster.models import Supporter

SUMMARY = "A patient died unexpectedly after a routine admission."


def refer(user, *people, **overrides) -> Referral:
    data = {
        "category": "patient_death",
        "occurred_on": date(2026, 11, 20),
        "summary": SUMMARY,
        "involved_employee_ids": [p.employee_id for p in people],
        "source": "safety_report",
    }
    data.update(overrides)
    referral, _ = referral_create(referred_by=user, data=ReferralInput(**data))
    return referral


def assign(director, case: Case, supporter, **kwargs) -> Case:
    return case_assign(actor=director, case_id=case.pk,
                       supporter_employee_id=supporter.person.employee_id, **kwargs)


def without_csrf(html: str) -> str:
    """A page's HTML with its per-request CSRF token and script nonces blanked out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def login_as(client, request, persona: str):
    """Sign in as a conftest persona by name; supporter personas are Supporter rows."""
    value = request.getfixturevalue(persona)
    user = value.person.user if isinstance(value, Supporter) else value
    client.force_login(user)
    return user
