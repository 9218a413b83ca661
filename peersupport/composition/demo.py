"""The demo's part of a diverse team: people's own answers about themselves, and the director's
protected time, an absence to come and a deputy for it."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.program.staff import StaffInput, program_staff_update
from peersupport.roster.models import PREFER_NOT_TO_SAY, AgeBand, Person, RaceEthnicity

# Of the staff, about this share answered "About me" (or told HR); the rest left it blank.
ANSWERED = 0.65
# Roughly a US hospital's staff; a few people give two categories.
RACE_WEIGHTS: dict[str, float] = {
    RaceEthnicity.WHITE: 50, RaceEthnicity.ASIAN: 16, RaceEthnicity.BLACK: 13, RaceEthnicity.HISPANIC_LATINO: 12,
    RaceEthnicity.MIDDLE_EASTERN_NORTH_AFRICAN: 3, RaceEthnicity.AMERICAN_INDIAN_ALASKA_NATIVE: 1,
    RaceEthnicity.NATIVE_HAWAIIAN_PACIFIC_ISLANDER: 1, PREFER_NOT_TO_SAY: 4,
}
AGE_WEIGHTS: dict[str, float] = {
    AgeBand.UNDER_30: 18, AgeBand.FROM_30: 30, AgeBand.FROM_40: 24, AgeBand.FROM_50: 17, AgeBand.FROM_60: 8,
    PREFER_NOT_TO_SAY: 3,
}


def _race(rng: random.Random) -> list[str]:
    first = rng.choices(list(RACE_WEIGHTS), weights=list(RACE_WEIGHTS.values()))[0]
    if first == PREFER_NOT_TO_SAY or rng.random() > 0.06:
        return [first]
    second = rng.choice([value for value in RaceEthnicity.values if value not in (first, PREFER_NOT_TO_SAY)])
    return [value for value in RaceEthnicity.values if value in (first, second)]


def demo_composition(*, seed: int, director: User, deputy: User, now: datetime | None = None) -> None:
    rng = random.Random(f"{seed}:composition")  # its own draws: the rest of the demo stays as it was  # nosec B311
    people = list(Person.objects.order_by("pk").only("pk", "race_ethnicity", "age_band"))
    for person in people:
        if rng.random() < ANSWERED:
            person.race_ethnicity = _race(rng)
            person.age_band = rng.choices(list(AGE_WEIGHTS), weights=list(AGE_WEIGHTS.values()))[0]
    # The demo's own history, written at once (no one's page was used); the matching reads neither field.
    Person.objects.bulk_update(people, ["race_ethnicity", "age_band"], batch_size=500)
    today = timezone.localdate(now)
    program_staff_update(actor=director, data=StaffInput(
        protected_time_percent=15, away_from=today + timedelta(days=12), away_until=today + timedelta(days=18),
        deputy_id=deputy.pk))
