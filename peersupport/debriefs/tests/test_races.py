"""Two presses of one follow-up link at the same instant make one case (PostgreSQL: real concurrent writers)."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.debriefs.links import FOLLOW_UP, read_follow_up_token
from peersupport.debriefs.services_record import debrief_support_request
from peersupport.debriefs.testing import make_debrief
from peersupport.support.links import LinkRefused, sign_link
from peersupport.support.models import LinkUse
from peersupport.testing.factories import make_person, make_supporter

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgres(reason="concurrent writers need PostgreSQL")
def test_two_presses_of_one_follow_up_link_at_the_same_instant_make_one_case():
    nurse = make_person(name="Nia Nurse")
    held = make_debrief(make_supporter(), make_supporter(), starts_at=timezone.now() - timedelta(days=1),
                        invite=[nurse])
    link = read_follow_up_token(sign_link(FOLLOW_UP, {"d": held.pk, "p": nurse.pk}))
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def press(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = debrief_support_request(link=link)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(type(o).__name__ for o in outcomes) == ["LinkRefused", "Referral"], outcomes
    assert [o.problem for o in outcomes if isinstance(o, LinkRefused)] == ["used"]
    assert Case.objects.filter(peer=nurse).count() == 1 and LinkUse.objects.count() == 1
