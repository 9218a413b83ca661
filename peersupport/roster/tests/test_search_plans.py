"""Roster search reads indexes, not the whole table: the plans of a realistic roster.

On PostgreSQL: 20,000 people with names drawn from common first and last names (as a health
system's roster is), then ANALYZE, then the plans of the queries the pages run. Each plan must use
the index built for it by migration roster 0002_search_indexes, and none may scan the roster table
from end to end.

On SQLite (the tests that return at once on PostgreSQL): the same names for 5,000 people, and no
ANALYZE, as a demo or a small program's database has none. An employee id is read from the NOCASE
index of migration 0003, a rare name from the trigram index of migration 0004.
"""

import random
import re

import pytest
from django.db import connection

from peersupport.lib.paging import uncounted_page
from peersupport.program.models import Program
from peersupport.roster.forms import RosterFilterForm
from peersupport.roster.models import NAME_TRIGRAM, Person
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
        # Held to the test's end: autovacuum's own ANALYZE (another session, which sees none of
        # these uncommitted rows) cannot run meanwhile and leave the planner thinking the roster
        # is nearly empty, which made a full scan look cheaper on a busy machine.
        cursor.execute("LOCK TABLE roster_person IN SHARE UPDATE EXCLUSIVE MODE")
        # Every new entry waits in the GIN pending list (cleaned below), whatever ran before.
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
        cursor.execute("SELECT setseed(0.9)")
        cursor.execute(
            """
            INSERT INTO roster_person (employee_id, name, email, email_hash, phone, role_type, specialty, department,
                                       rank, interventional, site, gender, race_ethnicity, age_band, active,
                                       updated_at, program_id)
            SELECT 'E' || lpad(n::text, 6, '0'),
                   (%s::text[])[1 + floor(random() * %s)::int] || ' ' || (%s::text[])[1 + floor(random() * %s)::int],
                   '', '', '', 'physician', 'Emergency Medicine', 'Emergency Medicine', 3, false,
                   'Central Hospital', '', '[]'::jsonb, '', true, now(), %s
            FROM generate_series(0, %s) AS n
            """,
            [FIRST, len(FIRST), LAST, len(LAST), Program.default().pk, PEOPLE - 1],
        )
    Person.objects.create(employee_id="Z990001", name="Quinn Zyskowski")
    with connection.cursor() as cursor:
        # A GIN index keeps new entries in a pending list until VACUUM (autovacuum, in production)
        # or the list's size limit moves them into the index. Rows that earlier tests inserted and
        # rolled back stay in that list too, so its length depended on what ran before; while it
        # is long, the planner rightly prices the trigram index above a scan of 20,000 rows.
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [NAME_INDEX])
        cursor.execute("ANALYZE roster_person")


def roster_page_plan(q: str) -> str:
    """The plan of the roster page's one query for a search (the page counts nothing), within the
    program of everyone on this roster."""
    form = RosterFilterForm({"q": q})
    assert form.is_valid()
    people = form.filter(Person.objects.filter(program_id=Program.default().pk).select_related("supporter"))
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


SQLITE_PEOPLE = 5_000
SQLITE_ID_INDEX = "roster_person_employee_id_nocase"
# "SCAN roster_person" alone or with an index walked from end to end; not the trigram table's scan.
SQLITE_FULL_SCAN = re.compile(r"SCAN roster_person( USING (COVERING )?INDEX \S+)?$", re.MULTILINE)


@pytest.fixture
def sqlite_roster(db) -> None:
    rng = random.Random(9)
    Person.objects.bulk_create(
        [Person(employee_id=f"E{n:06d}", name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                role_type=rng.choice(["physician", "resident", "nurse"]), department="Emergency Medicine")
         for n in range(SQLITE_PEOPLE)],
        batch_size=1_000,
    )
    Person.objects.create(employee_id="Z990001", name="Quinn Zyskowski")


def sqlite_plan(people) -> str:
    """EXPLAIN QUERY PLAN, one step a line (Django prints SQLite's as `id parent 0 step`)."""
    return "\n".join(line.split(" ", 3)[-1] for line in people.explain().splitlines())


def test_sqlite_reads_an_employee_id_from_its_nocase_index(sqlite_roster):
    if connection.vendor != "sqlite":
        return  # PostgreSQL's plans are the tests above
    from peersupport.roster.views import _lookup_people

    for q in ("E001234", "e001234", "E0012", "e00"):
        pages = {
            "roster": Person.objects.select_related("supporter").search(q)[:PAGE_SIZE + 1],
            # The referral form's type-ahead: an equality on role_type must not win over the id.
            "type-ahead": _lookup_people().search(q)[:LOOKUP_MAX_RESULTS],
            "supporter add": Person.objects.filter(active=True).search(q).select_related("supporter")
            .order_by("name", "pk")[:LOOKUP_MAX_RESULTS],
        }
        for page, people in pages.items():
            plan = sqlite_plan(people)
            assert f"SEARCH roster_person USING INDEX {SQLITE_ID_INDEX} (employee_id>? AND employee_id<?)" in plan \
                and not SQLITE_FULL_SCAN.search(plan), (page, q, plan)
    assert [p.employee_id for p in Person.objects.search("e001234")] == ["E001234"]
    assert len(Person.objects.search("e0012")) == 100


def test_sqlite_reads_a_rare_name_from_the_trigram_index(sqlite_roster):
    if connection.vendor != "sqlite":
        return
    for q in ("zysk", "ZYSKOWSKI", "quinn zys"):
        plan = sqlite_plan(Person.objects.select_related("supporter").search(q)[:PAGE_SIZE + 1])
        assert f"SCAN {NAME_TRIGRAM} VIRTUAL TABLE" in plan and not SQLITE_FULL_SCAN.search(plan), (q, plan)
        assert [p.employee_id for p in Person.objects.search(q)] == ["Z990001"]


def test_sqlite_walks_the_name_index_for_a_common_name(sqlite_roster, monkeypatch):
    """Past NAME_TRIGRAM_MAX_ROWS names containing the text, the page fills sooner in name order."""
    if connection.vendor != "sqlite":
        return
    from peersupport.roster import models as roster_models

    monkeypatch.setattr(roster_models, "NAME_TRIGRAM_MAX_ROWS", 100)
    plan = sqlite_plan(Person.objects.select_related("supporter").search("mar")[:PAGE_SIZE + 1])
    assert "SCAN roster_person USING INDEX roster_pers_name_" in plan and NAME_TRIGRAM not in plan, plan


def test_the_trigram_index_and_its_triggers_exist_on_sqlite_only(db):
    """A migration that rebuilds roster_person on SQLite drops its triggers: this says so."""
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "roster_person"))
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
                           [f"{NAME_TRIGRAM}%"])
            trigram = {name for (name,) in cursor.fetchall()}
            assert {NAME_TRIGRAM, f"{NAME_TRIGRAM}_insert", f"{NAME_TRIGRAM}_delete",
                    f"{NAME_TRIGRAM}_update"} <= trigram
    assert (SQLITE_ID_INDEX in names) == (connection.vendor == "sqlite")
