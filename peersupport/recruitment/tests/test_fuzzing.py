"""Any input to the recruiting forms: never a server error; refused input says why and changes nothing."""

import re
from html import unescape

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peersupport.accounts.models import Role
from peersupport.recruitment.models import Campaign, Candidate, Nomination, Reason
from peersupport.recruitment.services import campaign_send, campaign_send_all
from peersupport.recruitment.tests.factories import make_campaign
from peersupport.recruitment.tests.helpers import nomination_path
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=10, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT = st.text(max_size=300)
ANY = st.one_of(TEXT, st.integers(-10, 10**15).map(str), st.sampled_from(["", "0", "calm", "{link}", "\x00"]))


def shown_reason(html: str) -> bool:
    return bool(re.search(r'class="(alert|field-error)[^"]*"', html))


@given(data=st.data())
@FUZZ
def test_the_campaign_form_refuses_any_bad_input_with_a_reason(data, client):
    with transaction.atomic():  # each example meets the same program
        _campaign_example(data, client)
        transaction.set_rollback(True)


def _campaign_example(data: st.DataObject, client: Client) -> None:
    client.force_login(make_user(Role.ADMINISTRATOR))
    make_person(department="Cardiology")
    before = Campaign.objects.count()
    body = data.draw(st.fixed_dictionaries({}, optional={
        "name": ANY, "audience_kind": st.sampled_from(["served", "chosen", "", "other"]),
        "departments": st.lists(st.one_of(ANY, st.just("Cardiology")), max_size=3),
        "role_types": st.lists(st.sampled_from(["nurse", "physician", "wizard"]), max_size=2),
        "subject": ANY, "body": st.one_of(ANY, TEXT.map(lambda t: t + " {link}")),
    }))
    response = client.post("/recruiting/new/", body)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert shown_reason(response.content.decode()) and Campaign.objects.count() == before


@given(data=st.data())
@FUZZ
def test_the_nomination_form_refuses_any_bad_input_with_a_reason(data):
    with transaction.atomic():
        _nomination_example(data)
        transaction.set_rollback(True)


def _nomination_example(data: st.DataObject) -> None:
    staff = make_user(Role.ADMINISTRATOR)
    me, other = make_person(), make_person()
    campaign = make_campaign(staff)
    campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)
    ids = st.one_of(st.sampled_from([str(me.pk), str(other.pk), "999999", "²", "٣"]), ANY)
    nominees = data.draw(st.lists(ids, max_size=12))
    body: dict[str, object] = {"nominee": nominees}
    for value in nominees[:4]:
        body[f"reasons-{value}"] = data.draw(st.lists(st.one_of(st.sampled_from(Reason.values), ANY), max_size=3))
    response = Client().post(nomination_path(me.email), body)
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert shown_reason(unescape(response.content.decode()))
        assert not Nomination.objects.exists() and not Candidate.objects.exists()
