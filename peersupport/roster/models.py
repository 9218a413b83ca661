from collections.abc import Sequence
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Count, F, Func, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IStartsWith
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone


class RoleType(models.TextChoices):
    PHYSICIAN = "physician", "Physician"
    RESIDENT = "resident", "Resident"
    FELLOW = "fellow", "Fellow"
    APP = "app", "Advanced practice provider"
    NURSE = "nurse", "Nurse"
    PHARMACIST = "pharmacist", "Pharmacist"
    THERAPIST = "therapist", "Therapist"
    OTHER = "other", "Other"


RANK_LABELS = {1: "trainee", 2: "junior", 3: "established", 4: "senior", 5: "chief / leader"}


# Self-identification: given by the person themself (their "About me" page, or the HR system
# that holds what they told it), never by the program's staff, and shown to the program only
# as counts. Blank means not given; "prefer not to say" is an answer of its own.
PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Gender(models.TextChoices):
    # The first three are also the wishes a peer may state (referrals.GenderPreference).
    FEMALE = "female", "Woman"
    MALE = "male", "Man"
    NON_BINARY = "non-binary", "Non-binary"
    ANOTHER = "another", "A gender not listed here"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class RaceEthnicity(models.TextChoices):
    """The US federal categories (OMB, 2024), one or more of which a person may choose."""

    AMERICAN_INDIAN_ALASKA_NATIVE = "american_indian_alaska_native", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    HISPANIC_LATINO = "hispanic_latino", "Hispanic or Latino"
    MIDDLE_EASTERN_NORTH_AFRICAN = "middle_eastern_north_african", "Middle Eastern or North African"
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "native_hawaiian_pacific_islander", "Native Hawaiian or Pacific Islander"
    WHITE = "white", "White"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class AgeBand(models.TextChoices):
    UNDER_30 = "under_30", "Under 30"
    FROM_30 = "30_39", "30 to 39"
    FROM_40 = "40_49", "40 to 49"
    FROM_50 = "50_59", "50 to 59"
    FROM_60 = "60_plus", "60 or older"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


def race_ethnicity_values(chosen: Sequence[str]) -> list[str]:
    """The categories as stored: known, each once, in the table's order; "prefer not to say"
    alone. Raises ValueError naming the first problem."""
    unknown = [value for value in chosen if value not in RaceEthnicity.values]
    if unknown:
        raise ValueError(f"Unknown race_ethnicity {unknown[0]!r}; use any of {', '.join(RaceEthnicity.values)}.")
    if PREFER_NOT_TO_SAY in chosen and len(set(chosen)) > 1:
        raise ValueError("race_ethnicity: \"prefer not to say\" is chosen alone.")
    return [value for value in RaceEthnicity.values if value in chosen]


class Selective(Func):
    """A condition true of few rows, said so to SQLite's planner; the same SQL elsewhere.

    SQLite keeps no statistics unless ANALYZE has run, and without them it takes an equality on
    an index (the type-ahead's `role_type IN (...)`) as narrower than a range on another (an id
    prefix), and reads three quarters of the roster. `likelihood(condition, 0.001)` tells it how
    rarely the condition holds; the condition, and so the rows found, are unchanged.
    """

    template = "%(expressions)s"
    output_field = BooleanField()

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="likelihood(%(expressions)s, 0.001)", **extra_context)


# SQLite's trigram index of names (migration 0004) and the shortest text it can answer. Past
# NAME_TRIGRAM_MAX_ROWS names containing the text, a search walks the name index instead.
NAME_TRIGRAM = "roster_person_name_trigram"
NAME_TRIGRAM_MIN_CHARS = 3
NAME_TRIGRAM_MAX_ROWS = 10_000
NAME_TRIGRAM_NTH = (
    'SELECT rowid FROM "roster_person_name_trigram" WHERE "roster_person_name_trigram" MATCH %s LIMIT 1 OFFSET %s'
)


def _containing(text: str) -> str:
    """The FTS5 query of the names that contain the text, in any case: the text as one quoted
    phrase, which the trigram tokenizer answers from its index alone (a LIKE would read each
    name again from the roster)."""
    return '"' + text.replace('"', '""') + '"'


def _few_names_contain(database: str, text: str) -> bool:
    """Whether SQLite's trigram index of names holds fewer than NAME_TRIGRAM_MAX_ROWS names with
    the text in them: one query that reads no further than that."""
    if len(text) < NAME_TRIGRAM_MIN_CHARS:
        return False
    with connections[database].cursor() as cursor:
        cursor.execute(NAME_TRIGRAM_NTH, [_containing(text), NAME_TRIGRAM_MAX_ROWS - 1])
        return cursor.fetchone() is None


class PersonQuerySet(models.QuerySet["Person"]):
    def search(self, text: str) -> "PersonQuerySet":
        """Type-ahead: the start of an employee id (so the whole id too) or the start of any word
        of the name, in any case.

        A search with a digit in it looks at employee ids only. On PostgreSQL each lookup runs as
        `UPPER(col::text) LIKE UPPER(...)`, and migration 0002_search_indexes indexes exactly those
        expressions: the id prefix with a btree (`text_pattern_ops`), the name with a trigram GIN
        index (pg_trgm). On SQLite each runs as `col LIKE ...` (case-insensitive for ASCII letters),
        and migration 0003_sqlite_employee_id_nocase gives the id the NOCASE index such a LIKE can
        range over; a name search of three characters or more first asks the trigram index of
        migration 0004_sqlite_name_trigram (one short query) how many names contain the text.
        Change the lookups here and the indexes with them (roster/tests/test_search_plans.py reads
        the plans on both databases, test_search_results.py pins what is found).
        """
        text = text.strip()
        if not text:
            return self
        if any(character.isdigit() for character in text):
            # Names on a roster have no digits: this is an employee id, and its index alone answers.
            return self.filter(Selective(IStartsWith(F("employee_id"), text)))
        found = self.filter(
            Q(employee_id__istartswith=text)
            | Q(name__istartswith=text)
            | Q(name__icontains=" " + text)
        )
        connection = connections[self.db]
        if connection.vendor == "sqlite" and _few_names_contain(self.db, text):
            # Read only the people whose name contains the text (migration 0004_sqlite_name_trigram)
            # or whose id starts with it: those found above are among them. When many names contain
            # it, walking the roster in name order fills a page sooner than sorting them all.
            id_prefix = connection.ops.prep_for_like_query(text) + "%"
            found = found.filter(Selective(Q(pk__in=RawSQL(  # noqa: S611 - a constant query with parameters
                'SELECT rowid FROM "roster_person_name_trigram" WHERE "roster_person_name_trigram" MATCH %s '
                """UNION ALL SELECT id FROM "roster_person" WHERE "employee_id" LIKE %s ESCAPE '\\'""",
                [_containing(text), id_prefix]))))
        return found

    def referable(self, served_role_types: list[str]) -> "PersonQuerySet":
        """Who a referral may name, and all the referral form may show: active people in a
        role the program serves."""
        return self.filter(active=True, role_type__in=served_role_types)


class Person(models.Model):
    """Anyone on the roster: a clinician the program may serve, and possibly a supporter."""

    employee_id = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    role_type = models.CharField(max_length=20, choices=RoleType.choices, default=RoleType.PHYSICIAN)
    specialty = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(default=3)
    interventional = models.BooleanField(default=False)
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supervisees"
    )
    site = models.CharField(max_length=100, blank=True)
    # Self-identified (see Gender); the matching also reads it for a peer's wish about their supporter.
    gender = models.CharField(max_length=40, blank=True, choices=Gender.choices)
    # Self-identified: a list of RaceEthnicity values in the table's order, empty if not given.
    race_ethnicity = models.JSONField(default=list, blank=True)
    age_band = models.CharField(max_length=20, blank=True, choices=AgeBand.choices)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "employee_id"]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["department", "name"]),
            models.Index(fields=["specialty", "name"]),
            models.Index(fields=["role_type", "name"]),
            models.Index(fields=["site", "name"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=5), name="person_rank_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})"

    def race_ethnicity_display(self) -> str:
        labels = dict(RaceEthnicity.choices)
        return ", ".join(labels.get(value, value) for value in self.race_ethnicity or ())


class SupporterStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    IN_TRAINING = "in_training", "In training"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    RETIRED = "retired", "Retired"


class Experience(models.TextChoices):
    MEDICAL_ERROR = "medical_error", "Medical error"
    ADVERSE_OUTCOME = "adverse_outcome", "Adverse outcome"
    PATIENT_DEATH = "patient_death", "Patient death"
    PATIENT_AGGRESSION = "patient_aggression", "Patient aggression"
    LITIGATION = "litigation", "Litigation"
    OTHER = "other", "Other"


class SupporterQuerySet(models.QuerySet["Supporter"]):
    def with_open_cases(self) -> "SupporterQuerySet":
        from peersupport.cases.models import HOLDING_STATES

        return self.annotate(
            open_case_count=Count("cases", filter=Q(cases__state__in=HOLDING_STATES))
        )


class Supporter(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="supporter")
    status = models.CharField(
        max_length=20, choices=SupporterStatus.choices, default=SupporterStatus.NOMINATED
    )
    # None means the program's default case limit.
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    trained_on = models.DateField(null=True, blank=True)
    experience = models.JSONField(default=list, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    on_call = models.BooleanField(default=False)
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Supporter {self.person}"

    def case_limit(self, default: int) -> int:
        return self.capacity if self.capacity is not None else default
