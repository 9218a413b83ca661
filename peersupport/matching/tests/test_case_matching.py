"""Wishes, continuity and the one-peer-per-event rule, from the database to the pages and the API."""

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from peersupport.accounts.models import ApiToken, Role
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Assignment, Case, CaseState
from peersupport.cases.services import case_assign, referral_apply_plan
from peersupport.lib.errors import InvalidInput
from peersupport.matching.selectors import matching_for_case, plan_for_referral, suggestions_for_case
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.testing.factories import make_person, make_supporter, make_user


def refer(user, *people: Person) -> Referral:
    data = ReferralInput(
        category="patient_death",
        occurred_on=date(2026, 11, 20),
        summary="A patient died unexpectedly after a routine admission.",
        involved_employee_ids=[p.employee_id for p in people],
        source="safety_report",
    )
    return referral_create(referred_by=user, data=data)[0]


def assign(director, case: Case, supporter: Supporter, **kwargs) -> Case:
    return case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id, **kwargs)


def close(case: Case, days_ago: int) -> Case:
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.CLOSED, closed_at=timezone.now() - timedelta(days=days_ago), next_due_at=None
    )
    return case


def with_wishes(referral: Referral, **wishes: str) -> Referral:
    # Set directly: what the intake accepts as a wish is the intake's business, not this test's.
    Referral.objects.filter(pk=referral.pk).update(source="self", preferences=wishes)
    referral.refresh_from_db()
    return referral


def supported_before(director, referrer, peer: Person, supporter: Supporter, days_ago: int = 30) -> Case:
    """A case of this peer that `supporter` held, closed `days_ago`."""
    earlier = refer(referrer, peer).cases.get()
    assign(director, earlier, supporter, override_reason="other")
    return close(earlier, days_ago)


def fresh(case: Case) -> Case:
    return Case.objects.with_details().get(pk=case.pk)


@pytest.fixture
def peer(db) -> Person:
    return make_person(name="Pat Peer", department="Emergency", specialty="Emergency Medicine", gender="female")


@pytest.fixture
def star(db) -> Supporter:
    """Fits the peer better than anyone: same specialty, never assigned."""
    return make_supporter(make_person(name="Sam Star", department="Critical Care", specialty="Emergency Medicine"))


# Continuity


def test_the_peers_earlier_supporter_is_suggested_first_with_the_case_it_was(director, referrer, peer, star,
                                                                              supporter_b):
    earlier = supported_before(director, referrer, peer, supporter_b)
    case = refer(referrer, peer).cases.get()
    assert case.reengagement_of_id == earlier.pk
    [first, second, *_] = suggestions_for_case(fresh(case))
    assert first.supporter.person.person_id == supporter_b.person_id
    assert first.reasons[0] == f"supported this peer before (case #{earlier.pk})"
    assert second.supporter.person.person_id == star.person_id


def test_a_declined_case_not_yet_closed_counts_for_continuity_too(director, referrer, peer, star, supporter_b):
    other = refer(referrer, peer).cases.get()
    assign(director, other, supporter_b, override_reason="other")
    # Declined but not closed yet: the one-open-case rule lets a new event open a new case.
    Case.objects.filter(pk=other.pk).update(state=CaseState.DECLINED)
    case = refer(referrer, make_person(), peer).cases.get(peer=peer)
    [first, *_] = suggestions_for_case(fresh(case))
    assert first.supporter.person.person_id == supporter_b.person_id
    assert f"supported this peer before (case #{other.pk})" in first.reasons


def test_a_case_closed_over_a_year_ago_no_longer_counts_unless_the_peer_comes_back_to_it(
    director, referrer, peer, star, supporter_a, supporter_b
):
    long_ago = supported_before(director, referrer, peer, supporter_a, days_ago=400)
    recent = supported_before(director, referrer, peer, supporter_b, days_ago=20)
    case = fresh(refer(referrer, peer).cases.get())
    assert case.reengagement_of_id == recent.pk
    reasons = {s.supporter.person.person_id: s.reasons for s in suggestions_for_case(case)}
    assert f"supported this peer before (case #{recent.pk})" in reasons[supporter_b.person_id]
    assert not any("supported this peer before" in r for r in reasons[supporter_a.person_id])
    # Linked as the case the peer comes back to, the old case counts whatever its age.
    Case.objects.filter(pk=case.pk).update(reengagement_of=long_ago)
    reasons = {s.supporter.person.person_id: s.reasons for s in suggestions_for_case(fresh(case))}
    assert f"supported this peer before (case #{long_ago.pk})" in reasons[supporter_a.person_id]


def test_an_earlier_supporter_who_cannot_take_the_case_is_explained(director, referrer, peer, star, supporter_b):
    earlier = supported_before(director, referrer, peer, supporter_b)
    Supporter.objects.filter(pk=supporter_b.pk).update(status=SupporterStatus.PAUSED)
    case = fresh(refer(referrer, peer).cases.get())
    matching = matching_for_case(case)
    assert [s.supporter.person.person_id for s in matching.suggestions] == [star.person_id]
    [again] = matching.earlier_supporters
    assert (again.case_id, again.name, again.rank) == (earlier.pk, "Blair Supporter", None)
    assert again.not_suggested == ["not an active supporter (paused)"]


def test_continuity_weight_zero_switches_it_off(director, referrer, peer, star, supporter_b):
    supported_before(director, referrer, peer, supporter_b)
    program = ProgramSettings.current()
    program.weights = {**program.effective_weights(), "continuity": 0.0}
    program.save()
    case = fresh(refer(referrer, peer).cases.get())
    [first, *_] = suggestions_for_case(case)
    assert first.supporter.person.person_id == star.person_id


def test_the_joint_plan_gives_each_peer_their_earlier_supporter(director, referrer, peer, star, supporter_b):
    colleague = make_person(department="Radiology", specialty="Emergency Medicine")
    supported_before(director, referrer, peer, supporter_b)
    referral = refer(referrer, peer, colleague)
    proposal = plan_for_referral(referral.pk)
    by_peer = {Case.objects.get(pk=case_id).peer_id: s.supporter.person.person_id for case_id, s in proposal.items()}
    assert by_peer == {peer.pk: supporter_b.person_id, colleague.pk: star.person_id}


def test_suggestions_take_as_many_queries_however_many_earlier_cases(director, referrer, star):
    def queries(earlier_count: int) -> int:
        peer = make_person(department="Emergency", specialty="Emergency Medicine")
        for _ in range(earlier_count):
            other = make_supporter(make_person(department="Radiology"))
            supported_before(director, referrer, peer, other)
            Supporter.objects.filter(pk=other.pk).update(status=SupporterStatus.PAUSED)
        case = fresh(refer(referrer, peer).cases.get())
        with CaptureQueriesContext(connection) as captured:
            matching = matching_for_case(case)
        assert len(matching.earlier_supporters) == earlier_count
        return len(captured)

    assert queries(1) == queries(4)


# The one-peer-per-event rule


@pytest.fixture
def colleagues(db) -> tuple[Person, Person]:
    return (
        make_person(name="Ana Colleague", department="Emergency", specialty="Emergency Medicine"),
        make_person(name="Ben Colleague", department="Emergency", specialty="Emergency Medicine"),
    )


def test_a_supporter_of_one_colleague_is_not_suggested_for_the_other(director, referrer, colleagues, star,
                                                                      supporter_a):
    first, second = refer(referrer, *colleagues).cases.order_by("pk")
    assign(director, first, star)
    matching = matching_for_case(fresh(second))
    assert star.person_id not in [s.supporter.person.person_id for s in matching.suggestions]
    [held] = matching.held_back
    assert held.suggestion.supporter.person.person_id == star.person_id
    assert held.words == f"already supports a colleague from the same event (case #{first.pk})"


def test_choosing_a_supporter_of_a_colleague_needs_a_reason_which_is_recorded(director, referrer, colleagues,
                                                                                star, supporter_a):
    first, second = refer(referrer, *colleagues).cases.order_by("pk")
    assign(director, first, star)
    with pytest.raises(InvalidInput, match=f"already supports a colleague from the same event \\(case #{first.pk}\\)"):
        assign(director, second, star)
    assert fresh(second).state == CaseState.AWAITING_ASSIGNMENT
    assign(director, second, star, override_reason="peer_request")
    record = Assignment.objects.get(case=second)
    assert record.supporter == star and record.override_reason == "peer_request" and record.rank is None


def test_with_the_rule_off_a_supporter_may_take_two_colleagues_without_a_reason(director, referrer, colleagues,
                                                                                 star, supporter_a):
    ProgramSettings.objects.filter(pk=ProgramSettings.current().pk).update(one_peer_per_supporter_per_event=False)
    first, second = refer(referrer, *colleagues).cases.order_by("pk")
    assign(director, first, star)
    assert suggestions_for_case(fresh(second))[0].supporter.person.person_id == star.person_id
    assign(director, second, star)
    assert fresh(second).supporter == star


def test_the_joint_plan_spreads_the_colleagues_over_supporters(director, referrer, colleagues, star, supporter_a):
    referral = refer(referrer, *colleagues)
    Supporter.objects.filter(pk=star.pk).update(capacity=3)
    assigned = referral_apply_plan(actor=director, referral_id=referral.pk)
    assert sorted(c.supporter.person.name for c in assigned) == ["Alex Supporter", "Sam Star"]
    assert not Assignment.objects.exclude(override_reason="").exists()


# The API


def api_get(client, user, path: str):
    token = ApiToken.issue(user)[1]
    return client.get("/api/v1" + path, headers={"Authorization": f"Bearer {token}"})


def test_api_suggestions_leave_out_a_colleagues_supporter_and_give_the_continuity_reason(
    client, director, referrer, colleagues, star, supporter_a, supporter_b
):
    earlier = supported_before(director, referrer, colleagues[1], supporter_b)
    first, second = refer(referrer, *colleagues).cases.order_by("pk")
    assign(director, first, star)
    Case.objects.filter(pk=second.pk).update(reengagement_of=earlier)
    response = api_get(client, director, f"/cases/{second.pk}/suggestions")
    assert response.status_code == 200
    listed = response.json()
    assert star.person.employee_id not in [item["employee_id"] for item in listed]
    assert listed[0]["employee_id"] == supporter_b.person.employee_id
    assert f"supported this peer before (case #{earlier.pk})" in listed[0]["reasons"]


def test_api_plan_gives_no_supporter_two_colleagues_unless_the_program_allows_it(
    client, director, referrer, colleagues, star, supporter_a
):
    referral = refer(referrer, *colleagues)
    Supporter.objects.filter(pk=star.pk).update(capacity=3)
    plan = api_get(client, director, f"/referrals/{referral.pk}/plan").json()
    assert len(plan) == 2 and len({item["employee_id"] for item in plan}) == 2
    ProgramSettings.objects.filter(pk=ProgramSettings.current().pk).update(one_peer_per_supporter_per_event=False)
    plan = api_get(client, director, f"/referrals/{referral.pk}/plan").json()
    assert [item["employee_id"] for item in plan] == [star.person.employee_id] * 2


# The case page


def test_director_reads_the_wishes_why_one_is_unmet_and_the_peers_other_cases(client, director, referrer, peer,
                                                                              supporter_b):
    # The only women on the team are in the peer's own department.
    make_supporter(make_person(gender="female", department="Emergency"))
    make_supporter(make_person(gender="Female", department="emergency"))
    earlier = supported_before(director, referrer, peer, supporter_b)
    case = refer(referrer, peer).cases.get()
    with_wishes(case.referral, gender="female")
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'data-testid="wishes"' in page and "<dt>Gender</dt><dd>female</dd>" in page
    assert escape(
        "No eligible supporter is a woman: 2 active supporters are, but 2 are in the peer's own "
        "department (the own-department rule)."
    ) in page
    assert f"Case #{earlier.pk}</a>" in page and "Supporter: Blair Supporter" in page
    assert "supported this peer in case" in page and "is suggested first" in page
    assert AuditEntry.objects.filter(action="case.list", object_id=str(earlier.pk)).exists()


def test_director_sees_who_is_held_back_by_the_one_peer_rule(client, director, referrer, colleagues, star,
                                                            supporter_a):
    first, second = refer(referrer, *colleagues).cases.order_by("pk")
    assign(director, first, star)
    client.force_login(director)
    page = client.get(reverse("case", args=[second.pk])).content.decode()
    assert 'data-testid="held-back"' in page
    assert f"Sam Star ({star.person.employee_id})" in page
    assert f"already supports a colleague from the same event (case #{first.pk})" in page


def test_the_director_picks_a_held_back_supporter_from_the_list_with_a_reason(client, director, referrer, colleagues,
                                                                               star, supporter_a):
    first, second = refer(referrer, *colleagues).cases.order_by("pk")
    assign(director, first, star)
    client.force_login(director)
    page = client.get(reverse("case", args=[second.pk])).content.decode()
    select = page[page.index('<select id="override-supporter"'):]
    select = select[:select.index("</select>")]
    assert (f'<option value="{star.person.employee_id}">Sam Star — supports a colleague from this event '
            f"(case #{first.pk})</option>") in select
    chosen = {"override": "1", "version": fresh(second).version, "supporter": star.person.employee_id}
    refused = client.post(reverse("case-assign", args=[second.pk]), chosen)
    assert refused.status_code == 422 and "Give a reason" in refused.content.decode()
    assert fresh(second).state == CaseState.AWAITING_ASSIGNMENT
    done = client.post(reverse("case-assign", args=[second.pk]), {**chosen, "override_reason": "peer_request"})
    assert done.status_code == 302
    record = Assignment.objects.get(case=second)
    assert record.supporter == star and record.override_reason == "peer_request"


def test_the_assigned_supporter_never_sees_the_wishes_or_the_peers_other_cases(client, director, referrer, peer,
                                                                                star, supporter_b):
    supported_before(director, referrer, peer, supporter_b)
    case = refer(referrer, peer).cases.get()
    with_wishes(case.referral, gender="female")
    assign(director, case, star, override_reason="other")
    client.force_login(make_user(Role.SUPPORTER, person=star.person))
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'data-testid="matching"' not in page and "Blair Supporter" not in page and "female" not in page


def test_the_case_page_says_why_the_peers_earlier_supporter_is_not_suggested(client, director, referrer, peer,
                                                                             star, supporter_b):
    earlier = supported_before(director, referrer, peer, supporter_b)
    Supporter.objects.filter(pk=supporter_b.pk).update(paused_until=timezone.localdate() + timedelta(days=5))
    case = refer(referrer, peer).cases.get()
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    until = f"{timezone.localdate() + timedelta(days=5):%Y-%m-%d}"
    assert (f"Blair Supporter supported this peer in case #{earlier.pk} but is not suggested now: "
            f"paused until {until}.") in page


def test_api_assignment_of_a_colleagues_supporter_is_422_without_a_reason_and_200_with_one(
    client, director, referrer, colleagues, star, supporter_a
):
    first, second = refer(referrer, *colleagues).cases.order_by("pk")
    assign(director, first, star)
    token = ApiToken.issue(director)[1]

    def post(body: dict):
        return client.post(f"/api/v1/cases/{second.pk}/assignment", data=json.dumps(body),
                           content_type="application/json", headers={"Authorization": f"Bearer {token}"})

    refused = post({"supporter": star.person.employee_id})
    assert refused.status_code == 422
    assert f"already supports a colleague from the same event (case #{first.pk})" in refused.json()["detail"]
    assert fresh(second).state == CaseState.AWAITING_ASSIGNMENT
    assert post({"supporter": star.person.employee_id, "override_reason": "peer_request"}).status_code == 200


# The bulk path against the one-pair path, through the database


def test_the_served_suggestions_are_exactly_the_one_pair_paths_list_and_the_page_explains_the_first_five(
    director, referrer, peer, star
):
    from peersupport.matching.core import suggest
    from peersupport.matching.selectors import SUGGESTION_COUNT, active_supporter_facts, case_facts_for, rules_for

    for n in range(12):
        make_supporter(make_person(name=f"Supporter {n}", department=f"Department {n % 4}",
                                   specialty=["Emergency Medicine", "Surgery", "Radiology"][n % 3], rank=n % 5 + 1))
    busy = make_supporter(make_person(name="Busy Supporter", department="Radiology"))
    assign(director, refer(referrer, make_person(name="Other Peer")).cases.get(), busy, override_reason="other")
    case = fresh(refer(referrer, peer).cases.get())
    program = ProgramSettings.current()
    [facts] = case_facts_for([case])
    expected = suggest(facts, active_supporter_facts(program), rules_for(program))
    assert len(expected) == 14

    assert suggestions_for_case(case) == expected
    assert suggestions_for_case(case, limit=7) == expected[:7]
    shown = matching_for_case(case).suggestions
    assert shown[:SUGGESTION_COUNT] == expected[:SUGGESTION_COUNT]
    assert [(s.supporter, s.score) for s in shown] == [(s.supporter, s.score) for s in expected]
    assert all(s.reasons == () for s in shown[SUGGESTION_COUNT:])
