"""Two referrals of the same clinician at the same moment, on a real PostgreSQL: one case, and
the other referral linked to it."""

from datetime import date

import pytest

from peersupport.accounts.models import Role
from peersupport.cases.models import Case, CaseReferralLink
from peersupport.cases.tests.test_concurrency import run_together
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgres(reason="concurrent transactions need PostgreSQL")
def test_two_referrals_of_one_clinician_at_once_open_one_case_and_link_the_other():
    referrers = [make_user(Role.REFERRER), make_user(Role.INTEGRATION)]
    for _ in range(3):
        peer = make_person()
        data = ReferralInput(category="medical_error", occurred_on=date(2026, 11, 20),
                             summary="A medication dose was given twice on the ward overnight.",
                             involved_employee_ids=[peer.employee_id], source="safety_report")
        outcomes = run_together(*(lambda user=user, data=data: referral_create(referred_by=user, data=data)
                                  for user in referrers))
        assert all(isinstance(o, tuple) for o in outcomes), outcomes
        referrals = [referral for referral, _ in outcomes]
        assert Case.objects.filter(peer=peer).count() == 1
        [case] = Case.objects.filter(peer=peer)
        assert list(CaseReferralLink.objects.filter(case=case).values_list("referral_id", flat=True)) == [
            r.pk for r in referrals if r.pk != case.referral_id]
        assert all(Referral.objects.get(pk=r.pk).involved_count == 1 for r in referrals)
