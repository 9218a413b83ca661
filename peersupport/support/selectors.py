"""Reads for the peer's own path."""

from peersupport.accounts.models import User
from peersupport.referrals.forms import SelfReferralForm
from peersupport.referrals.models import Referral, Source
from peersupport.referrals.services import ReferralInput
from peersupport.roster.models import Person
from peersupport.support.links import PersonalLink

SELF_SOURCES = (Source.SELF, Source.SAFETY_REPORT_OPT_IN)


def self_referral_input(form: SelfReferralForm, link: PersonalLink) -> ReferralInput:
    """What the self-referral form says, for the person the link is for.

    The form turns itself into a referral for a login's roster entry; an unsaved login stands in
    for the person here, so the form's own rules (its wishes, its fields) apply unchanged.
    """
    person = Person.objects.filter(pk=link.person_id).first() or Person(employee_id="")
    return form.to_input(User(person=person))


def is_own_request(user: User, referral: Referral) -> bool:
    """Whether the signed-in person asked for support for themself in this referral.

    Reached only after the referral gate let the user see the referral. It depends on who made it
    and who it is about, never on anything that happened to the case since.
    """
    if referral.source not in SELF_SOURCES or referral.referred_by_id != user.pk or not user.person_id:
        return False
    if referral.source == Source.SELF:
        return True
    return referral.involved_count == 1 and referral.cases.filter(peer_id=user.person_id).exists()
