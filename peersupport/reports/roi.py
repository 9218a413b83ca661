"""Return on investment by the RISE method (Moran et al., J Patient Saf 2020): plain arithmetic.

Savings are the clinicians supported in the period (peers who accepted support) times a
published saving per person; the cost is the supporters' hours of conversation and the
director's time, each valued at an hourly cost, and the program's other costs (training, a
coordinator, materials) as a yearly sum counted for the period's weeks. Only published figures go in: a figure the
reports hide ("<11") is None here, and the estimate then says there are too few to estimate,
since an estimate worked out from a hidden count would give the count away.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

WEEKS_A_YEAR = 52


@dataclass(frozen=True)
class RoiInput:
    # From the suppressed report tables: None when hidden.
    supported: int | None
    minutes: int | None
    referrals: int | None
    weeks: float  # the period's length in weeks
    saving_per_clinician: int
    supporter_hourly_cost: int
    director_hourly_cost: int
    # The planner's assumptions of the director's time.
    director_base_hours_week: float
    director_minutes_per_referral: float
    # Training, coordinator, materials: a year's worth, counted for the period's weeks.
    other_costs_per_year: int = 0


@dataclass(frozen=True)
class RoiEstimate:
    savings: int
    supporter_hours: float
    supporter_cost: int
    director_hours: float
    director_cost: int
    other_cost: int = 0

    @property
    def cost(self) -> int:
        return self.supporter_cost + self.director_cost + self.other_cost

    @property
    def net(self) -> int:
        return self.savings - self.cost

    @property
    def ratio(self) -> float | None:
        """Dollars saved per dollar spent; None when nothing was spent."""
        return self.savings / self.cost if self.cost else None


@dataclass(frozen=True)
class Roi:
    data: RoiInput
    estimate: RoiEstimate | None
    # Why there is no estimate: the figures there are too few of ("" when there is one).
    too_few: str


# The figures an estimate needs, as the reason for none names them.
MISSING = {"supported": gettext_lazy("the clinicians supported"), "minutes": gettext_lazy("the conversation minutes"),
           "referrals": gettext_lazy("the referrals")}


def rise_roi(data: RoiInput) -> Roi:
    """The estimate, or (with a figure hidden) the reason for none, in the active language."""
    supported, minutes, referrals = data.supported, data.minutes, data.referrals
    if supported is None or minutes is None or referrals is None:
        missing = [str(name) for name, value in ((MISSING["supported"], supported), (MISSING["minutes"], minutes),
                                                 (MISSING["referrals"], referrals)) if value is None]
        return Roi(data, None, gettext("Too few to estimate: %(figures)s in the period are hidden in the reports (a "
                                       "small count, or one that would reveal a small count).")
                   % {"figures": gettext(" and ").join(missing)})
    supporter_hours = minutes / 60
    director_hours = data.director_base_hours_week * data.weeks + referrals * data.director_minutes_per_referral / 60
    return Roi(data, RoiEstimate(
        savings=supported * data.saving_per_clinician,
        supporter_hours=supporter_hours,
        supporter_cost=round(supporter_hours * data.supporter_hourly_cost),
        director_hours=director_hours,
        director_cost=round(director_hours * data.director_hourly_cost),
        other_cost=round(data.other_costs_per_year * min(data.weeks, WEEKS_A_YEAR) / WEEKS_A_YEAR),
    ), "")
