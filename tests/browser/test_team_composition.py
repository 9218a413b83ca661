"""A diverse team at phone width: a person answers About me, the director reads the composition."""

import pytest

from peersupport.roster.models import Person

pytestmark = pytest.mark.browser

PAGE_SIZE = "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
WIDE_TABLES = """() => [...document.querySelectorAll("table")]
  .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1
               || t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
  .map(t => (t.caption ? t.caption.textContent : "a table").trim())"""


def test_a_supporter_answers_about_me_on_a_phone(team, new_page, sign_in, assert_accessible):
    phone = new_page(phone=True)
    sign_in(phone, team.supporter.person.email, team.password)
    phone.goto("/my/about/")
    assert phone.evaluate(PAGE_SIZE)[0] <= 375
    assert_accessible(phone)
    phone.get_by_label("Non-binary").check()
    phone.get_by_label("Asian").check()
    phone.get_by_label("White").check()
    phone.get_by_label("40 to 49").check()
    phone.get_by_test_id("save-about-me").tap()
    phone.get_by_text("your answers are saved").wait_for()
    person = Person.objects.get(pk=team.supporter.person.pk)
    assert (person.gender, person.race_ethnicity, person.age_band) == ("non-binary", ["asian", "white"], "40_49")


def test_the_composition_fits_a_phone_and_says_its_gaps_in_words(team, new_page, sign_in, assert_accessible):
    phone = new_page(phone=True)
    sign_in(phone, team.director.email, team.password)
    phone.goto("/team/composition/")
    phone.get_by_test_id("hard-to-match").wait_for()
    assert phone.evaluate(PAGE_SIZE)[0] <= 375
    assert phone.evaluate(WIDE_TABLES) == []
    assert_accessible(phone)
