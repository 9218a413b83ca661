"""Break-glass in a real browser: an administrator in a program where only the director sees
cases opens one case from a phone, with a case number from a message; the director gets the
urgent email and sees the access flagged on the case's "Who has seen this case"."""

import pytest

from peersupport.accounts.models import Role
from peersupport.accounts.testing import enrolled_device
from peersupport.cases.models import BreakGlassReason
from peersupport.testing.factories import make_person, make_user, program_settings

pytestmark = pytest.mark.browser


def test_an_administrator_opens_one_case_from_a_phone_and_the_director_sees_it_flagged(
        team, new_page, sign_in, assert_accessible, assert_no_horizontal_scroll, deliver_mail, smtp_server):
    program_settings(**{"administrators_see_cases": False})
    administrator = make_user(Role.ADMINISTRATOR, email="admin@example.org", password=team.password)
    enrolled_device(administrator)
    case = team.refer(make_person(name="Casey Waiting", department="Emergency"))

    phone = new_page(phone=True)
    sign_in(phone, administrator.email, team.password)
    phone.goto("/queue/")
    assert "Casey Waiting" not in phone.content()
    phone.get_by_test_id("break-glass-notice").get_by_role("link").tap()
    phone.get_by_test_id("break-glass-form").wait_for()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("Case number").fill(str(case.pk))
    phone.get_by_label(str(BreakGlassReason.URGENT_ASSIGNMENT.label)).check()
    phone.get_by_label("I tried to reach the program director").check()
    phone.get_by_test_id("break-glass-open").tap()
    phone.get_by_test_id("break-glass-active").wait_for()
    assert "Casey Waiting" in phone.content()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    deliver_mail()
    [mail] = [m for m in smtp_server.messages
              if m["To"] == team.director.email and m["Subject"] == "Urgent: emergency access to a case"]
    assert f"case #{case.pk}" in mail.get_content() and "Casey" not in mail.get_content()

    desk = new_page()
    sign_in(desk, team.director.email, team.password)
    desk.goto(f"/cases/{case.pk}/")
    flags = desk.get_by_test_id("case-access-emergency")
    assert flags.count() == 2  # the grant, and the case page opened under it
    assert str(BreakGlassReason.URGENT_ASSIGNMENT.label) in flags.first.inner_text()
