"""Report history written straight to the tables: many cases in given months, quickly."""

from datetime import UTC, date, datetime

from peersupport.cases.models import Case, CaseState, Encounter, Response, ResponseRecord
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person


def add_cases(*, month: date, category: str, state: str, count: int, answer: str | None = None,
              minutes: int | None = None, role: str = "physician", department: str = "Medicine",
              site: str = "Main Campus") -> list[Case]:
    """`count` referrals of one peer each, received and opened on the 10th of `month`; the case
    keeps the peer's role, department and site as intake does."""
    when = datetime(month.year, month.month, 10, 15, 0, tzinfo=UTC)
    cases = []
    for _ in range(count):
        referral = Referral.objects.create(category=category, occurred_on=when.date(), summary="An event.",
                                           source="colleague", received_at=when, involved_count=1)
        peer = make_person(role_type=role, department=department, site=site)
        case = Case.objects.create(referral=referral, peer=peer, state=state, created_at=when,
                                   closed_at=when if state == CaseState.CLOSED else None,
                                   peer_role=role, peer_department=department, peer_site=site)
        if answer is not None:
            ResponseRecord.objects.create(case=case, response=answer, recorded_at=when)
        if minutes is not None:
            Encounter.objects.create(case=case, held_on=when.date(), minutes=minutes, mode="phone")
        cases.append(case)
    return cases


ACCEPTED = Response.ACCEPTED
