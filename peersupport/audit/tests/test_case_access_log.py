"""The director can see who looked at a case: on the case page, newest first, with who, when,
what and from where, refused attempts included. No one else sees that section."""

import pytest
from django.urls import reverse

from peersupport.audit.labels import ACTION_LABELS
from peersupport.audit.selectors import CASE_ACCESS_LOG_SIZE, case_access_log
from peersupport.audit.services import audit_record_many
from peersupport.cases.actions import case_record_outreach, case_record_response
from peersupport.front.tests.helpers import assign, refer
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db

SECTION = 'data-testid="case-access"'


@pytest.fixture
def case(director, referrer, supporter_a):
    referral = refer(referrer, make_person(name="Pat Peer"))
    return assign(director, referral.cases.get(), supporter_a)


def test_the_director_sees_who_opened_the_case_and_who_was_refused(client, case, director, supporter_a,
                                                                     supporter_b):
    supporter_user = supporter_a.person.user
    client.force_login(supporter_user)
    client.get(reverse("case", args=[case.pk]), REMOTE_ADDR="10.1.2.3")
    client.force_login(supporter_b.person.user)
    client.get(reverse("case", args=[case.pk]), REMOTE_ADDR="10.9.9.9")

    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert SECTION in page and "Who has seen this case" in page
    section = page[page.index(SECTION):]
    # Newest first: the director's own visit, the refused colleague, the supporter.
    assert section.index(director.email) < section.index(supporter_b.person.user.email) < section.index(
        supporter_user.email)
    assert "Opened the case" in section and "web · 10.1.2.3" in section
    assert "Tried to open it and was refused (GET 404)" in section and "10.9.9.9" in section


def test_the_list_is_limited_and_newest_first(case, director):
    audit_record_many(actor=director, action="case.list", object_type="case",
                      object_ids=[case.pk] * (CASE_ACCESS_LOG_SIZE + 5))
    rows = case_access_log(case)
    assert len(rows) == CASE_ACCESS_LOG_SIZE
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)


def test_only_entries_about_this_case_are_listed(case, director):
    other = refer(director, make_person()).cases.get()
    assert {row.action for row in case_access_log(other)} == {"case.create"}


@pytest.mark.parametrize("persona", ["administrator", "supporter_a"])
def test_no_one_else_sees_who_has_seen_the_case(client, request, case, persona):
    value = request.getfixturevalue(persona)
    client.force_login(value.person.user if persona == "supporter_a" else value)
    response = client.get(reverse("case", args=[case.pk]))
    assert response.status_code == 200 and SECTION not in response.content.decode()
    assert "case_access" not in response.context


def test_every_step_reads_in_the_same_words_as_on_the_peers_own_page(case, director, supporter_a, referrer):
    actor = supporter_a.person.user
    case_record_outreach(actor=actor, case_id=case.pk, channel="call")
    case_record_response(actor=actor, case_id=case.pk, response="accepted")
    refer(referrer, case.peer)  # a later referral of the peer while the case is open: linked
    rows = case_access_log(case)
    assert {"case.outreach_recorded", "case.response_recorded", "case.also_referred"} <= {r.action for r in rows}
    # One list of words for both pages: never a raw action code, never a shorter list's words.
    assert [(r.action, r.what) for r in rows] == [(r.action, ACTION_LABELS[r.action]) for r in rows]
    assert "Recorded a try at reaching out" in {r.what for r in rows}
