from django.db import models

from peersupport.planner.plan import Assumptions
from peersupport.roster.models import RoleType

# Referrals per 100 clinicians a year, by role, until the program has a year of its own. Johns
# Hopkins RISE had 119 calls from about 500 staff in its first 52 months (EVIDENCE.md): about 5.5
# per 100 a year, for a program people had to call themselves. A program that reaches out to
# every clinician involved in an event will see more; the director tunes these to the hospital.
DEFAULT_RATE = 5.5
DEFAULT_RATES: dict[str, float] = {role: DEFAULT_RATE for role in RoleType.values}
# "Usually one, sometimes two" conversations per event (PRODUCT.md).
DEFAULT_ENCOUNTERS_PER_CASE = 1.5
# Kaiser Permanente's supporters' interactions had a median of 60 minutes (EVIDENCE.md).
DEFAULT_MINUTES_PER_ENCOUNTER = 60
# From assignment to close: first outreach, one or two conversations, a follow-up.
DEFAULT_CASE_DAYS = 21
# Supporters pause, take leave and travel: about one in five is unavailable on a given day.
DEFAULT_AVAILABLE_PERCENT = 80
# Team meetings, supporters' questions, the program's own reports.
DEFAULT_DIRECTOR_BASE_HOURS_WEEK = 2.0
# Reading a referral, choosing and assigning a supporter, watching the case's due times.
DEFAULT_DIRECTOR_MINUTES_PER_REFERRAL = 20


def default_rates() -> dict[str, float]:
    return dict(DEFAULT_RATES)


class PlannerSettings(models.Model):
    """A program's planner assumptions; one row per program, edited by its director."""

    program = models.OneToOneField("program.Program", on_delete=models.CASCADE, related_name="planner_settings")
    rates = models.JSONField(default=default_rates)
    encounters_per_case = models.FloatField(default=DEFAULT_ENCOUNTERS_PER_CASE)
    minutes_per_encounter = models.PositiveSmallIntegerField(default=DEFAULT_MINUTES_PER_ENCOUNTER)
    case_days = models.PositiveSmallIntegerField(default=DEFAULT_CASE_DAYS)
    available_percent = models.PositiveSmallIntegerField(default=DEFAULT_AVAILABLE_PERCENT)
    director_base_hours_week = models.FloatField(default=DEFAULT_DIRECTOR_BASE_HOURS_WEEK)
    director_minutes_per_referral = models.PositiveSmallIntegerField(default=DEFAULT_DIRECTOR_MINUTES_PER_REFERRAL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "planner settings"

    def __str__(self) -> str:
        return "Planner settings"

    @classmethod
    def for_program(cls, program_id: int) -> "PlannerSettings":
        """The program's assumptions (made with the defaults on first use)."""
        settings, _ = cls.objects.get_or_create(program_id=program_id)
        return settings

    def effective_rates(self) -> dict[str, float]:
        rates = default_rates()
        rates.update({k: float(v) for k, v in (self.rates or {}).items() if k in rates})
        return rates

    def assumptions(self) -> Assumptions:
        return Assumptions(
            rates=self.effective_rates(),
            encounters_per_case=self.encounters_per_case,
            minutes_per_encounter=self.minutes_per_encounter,
            case_days=self.case_days,
            available_percent=self.available_percent,
            director_base_hours_week=self.director_base_hours_week,
            director_minutes_per_referral=self.director_minutes_per_referral,
        )
