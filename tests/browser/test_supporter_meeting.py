"""A quarterly meeting end to end: the director schedules it, a supporter answers from the
invitation's link on a phone, and the role-play plan runs its round timer on the screen."""

import re
from urllib.parse import urlparse

import pytest

from peersupport.meetings.models import Invitation, Meeting, Rsvp
from peersupport.meetings.testing import meeting_form_body

pytestmark = pytest.mark.browser


def test_a_meeting_is_scheduled_answered_on_a_phone_and_practiced_with_a_timer(
    team, new_page, sign_in, deliver_mail, smtp_server, assert_accessible, assert_no_horizontal_scroll
):
    desk = new_page()
    sign_in(desk, team.director.email, team.password)
    desk.goto("/meetings/new/")
    form = meeting_form_body()
    desk.get_by_label("Title").fill("Winter supporter meeting")
    desk.get_by_label("Starts").fill(form["starts_at"])
    desk.get_by_label("Ends").fill(form["ends_at"])
    desk.get_by_label("Place").fill("Education center, room 2")
    assert_accessible(desk)
    desk.get_by_test_id("meeting-save").click()
    desk.get_by_test_id("rsvp-summary").wait_for()
    meeting = Meeting.objects.get()

    deliver_mail()
    mails = {m["To"]: m for m in smtp_server.wait_for(2)}
    invitation = mails[team.supporter.person.email]
    text = invitation.get_body(preferencelist=("plain",)).get_content()
    [part] = [p for p in invitation.walk() if p.get_content_type() == "text/calendar"]
    assert "BEGIN:VEVENT" in part.get_content()
    link = re.search(r"https?://\S+/meetings/rsvp/\S+/", text).group(0)

    phone = new_page(phone=True)
    phone.goto(urlparse(link).path)
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("Yes, I'll be there").check()
    phone.get_by_test_id("rsvp-save").click()
    phone.get_by_test_id("rsvp-saved").wait_for()
    assert_no_horizontal_scroll(phone)
    assert Invitation.objects.get(meeting=meeting, supporter=team.supporter).answer == Rsvp.YES
    Invitation.objects.filter(meeting=meeting).update(answer=Rsvp.YES)

    desk.goto(f"/meetings/{meeting.pk}/practice/")
    clock = desk.locator("[data-timer-clock]")
    assert clock.inner_text() == "15:00"
    desk.get_by_role("button", name="Start").click()
    desk.wait_for_function("() => document.querySelector('[data-timer-clock]').textContent !== '15:00'")
    desk.get_by_role("button", name="Next round").click()
    assert desk.locator("[data-timer-round]").inner_text() == "2"
    assert desk.locator(".practice-round--now").get_attribute("data-practice-round") == "2"
    assert_accessible(desk)
