"""A unit's group debrief end to end: the director opens it for a department with two trained
supporters, invites the unit, the invitations arrive with their calendar file, the session is
recorded by count only, and a nurse asks for one-to-one support through the follow-up email's
link on a phone, signed out, which puts an ordinary case in the director's queue."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.debriefs.models import DebriefSession, Invitee
from peersupport.debriefs.testing import debrief_form_body
from peersupport.program.models import Program
from peersupport.referrals.models import Source
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser


def test_a_units_group_debrief_from_opening_to_the_follow_up_link(
    team, new_page, sign_in, deliver_mail, smtp_server, assert_accessible, assert_no_horizontal_scroll
):
    unit = [make_person(name=name, email=email, department="4 West")
            for name, email in (("Nia Nurse", "nia@example.org"), ("Omar Ortiz", "omar@example.org"),
                                ("Priya Patel", "priya@example.org"))]
    desk = new_page()
    sign_in(desk, team.director.email, team.password)
    desk.goto("/debriefs/")
    desk.get_by_test_id("debrief-new").click()
    form = debrief_form_body(team.supporter, team.other_supporter)
    desk.get_by_label("What kind of event was it?").select_option("patient_death")
    desk.get_by_label("When did it happen?").fill(form["event_on"])
    desk.get_by_label("The unit (a department on the roster)").fill("4 West")
    desk.get_by_label("First facilitator").fill(form["facilitator_one"])
    desk.get_by_label("Second facilitator").fill(form["facilitator_two"])
    desk.get_by_label("Starts").fill(form["starts_at"])
    desk.get_by_label("Ends").fill(form["ends_at"])
    desk.get_by_label("Place", exact=False).first.fill("Chapel meeting room")
    assert_accessible(desk)
    desk.get_by_test_id("debrief-save").click()
    desk.get_by_test_id("people-search").wait_for()
    session = DebriefSession.objects.get()

    desk.get_by_label("Department").fill("4 West")
    desk.get_by_test_id("people-search").click()
    desk.get_by_test_id("invite-department").wait_for()
    assert_accessible(desk)
    desk.get_by_test_id("invite-department").click()
    desk.get_by_test_id("invitees-save").wait_for()
    assert Invitee.objects.filter(session=session).count() == 3

    deliver_mail()
    mails = {m["To"]: m for m in smtp_server.wait_for(5)}  # two facilitators and the unit of three
    invitation = mails["nia@example.org"]
    assert invitation["Subject"] == "You're invited to a group debrief"
    [part] = [p for p in invitation.walk() if p.get_content_type() == "text/calendar"]
    assert "METHOD:REQUEST" in part.get_content() and "BEGIN:VEVENT" in part.get_content()

    # The session takes place.
    now = timezone.now()
    DebriefSession.objects.filter(pk=session.pk).update(starts_at=now - timedelta(hours=2),
                                                         ends_at=now - timedelta(hours=1))
    desk.goto(f"/debriefs/{session.pk}/")
    desk.get_by_test_id("debrief-record").click()
    desk.get_by_label("How many people came").fill("3")
    desk.get_by_label("How many minutes").fill("60")
    desk.get_by_label("Normalizing the reaction").check()
    desk.get_by_label("Employee Assistance Program").check()
    assert_accessible(desk)
    desk.get_by_test_id("debrief-record-save").click()
    assert desk.get_by_test_id("debrief-attendance").inner_text() == "3"
    desk.get_by_test_id("debrief-follow-up").click()
    desk.get_by_test_id("debrief-followed-up").wait_for()
    assert_accessible(desk)

    deliver_mail()
    follow_up = next(m for m in smtp_server.wait_for(8) if m["To"] == "nia@example.org"
                     and "colleague" in m["Subject"])
    text = follow_up.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/support/debrief/\S+/", text).group(0)

    phone = new_page(phone=True)
    phone.goto(urlparse(link).path)
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    phone.get_by_test_id("debrief-talk").click()
    # The thanks page of the peer's own program (/support/<short name>/thanks/).
    program = Program.default()
    phone.wait_for_url(lambda url: f"/support/{program.short_name}/thanks/" in url)
    assert_no_horizontal_scroll(phone)

    case = Case.objects.get()
    assert case.peer == unit[0] and case.referral.source == Source.GROUP_DEBRIEF
    desk.goto("/queue/")
    assert "Nia Nurse" in desk.content()

    phone.goto(urlparse(link).path)  # used: the kind page, never an error
    assert "already been used" in phone.content()
