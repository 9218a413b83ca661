"""Referrals and clinicians reached month by month: the year of the period shown, as a chart.

Each month's figures are the "Total" row of `referrals_by_category` for that month: figures the
table publishes anyway (every month is one of the periods its suppression covers), so a month
whose count is hidden there is hidden here too. Months still to come are left out.
"""

from dataclasses import dataclass

from django.utils import timezone

from peersupport.reports.charts import BAR_AREA, BAR_HEIGHT, GROUP_GAP, LABEL_WIDTH, Bar, Chart, Group
from peersupport.reports.periods import Period, month_of
from peersupport.reports.tables import TABLES, table_results

TABLE = "referrals_by_category"
SERIES = ("referrals", "reached")


@dataclass(frozen=True)
class Trend:
    year: Period
    chart: Chart
    months: list[tuple[Period, list[int | str]]]


def trend(period: Period, program: int | None = None) -> Trend:
    table = TABLES[TABLE]
    year = period.year()
    this_month = month_of(timezone.localdate())
    months = [m for m in year.months() if m.start <= this_month.start]
    results = table_results(table, months, program) if months else []
    columns = [result.columns.index(name) for name in SERIES for result in results[:1]]
    rows = [(result.period, [result.total.values[c] for c in columns]) for result in results]
    numbers = [v for _, values in rows for v in values if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    groups: list[Group] = []
    y = 8
    for month, values in rows:
        bars = []
        for index, value in enumerate(values):
            width = round(BAR_AREA * value / top) if isinstance(value, int) else 0
            text = str(value) if isinstance(value, int) else f"{value} (hidden)"
            bars.append(Bar(y=y, width=width, text=text, text_x=LABEL_WIDTH + width + 6, current=index == 0))
            y += BAR_HEIGHT + 2
        groups.append(Group(label=month.short_label, label_y=y - BAR_HEIGHT - 4, bars=bars))
        y += GROUP_GAP
    description = "; ".join(f"{g.label}: {g.bars[0].text} referrals, {g.bars[1].text} clinicians reached"
                            for g in groups)
    chart = Chart(
        title=f"Referrals and clinicians reached, month by month, {year.label}",
        description=(description or "No month of this year has begun yet") + ".",
        height=y, label_width=LABEL_WIDTH, groups=groups,
    )
    return Trend(year=year, chart=chart, months=rows)
