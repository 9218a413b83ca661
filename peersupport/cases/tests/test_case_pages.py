from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Assignment, Case, CaseState
from peersupport.front.tests.helpers import SUMMARY, assign, login_as, refer
from peersupport.testing.factories import make_person, make_supporter, make_user, program_settings


@pytest.fixture
def peer(db):
    return make_person(name="Pat Peer", department="Emergency", specialty="Emergency Medicine",
                       phone="+1 (555) 010-2030", email="pat@example.org")


@pytest.fixture
def case(referrer, peer):
    return refer(referrer, peer).cases.get()


# The queue

def test_queue_is_most_overdue_first_and_says_how_late(client, director, referrer):
    now = timezone.now()
    late = refer(referrer, make_person(name="Late Peer")).cases.get()
    later = refer(referrer, make_person(name="Very Late Peer")).cases.get()
    soon = refer(referrer, make_person(name="Soon Peer")).cases.get()
    Case.objects.filter(pk=late.pk).update(next_due_at=now - timedelta(hours=2, minutes=5))
    Case.objects.filter(pk=later.pk).update(next_due_at=now - timedelta(hours=30))
    Case.objects.filter(pk=soon.pk).update(next_due_at=now + timedelta(hours=3, minutes=30))
    client.force_login(director)
    page = client.get(reverse("queue")).content.decode()
    assert page.index("Very Late Peer") < page.index(">Late Peer") < page.index("Soon Peer")
    assert "overdue by 30 h" in page and "overdue by 2 h" in page and "due in 3 h" in page


def test_queue_pages_by_fifty_and_audits_what_it_shows(client, director, referrer):
    people = [make_person() for _ in range(51)]
    referral = refer(referrer, *people)
    client.force_login(director)
    first = client.get(reverse("queue"))
    assert first.content.decode().count('data-testid="queue-row"') == 50
    shown = set(AuditEntry.objects.filter(action="case.list").values_list("object_id", flat=True))
    assert len(shown) == 50
    second = client.get(reverse("queue"), {"page": 2}).content.decode()
    assert second.count('data-testid="queue-row"') == 1
    assert reverse("referral-plan", args=[referral.pk]) in second


def test_queue_offers_a_plan_only_for_referrals_with_several_waiting(client, director, referrer):
    single = refer(referrer, make_person())
    group = refer(referrer, make_person(), make_person())
    client.force_login(director)
    page = client.get(reverse("queue")).content.decode()
    assert reverse("referral-plan", args=[group.pk]) in page
    assert reverse("referral-plan", args=[single.pk]) not in page


def test_queue_leaves_out_assigned_cases(client, director, case, supporter_a):
    assign(director, case, supporter_a)
    client.force_login(director)
    assert "Pat Peer" not in client.get(reverse("queue")).content.decode()


# Case list

def test_case_list_filters_by_state_and_a_supporter_sees_only_their_own(
    client, request, director, referrer, supporter_a, supporter_b
):
    mine = refer(referrer, make_person(name="Mine Peer")).cases.get()
    theirs = refer(referrer, make_person(name="Theirs Peer")).cases.get()
    refer(referrer, make_person(name="Waiting Peer"))
    assign(director, mine, supporter_a)
    assign(director, theirs, supporter_b)
    client.force_login(director)
    page = client.get(reverse("cases"), {"state": "assigned"}).content.decode()
    assert "Mine Peer" in page and "Theirs Peer" in page and "Waiting Peer" not in page
    login_as(client, request, "supporter_a")
    page = client.get(reverse("cases")).content.decode()
    assert "Mine Peer" in page and "Theirs Peer" not in page and "Waiting Peer" not in page


def test_my_cases_show_contact_links_and_the_sentence(client, request, director, case, supporter_a):
    assign(director, case, supporter_a)
    login_as(client, request, "supporter_a")
    page = client.get(reverse("my-cases")).content.decode()
    assert 'href="tel:+15550102030"' in page
    # The warm outreach message is ready in the text and the email.
    assert 'href="sms:+15550102030?&amp;body=Hi%20Pat%2C%20this%20is%20Alex%20Supporter' in page
    assert 'href="mailto:pat@example.org?subject=A%20colleague%20would%20like%20to%20connect&amp;body=Hi%20Pat' in page
    assert SUMMARY in page and "Assigned" in page and "due in" in page


# The case page

def test_director_sees_suggestions_with_reasons_and_history(client, director, case, supporter_a, supporter_b):
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert page.count('data-testid="assign-button"') == 2
    assert "Alex Supporter" in page and "Blair Supporter" in page and 'class="reasons"' in page
    assert "Emergency" in page and "Patient death" in page and 'data-testid="history"' not in page
    assert AuditEntry.objects.filter(action="case.view", object_id=str(case.pk)).exists()


def test_assign_from_the_suggestions_in_one_click(client, director, case, supporter_a):
    client.force_login(director)
    response = client.post(reverse("case-assign", args=[case.pk]),
                           {"supporter": supporter_a.person.employee_id, "version": case.version})
    assert response.status_code == 302 and response["Location"] == reverse("case", args=[case.pk])
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.supporter == supporter_a
    page = client.get(response["Location"]).content.decode()
    assert "is now this peer&#x27;s supporter" in page
    assert 'data-testid="history"' in page and director.email in page
    assert 'data-testid="assign-button"' not in page and 'data-testid="reassign-toggle"' in page


def test_a_stale_version_answers_with_a_conflict(client, director, case, supporter_a, supporter_b):
    stale = case.version
    assign(director, case, supporter_a)
    client.force_login(director)
    response = client.post(reverse("case-assign", args=[case.pk]),
                           {"supporter": supporter_b.person.employee_id, "version": stale, "reassign": "1"})
    assert response.status_code == 409
    assert "Someone else changed this case" in response.content.decode()
    case.refresh_from_db()
    assert case.supporter == supporter_a


def test_reassign_from_the_toggle(client, director, case, supporter_a, supporter_b):
    case = assign(director, case, supporter_a)
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk]), {"reassign": "1"}).content.decode()
    assert 'name="reassign" value="1"' in page and "Blair Supporter" in page
    response = client.post(reverse("case-assign", args=[case.pk]),
                           {"supporter": supporter_b.person.employee_id, "version": case.version, "reassign": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.supporter == supporter_b and Assignment.objects.filter(case=case).count() == 2


def test_choosing_outside_the_suggestions_needs_a_reason(client, director, case):
    supporters = [make_supporter(make_person(name=f"Sage {n}")) for n in range(6)]
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert page.count('data-testid="assign-button"') == 5 and 'id="override-supporter"' in page
    ranked_last = [s for s in supporters if f'data-employee-id="{s.person.employee_id}"' not in page]
    outsider_id = ranked_last[0].person.employee_id
    url = reverse("case-assign", args=[case.pk])
    refused = client.post(url, {"override": "1", "supporter": outsider_id, "version": case.version})
    assert refused.status_code == 422 and "Give a reason" in refused.content.decode()
    case.refresh_from_db()
    assert case.supporter is None
    done = client.post(url, {"override": "1", "employee_id_typed": outsider_id, "version": case.version,
                             "override_reason": "peer_request"})
    assert done.status_code == 302
    record = Assignment.objects.get(case=case)
    assert record.override_reason == "peer_request" and record.supporter.person.employee_id == outsider_id


def test_a_hard_rule_shows_the_services_message(client, director, case, peer):
    colleague = make_supporter(make_person(name="Dept Colleague", department=peer.department))
    client.force_login(director)
    response = client.post(reverse("case-assign", args=[case.pk]), {
        "override": "1", "employee_id_typed": colleague.person.employee_id, "version": case.version,
        "override_reason": "peer_request",
    })
    assert response.status_code == 422
    assert "Dept Colleague cannot take this case" in response.content.decode()
    case.refresh_from_db()
    assert case.supporter is None


def test_an_unknown_supporter_is_a_message_not_an_error(client, director, case):
    client.force_login(director)
    response = client.post(reverse("case-assign", args=[case.pk]),
                           {"override": "1", "employee_id_typed": "NOPE", "version": case.version,
                            "override_reason": "other"})
    assert response.status_code == 422 and "No supporter with employee_id NOPE" in response.content.decode()


def test_a_supporter_sees_contact_sentence_and_state_only(client, request, director, case, supporter_a):
    assign(director, case, supporter_a)
    login_as(client, request, "supporter_a")
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "Pat Peer" in page and 'href="tel:+15550102030"' in page and SUMMARY in page
    assert 'data-testid="case-state">Assigned<' in page
    assert "assign-button" not in page and 'data-testid="history"' not in page
    assert 'data-testid="case-supporter"' not in page  # not even their own name as "supporter"
    assert "Emergency" not in page


# The joint plan

def test_plan_page_shows_the_table_and_applies_it(client, director, referrer, supporter_a, supporter_b):
    referral = refer(referrer, make_person(name="First Peer"), make_person(name="Second Peer"))
    client.force_login(director)
    url = reverse("referral-plan", args=[referral.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="plan-table"' in page and "First Peer" in page and "Second Peer" in page
    assert 'data-testid="apply-plan"' in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("queue")
    assert not referral.cases.filter(supporter__isnull=True).exists()
    again = client.post(url)
    assert again.status_code == 409 and "Nothing to plan" in again.content.decode()


def test_applying_a_plan_counts_peers_and_distinct_supporters(client, director, referrer, supporter_a, supporter_b):
    referral = refer(referrer, *(make_person() for _ in range(3)))
    # Supporters may take two peers of one event here, so peers and supporters differ in number.
    program_settings(**{"one_peer_per_supporter_per_event": False})
    client.force_login(director)
    response = client.post(reverse("referral-plan", args=[referral.pk]), follow=True)
    said = [str(m) for m in response.context["messages"]][0]
    assigned = referral.cases.exclude(supporter=None)
    peers, supporters = assigned.count(), assigned.values("supporter").distinct().count()
    assert supporters < peers or referral.cases.filter(supporter=None).exists()
    assert said.startswith(f"The plan is applied: {peers} peers assigned to {supporters} supporters,")
    assert f"{peers} supporters" not in said


def test_the_plan_page_audits_a_read_of_each_case_it_names(client, director, referrer, supporter_a, supporter_b):
    first = make_person(name="First Peer")
    referral = refer(referrer, first, make_person(name="Second Peer"))
    client.force_login(director)
    client.get(reverse("referral-plan", args=[referral.pk]))
    seen = AuditEntry.objects.filter(action="case.plan_view", object_type="case", actor=director)
    assert sorted(seen.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in referral.cases.all())
    # "Who has seen this case", on the case's own page...
    page = client.get(reverse("case", args=[referral.cases.get(peer=first).pk])).content.decode()
    assert "Saw it in a joint plan" in page
    # ... and on the peer's own page of what the program holds about them.
    client.force_login(make_user(Role.CLINICIAN, person=first))
    assert "Saw it in a joint plan" in client.get(reverse("my-data")).content.decode()


def test_the_queue_links_each_row_to_its_case_not_the_referrers_receipt(client, director, referrer, case):
    client.force_login(director)
    page = client.get(reverse("queue")).content.decode()
    assert f'<a href="{reverse("case", args=[case.pk])}" data-testid="queue-case-link">#{case.pk}</a>' in page
    assert reverse("referral-receipt", args=[case.referral_id]) not in page
