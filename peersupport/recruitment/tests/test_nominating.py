"""Nominating through a personal link: once, active people only, fixed reasons, self marked."""

import pytest
from django.db import IntegrityError

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.lib.errors import InvalidInput
from peersupport.recruitment.links import NominationLink, nomination_token, read_nomination_link
from peersupport.recruitment.models import Candidate, Nomination
from peersupport.recruitment.services import NomineeInput, campaign_send, campaign_send_all, nominate
from peersupport.recruitment.tests.factories import make_campaign
from peersupport.support.links import LinkRefused
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    staff = make_user(Role.ADMINISTRATOR)
    colleagues = [make_person(name=f"Colleague {i}") for i in range(4)]
    campaign = make_campaign(staff)
    campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)
    return campaign, colleagues


def link_for(campaign, person) -> NominationLink:
    return read_nomination_link(nomination_token(campaign_id=campaign.pk, person_id=person.pk))


def test_a_nomination_records_each_nominee_with_their_reasons_and_makes_them_candidates(sent):
    campaign, (me, ana, ben, _) = sent
    nominate(link=link_for(campaign, me), nominees=[NomineeInput(ana.pk, ("calm", "listener")),
                                                    NomineeInput(ben.pk, ("discreet",))])
    rows = {n.nominee: n for n in Nomination.objects.all()}
    assert rows[ana].reasons == ["listener", "calm"] and rows[ben].reasons == ["discreet"]
    assert not any(n.self_nomination for n in rows.values())
    assert set(Candidate.objects.values_list("person", "nominator_count")) == {(ana.pk, 1), (ben.pk, 1)}
    entry = AuditEntry.objects.get(action="nomination.submit")
    assert entry.detail == {"nominations": 2, "self_nomination": False}


def test_nominating_oneself_is_accepted_and_marked(sent):
    campaign, (me, ana, *_) = sent
    nominate(link=link_for(campaign, me), nominees=[NomineeInput(me.pk, ("lived_through",)),
                                                    NomineeInput(ana.pk, ("trusted",))])
    assert Nomination.objects.get(nominee=me).self_nomination
    assert not Nomination.objects.get(nominee=ana).self_nomination


def test_a_link_works_for_one_submission_only(sent):
    campaign, (me, ana, ben, _) = sent
    token = nomination_token(campaign_id=campaign.pk, person_id=me.pk)
    nominate(link=read_nomination_link(token), nominees=[NomineeInput(ana.pk, ("calm",))])
    with pytest.raises(LinkRefused) as refused:
        read_nomination_link(token)
    assert refused.value.problem == "used"
    # Even a second link for the same person and campaign adds nothing.
    with pytest.raises(LinkRefused):
        nominate(link=link_for(campaign, me), nominees=[NomineeInput(ben.pk, ("calm",))])
    assert Nomination.objects.count() == 1


def test_a_refused_form_leaves_the_link_working(sent):
    campaign, (me, ana, *_) = sent
    token = nomination_token(campaign_id=campaign.pk, person_id=me.pk)
    gone = make_person(active=False)
    with pytest.raises(InvalidInput, match="not on the staff roster"):
        nominate(link=read_nomination_link(token), nominees=[NomineeInput(gone.pk, ("calm",))])
    with pytest.raises(InvalidInput, match="at least one reason"):
        nominate(link=read_nomination_link(token), nominees=[NomineeInput(ana.pk, ())])
    with pytest.raises(InvalidInput, match="from the list"):
        nominate(link=read_nomination_link(token), nominees=[NomineeInput(ana.pk, ("kind words",))])
    with pytest.raises(InvalidInput, match="at least one colleague"):
        nominate(link=read_nomination_link(token), nominees=[])
    nominate(link=read_nomination_link(token), nominees=[NomineeInput(ana.pk, ("calm",))])
    assert Nomination.objects.count() == 1


def test_candidates_count_distinct_nominators_across_campaigns(sent):
    campaign, (me, ana, ben, cy) = sent
    staff = make_user(Role.DIRECTOR)
    second = make_campaign(staff, name="Autumn")
    campaign_send(actor=staff, campaign_id=second.pk)
    campaign_send_all(second.pk)
    nominate(link=link_for(campaign, me), nominees=[NomineeInput(ana.pk, ("calm",))])
    nominate(link=link_for(campaign, ben), nominees=[NomineeInput(ana.pk, ("calm",)), NomineeInput(cy.pk, ("calm",))])
    # The same colleague naming Ana again in another campaign is still one nominator.
    nominate(link=link_for(second, me), nominees=[NomineeInput(ana.pk, ("trusted",))])
    counts = dict(Candidate.objects.values_list("person", "nominator_count"))
    assert counts == {ana.pk: 2, cy.pk: 1}


def test_the_same_pair_cannot_be_recorded_twice_in_one_campaign(sent):
    campaign, (me, ana, *_) = sent
    Nomination.objects.create(campaign=campaign, nominator=me, nominee=ana, reasons=["calm"])
    with pytest.raises(IntegrityError):
        Nomination.objects.create(campaign=campaign, nominator=me, nominee=ana, reasons=["calm"])


def test_a_tampered_or_foreign_token_is_refused(sent):
    campaign, (me, *_) = sent
    token = nomination_token(campaign_id=campaign.pk, person_id=me.pk)
    for bad in (token[:-2] + "xx", "set-password", ""):
        with pytest.raises(LinkRefused) as refused:
            read_nomination_link(bad)
        assert refused.value.problem == "tampered"
