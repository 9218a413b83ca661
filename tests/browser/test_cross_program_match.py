"""Cross-program matching in a real browser: a peer at one hospital asks for a supporter from outside,
their director assigns the other hospital's shared supporter, who then sees the case, while that
supporter's own director sees only that they are busy with an outside case."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

LAKESIDE_SITE = "Lakeside Campus"


@pytest.fixture
def lakeside(team):
    """A second hospital's program with its own director, and a supporter who agreed to be shared."""
    from peersupport.accounts.models import Role
    from peersupport.accounts.testing import enrolled_device
    from peersupport.program.services import program_create, program_site_set
    from peersupport.testing.factories import make_person, make_supporter, make_user

    password = team.password
    program = program_create(name="Lakeside Community Hospital Peer Support", short_name="lakeside")
    program_site_set(site=LAKESIDE_SITE, program=program)
    person = make_person(name="Sam Lakeland", email="sam@example.org", department="Medicine", site=LAKESIDE_SITE)
    shared = make_supporter(person, shared_across_programs=True)
    make_user(Role.SUPPORTER, person=person, email="sam@example.org", password=password)
    director = make_user(Role.DIRECTOR, person=make_person(name="Lena Lakeside", site=LAKESIDE_SITE),
                         email="lakeside-director@example.org", password=password)
    enrolled_device(director)
    peer = make_user(Role.CLINICIAN, person=make_person(name="Piper Quinn", department="Cardiology"),
                     email="piper@example.org", password=password)
    return {"shared": shared, "director": director, "peer": peer}


def test_a_peer_asks_for_an_outside_supporter_and_is_matched_with_the_other_hospitals_shared_supporter(
        team, lakeside, new_page, sign_in):
    from peersupport.cases.models import Case

    password = team.password

    # The peer at Riverside asks for someone from outside their hospital.
    page = new_page()
    sign_in(page, "piper@example.org", password)
    page.goto("/support/ask/")
    page.locator('select[name="category"]').select_option("medical_error")
    page.locator('input[name="occurred_on"]').fill((timezone.localdate() - timedelta(days=2)).isoformat())
    page.locator('textarea[name="summary"]').fill("I made a medication error.")
    page.locator('select[name="hospital"]').select_option("outside")
    page.get_by_test_id("submit-referral").click()
    page.wait_for_url("**/referrals/*/")
    case = Case.objects.get(peer=lakeside["peer"].person)
    assert case.wants_outside_supporter

    # Riverside's director sees Lakeside's shared supporter suggested, says why, and assigns them.
    page = new_page()
    sign_in(page, team.director.email, team.password)
    page.goto(f"/cases/{case.pk}/")
    shared = page.get_by_test_id("suggestion").filter(has_text="Sam Lakeland")
    assert "From another hospital (shared supporter)" in shared.inner_text()
    assert "Supporter from another hospital" in page.get_by_test_id("outside-wish").evaluate(
        "e => e.parentElement.innerText")
    shared.get_by_test_id("assign-button").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.supporter == lakeside["shared"]

    # Lakeside's supporter sees the case like any case assigned to them.
    page = new_page()
    sign_in(page, "sam@example.org", password)
    page.goto("/cases/")
    page.get_by_role("link", name="Piper Quinn").first.click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Piper Quinn" in page.content()

    # Lakeside's director sees only that their supporter is busy with an outside case.
    page = new_page()
    sign_in(page, "lakeside-director@example.org", password)
    page.goto("/supporters/")
    row = page.get_by_role("row").filter(has_text="Sam Lakeland")
    assert row.get_by_test_id("outside-cases").inner_text() == "1 outside case"
    assert "Piper Quinn" not in page.content() and f"/cases/{case.pk}/" not in page.content()
    response = page.goto(f"/cases/{case.pk}/")
    assert response is not None and response.status == 404
