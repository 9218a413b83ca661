from django.db import models
from django.db.models import Count, Q
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


class PersonQuerySet(models.QuerySet["Person"]):
    def search(self, text: str) -> "PersonQuerySet":
        """Type-ahead: the start of an employee id (so the whole id too) or the start of any word
        of the name, in any case.

        A search with a digit in it looks at employee ids only. On PostgreSQL each lookup runs as
        `UPPER(col::text) LIKE UPPER(...)`, and migration 0002_search_indexes indexes exactly those
        expressions: the id prefix with a btree (`text_pattern_ops`), the name with a trigram GIN
        index (pg_trgm); on SQLite (`LIKE`, case-insensitive) the id has a NOCASE index. Change the
        lookups here and the indexes with them (roster/tests/test_search_plans.py reads the plans).
        """
        text = text.strip()
        if not text:
            return self
        if any(character.isdigit() for character in text):
            # Names on a roster have no digits: this is an employee id, and its index alone answers.
            return self.filter(employee_id__istartswith=text)
        return self.filter(
            Q(employee_id__istartswith=text)
            | Q(name__istartswith=text)
            | Q(name__icontains=" " + text)
        )

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
    gender = models.CharField(max_length=40, blank=True)
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
