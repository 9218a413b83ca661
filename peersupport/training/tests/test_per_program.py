"""Each program runs its own training: its courses, sessions and materials, its own refresher
rules, and the refresher notices by those rules."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peersupport.lib.errors import InvalidInput
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, make_supporter
from peersupport.training.forms import MaterialForm
from peersupport.training.models import Course, CourseKind, TrainingSettings
from peersupport.training.refreshers import refresher_step
from peersupport.training.selectors import add_months
from peersupport.training.services import (
    CourseInput,
    TrainingSettingsInput,
    attendance_record,
    course_save,
    training_settings_update,
)
from peersupport.training.tests.helpers import make_session

pytestmark = pytest.mark.django_db


def test_each_program_keeps_its_own_refresher_rules(director, director_of_second_program):
    training_settings_update(actor=director_of_second_program, data=TrainingSettingsInput(
        refresher_months=24, notice_days=60, pause_when_overdue=True))

    assert TrainingSettings.for_program(director_of_second_program.program_pk).refresher_months == 24
    assert TrainingSettings.for_program(director.program_pk).refresher_months == 12
    assert TrainingSettings.current().refresher_months == 12


def test_the_refresher_notices_follow_each_programs_rules(director_of_second_program):
    thirteen_months_ago = add_months(timezone.localdate(), -13)
    riverside = make_supporter(make_person(email="river@example.org"), trained_on=thirteen_months_ago)
    northside = make_supporter(make_person(site="Northside", email="north@example.org"),
                               trained_on=thirteen_months_ago)
    training_settings_update(actor=director_of_second_program, data=TrainingSettingsInput(
        refresher_months=24, notice_days=30, pause_when_overdue=False))

    refresher_step()

    # Overdue by Riverside's twelve months; not yet due by Northside's twenty-four.
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == [riverside.person.email]
    assert northside.person.email not in OutboxMessage.objects.values_list("to", flat=True)


def test_another_programs_course_session_and_material_answer_404(client: Client, director,
                                                                 director_of_second_program):
    session = make_session()
    client.force_login(director_of_second_program)
    assert client.get(reverse("training-course", args=[session.course_id])).status_code == 404
    assert client.get(reverse("training-session", args=[session.pk])).status_code == 404
    assert session.course.name not in client.get(reverse("training")).content.decode()


def test_a_new_course_is_the_directors_program_and_a_material_chooses_among_its_courses(
        director, director_of_second_program):
    theirs = course_save(actor=director_of_second_program, data=CourseInput(name="Northside basics",
                                                                            kind=CourseKind.INITIAL))
    ours = course_save(actor=director, data=CourseInput(name="Riverside basics", kind=CourseKind.INITIAL))
    assert theirs.program_id == director_of_second_program.program_id
    form = MaterialForm(program_id=director.program_pk, data={"title": "A guide", "description": "Read it.",
                                                              "course": theirs.pk})
    assert not form.is_valid() and "course" in form.errors
    assert list(MaterialForm(program_id=director.program_pk).fields["course"].queryset) == [ours]


def test_attendance_refuses_someone_of_another_program(director, second_program):
    session = make_session(Course.objects.create(program=director.program, name="Basics", kind=CourseKind.INITIAL),
                           days_ago=1)
    elsewhere = make_person(site="Northside")
    with pytest.raises(InvalidInput, match="another hospital"):
        attendance_record(actor=director, session=session, employee_ids=[elsewhere.employee_id])
    assert not session.attendance.exists()


def test_every_page_and_figure_reads_a_supporters_training_by_their_own_programs_rules(
        client, director_of_second_program):
    """A program that asks for a refresher every 24 months: its supporter trained 18 months ago is
    current on its supporters page, in the team figures and as a debrief facilitator, while the
    default program's 12 months would call them overdue."""
    from peersupport.debriefs.selectors import facilitator_choices
    from peersupport.reports.team_measures import team_training
    from peersupport.testing.factories import record_initial_training

    training_settings_update(actor=director_of_second_program, data=TrainingSettingsInput(
        refresher_months=24, notice_days=30, pause_when_overdue=False))
    eighteen_months_ago = add_months(timezone.localdate(), -18)
    person = make_person(name="Nora North", site="Northside")
    record_initial_training(person, on=eighteen_months_ago)
    make_supporter(person, trained_on=eighteen_months_ago)
    program_id = director_of_second_program.program_pk

    assert team_training(timezone.localdate(), program_id) == (1, 1)
    assert team_training(timezone.localdate()) == (1, 1)  # every program together, each by its own rules
    assert (person.employee_id, "Nora North") in facilitator_choices(program_id)
    client.force_login(director_of_second_program)
    page = client.get(reverse("supporters")).content.decode()
    assert "Nora North" in page and "overdue" not in page.lower()
