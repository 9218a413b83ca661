"""The intake finds an earlier report by its reference through the unique index, not a scan.

On PostgreSQL: 20,000 referrals, half of them from the intake, then ANALYZE; the lookup every
intake request makes (`referrals.services._existing_intake`) must read the partial unique index
of migration referrals 0005.
"""

import pytest
from django.db import connection

from peersupport.referrals import idempotency
from peersupport.referrals.models import Referral

REFERRALS = 20_000
INDEX = "referral_intake_ref_hash_unique"


@pytest.mark.postgres(reason="the plan of PostgreSQL's partial unique index")
def test_the_intake_finds_a_report_by_its_reference_through_the_index(db):
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE referrals_referral IN SHARE UPDATE EXCLUSIVE MODE")
        cursor.execute(
            """
            INSERT INTO referrals_referral (category, occurred_on, summary, interventional, external_ref, source,
                                            received_at, involved_count, preferences, request_fingerprint,
                                            intake_ref_hash)
            SELECT 'other', current_date, 'A hard night on the ward.', false, '', 'safety_report', now(), 1,
                   '{}'::jsonb, '', CASE WHEN n %% 2 = 0 THEN md5(n::text) || md5(n::text) END
            FROM generate_series(1, %s) AS n
            """,
            [REFERRALS],
        )
        cursor.execute("ANALYZE referrals_referral")

    plan = Referral.objects.filter(intake_ref_hash__in=idempotency.intake_ref_hashes("SR-2291"))[:1].explain()

    assert INDEX in plan, plan
    assert "Seq Scan on referrals_referral" not in plan, plan
