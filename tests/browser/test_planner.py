"""The director plans an expansion to nurses in the browser: the load of serving nurses, the
departments to ask for nurse supporters, an assumption changed and the plan following it."""

import pytest

pytestmark = pytest.mark.browser


def _nurses_and_their_departments():
    from peersupport.testing.factories import make_person, make_supporter

    for department, nurses in (("Oncology", 30), ("Emergency", 18), ("Pediatrics", 6)):
        for n in range(nurses):
            make_person(name=f"{department} Nurse {n}", role_type="nurse", department=department,
                        site="Main Campus")
    for n in range(40):
        make_person(name=f"Physician {n}", role_type="physician", department="Medicine", site="Main Campus")
    # One nurse supporter, in Pediatrics: Oncology and Emergency come first.
    make_supporter(make_person(name="Casey Nurse", role_type="nurse", department="Pediatrics",
                               site="Main Campus"), capacity=2)


def test_the_director_plans_an_expansion_to_nurses_on_a_phone(team, new_page, sign_in, assert_accessible):
    _nurses_and_their_departments()
    page = new_page(phone=True)
    sign_in(page, team.director.email, team.password)
    page.goto("/planner/")
    page.get_by_role("heading", name="Planning whom to serve").wait_for()
    page.get_by_label("Physicians, advanced practice providers and nurses").check()
    page.get_by_role("button", name="Plan").click()
    grow = page.get_by_test_id("grow-to-nurses")
    grow.wait_for()
    departments = [row.locator("th").inner_text() for row in page.get_by_test_id("nurse-department").all()]
    assert departments[0] == "Oncology"  # most nurses, no nurse supporter
    assert "Pediatrics" not in departments  # it has its nurse supporter
    more = int(page.get_by_test_id("nurses-more").inner_text())
    assert more >= 1
    hours_before = page.get_by_test_id("plan-hours").inner_text()
    assert_accessible(page)

    # Conversations run longer than assumed: the supporters' hours follow.
    page.get_by_test_id("assumptions-link").click()
    page.get_by_label("Minutes per conversation").fill("90")
    page.get_by_test_id("save-assumptions").click()
    page.get_by_text("The planner's assumptions are saved.").wait_for()
    page.get_by_label("Physicians, advanced practice providers and nurses").check()
    page.get_by_role("button", name="Plan").click()
    page.get_by_test_id("grow-to-nurses").wait_for()
    assert page.get_by_test_id("plan-hours").inner_text() != hours_before
    assert "90 minutes" in page.get_by_test_id("plan-hours").inner_text()

    # A number out of range is refused with a reason, and nothing changes.
    page.get_by_test_id("assumptions-link").click()
    field = page.get_by_label("Minutes per conversation")
    field.fill("-5")
    page.get_by_test_id("save-assumptions").click()
    # The browser holds the form back and says why (the server refuses it too: the planner's tests).
    assert field.evaluate("input => input.validationMessage")
    assert page.url.endswith("/planner/assumptions/")
    from peersupport.planner.models import PlannerSettings
    from peersupport.program.models import Program

    assert PlannerSettings.for_program(Program.default().pk).minutes_per_encounter == 90
