"""Calendar periods: a month, a quarter or a year. Reports cover these only.

A fixed hierarchy (a year is its quarters, a quarter its months) keeps the set of figures anyone
can request small and known, which is what lets suppression check every way of combining them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext


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
            # The month's name in the reader's language (Django's own catalogs name the months).
            return f"{gettext(MONTH_NAMES[self.start.month - 1])} {self.start.year}"
        if self.kind == Kind.QUARTER:
            return gettext("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1,
                                                       "year": self.start.year}
        return str(self.start.year)

    @property
    def short_label(self) -> str:
        if self.kind == Kind.MONTH:
            return f"{gettext(MONTH_NAMES[self.start.month - 1])[:3]} {self.start.year}"
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
            if aligned and within_reach(candidate).end == end:
                return candidate
    raise PeriodError(
        "from and to must be exactly one calendar month, quarter or year, for example " + EXAMPLE + "."
    )


# Reports cover the years from this one to next year: anything else is refused, not worked out
# (a far year would make the suppression span every year in between).
FIRST_YEAR = 2000


def within_reach(period: Period) -> Period:
    """The period, or PeriodError when it lies outside the years reports cover."""
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= period.start.year <= last:
        raise PeriodError(f"Reports cover {FIRST_YEAR} to {last}; choose a period in those years.")
    return period


def parse_slug(value: str) -> Period:
    """2025-04, 2025-Q2 or 2025; PeriodError otherwise."""
    period = period_from_slug(value)
    return within_reach(period)


def period_from_slug(value: str) -> Period:
    """A stored slug read back (any year); PeriodError when it is not one."""
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


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first moment and the first moment after it, in the program's time zone."""
    zone = timezone.get_default_timezone()
    return (timezone.make_aware(datetime.combine(period.start, time.min), zone),
            timezone.make_aware(datetime.combine(period.next().start, time.min), zone))
