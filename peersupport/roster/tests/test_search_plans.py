"""On PostgreSQL, roster search reads indexes, not the whole table: the plans of a realistic roster.

20,000 people with names drawn from common first and last names (as a health system's roster is),
then ANALYZE, then the plans of the queries the pages run. Each plan must use the index built for
it by migration roster 0002_search_indexes, and none may scan the roster table from end to end.
"""

import pytest
from django.db import connection

from peersupport.lib.paging import uncounted_page
from peersupport.roster.forms import RosterFilterForm
from peersupport.roster.models import Person
from peersupport.roster.views import LOOKUP_MAX_RESULTS, PAGE_SIZE

POSTGRES_ONLY = pytest.mark.postgres(reason="the plans of PostgreSQL's indexes (pg_trgm, text_pattern_ops)")

PEOPLE = 20_000
FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
         "Mara", "Mario", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik", "Wen"]
LAST = ["Adams", "Baker", "Cho", "Diaz", "Evans", "Fofana", "Garcia", "Huang", "Ito", "Jones", "Khan",
        "Lopez", "Marsh", "Novak", "Okafor", "Patel", "Reyes", "Silva", "Tanaka", "Umar", "Vogel", "Wong"]
ID_INDEX = "roster_person_employee_id_upper_prefix"
NAME_INDEX = "roster_person_name_upper_trgm"
# The unique constraint's index, and the `_like` (varchar_pattern_ops) twin Django adds to it.
EXACT_ID_INDEXES = ("roster_person_employee_id_key", "roster_person_employee_id_6ad9fc5c_like")
FULL_SCAN = "Seq Scan on roster_person"


@pytest.fixture
def roster() -> None:
    """20,000 people in one INSERT (a tenth of a second, where the ORM takes two), then ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.9)")
        cursor.execute(
            """
            INSERT INTO roster_person (employee_id, name, email, phone, role_type, specialty, department, rank,
                                       interventional, site, gender, active, updated_at)
            SELECT 'E' || lpad(n::text, 6, '0'),
                   (%s::text[])[1 + floor(random() * %s)::int] || ' ' || (%s::text[])[1 + floor(random() * %s)::int],
                   '', '', 'physician', 'Emergency Medicine', 'Emergency Medicine', 3, false,
                   'Central Hospital', '', true, now()
            FROM generate_series(0, %s) AS n
            """,
            [FIRST, len(FIRST), LAST, len(LAST), PEOPLE - 1],
        )
    Person.objects.create(employee_id="Z990001", name="Quinn Zyskowski")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE roster_person")


def roster_page_plan(q: str) -> str:
    """The plan of the roster page's one query for a search (the page counts nothing)."""
    form = RosterFilterForm({"q": q})
    assert form.is_valid()
    people = form.filter(Person.objects.select_related("supporter"))
    page_rows = people[:PAGE_SIZE + 1]  # what uncounted_page fetches for page 1
    assert len(uncounted_page(people, 1, PAGE_SIZE).object_list) == len(list(page_rows)[:PAGE_SIZE])
    return page_rows.explain()


@POSTGRES_ONLY
def test_an_employee_id_search_reads_the_id_prefix_index(db, roster):
    for q in ("E012345", "e012345", "E0123", "e01234"):
        plan = roster_page_plan(q)
        assert ID_INDEX in plan and FULL_SCAN not in plan, plan
        assert NAME_INDEX not in plan, plan  # a search with a digit in it is an id: names are not read


@POSTGRES_ONLY
def test_an_id_found_by_search_is_the_right_person(db, roster):
    assert [p.employee_id for p in Person.objects.search("e012345")] == ["E012345"]
    assert len(Person.objects.search("E0123")) == 100


@POSTGRES_ONLY
def test_a_name_search_reads_the_trigram_index(db, roster):
    for q in ("zysk", "ZYSKOWSKI", "quinn zys"):  # the start of any word of the name
        plan = roster_page_plan(q)
        assert NAME_INDEX in plan and FULL_SCAN not in plan, plan
        assert [p.employee_id for p in Person.objects.search(q)] == ["Z990001"]


@POSTGRES_ONLY
def test_the_referral_type_ahead_reads_the_indexes(db, roster):
    people = Person.objects.referable(["physician"]).only("employee_id", "name", "department")
    plan = people.search("E01234")[:LOOKUP_MAX_RESULTS].explain()
    assert ID_INDEX in plan and FULL_SCAN not in plan, plan


@POSTGRES_ONLY
def test_a_common_name_search_never_scans_the_roster(db, roster):
    """Many people match: walking the name index in page order until the page is full is as good."""
    for q in ("mar", "reyes", "E0"):
        plan = roster_page_plan(q)
        assert FULL_SCAN not in plan, plan


@POSTGRES_ONLY
def test_an_exact_employee_id_reads_the_unique_index(db, roster):
    """The chip of a chosen clinician and every page of one person look the id up exactly."""
    plan = Person.objects.filter(employee_id="E012345").explain()
    assert any(f"Index Scan using {index} " in plan for index in EXACT_ID_INDEXES) and FULL_SCAN not in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("postgres", [pytest.param(True, marks=POSTGRES_ONLY), False])
def test_the_search_indexes_exist_on_postgresql_only(postgres):
    """The migration builds them on PostgreSQL and is a no-op on SQLite (the default database)."""
    if (connection.vendor == "postgresql") != postgres:
        return  # the other database's case
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "roster_person"))
    assert {ID_INDEX, NAME_INDEX} & names == ({ID_INDEX, NAME_INDEX} if postgres else set())
