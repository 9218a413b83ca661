"""Calendar periods: a month, a quarter or a year. Reports cover these only.

A fixed hierarchy (a year is its quarters, a quarter its months) keeps the set of figures anyone
can request small and known, which is what lets suppression check every way of combining them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Kind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
EXAMPLE = "from=2025-04-01&to=2025-06-30 (a quarter), a month such as 2025-04-01 to 2025-04-30, or a year"


class PeriodError(ValueError):
    """A from/to pair that is not exactly one month, quarter or year."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    kind: Kind

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        return self.next().start - timedelta(days=1)

    @property
    def length(self) -> int:
        return {Kind.MONTH: 1, Kind.QUARTER: 3, Kind.YEAR: 12}[self.kind]

    def next(self) -> "Period":
        return Period(_add_months(self.start, self.length), self.kind)

    def previous(self) -> "Period":
        return Period(_add_months(self.start, -self.length), self.kind)

    def months(self) -> list["Period"]:
        return [Period(_add_months(self.start, k), Kind.MONTH) for k in range(self.length)]

    def quarter(self) -> "Period":
        return Period(self.start.replace(month=(self.start.month - 1) // 3 * 3 + 1), Kind.QUARTER)

    def year(self) -> "Period":
        return Period(self.start.replace(month=1), Kind.YEAR)

    @property
    def label(self) -> str:
        if self.kind == Kind.MONTH:
            return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        if self.kind == Kind.QUARTER:
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        return str(self.start.year)

    @property
    def short_label(self) -> str:
        if self.kind == Kind.MONTH:
            return f"{MONTH_NAMES[self.start.month - 1][:3]} {self.start.year}"
        return self.label

    @property
    def slug(self) -> str:
        """The value of the pages' period filter: 2025-04 (month), 2025-Q2, 2025."""
        if self.kind == Kind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == Kind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_of(day: date) -> Period:
    return Period(day.replace(day=1), Kind.MONTH)


def period_between(start: date, end: date) -> Period:
    """The calendar period that is exactly start..end (inclusive), or PeriodError."""
    if start.day == 1:
        for kind in (Kind.MONTH, Kind.QUARTER, Kind.YEAR):
            candidate = Period(start, kind)
            aligned = kind == Kind.MONTH or candidate.start == (
                candidate.quarter().start if kind == Kind.QUARTER else candidate.year().start
            )
            if aligned and candidate.end == end:
                return candidate
    raise PeriodError(
        "from and to must be exactly one calendar month, quarter or year, for example " + EXAMPLE + "."
    )


def parse_slug(value: str) -> Period:
    """2025-04, 2025-Q2 or 2025; PeriodError otherwise."""
    try:
        if "-Q" in value:
            year, quarter = value.split("-Q")
            q = int(quarter)
            if not 1 <= q <= 4:
                raise ValueError
            return Period(date(int(year), (q - 1) * 3 + 1, 1), Kind.QUARTER)
        if "-" in value:
            year, month = value.split("-")
            return Period(date(int(year), int(month), 1), Kind.MONTH)
        return Period(date(int(value), 1, 1), Kind.YEAR)
    except ValueError as error:
        raise PeriodError("Choose a month (2025-04), a quarter (2025-Q2) or a year (2025).") from error


def month_range(first: Period, last: Period) -> list[Period]:
    """Every month from first's to last's, inclusive."""
    months = []
    current = Period(first.start, Kind.MONTH)
    while current.start <= last.start:
        months.append(current)
        current = current.next()
    return months


def periods_covering(months: Iterable[Period]) -> list[Period]:
    """Every month, quarter and year that contains one of the months, each once, in order."""
    found: set[Period] = set()
    for month in months:
        found |= {month, month.quarter(), month.year()}
    return sorted(found)
