"""Helpers shared by the API tests."""

from datetime import date
from typing import Any

from peersupport.accounts.models import User
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.roster.models import Person, Supporter


def user_of(persona: User | Supporter) -> User:
    return persona.person.user if isinstance(persona, Supporter) else persona


def refer(user: User, *people: Person, **overrides: Any) -> Referral:
    fields: dict[str, Any] = {
        "category": "patient_death",
        "occurred_on": date(2026, 1, 20),
        "summary": "A patient died unexpectedly after a routine admission.",
        "involved_employee_ids": [p.employee_id for p in people],
        "source": "safety_report",
    }
    fields.update(overrides)
    referral, _ = referral_create(referred_by=user, data=ReferralInput(**fields))
    return referral
