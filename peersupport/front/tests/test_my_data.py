"""A clinician can see what the program holds about them: `/my/data/`."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.labels import ACTION_LABELS
from peersupport.audit.models import AuditEntry
from peersupport.cases.access import case_for_user, cases_of_subject, supporter_case_counts
from peersupport.cases.actions import (
    EncounterInput,
    case_close,
    case_record_encounter,
    case_record_outreach,
    case_record_response,
)
from peersupport.cases.models import Assignment, Case
from peersupport.cases.retention import retention_purge
from peersupport.cases.timeliness import send_due_notices
from peersupport.front.tests.helpers import SUMMARY, assign, refer, without_csrf
from peersupport.referrals.access import referrals_made_by
from peersupport.testing.factories import make_person, make_user

URL = "/my/data/"


@pytest.fixture
def clinician(db):
    """A clinician on the roster who can sign in, and who was once referred for support."""
    person = make_person(name="Morgan Peer", email="morgan.peer@example.org", department="Emergency",
                         specialty="Emergency Medicine")
    return make_user(Role.CLINICIAN, person=person, email="morgan@example.org")


def accept_and_talk(case: Case, supporter, minutes: int = 40) -> Case:
    user = supporter.person.user
    case_record_outreach(actor=user, case_id=case.pk, channel="call")
    case_record_response(actor=user, case_id=case.pk, response="accepted")
    case_record_encounter(actor=user, case_id=case.pk, data=EncounterInput(
        held_on=timezone.localdate(), minutes=minutes, mode="video", topics=("story", "coping")))
    return Case.objects.get(pk=case.pk)


def test_the_page_is_for_everyone_signed_in_and_not_for_visitors(client, clinician, referrer, integration):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (clinician, referrer, integration):
        client.force_login(user)
        assert client.get(URL).status_code == 200
    assert reverse("my-data") == URL


def test_a_clinician_sees_their_roster_entry_and_their_own_case_with_its_structured_record(
    client, clinician, director, supporter_a, referrer
):
    case = assign(director, refer(referrer, clinician.person).cases.get(), supporter_a)
    accept_and_talk(case, supporter_a, minutes=40)
    client.force_login(clinician)
    page = client.get(URL).content.decode()
    for expected in ("Morgan Peer", clinician.person.employee_id, "morgan.peer@example.org", "Emergency Medicine",
                     "Accepted", SUMMARY, "Patient death", "Alex Supporter", "40 minutes, video",
                     "Inviting the story", "Phone call"):
        assert expected in page, expected
    assert len(re.findall(r'data-testid="held-case"', page)) == 1


def test_a_clinician_never_sees_someone_elses_case(client, clinician, director, supporter_a, referrer):
    other = make_person(name="Riley Otherpeer")
    assign(director, refer(referrer, other, summary="Someone else's event in one sentence.").cases.get(), supporter_a)
    client.force_login(clinician)
    page = client.get(URL).content.decode()
    assert "Riley Otherpeer" not in page and "Someone else" not in page
    assert "No case about you is held by the program." in page


def test_a_supporter_sees_their_supporter_fields_but_not_the_peers_they_support(
    client, director, supporter_a, referrer
):
    peer = make_person(name="Jordan Supported")
    assign(director, refer(referrer, peer).cases.get(), supporter_a)
    client.force_login(supporter_a.person.user)
    page = client.get(URL).content.decode()
    assert "As a peer supporter" in page and "Active" in page and "1 (of 1 in all)" in page
    assert "Jordan Supported" not in page and SUMMARY not in page


def test_the_access_log_shows_who_opened_their_cases_and_when(client, clinician, director, supporter_a, referrer,
                                                              administrator):
    case = assign(director, refer(referrer, clinician.person).cases.get(), supporter_a)
    case_for_user(administrator, case.pk)  # the administrator opens the case
    case_for_user(supporter_a.person.user, case.pk)  # and so does the supporter
    client.force_login(clinician)
    page = client.get(URL).content.decode()
    log = page.split('data-testid="my-access-log"')[1]
    assert "Alex Supporter" in log and "Peer supporter" in log
    assert administrator.email in log and "Opened the case" in log
    # The director, who assigned the case, is listed by name.
    assert "Dora Director" in log and "Program director" in log


def test_looking_at_my_data_is_audited_as_a_read_of_each_case(client, clinician, director, supporter_a, referrer):
    case = assign(director, refer(referrer, clinician.person).cases.get(), supporter_a)
    client.force_login(clinician)
    client.get(URL)
    assert AuditEntry.objects.filter(action="subject_access.view", actor=clinician,
                                     object_id=str(clinician.pk)).count() == 1
    assert AuditEntry.objects.filter(action="case.subject_view", actor=clinician, object_id=str(case.pk)).count() == 1
    # The next visit lists that look too, as the person's own.
    assert "Looked at it on “What the program holds about you”" in client.get(URL).content.decode()


def test_referrals_made_are_receipts_only_the_same_whether_the_colleague_accepted_or_declined(
    client, director, supporter_a
):
    """Referrer blindness: two referrals identical but for the colleague's answer (the declined one
    even closed and purged): the referrers' pages are the same once ids, emails and times go."""
    supporter = supporter_a.person.user
    pages = {}
    for answer in ("accepted", "declined"):
        referrer = make_user(Role.REFERRER, email=f"{answer}-referrer@example.org")
        case = assign(director, refer(referrer, make_person(name="Casey Colleague")).cases.get(), supporter_a)
        case_record_outreach(actor=supporter, case_id=case.pk, channel="call")
        case_record_response(actor=supporter, case_id=case.pk, response=answer)
        if answer == "declined":
            case_close(actor=supporter, case_id=case.pk)
            assert retention_purge(now=timezone.now() + timedelta(days=400)).cases == 1
        client.force_login(referrer)
        pages[answer] = without_csrf(client.get(URL).content.decode())

    def normalized(html: str) -> str:
        html = re.sub(r"[a-z]+-referrer@example.org", "<email>", html)
        html = re.sub(r"\d+ [A-Z][a-z]+ \d{4}(, \d{2}:\d{2})?", "<time>", html)
        return re.sub(r"\d+", "<n>", html)

    assert "Casey Colleague" not in pages["accepted"] and 'data-testid="my-referral"' in pages["accepted"]
    for word in ("Accepted", "Declined", "Closed", "purged"):
        assert word not in pages["accepted"] and word not in pages["declined"]
    assert normalized(pages["accepted"]) == normalized(pages["declined"])


def test_a_login_without_a_roster_entry_sees_its_login_and_referrals_only(client, referrer):
    peer = make_person(name="Taylor Referred")
    refer(referrer, peer)
    client.force_login(referrer)
    page = client.get(URL).content.decode()
    assert referrer.email in page and "not linked to a roster entry" in page
    assert len(re.findall(r'data-testid="my-referral"', page)) == 1
    assert "Taylor Referred" not in page and SUMMARY not in page and "my-access-log" not in page


def test_a_purged_case_is_no_longer_held_about_the_person(client, clinician, director, supporter_a, referrer):
    case = assign(director, refer(referrer, clinician.person).cases.get(), supporter_a)
    case_record_outreach(actor=supporter_a.person.user, case_id=case.pk, channel="call")
    case_record_response(actor=supporter_a.person.user, case_id=case.pk, response="declined")
    case_close(actor=supporter_a.person.user, case_id=case.pk)
    retention_purge(now=timezone.now() + timedelta(days=400))
    client.force_login(clinician)
    page = client.get(URL).content.decode()
    assert "No case about you is held by the program." in page and SUMMARY not in page


def test_every_page_links_to_my_data(client, clinician):
    client.force_login(clinician)
    assert f'href="{URL}"' in client.get(reverse("referral-new")).content.decode()


def access_rows(page: str) -> list[tuple[str, str]]:
    """(who, what) of each row of the page's access log as read, without the API note."""
    rows = re.findall(r'<tr data-testid="my-access">\s*<td>.*?</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', page, re.S)

    def text(cell: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split()).removesuffix(" (through the API)")

    return [(text(who), text(what)) for who, what in rows]


def test_a_request_refused_to_someone_not_signed_in_is_not_credited_to_the_programs_jobs(
    client, clinician, director, supporter_a, referrer
):
    case = assign(director, refer(referrer, clinician.person).cases.get(), supporter_a)
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 401  # no token: refused, audited
    Case.objects.filter(pk=case.pk).update(next_due_at=timezone.now() - timedelta(hours=1))
    send_due_notices()  # a job: the supporter is reminded of the late first outreach

    client.force_login(clinician)
    rows = access_rows(client.get(URL).content.decode())
    assert ("Someone not signed in", "Tried to open it and was refused") in rows
    assert ("The program's own jobs", "Reminded the person responsible of a step past its due time") in rows
    assert [who for who, _ in rows].count("The program's own jobs") == 1


def test_every_entry_of_the_access_log_reads_in_words(client, clinician, director, supporter_a, referrer):
    case = assign(director, refer(referrer, clinician.person).cases.get(), supporter_a)
    accept_and_talk(case, supporter_a)
    case_close(actor=supporter_a.person.user, case_id=case.pk)
    client.force_login(clinician)
    client.get(URL)

    rows = access_rows(client.get(URL).content.decode())
    labels = set(ACTION_LABELS.values())
    assert len(rows) >= 10 and [what for _, what in rows if what not in labels] == []
    for words in ("Opened it to assign a supporter", "Assigned a supporter", "Recorded a try at reaching out",
                  "Recorded the answer to the offer of support", "Opened it to record a conversation",
                  "Recorded that a conversation took place", "Closed the case",
                  "Looked at it on “What the program holds about you”"):
        assert any(what == words for _, what in rows), words


def test_a_conversation_is_credited_to_the_supporter_who_held_it_not_to_who_recorded_it(
    client, clinician, director, supporter_a, supporter_b, referrer
):
    case = assign(director, refer(referrer, clinician.person).cases.get(), supporter_a)
    three_days_ago = timezone.now() - timedelta(days=3)
    Assignment.objects.filter(case=case).update(assigned_at=three_days_ago)
    case_record_outreach(actor=supporter_a.person.user, case_id=case.pk, channel="call")
    case_record_response(actor=supporter_a.person.user, case_id=case.pk, response="accepted")
    # The director records both conversations: the first held with the first supporter, the
    # second after the case went to another supporter.
    for held_on, minutes in ((timezone.localdate() - timedelta(days=2), 30), (timezone.localdate(), 50)):
        if minutes == 50:
            assign(director, case, supporter_b, reassign=True, override_reason="other")
        case_record_encounter(actor=director, case_id=case.pk, data=EncounterInput(
            held_on=held_on, minutes=minutes, mode="phone", topics=("story",)))

    client.force_login(clinician)
    page = client.get(URL).content.decode()
    conversations = re.findall(r'<li data-testid="my-encounter">(.*?)</li>', page, re.S)
    assert len(conversations) == 2
    assert "with Alex Supporter, 30 minutes" in conversations[0]
    assert "with Blair Supporter, 50 minutes" in conversations[1]
    assert "Dora Director" not in "".join(conversations)
    # The access log says truthfully who recorded them.
    assert ("Dora Director (Program director)", "Recorded that a conversation took place") in access_rows(page)


def test_the_gates_of_my_data_give_a_login_its_own_cases_and_referrals_and_nothing_else(
    clinician, director, supporter_a, referrer
):
    mine = refer(referrer, clinician.person).cases.get()
    other = assign(director, refer(referrer, make_person(name="Riley Otherpeer")).cases.get(), supporter_a)
    assert list(cases_of_subject(clinician)) == [mine]
    assert list(cases_of_subject(supporter_a.person.user)) == []
    assert supporter_case_counts(supporter_a.person.user) == (1, 1)
    assert supporter_case_counts(clinician) == (0, 0)
    assert sorted(r.pk for r in referrals_made_by(referrer)) == sorted([mine.referral_id, other.referral_id])
    assert list(referrals_made_by(clinician)) == []
    # A login that is no longer active, or no one signed in, gets nothing.
    for user in (clinician, referrer, supporter_a.person.user):
        user.is_active = False
    assert list(cases_of_subject(clinician)) == [] and list(referrals_made_by(referrer)) == []
    assert supporter_case_counts(supporter_a.person.user) == (0, 0)
    assert list(cases_of_subject(AnonymousUser())) == [] and list(referrals_made_by(AnonymousUser())) == []
