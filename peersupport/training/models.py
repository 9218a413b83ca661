"""Training: the courses a supporter takes, who attended which session, and what they thought.

A supporter becomes active only once an initial training is recorded for them (an `Attendance`
of an initial course's session, marked complete). Their refresher falls due a set number of
months after their latest completed training of any kind. Evaluations carry no person: they are
counted per session and course, never shown one by one.
"""

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from peersupport.program.models import Program

UNKNOWN_DUE_DATE = date(1900, 1, 1)


class CourseKind(models.TextChoices):
    INITIAL = "initial", _("Initial training")
    REFRESHER = "refresher", _("Refresher")


class Course(models.Model):
    """A course one program runs; its sessions (and their attendance and evaluations) are that
    program's through it."""

    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="courses")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=CourseKind.choices)
    summary = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-active", "kind", "name"]
        indexes = [models.Index(fields=["program", "kind"], name="course_program_kind_idx")]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=180)
    place = models.CharField(max_length=200)
    # Program staff or supporters who lead it: people on the roster.
    facilitators = models.ManyToManyField("roster.Person", blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["course", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.course} on {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def has_begun(self) -> bool:
        return self.starts_at <= timezone.now()


class Attendance(models.Model):
    """One person's attendance of a session, or (legacy) an initial training taken before the
    program kept records, dated by the supporter's `trained_on`.

    `kind` and `trained_on` repeat the session's course kind and date so that "latest completed
    training" is one indexed aggregate over this table."""

    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="attendance")
    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(max_length=20, choices=CourseKind.choices)
    trained_on = models.DateField()
    completed = models.BooleanField(default=True)
    legacy = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-trained_on", "pk"]
        indexes = [models.Index(fields=["person", "completed", "kind", "trained_on"])]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_session"),
            models.CheckConstraint(condition=Q(session__isnull=False) | Q(legacy=True),
                                   name="attendance_has_session_unless_legacy"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of person {self.person_id} on {self.trained_on}"


class Material(models.Model):
    """Something to read or watch for one program's training: a title and a link or a short
    description, for one of its courses or for all of them."""

    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="training_materials")
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=160)
    url = models.URLField(blank=True, max_length=500)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(description=""), name="material_has_link_or_description"),
        ]

    def __str__(self) -> str:
        return self.title


class Usefulness(models.IntegerChoices):
    NOT_AT_ALL = 1, _("1 – not useful")
    A_LITTLE = 2, "2"
    SOMEWHAT = 3, "3"
    QUITE = 4, "4"
    VERY = 5, _("5 – very useful")


class Agreement(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, _("Strongly disagree")
    DISAGREE = 2, _("Disagree")
    NEUTRAL = 3, _("Neither agree nor disagree")
    AGREE = 4, _("Agree")
    STRONGLY_AGREE = 5, _("Strongly agree")


class Pace(models.TextChoices):
    TOO_SLOW = "too_slow", _("Too slow")
    RIGHT = "right", _("About right")
    TOO_FAST = "too_fast", _("Too fast")


class Evaluation(models.Model):
    """One attendee's answers about one session. Deliberately without the person: the personal
    link that opened it is used up, and nothing ties the answers back to who gave them."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="evaluations")
    usefulness = models.PositiveSmallIntegerField(choices=Usefulness.choices)
    readiness = models.PositiveSmallIntegerField(choices=Agreement.choices)
    pace = models.CharField(max_length=10, choices=Pace.choices)
    # The day only: a minute would let someone match answers with who opened their link when.
    answered_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(usefulness__gte=1, usefulness__lte=5), name="evaluation_usefulness_1_5"),
            models.CheckConstraint(condition=Q(readiness__gte=1, readiness__lte=5), name="evaluation_readiness_1_5"),
        ]

    def __str__(self) -> str:
        return f"Evaluation of session {self.session_id}"


class TrainingSettings(models.Model):
    """A program's training rules; one row per program, changed by its director."""

    program = models.OneToOneField("program.Program", on_delete=models.CASCADE, related_name="training_settings")
    refresher_months = models.PositiveSmallIntegerField(default=12)
    # How long before the due date the supporter is told that a refresher is coming.
    notice_days = models.PositiveSmallIntegerField(default=30)
    pause_when_overdue = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "training settings"

    def __str__(self) -> str:
        return "Training settings"

    @classmethod
    def for_program(cls, program: "Program | int | None") -> "TrainingSettings":
        """This program's rules, or the defaults until its director first saves them (reading
        writes nothing); with no program, the default program's."""
        from peersupport.program.models import Program  # the program app reads the roster, which reads training

        if program is None:
            program = Program.default()
        program_id = program if isinstance(program, int) else program.pk
        return cls.objects.filter(program_id=program_id).first() or cls(program_id=program_id)

    @classmethod
    def current(cls) -> "TrainingSettings":
        """The default program's rules: for what no single program implies. Prefer `for_program`."""
        return cls.objects.filter(program__is_default=True).first() or cls.for_program(None)


class RefresherNotice(models.Model):
    """An email sent about one due date of a person's refresher: once each, whoever runs the job."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Refresher due soon")
        OVERDUE = "overdue", _("Refresher overdue")

    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # UNKNOWN_DUE_DATE when no training date is known at all (an active supporter from before
    # records were kept): a date, so that the unique constraint holds on every database.
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "due_on"], name="refresher_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} notice for person {self.person_id}"


class RefresherPause(models.Model):
    """A supporter the reminders job paused for an overdue refresher (if the program chose so).

    Kept after the director resumes them by hand, so the job does not pause them again for the
    same due date; removed when a refresher is recorded, which also resumes them."""

    supporter = models.OneToOneField("roster.Supporter", on_delete=models.CASCADE, related_name="refresher_pause")
    due_on = models.DateField(null=True, blank=True)
    paused_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Refresher pause of supporter {self.supporter_id}"
