from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peersupport.audit.models import AuditEntry
from peersupport.front.tests.helpers import assign, refer
from peersupport.roster.models import Person, Supporter
from peersupport.testing.factories import make_person, make_supporter, record_initial_training


@pytest.fixture(autouse=True)
def fresh_choices():
    cache.clear()


def rows(response) -> int:
    return response.content.decode().count('data-testid="roster-row"')


def test_roster_searches_by_name_and_employee_id(client, director):
    make_person(name="Morgan Reyes", employee_id="E4242")
    make_person(name="Jamie Morganson", employee_id="E1111")
    make_person(name="Taylor Quinn", employee_id="E2222")
    client.force_login(director)
    assert rows(client.get(reverse("roster"), {"q": "morgan"})) == 2
    assert rows(client.get(reverse("roster"), {"q": "reyes"})) == 1
    assert rows(client.get(reverse("roster"), {"q": "E2222"})) == 1


def test_roster_filters_combine(client, director):
    make_person(name="A One", department="Surgery", specialty="General Surgery", site="North", role_type="nurse")
    make_person(name="B Two", department="Surgery", specialty="General Surgery", site="South")
    make_person(name="C Three", department="Surgery", site="North", active=False)
    client.force_login(director)
    response = client.get(reverse("roster"), {"department": "Surgery", "site": "North"})
    assert rows(response) == 2
    assert '<option value="Surgery">' in response.content.decode()  # datalist of departments
    assert rows(client.get(reverse("roster"), {"department": "Surgery", "active": "yes"})) == 2
    assert rows(client.get(reverse("roster"), {"department": "Surgery", "role_type": "nurse"})) == 1
    assert rows(client.get(reverse("roster"), {"specialty": "General Surgery", "site": "South"})) == 1


def test_roster_pages_by_fifty(client, director):
    Person.objects.bulk_create(Person(employee_id=f"B{n:04d}", name=f"Bulk {n:04d}") for n in range(120))
    client.force_login(director)
    assert rows(client.get(reverse("roster"), {"q": "bulk"})) == 50
    last = client.get(reverse("roster"), {"q": "bulk", "page": 3})
    assert rows(last) == 20 and "Page 3 of 3" in last.content.decode()
    assert rows(client.get(reverse("roster"), {"q": "bulk", "page": "nonsense"})) == 50


def test_roster_pages_never_count_the_roster(client, director):
    Person.objects.bulk_create(Person(employee_id=f"B{n:04d}", name=f"Bulk {n:04d}") for n in range(120))
    client.force_login(director)
    with CaptureQueriesContext(connection) as captured:
        first = client.get(reverse("roster"), {"q": "bulk"})
        middle = client.get(reverse("roster"), {"q": "bulk", "page": 2})
        last = client.get(reverse("roster"), {"q": "bulk", "page": 3})
    assert not [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    first_page = first.content.decode()
    assert rows(first) == 50 and "People 1–50, more on the next page" in first_page
    assert 'rel="next"' in first_page and 'rel="prev"' not in first_page and "Page 1<" in first_page
    middle_page = middle.content.decode()
    assert 'rel="next"' in middle_page and 'rel="prev"' in middle_page and "People 51–100" in middle_page
    last_page = last.content.decode()
    assert rows(last) == 20 and "Page 3 of 3" in last_page and "120 people" in last_page
    assert 'rel="next"' not in last_page and 'rel="prev"' in last_page


def test_roster_page_numbers_out_of_range_answer_plainly(client, director):
    Person.objects.bulk_create(Person(employee_id=f"B{n:04d}", name=f"Bulk {n:04d}") for n in range(60))
    client.force_login(director)
    for number in ("0", "-3", "nonsense", ""):
        assert rows(client.get(reverse("roster"), {"q": "bulk", "page": number})) == 50
    for number in ("9", "99999999999999999999999"):
        response = client.get(reverse("roster"), {"q": "bulk", "page": number})
        page = response.content.decode()
        assert response.status_code == 200 and rows(response) == 0
        assert "past the end of the list" in page and "No one on the roster matches" not in page
        assert 'href="?q=bulk"' in page  # back to the first page, with the same search


def test_roster_of_one_page_shows_its_count_and_no_paging(client, director):
    make_person(name="Only One", employee_id="E0001")
    client.force_login(director)
    page = client.get(reverse("roster"), {"q": "only"}).content.decode()
    assert "1 person<" in page and 'aria-label="Pages"' not in page


def test_add_a_person_then_edit_them(client, director):
    client.force_login(director)
    response = client.post(reverse("person-new"), {
        "employee_id": "E5000", "name": "Casey  New", "email": "casey@example.org", "phone": "+1 555 1234",
        "role_type": "physician", "rank": "3", "department": "Cardiology", "active": "on",
    })
    assert response.status_code == 302 and response["Location"] == reverse("person-edit", args=["E5000"])
    person = Person.objects.get(employee_id="E5000")
    assert person.name == "Casey New" and person.department == "Cardiology"
    page = client.get(response["Location"]).content.decode()
    assert "Not a supporter" in page and reverse("supporter-edit", args=["E5000"]) in page
    client.post(response["Location"], {"name": "Casey New", "role_type": "nurse", "rank": "4", "active": "on"})
    person.refresh_from_db()
    assert person.role_type == "nurse" and person.rank == 4 and person.employee_id == "E5000"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"employee_id": "E 1", "name": "Space Id"}, "without spaces"),
        ({"employee_id": "E6000", "name": "Bad Mail", "email": "not-an-email"}, "is not an email address"),
        ({"employee_id": "E6000", "name": "No Boss", "supervisor_employee_id": "NOBODY"}, "Unknown supervisor"),
        ({"employee_id": "TAKEN", "name": "Again"}, "already on the roster"),
    ],
)
def test_person_form_refuses_bad_input_and_saves_nothing(client, director, data, message):
    make_person(employee_id="TAKEN", name="Already Here")
    client.force_login(director)
    response = client.post(reverse("person-new"), {"role_type": "physician", "rank": "3", **data})
    assert response.status_code == 422 and message in response.content.decode()
    assert Person.objects.count() == 2  # the director and the one already here


def test_make_someone_a_supporter(client, director):
    person = make_person(name="Riley Helper")
    client.force_login(director)
    url = reverse("supporter-edit", args=[person.employee_id])
    refused = client.post(url, {"status": "active", "capacity": "3"})
    assert refused.status_code == 422 and "initial training is recorded" in refused.content.decode()
    assert not Supporter.objects.exists()
    record_initial_training(person, on=date(2026, 1, 10))
    response = client.post(url, {"status": "active", "capacity": "3", "trained_on": "2026-01-10",
                                 "experience": ["litigation", "patient_death"], "on_call": "on"})
    assert response.status_code == 302
    supporter = Supporter.objects.get(person=person)
    assert supporter.capacity == 3 and supporter.experience == ["litigation", "patient_death"] and supporter.on_call
    assert AuditEntry.objects.filter(action="supporter.create").exists()
    page = client.get(reverse("person-edit", args=[person.employee_id])).content.decode()
    assert 'data-testid="supporter-status">Active' in page


def test_supporters_list_shows_load_and_filters_by_status(client, director, referrer, supporter_a):
    make_supporter(make_person(name="Paused Pat"), status="paused", capacity=None)
    assign(director, refer(referrer, make_person()).cases.get(), supporter_a)
    client.force_login(director)
    page = client.get(reverse("supporters")).content.decode()
    assert "1 of 2" in page and "0 of 2" in page  # capacity 2; the default limit is 2 too
    active_only = client.get(reverse("supporters"), {"status": "active"}).content.decode()
    assert "Alex Supporter" in active_only and "Paused Pat" not in active_only
