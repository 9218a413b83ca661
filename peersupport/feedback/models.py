"""What peers tell the program, anonymously, after their case closes.

An answer holds the month it was given, the event's category, the program (hospital) whose case it
was and the choices made: no case, no person, no link, no exact time. Its key is random (not a
counter), so the order in which answers arrived, which the time a link was used would give away,
cannot be read from the keys either.
"""

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from peersupport.referrals.models import Category
from peersupport.resources.models import ResourceCategory


class Timely(models.TextChoices):
    RIGHT_TIME = "right_time", _("Yes, at about the right time")
    TOO_LATE = "too_late", _("No, it came too late")
    TOO_SOON = "too_soon", _("No, it came too soon")


class Helped(models.TextChoices):
    YES = "yes", _("Yes")
    A_LITTLE = "a_little", _("A little")
    NO = "no", _("Not really")


# "Said it helped", in the headline figure: a clear yes or a little.
HELPED = (Helped.YES, Helped.A_LITTLE)


class Recommend(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class FeedbackAnswer(models.Model):
    """One peer's answers to the feedback questions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The program of the closed case (its hospital, as many peers share it as its cases): whose
    # reports count the answer. Carried by the feedback link, never the case itself.
    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="+")
    # The first day of the month the answer was given; never the day or the time.
    month = models.DateField()
    category = models.CharField(max_length=30, choices=Category.choices)
    timely = models.CharField(max_length=20, choices=Timely.choices)
    helped = models.CharField(max_length=20, choices=Helped.choices)
    recommend = models.CharField(max_length=20, choices=Recommend.choices)

    class Meta:
        indexes = [models.Index(fields=["month"]),
                   # A program's answers of a period (the report).
                   models.Index(fields=["program", "month"], name="feedback_program_month_idx")]

    def __str__(self) -> str:
        return f"Feedback from {self.month:%B %Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.program_id is None:
            # An answer with no program named is the default program's (one-program installations).
            from peersupport.program.models import Program  # the program app reads the roster, not feedback

            self.program_id = Program.default().pk
        super().save(*args, **kwargs)


class UsefulResource(models.Model):
    """A kind of resource the peer found useful; an answer with none of these said "none"."""

    # Random too: a counter here would number the answers in the order they came.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    answer = models.ForeignKey(FeedbackAnswer, on_delete=models.CASCADE, related_name="useful")
    category = models.CharField(max_length=30, choices=ResourceCategory.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "category"], name="one_mark_per_resource_kind"),
        ]

    def __str__(self) -> str:
        return f"Found {self.category} useful"
