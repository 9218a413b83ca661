"""Roster search finds the same people, in the same order, however each database reads them.

The indexes behind the search differ by database (PostgreSQL: migration 0002; SQLite: 0003 and
0004, the trigram index of names consulted when few names contain the text). Each test compares
`PersonQuerySet.search` with the search's rules written out plainly, on the database the suite
runs on (SQLite by default, PostgreSQL in `make test-postgres`).
"""

import pytest
from django.db.models import Q

from peersupport.roster import models as roster_models
from peersupport.roster.models import Person, PersonQuerySet
from peersupport.roster.services import PersonInput, people_upsert_batch

NAMES = ["Mara Reyes", "Mario Chen", "Omar Marsh", "Priya Khan", "Priya Kapoor", "Quinn Zyskowski",
         "Ana Tanaka", "Mary-Jane O'Neil", "Zoë Mar", "Élodie Ørsted", "ANA MARIA LOPEZ", "Li Wei",
         "Jo 50% Off", "Under_Score", "Kim  Double  Space", "mar lowercase", 'Ida "Doc" Obi', "Ed *** Star"]
IDS = ["E000101", "e000102", "E000110", "MAR7", "ABC", "X-1", "E0001"]
QUERIES = ["mar", "MAR", "Mar", "ar", "ara", "priya k", "PRIYA K", "priya ka", "zysk", "ZYSKOWSKI", "quinn z",
           "tanaka", "ana", "ANA MARIA", "jane", "o'n", "o'neil", "zoë", "ZOË", "élo", "ÉLO", "ørs", "50%", "%",
           "_", "r_y", "under_", "kim  d", "double", "e0001", "E00010", "e000102", "abc", "AB", "x-1", "mar7",
           "e", "li", "wei", "  mara  ", "nobody", '"doc', '"""', 'o"b', "near(", "*** s",
           "^mar", "mar*", "a-j"]


def rules(people: PersonQuerySet, text: str) -> PersonQuerySet:
    """The search's rules, plainly: an id prefix, or the start of any word of the name, in any case;
    with a digit in the text, ids only."""
    text = text.strip()
    if not text:
        return people
    if any(character.isdigit() for character in text):
        return people.filter(employee_id__istartswith=text)
    return people.filter(Q(employee_id__istartswith=text) | Q(name__istartswith=text)
                         | Q(name__icontains=" " + text))


@pytest.fixture
def roster(db) -> None:
    people = [Person(employee_id=f"N{n:04d}", name=name, department="Oncology")
              for n, name in enumerate(NAMES)]
    people += [Person(employee_id=employee_id, name=f"Id Holder {n}", active=n % 2 == 0)
               for n, employee_id in enumerate(IDS)]
    Person.objects.bulk_create(people)


def employee_ids(people: PersonQuerySet) -> list[str]:
    return [person.employee_id for person in people]


@pytest.mark.parametrize("few_rows", [5_000, 1], ids=["trigram-when-few", "name-order-walk"])
def test_search_finds_what_its_rules_find_in_the_same_order(roster, monkeypatch, few_rows):
    # On SQLite both ways of reading a name search: the trigram index, and the walk in name order.
    monkeypatch.setattr(roster_models, "NAME_TRIGRAM_MAX_ROWS", few_rows)
    for q in QUERIES:
        expected = employee_ids(rules(Person.objects.all(), q))
        assert employee_ids(Person.objects.search(q)) == expected, q
        # The pages that search: the roster (with its filters), the type-ahead, the supporter team.
        assert employee_ids(Person.objects.filter(active=True).search(q)[:3]) == expected_active(q)[:3], q
        assert employee_ids(Person.objects.referable(["physician"]).search(q).only("employee_id", "name")) \
            == employee_ids(rules(Person.objects.referable(["physician"]), q)), q


def expected_active(q: str) -> list[str]:
    return employee_ids(rules(Person.objects.filter(active=True), q))


def test_what_the_trigram_index_reads_as_syntax_is_plain_text_to_the_search(roster):
    """An FTS5 query has its own syntax (quotes, *, ^, NEAR): the search sends the text as one quoted
    phrase, so a name with quotes or asterisks in it is found like any other."""
    assert employee_ids(Person.objects.search('"doc')) == ["N0016"]
    assert employee_ids(Person.objects.search('*** st')) == ["N0017"]
    assert employee_ids(Person.objects.search("mar*")) == []


def test_case_rules_of_the_search(roster):
    """Case-insensitive for ASCII letters on both databases; other letters as each database folds
    them (SQLite's LIKE folds ASCII only, PostgreSQL's UPPER all letters)."""
    assert employee_ids(Person.objects.search("e000102")) == employee_ids(Person.objects.search("E000102")) \
        == ["e000102"]
    assert employee_ids(Person.objects.search("priya K")) == ["N0004", "N0003"]  # Kapoor, then Khan
    assert employee_ids(Person.objects.search("zoë")) == ["N0008"]
    # In name order: Id Holder 0, 1, 2 and 6.
    assert employee_ids(Person.objects.search("e0001")) == ["E000101", "e000102", "E000110", "E0001"]


def test_a_name_changed_in_any_way_is_found_by_its_new_name_only(roster):
    """SQLite's trigram index follows every write: a save, an update(), a bulk upsert, a delete."""
    person = Person.objects.get(name="Quinn Zyskowski")
    person.name = "Quinn Wojcik"
    person.save()
    assert employee_ids(Person.objects.search("zysk")) == []
    assert employee_ids(Person.objects.search("wojc")) == [person.employee_id]

    Person.objects.filter(pk=person.pk).update(name="Quinn Adebayo")
    assert employee_ids(Person.objects.search("wojc")) == []
    assert employee_ids(Person.objects.search("adeba")) == [person.employee_id]

    people_upsert_batch(actor=None, items=[
        (person.employee_id, PersonInput(name="Quinn Szabo")),
        ("NEW0001", PersonInput(name="Ngozi Eze")),
    ])
    assert employee_ids(Person.objects.search("adeba")) == []
    assert employee_ids(Person.objects.search("szab")) == [person.employee_id]
    assert employee_ids(Person.objects.search("ngoz")) == ["NEW0001"]
    # An upsert that keeps the name (here it moves the person to another department) keeps them found.
    people_upsert_batch(actor=None, items=[(person.employee_id, PersonInput(name="Quinn Szabo", department="ICU"))])
    assert employee_ids(Person.objects.search("szab")) == [person.employee_id]

    Person.objects.filter(employee_id="NEW0001").delete()
    assert employee_ids(Person.objects.search("ngoz")) == []
    assert employee_ids(Person.objects.search("zab")) == []  # not the start of a word
