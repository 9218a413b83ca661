"""A safer intake in a real browser, on a phone: a referral with patient details and an unknown
colleague is refused with every problem beside its field, the page passes axe and does not
scroll sideways, and the corrected form goes through. The director then sees the colleague's
second referral on the open case (at desktop width, where the director's case page is used).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser


def test_a_refused_referral_shows_every_problem_on_a_phone_and_passes_axe(
        team, new_page, sign_in, assert_accessible, assert_no_horizontal_scroll):
    colleague = make_person(name="Kim Abara", department="Oncology")
    [open_case] = [team.refer(colleague)]
    page = new_page(phone=True)
    sign_in(page, team.referrer.email, team.password)
    page.goto("/referrals/new/")
    page.get_by_test_id("summary-guidance").wait_for()
    page.get_by_label("Or type their employee ids").fill(f"{colleague.employee_id}, E9999")
    page.get_by_label("What kind of event was it?").select_option("medical_error")
    page.get_by_label("When did it happen?").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_label("Describe the event in one sentence").fill("Mr Grant was given 10mg twice in bed 4.")
    page.get_by_test_id("submit-referral").click()

    errors = page.get_by_test_id("error-list")
    errors.wait_for()
    text = errors.inner_text()
    assert "We could not find anyone with employee id E9999" in text
    assert "“Mr Grant” looks like a person's name" in text
    assert "“10mg” is a dose or an amount" in text and "“bed 4” names a bed or a room" in text
    assert "10mg" in page.get_by_test_id("summary-errors").inner_text()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_label("Or type their employee ids").fill(colleague.employee_id)
    page.get_by_label("Describe the event in one sentence").fill("A medication dose was given twice overnight.")
    page.get_by_test_id("submit-referral").click()
    page.get_by_test_id("receipt").wait_for()
    assert page.get_by_test_id("involved-count").inner_text() == "1"
    assert Case.objects.filter(peer=colleague).count() == 1

    director = new_page()
    sign_in(director, team.director.email, team.password)
    director.goto(f"/cases/{open_case.pk}/")
    assert "Also referred in #" in director.get_by_test_id("also-referred").inner_text()
    assert_accessible(director)


def test_a_refused_self_referral_offers_fixed_wishes_and_passes_axe_on_a_phone(
        team, new_page, sign_in, assert_accessible, assert_no_horizontal_scroll):
    from peersupport.accounts.models import Role
    from peersupport.testing.factories import make_user

    clinician = make_user(Role.CLINICIAN, person=make_person(name="Casey Clinician"), password=team.password)
    page = new_page(phone=True)
    sign_in(page, clinician.email, team.password)
    page.goto("/support/ask/")
    wishes = page.get_by_label("…from this specialty")
    assert wishes.evaluate("el => el.tagName") == "SELECT"
    assert team.supporter.person.specialty in wishes.inner_text()
    page.get_by_label("What kind of event was it?").select_option("patient_death")
    page.get_by_label("When did it happen?").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    page.get_by_label("Describe the event in one sentence").fill("A 72-year-old patient died. I keep thinking of it.")
    page.get_by_test_id("submit-referral").click()

    text = page.get_by_test_id("error-list").inner_text()
    assert "is in the future" in text and "“72-year-old” gives an exact age" in text
    assert "starts a second sentence" in text
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
