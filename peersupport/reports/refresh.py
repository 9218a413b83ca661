"""Bringing the reports' suppression up to date outside the requests.

A page works a year of a family out at once while the year is small. A large year (more nonzero
counts than `layout.INLINE_FACTS`: a health system's current year can take minutes) is shown as
its latest worked-out state while `manage.py refresh_reports --loop 60` works out the new one in
its own process, so neither a page nor the task worker that sends mail waits on it.
"""

import time
from dataclasses import dataclass, field

from peersupport.reports.periods import Period
from peersupport.reports.tables import FAMILIES, TABLES, DatabaseStore, family_joint, program_thresholds


@dataclass
class Refreshed:
    years: dict[str, list[Period]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return sum(len(years) for years in self.years.values())


def reports_refresh() -> Refreshed:
    """Work out every family's years whose live counts are not worked out yet."""
    started = time.monotonic()
    thresholds = program_thresholds()
    store = DatabaseStore()
    refreshed = Refreshed()
    for family in FAMILIES.values():
        table = next(t for t in TABLES.values() if t.family == family.name)
        facts = family.facts()
        if not facts:
            continue
        joint = family_joint(table, facts, [], thresholds)
        stale = joint.stale_years(store)
        if stale:
            joint.states(store, at_once=True)
            refreshed.years[family.name] = stale
    refreshed.seconds = time.monotonic() - started
    return refreshed
