"""Referrer blindness when the peer already has an open case: the referral is linked to that
case instead of opening a second one, and the referrer cannot tell.

Two referrers each refer one colleague, in referrals identical but for who is involved. One
colleague has no case; the other already has an open one (from a third referrer's referral), so
the second referral is only linked to it. Everything each referrer can reach (every page and API
answer, found by walking the URL configuration, the API receipt replayed, their emails) is the
same once ids, times and per-request tokens are blanked, as in `test_referrer_blindness.py`.
"""

from dataclasses import dataclass

import pytest
from test_referrer_blindness import (
    Referred,
    differences,
    refer_through_the_api,
    what_the_referrer_sees,
)

from peersupport.accounts.models import Role
from peersupport.cases.models import Case, CaseReferralLink
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person, make_user


@dataclass
class ReferredOnce(Referred):
    """A referral and the case its colleague is followed in: its own, or the one it was linked to."""

    followed_in: Case | None = None

    @property
    def case(self) -> Case:
        return self.followed_in or self.referral.cases.get()


def a_referrer(number: int):
    return make_user(Role.REFERRER, person=make_person(name="Riley Referrer", department="Surgery",
                                                       employee_id=f"R910{number}"))


@pytest.fixture
def resource(db) -> Resource:
    return Resource.objects.create(name="Blindness Test Line", category="counseling", contact="+1 555 0140")


def test_a_referrer_cannot_tell_that_their_colleague_already_had_an_open_case(db, resource):
    fresh_peer = make_person(name="Pat Peer", department="Emergency", employee_id="P9101")
    known_peer = make_person(name="Pat Peer", department="Emergency", employee_id="P9102")
    earlier = refer_through_the_api(a_referrer(0), known_peer, "blindness-earlier")
    [open_case] = earlier.cases.all()

    fresh_referrer, linked_referrer = a_referrer(1), a_referrer(2)
    fresh = refer_through_the_api(fresh_referrer, fresh_peer, "blindness-1")
    linked = refer_through_the_api(linked_referrer, known_peer, "blindness-2")
    # The second referral of the known peer opened no case: it is linked to the open one.
    assert not linked.cases.exists() and fresh.cases.count() == 1
    assert list(CaseReferralLink.objects.values_list("case_id", "referral_id")) == [(open_case.pk, linked.pk)]
    assert (fresh.involved_count, linked.involved_count) == (1, 1)

    referred = {
        "fresh": ReferredOnce("fresh", fresh_referrer, fresh_peer, fresh, "blindness-1"),
        "linked": ReferredOnce("linked", linked_referrer, known_peer, linked, "blindness-2", followed_in=open_case),
    }
    seen = {label: what_the_referrer_sees(one, referred, resource) for label, one in referred.items()}
    assert len(seen["fresh"]) > 40, "The walk found too few routes: has the URL configuration moved?"
    assert seen["linked"] == seen["fresh"], (
        "The referrer can tell that their colleague already had an open case:\n"
        + differences(seen["fresh"], seen["linked"]))
