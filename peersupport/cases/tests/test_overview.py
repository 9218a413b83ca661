"""The director's overview page: who may open it, what it shows, what it costs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Case, CaseState
from peersupport.front.tests.helpers import assign, login_as, refer
from peersupport.roster.models import SupporterStatus
from peersupport.testing.factories import make_person, make_supporter

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(time_machine, director, referrer, supporter_a, supporter_b):
    """At START: one case waiting, one assigned to A; the page is read 30 hours later."""
    time_machine.move_to(START, tick=False)
    waiting = refer(referrer, make_person(name="Wren Waiting")).cases.get()
    assigned = assign(director, refer(referrer, make_person(name="Avery Assigned")).cases.get(), supporter_a)
    # Not late: assigned a moment before the page is read.
    time_machine.move_to(START + timedelta(hours=29), tick=False)
    fresh = assign(director, refer(referrer, make_person(name="Finn Fresh")).cases.get(), supporter_b)
    time_machine.move_to(START + timedelta(hours=30), tick=False)
    return {"waiting": waiting, "assigned": assigned, "fresh": fresh}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("director", 200), ("administrator", 200), ("supporter_a", 403), ("referrer", 403),
     ("leader", 403), ("integration", 403), ("outsider", 403)],
)
def test_only_the_director_and_administrator_open_the_overview(client, request, world, persona, status):
    login_as(client, request, persona)
    assert client.get(reverse("overview")).status_code == status


def test_signed_out_visitors_go_to_the_login_page(client, world):
    response = client.get(reverse("overview"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_overview_shows_counts_late_steps_and_loads(client, director, world, supporter_a, supporter_b):
    client.force_login(director)
    response = client.get(reverse("overview"))
    page = response.content.decode()
    assert dict(response.context["state_counts"]) == {
        "Awaiting assignment": 1, "Assigned": 2, "Outreach made": 0, "Accepted": 0, "Declined": 0,
        "Unreachable": 0,
    }
    assert response.context["open_total"] == 3

    overdue = response.context["overdue"]
    # Most overdue first: the assignment was due at 4 h, the first outreach at 24 h.
    assert [c.pk for c in overdue] == [world["waiting"].pk, world["assigned"].pk]
    assert "Assignment" in page and "First outreach" in page and "overdue by 26 h" in page
    assert "Finn Fresh" not in page

    loads = {s.pk: s for s in response.context["loads"]}
    assert (loads[supporter_a.pk].open_case_count, loads[supporter_a.pk].effective_limit,
            loads[supporter_a.pk].overdue_count) == (1, 2, 1)
    assert (loads[supporter_b.pk].open_case_count, loads[supporter_b.pk].overdue_count) == (1, 0)
    assert 'data-testid="load-row"' in page and "1 / 2" in page

    # What was shown, by case, is in the audit trail.
    listed = set(AuditEntry.objects.filter(action="case.list", actor=director).values_list("object_id", flat=True))
    assert listed == {str(world["waiting"].pk), str(world["assigned"].pk)}


def test_paused_supporter_still_holding_a_case_is_listed_and_idle_ones_are_not(
    client, director, world, supporter_a
):
    idle = make_supporter(make_person(name="Ida Idle"), status=SupporterStatus.PAUSED)
    supporter_a.status = SupporterStatus.PAUSED
    supporter_a.save()
    client.force_login(director)
    shown = {s.pk for s in client.get(reverse("overview")).context["loads"]}
    assert supporter_a.pk in shown and idle.pk not in shown


def test_overview_costs_the_same_queries_however_many_cases(
    client, director, referrer, supporter_a, world, django_assert_max_num_queries
):
    client.force_login(director)
    client.get(reverse("overview"))  # warm the session and settings
    for n in range(10):
        case = refer(referrer, make_person(name=f"Peer {n}")).cases.get()
        Case.objects.filter(pk=case.pk).update(next_due_at=START)
    # Writing the page's audit rows is one insert: the trail is chained later, by the sealing step.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("overview"))
    assert len(response.context["overdue"]) == 12


def test_the_navigation_links_the_overview_for_program_staff(client, director, supporter_a):
    client.force_login(director)
    assert f'href="{reverse("overview")}"' in client.get(reverse("queue")).content.decode()
    client.force_login(supporter_a.person.user)
    assert f'href="{reverse("overview")}"' not in client.get(reverse("my-cases")).content.decode()


def test_an_empty_program_says_nothing_is_late(client, director):
    client.force_login(director)
    page = client.get(reverse("overview")).content.decode()
    assert "No step is late" in page
    assert str(CaseState.AWAITING_ASSIGNMENT.label) in page
