from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Count, F, Func, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IStartsWith
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.lib.fields import EncryptedCharField, EncryptedEmailField, LookupHashField


class RoleType(models.TextChoices):
    PHYSICIAN = "physician", _("Physician")
    RESIDENT = "resident", _("Resident")
    FELLOW = "fellow", _("Fellow")
    APP = "app", _("Advanced practice provider")
    NURSE = "nurse", _("Nurse")
    PHARMACIST = "pharmacist", _("Pharmacist")
    THERAPIST = "therapist", _("Therapist")
    OTHER = "other", _("Other")


RANK_LABELS = {1: "trainee", 2: "junior", 3: "established", 4: "senior", 5: "chief / leader"}


# Self-identification: given by the person themself (their "About me" page, or the HR system
# that holds what they told it), never by the program's staff, and shown to the program only
# as counts. Blank means not given; "prefer not to say" is an answer of its own.
PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Gender(models.TextChoices):
    # The first three are also the wishes a peer may state (referrals.GenderPreference).
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    NON_BINARY = "non-binary", _("Non-binary")
    ANOTHER = "another", _("A gender not listed here")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class RaceEthnicity(models.TextChoices):
    """The US federal categories (OMB, 2024), one or more of which a person may choose."""

    AMERICAN_INDIAN_ALASKA_NATIVE = "american_indian_alaska_native", _("American Indian or Alaska Native")
    ASIAN = "asian", _("Asian")
    BLACK = "black", _("Black or African American")
    HISPANIC_LATINO = "hispanic_latino", _("Hispanic or Latino")
    MIDDLE_EASTERN_NORTH_AFRICAN = "middle_eastern_north_african", _("Middle Eastern or North African")
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "native_hawaiian_pacific_islander", _("Native Hawaiian or Pacific Islander")
    WHITE = "white", _("White")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class AgeBand(models.TextChoices):
    UNDER_30 = "under_30", _("Under 30")
    FROM_30 = "30_39", _("30 to 39")
    FROM_40 = "40_49", _("40 to 49")
    FROM_50 = "50_59", _("50 to 59")
    FROM_60 = "60_plus", _("60 or older")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


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

    def with_email(self, address: str) -> "PersonQuerySet":
        """The people with this email address, in any letter case: an equality on the keyed hash
        column (indexed), as the address itself is stored encrypted. A blank address finds no one."""
        hashes = Person.email_hash_field().hash_candidates(address)
        return self.filter(email_hash__in=hashes) if hashes else self.none()

    def update(self, **kwargs: Any) -> int:
        """An update that sets the email sets its keyed hash too."""
        if "email" in kwargs and "email_hash" not in kwargs:
            if hasattr(kwargs["email"], "resolve_expression"):
                raise ValueError("Set a person's email with a value, not an expression: its hash is derived from it.")
            kwargs["email_hash"] = Person.email_hash_field().hash_of(kwargs["email"])
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Iterable[str], batch_size: int | None = None) -> int:
        """A bulk update of the email updates its keyed hash too."""
        fields = list(fields)
        if "email" in fields and "email_hash" not in fields:
            objs = list(objs)
            field = Person.email_hash_field()
            for person in objs:
                person.email_hash = field.hash_of(person.email)
            fields = [*fields, "email_hash"]
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs: Iterable["Person"], *args: Any, **kwargs: Any) -> list["Person"]:
        """A bulk write derives each new person's program from their site too (as `save` does)."""
        from peersupport.program.models import program_id_for_site, site_mapping

        objs = list(objs)
        if any(person.program_id is None for person in objs):
            mapping = site_mapping()
            for person in objs:
                if person.program_id is None:
                    person.program_id = program_id_for_site(person.site, mapping)
        return super().bulk_create(objs, *args, **kwargs)

    def referable(self, served_role_types: list[str]) -> "PersonQuerySet":
        """Who a referral may name, and all the referral form may show: active people in a
        role the program serves."""
        return self.filter(active=True, role_type__in=served_role_types)

    def referable_in_their_program(self) -> "PersonQuerySet":
        """Who a referral may name across the installation: active people in a role their own
        program serves (each program's settings; one query reads them all)."""
        from peersupport.program.models import served_roles_by_program  # the program app reads the roster

        condition = models.Q(pk__in=[])
        for program_id, roles in served_roles_by_program().items():
            condition |= models.Q(program_id=program_id, role_type__in=roles)
        return self.filter(condition, active=True)


class Person(models.Model):
    """Anyone on the roster: a clinician the program may serve, and possibly a supporter."""

    # The employee id and the name stay in plain text: the type-ahead searches their prefixes
    # (indexes of migrations 0002 to 0004), and the employee id is the HR system's key, not a way
    # to reach the person. Their contact details are encrypted (peersupport.lib.fields), and the
    # email is found again by its keyed hash (`with_email`).
    employee_id = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    email = EncryptedEmailField(max_length=254, blank=True)
    email_hash = LookupHashField(source="email", normalizer="address")
    phone = EncryptedCharField(max_length=40, blank=True)
    role_type = models.CharField(max_length=20, choices=RoleType.choices, default=RoleType.PHYSICIAN)
    specialty = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(default=3)
    interventional = models.BooleanField(default=False)
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supervisees"
    )
    site = models.CharField(max_length=100, blank=True)
    # The program of the person's site (`program.ProgramSite`, else the default program): derived
    # whenever the person is saved or imported, or the sites' mapping changes; never set by hand.
    program = models.ForeignKey("program.Program", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="people")
    # Self-identified (see Gender); the matching also reads it for a peer's wish about their supporter.
    gender = models.CharField(max_length=40, blank=True, choices=Gender.choices)
    # Self-identified: a list of RaceEthnicity values in the table's order, empty if not given.
    race_ethnicity = models.JSONField(default=list, blank=True)
    age_band = models.CharField(max_length=20, blank=True, choices=AgeBand.choices)
    # The language the program writes to them in (emails, texts) and their pages follow once signed
    # in: peersupport.lib.i18n.language_of.
    # The database's own default too, so a row written without it (an older migration's model, a
    # raw insert) is in English rather than refused.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en", db_default="en")
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
            # A program's roster, in name order.
            models.Index(fields=["program", "name"], name="person_program_name_idx"),
            # A program's sites and how many people each has (program.services.own_sites).
            models.Index(fields=["program", "site"], name="person_program_site_idx"),
            # Person.objects.with_email: an equality on the keyed hash of the address.
            models.Index(fields=["email_hash"], name="person_email_hash_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=5), name="person_rank_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # pre_save derives the hash, but only for the fields saved: an email saved alone takes it along.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields and "email_hash" not in update_fields:
            kwargs["update_fields"] = update_fields = [*update_fields, "email_hash"]
        if update_fields is None or "site" in update_fields:
            from peersupport.program.models import program_id_for_site  # the program app reads the roster's

            self.program_id = program_id_for_site(self.site)
            if update_fields is not None and "program" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "program"]
        super().save(*args, **kwargs)

    @classmethod
    def email_hash_field(cls) -> LookupHashField:
        field = cls._meta.get_field("email_hash")
        if not isinstance(field, LookupHashField):  # pragma: no cover - the model says so
            raise TypeError("Person.email_hash is a LookupHashField.")
        return field

    def race_ethnicity_display(self) -> str:
        labels = dict(RaceEthnicity.choices)
        return ", ".join(str(labels.get(value, value)) for value in self.race_ethnicity or ())


class SupporterStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    IN_TRAINING = "in_training", _("In training")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    RETIRED = "retired", _("Retired")


class Experience(models.TextChoices):
    MEDICAL_ERROR = "medical_error", _("Medical error")
    ADVERSE_OUTCOME = "adverse_outcome", _("Adverse outcome")
    PATIENT_DEATH = "patient_death", _("Patient death")
    PATIENT_AGGRESSION = "patient_aggression", _("Patient aggression")
    LITIGATION = "litigation", _("Litigation")
    OTHER = "other", _("Other")


class NotifyBy(models.TextChoices):
    """How a supporter is told of a new peer; they choose it on their own page."""

    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")
    BOTH = "both", _("Email and text message")


class SupporterQuerySet(models.QuerySet["Supporter"]):
    def with_open_cases(self) -> "SupporterQuerySet":
        from peersupport.cases.models import HOLDING_STATES

        return self.annotate(
            open_case_count=Count("cases", filter=Q(cases__state__in=HOLDING_STATES)),
            # Cases of another program they hold as a shared supporter: their own program sees this
            # count only, never which cases (the case gate answers its staff 404 on them).
            outside_case_count=Count("cases", filter=Q(cases__state__in=HOLDING_STATES)
                                     & ~Q(cases__program_id=F("person__program_id"))),
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
    # How they are told of a new peer. A text goes to the phone on their roster entry; without a
    # number that can take texts, they are told by email (`peersupport.notifications.assignment`).
    notify_by = models.CharField(max_length=10, choices=NotifyBy.choices, default=NotifyBy.EMAIL)
    # The supporter agrees to be suggested to other programs of the installation (their own program
    # is their person's). Kept for cross-program matching; suggestions read only their own program.
    shared_across_programs = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Supporter {self.person}"

    def case_limit(self, default: int) -> int:
        return self.capacity if self.capacity is not None else default


# Roster import from an HR export (peersupport/roster/imports.py) -----------------------------

class ImportMapping(models.Model):
    """A remembered column mapping: which column of an HR export holds which roster field.

    `columns` maps a roster field (`employee_id`, `name`, `email`, ...) to a column heading of the
    file. The web offers the one used last; the command takes one by name (`--mapping NAME`)."""

    name = models.CharField(max_length=100, unique=True)
    columns = models.JSONField(default=dict)
    last_used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for its column mapping")
    PREVIEWING = "previewing", _("Checking the file")
    PREVIEWED = "previewed", _("Checked: ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")


RUNNING_IMPORT_STATES = (ImportStatus.PREVIEWING, ImportStatus.IMPORTING)
# The worker writes its progress every 5,000 rows, and the write of 100,000 rows takes well under
# a minute: this long without a word means it was stopped.
IMPORT_STALLED_AFTER = timedelta(minutes=10)


class RosterImportQuerySet(models.QuerySet["RosterImport"]):
    def recent(self) -> "RosterImportQuerySet":
        """The latest imports for the roster's import page: never the files themselves."""
        return self.defer("content", "problems", "summary", "headers", "columns").select_related(
            "created_by").order_by("-created_at", "-pk")


class RosterImport(models.Model):
    """One HR file on its way to the roster: uploaded, mapped, previewed (a dry run), imported.

    The file itself is kept here (`content`) so the worker can read it; progress and the
    preview's findings are written to this row, which the import's page polls."""

    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    # The program whose roster the file writes (its uploader's): its rows may name that program's
    # people and sites only, and only its staff see the import. Blank: the whole installation's.
    program = models.ForeignKey("program.Program", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    headers = models.JSONField(default=list)
    columns = models.JSONField(default=dict)  # roster field -> column heading
    mapping_name = models.CharField(max_length=100, blank=True)
    deactivate_missing = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    # What the worker is doing now, in words ("Checking rows", "Writing to the roster"), and how far.
    stage = models.CharField(max_length=100, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    # The dry run's findings: {"added", "changed", "unchanged", "deactivated", "changed_fields": {...},
    # "problem_count", ...} and the first problems, each {"row", "column", "message"}.
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RosterImportQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["-created_at"], name="roster_import_recent"),
                   models.Index(fields=["program", "-created_at"], name="roster_import_program_recent")]

    def __str__(self) -> str:
        return f"Roster import {self.pk} ({self.filename})"

    @property
    def running(self) -> bool:
        return self.status in RUNNING_IMPORT_STATES

    @property
    def stalled(self) -> bool:
        """Running, but not a word from the worker for a long while: it was stopped (its
        transaction, if any, rolled back). The file may be checked again."""
        return self.running and self.updated_at < timezone.now() - IMPORT_STALLED_AFTER
