"""The demo's planner: the director has set the assumptions for a program that reaches out to
everyone involved in an event (more referrals than RISE's, which waited for calls), so that
planning the move to nurses shows the team it would need and where to find it."""

from peersupport.accounts.models import User
from peersupport.planner.models import PlannerSettings
from peersupport.planner.services import PlannerSettingsInput, planner_settings_update
from peersupport.roster.models import RoleType

DEMO_RATES: dict[str, float] = {
    RoleType.PHYSICIAN: 12.0, RoleType.RESIDENT: 10.0, RoleType.FELLOW: 10.0, RoleType.APP: 9.0,
    RoleType.NURSE: 14.0, RoleType.PHARMACIST: 6.0, RoleType.THERAPIST: 6.0, RoleType.OTHER: 5.5,
}


def demo_planner(*, director: User) -> None:
    settings = PlannerSettings.for_program(director.program_pk)
    planner_settings_update(actor=director, data=PlannerSettingsInput(
        rates=DEMO_RATES, encounters_per_case=1.5, minutes_per_encounter=settings.minutes_per_encounter,
        case_days=30, available_percent=settings.available_percent,
        director_base_hours_week=settings.director_base_hours_week,
        director_minutes_per_referral=settings.director_minutes_per_referral))
