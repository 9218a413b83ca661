"""What the reports pages show: the periods on offer, and each table beside the previous period."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Min
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.referrals.models import Referral
from peersupport.reports.charts import Chart, bar_chart
from peersupport.reports.periods import Kind, Period, month_of
from peersupport.reports.tables import TABLES, Result, table_results


@dataclass(frozen=True)
class Section:
    current: Result
    previous: Result
    chart: Chart


def first_data_year() -> int:
    today = timezone.localdate()
    firsts = [Case.objects.aggregate(first=Min("created_at"))["first"],
              Referral.objects.aggregate(first=Min("received_at"))["first"]]
    years = [timezone.localtime(first).year for first in firsts if first is not None]
    return min(years, default=today.year)


def periods_offered() -> list[Period]:
    """Every year, quarter and month from the first with data to now, the latest first."""
    today = timezone.localdate()
    this_month = month_of(today)
    offered: list[Period] = []
    for year in range(today.year, first_data_year() - 1, -1):
        offered.append(Period(date(year, 1, 1), Kind.YEAR))
        for quarter in range(4, 0, -1):
            q = Period(date(year, quarter * 3 - 2, 1), Kind.QUARTER)
            if q.start <= this_month.start:
                offered.append(q)
        for month in range(12, 0, -1):
            m = Period(date(year, month, 1), Kind.MONTH)
            if m.start <= this_month.start:
                offered.append(m)
    return offered


def default_period() -> Period:
    return Period(date(timezone.localdate().year, 1, 1), Kind.YEAR)


def report_sections(period: Period) -> list[Section]:
    sections = []
    for table in TABLES.values():
        current, previous = table_results(table, [period, period.previous()])
        sections.append(Section(current=current, previous=previous, chart=bar_chart(current, previous)))
    return sections
