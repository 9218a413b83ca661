"""Several programs in one installation: people follow their site's program, and each program's
staff, suggestions, assignments, notices and settings stay within it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.cases.timeliness import send_due_notices
from peersupport.front.tests.helpers import refer
from peersupport.lib.errors import InvalidInput
from peersupport.matching.selectors import suggestions_for_case
from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import Program, ProgramSettings, ProgramSite
from peersupport.program.services import program_create, program_site_set
from peersupport.program.tests.test_settings_page import settings_form
from peersupport.roster.models import Person
from peersupport.roster.services import PersonInput, people_upsert_batch
from peersupport.roster.tests.test_import import COLUMNS, HEADERS, apply, csv_bytes, person_row
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db


def test_a_person_belongs_to_the_program_of_their_site_and_moves_with_it(second_program):
    default = Program.default()
    north = make_person(site="Northside")
    main = make_person(site="Main Campus")
    assert (north.program, main.program) == (second_program, default)
    main.site = "Northside"
    main.save(update_fields=["site"])
    assert Person.objects.get(pk=main.pk).program == second_program
    # The mapping changes: everyone at the site moves, and their logins with them.
    login = make_user(Role.SUPPORTER, person=north)
    assert login.program == second_program
    assert program_site_set(site="Northside", program=None) == 2
    assert set(Person.objects.filter(site="Northside").values_list("program_id", flat=True)) == {default.pk}
    login.refresh_from_db()
    assert login.program == default


def test_the_roster_feed_and_the_file_import_give_each_person_their_sites_program(second_program):
    fields = {"name": "Robin Feed", "site": "Northside"}
    people_upsert_batch(actor=None, items=[("F1", PersonInput(**fields)), ("F2", PersonInput(name="Sam Feed"))])
    assert Person.objects.get(employee_id="F1").program == second_program
    assert Person.objects.get(employee_id="F2").program == Program.default()
    rows = [person_row(1) + ["Northside"], person_row(2) + ["Main Campus"]]
    apply(csv_bytes(rows, headers=[*HEADERS, "Site"]), columns={**COLUMNS, "site": "Site"})
    assert Person.objects.get(employee_id="H00001").program == second_program
    assert Person.objects.get(employee_id="H00002").program == Program.default()


def test_a_case_opens_in_its_peers_program_and_its_directors_alone_hear_of_it(
        second_program, director, director_of_second_program, referrer):
    referral = refer(referrer, make_person(name="Nora North", site="Northside"), make_person(name="Mia Main"))
    programs = dict(referral.cases.values_list("peer__name", "program_id"))
    assert programs == {"Nora North": second_program.pk, "Mia Main": Program.default().pk}
    notices = dict(OutboxMessage.objects.filter(kind="new_referral").values_list("to", "body"))
    assert set(notices) == {director.email, director_of_second_program.email}


def test_suggestions_and_assignments_stay_within_the_cases_program(
        second_program, director_of_second_program, referrer):
    own = make_supporter(make_person(name="Nell Northside", site="Northside", department="Surgery"))
    other = make_supporter(make_person(name="Omar Main", department="Surgery"))
    referral = refer(referrer, make_person(name="Nora North", site="Northside"))
    case = referral.cases.get()
    assert [s.employee_id for s in suggestions_for_case(case)] == [own.person.employee_id]
    with pytest.raises(InvalidInput, match="another program"):
        case_assign(actor=director_of_second_program, case_id=case.pk,
                    supporter_employee_id=other.person.employee_id, override_reason="other")
    case_assign(actor=director_of_second_program, case_id=case.pk, supporter_employee_id=own.person.employee_id)
    assert Case.objects.get(pk=case.pk).supporter == own


def test_each_program_reminds_by_its_own_due_times_and_tells_its_own_directors(
        second_program, director, director_of_second_program, referrer, time_machine):
    ProgramSettings.objects.filter(program=second_program).update(assignment_due_hours=1)
    time_machine.move_to(timezone.now(), tick=False)
    refer(referrer, make_person(name="Nora North", site="Northside"))
    refer(referrer, make_person(name="Mia Main"))
    start = {case.peer.name: case.next_due_at - case.created_at for case in Case.objects.select_related("peer")}
    assert start == {"Nora North": timedelta(hours=1), "Mia Main": timedelta(hours=4)}
    time_machine.shift(timedelta(hours=2))
    assert send_due_notices().reminders == 1
    reminders = OutboxMessage.objects.filter(kind="step_reminder").values_list("to", flat=True)
    assert list(reminders) == [director_of_second_program.email]


def test_the_settings_page_shows_and_changes_the_directors_own_program(
        client, second_program, director, director_of_second_program):
    ProgramSettings.objects.filter(program=second_program).update(escalate_after_hours=9)
    client.force_login(director_of_second_program)
    page = client.get(reverse("program-settings")).content.decode()
    assert 'name="escalate_after_hours" value="9"' in page
    client.post(reverse("program-settings"), settings_form(assignment_due_hours="7"))
    assert ProgramSettings.for_program(second_program).assignment_due_hours == 7
    assert ProgramSettings.for_program(Program.default()).assignment_due_hours == 4


def test_the_roster_and_supporter_lists_hold_the_programs_own_people(
        client, second_program, director_of_second_program):
    make_supporter(make_person(name="Nell Northside", site="Northside"))
    make_supporter(make_person(name="Omar Main"))
    client.force_login(director_of_second_program)
    roster = client.get(reverse("roster"), {"q": ""}).content.decode()
    supporters = client.get(reverse("supporters")).content.decode()
    assert "Nell Northside" in roster and "Omar Main" not in roster
    assert "Nell Northside" in supporters and "Omar Main" not in supporters


def test_the_command_adds_programs_and_maps_sites(capsys):
    call_command("programs", "add", "southside", "Southside Hospital Peer Support")
    make_person(name="Sol South", site="Southside")
    call_command("programs", "site", "Southside", "southside")
    assert Person.objects.get(name="Sol South").program.short_name == "southside"
    assert ProgramSite.objects.get(site="Southside").program.short_name == "southside"
    call_command("programs", "list")
    out = capsys.readouterr().out
    assert "1 people moved" in out and "southside: Southside Hospital Peer Support; 1 people; sites: Southside" in out


def test_a_bad_program_or_site_is_refused_and_changes_nothing(second_program):
    with pytest.raises(InvalidInput):
        program_create(name="Another", short_name="Not a slug!")
    with pytest.raises(InvalidInput):
        program_create(name="Again", short_name="northside")
    with pytest.raises(InvalidInput):
        program_site_set(site="  ", program=second_program)
    assert Program.objects.count() == 2


def test_another_programs_person_cannot_be_rewritten_from_the_add_person_page(
        client, second_program, director_of_second_program):
    main = make_person(name="Mia Main", employee_id="M0001")
    client.force_login(director_of_second_program)
    response = client.post(reverse("person-new"), {"employee_id": "M0001", "name": "Someone Else",
                                                   "role_type": "physician", "rank": 3})
    assert response.status_code == 404
    assert Person.objects.get(pk=main.pk).name == "Mia Main"


def test_a_director_gives_their_own_site_to_another_program_and_everyone_there_moves(
        client, director, second_program, director_of_second_program):
    from peersupport.audit.models import AuditEntry

    west = make_person(name="Wren West", site="West Clinic")
    login = make_user(Role.SUPPORTER, person=west)
    make_person(name="Mia Main", site="Main Campus")
    client.force_login(director)
    page = client.get(reverse("program-sites")).content.decode()
    # The default program's sites are every roster site no program names; Northside is not its.
    rows = [row.split("<")[0] for row in page.split('<th scope="row">')[1:]]
    assert rows == ["Main Campus", "West Clinic"]
    response = client.post(reverse("program-sites"), {"site": "West Clinic", "program": second_program.pk})
    assert response.status_code == 302
    assert Person.objects.get(pk=west.pk).program == second_program
    login.refresh_from_db()
    assert login.program == second_program
    entry = AuditEntry.objects.filter(action="program.site_set").latest("pk")
    assert entry.actor == director and entry.detail == {"moved": 1}
    # Another program's site cannot be taken, nor given back by anyone but its holder.
    response = client.post(reverse("program-sites"), {"site": "Northside", "program": second_program.pk})
    assert response.status_code == 422
    client.force_login(director_of_second_program)
    response = client.post(reverse("program-sites"), {"site": "Main Campus", "program": Program.default().pk})
    assert response.status_code == 422
    assert ProgramSite.objects.get(site="West Clinic").program == second_program
    # The holder gives it back: the mapping goes, and everyone there returns to the default program.
    response = client.post(reverse("program-sites"), {"site": "West Clinic", "program": Program.default().pk})
    assert response.status_code == 302
    assert not ProgramSite.objects.filter(site="West Clinic").exists()
    assert Person.objects.get(pk=west.pk).program == Program.default()


def test_only_a_director_maps_sites(client, administrator_of_second_program, second_program):
    client.force_login(administrator_of_second_program)
    assert client.get(reverse("program-sites")).status_code == 403
    assert client.post(reverse("program-sites"), {"site": "Northside", "program": 1}).status_code == 403
    assert ProgramSite.objects.get(site="Northside").program == second_program
