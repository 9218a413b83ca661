"""The case's timeline for the director: each step with its time."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template.loader import render_to_string

from peersupport.cases.actions import (
    EncounterInput,
    case_close,
    case_record_encounter,
    case_record_outreach,
    case_record_resource,
    case_record_response,
)
from peersupport.cases.models import Case, CaseState
from peersupport.cases.timeline import case_timeline
from peersupport.front.tests.helpers import assign, refer
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def walk(time_machine, director, referrer, supporter_a):
    """Moves the clock forward by `hours` from START and returns the supporter's login."""
    time_machine.move_to(START, tick=False)

    def at(hours: float) -> None:
        time_machine.move_to(START + timedelta(hours=hours), tick=False)

    return at


def test_timeline_lists_each_step_in_order_with_its_time(walk, director, referrer, supporter_a,
                                                         django_assert_max_num_queries):
    case = refer(referrer, make_person(name="Pat Peer")).cases.get()
    walk(2)
    assign(director, case, supporter_a)
    actor = supporter_a.person.user
    walk(5)
    case_record_outreach(actor=actor, case_id=case.pk, channel="text")
    walk(20)
    case_record_response(actor=actor, case_id=case.pk, response="accepted")
    walk(30)
    case_record_encounter(actor=actor, case_id=case.pk,
                          data=EncounterInput(held_on=date(2026, 12, 2), minutes=40, mode="phone"))
    resource = Resource.objects.create(name="Staff counseling", category="counseling")
    case_record_resource(actor=actor, case_id=case.pk, resource_id=resource.pk, facilitated=True)
    walk(50)
    case_close(actor=actor, case_id=case.pk)
    case = Case.objects.get(pk=case.pk)

    with django_assert_max_num_queries(8):  # one small query per kind of record
        timeline = case_timeline(case)
    assert [(e.label, e.at - START) for e in timeline] == [
        ("Referred", timedelta(0)),
        ("Assigned", timedelta(hours=2)),
        ("First outreach", timedelta(hours=5)),
        ("Response", timedelta(hours=20)),
        ("Conversation", timedelta(hours=30)),
        ("Connected to a resource", timedelta(hours=30)),
        ("Closed", timedelta(hours=50)),
    ]
    assert timeline[1].detail == supporter_a.person.name and timeline[3].detail == "Accepted"
    assert timeline[4].held_on == date(2026, 12, 2)

    html = render_to_string("cases/includes/timeline.html", {"timeline": timeline})
    assert html.count('data-testid="timeline-step"') == 7
    assert "2\xa0hours" in html and "2\xa0days, 2\xa0hours" in html
    assert "Phone, 40 min" in html and ">Dec 2, 2026<" in html and ">1 day<" in html


def test_a_conversation_recorded_days_later_sits_on_the_day_it_was_held(walk, director, referrer, supporter_a):
    case = assign(director, refer(referrer, make_person()).cases.get(), supporter_a)
    actor = supporter_a.person.user
    case_record_outreach(actor=actor, case_id=case.pk, channel="call")
    case_record_response(actor=actor, case_id=case.pk, response="accepted")
    walk(3 * 24)
    case_record_resource(actor=actor, case_id=case.pk,
                         resource_id=Resource.objects.create(name="Legal", category="medicolegal").pk,
                         facilitated=False)
    walk(5 * 24)
    case_record_encounter(actor=actor, case_id=case.pk,
                          data=EncounterInput(held_on=date(2026, 12, 2), minutes=20, mode="video"))
    timeline = case_timeline(Case.objects.get(pk=case.pk))
    labels = [e.label for e in timeline]
    assert labels.index("Conversation") < labels.index("Resource shared")
    [conversation] = [e for e in timeline if e.label == "Conversation"]
    assert conversation.after_referral == "1 day"


def test_an_open_case_ends_with_its_next_step_due(walk, director, referrer, supporter_a):
    case = assign(director, refer(referrer, make_person()).cases.get(), supporter_a)
    timeline = case_timeline(case)
    assert [e.label for e in timeline] == ["Referred", "Assigned", "First outreach due"]
    assert timeline[-1].upcoming and timeline[-1].at == START + timedelta(hours=24)


def test_an_unreachable_peer_shows_when_they_became_so(walk, director, referrer, supporter_a):
    case = assign(director, refer(referrer, make_person()).cases.get(), supporter_a)
    Case.objects.filter(pk=case.pk).update(state=CaseState.UNREACHABLE, responded_at=START + timedelta(days=5))
    labels = [e.label for e in case_timeline(Case.objects.get(pk=case.pk))]
    assert "Unreachable" in labels


def test_a_later_referral_linked_to_the_open_case_shows_when_it_came(walk, director, referrer, supporter_a):
    peer = make_person(name="Pat Peer")
    case = assign(director, refer(referrer, peer).cases.get(), supporter_a)
    walk(6)
    again = refer(director, peer, category="medical_error")
    assert not again.cases.exists()  # linked to the open case, not a second one
    timeline = case_timeline(Case.objects.get(pk=case.pk))
    [also] = [e for e in timeline if e.label.startswith("Also referred")]
    assert also.label == f"Also referred (referral #{again.pk})" and also.detail == "Medical error"
    assert also.at == START + timedelta(hours=6) and also.after_referral == "6\xa0hours"
    assert [e.label for e in timeline] == ["Referred", "Assigned", also.label, "First outreach due"]
