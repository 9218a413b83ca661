"""Reads for a program's publicity page: its checklist, and its referrals by source month by
month beside the days it was publicized. Every read names the program: another program's places,
dates and referrals are never counted.

The counts are grouped in the database (one query), then small counts are hidden in both
directions: down each source's months (whose total this page shows) and across each month's
sources (whose sum, the month's referrals, other reports show). A hidden count is never the only
one hidden in its column or its month, so no subtraction recovers it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Prefetch
from django.db.models.functions import TruncMonth
from django.utils import timezone

from peersupport.lib.suppression import Cell, is_small
from peersupport.program.models import ProgramSettings
from peersupport.publicity.models import PublicityDate, PublicityPlace
from peersupport.referrals.models import Referral, Source

# The order of the columns: the peer's own steps first, then the ways others refer.
SOURCES = [Source.SELF, Source.COLLEAGUE, Source.SAFETY_REPORT, Source.SAFETY_REPORT_OPT_IN, Source.LEADER]
MONTH_CHOICES = (6, 12, 24)
DEFAULT_MONTHS = 12


def checklist(program_id: int) -> list[PublicityPlace]:
    """Every place of the program with its dates, newest first, in two queries."""
    dates = PublicityDate.objects.order_by("-done_on", "-pk")
    return list(PublicityPlace.objects.filter(program_id=program_id)
                .prefetch_related(Prefetch("dates", queryset=dates)))


@dataclass(frozen=True)
class MonthRow:
    month: date
    cells: list[Cell]
    publicity: list[PublicityDate]


@dataclass(frozen=True)
class SourceTimeline:
    months: list[date]
    sources: list[tuple[str, str]]
    rows: list[MonthRow]
    totals: list[Cell]
    publicity: list[PublicityDate]
    threshold: int

    @property
    def empty(self) -> bool:
        return all(cell.value == 0 for cell in self.totals)


def month_starts(last: date, count: int) -> list[date]:
    """The first days of `count` months ending with the month of `last`, oldest first."""
    year, month = last.year, last.month
    starts = []
    for _ in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def suppress_grid(counts: list[list[int]], threshold: int) -> tuple[list[list[bool]], list[bool]]:
    """Which cells (rows of months, columns of sources) and which column totals to hide.

    Small counts first; then, until nothing changes, a column or a row with exactly one hidden
    count hides its next smallest shown count too. A column with nothing left to hide hides its
    total instead; a row's total is not on this page, and a row with nothing left to hide is a
    month whose only referrals are that one count, whose total other reports hide as small.
    """
    hidden = [[is_small(count, threshold) for count in row] for row in counts]
    column_totals = [sum(column) for column in zip(*counts, strict=True)] if counts else []
    total_hidden = [is_small(total, threshold) for total in column_totals]

    def hide_next(cells: list[tuple[int, int]]) -> bool:
        shown = [(counts[i][j], i, j) for i, j in cells if counts[i][j] > 0 and not hidden[i][j]]
        if not shown:
            return False
        _, i, j = min(shown)
        hidden[i][j] = True
        return True

    changed = True
    while changed:
        changed = False
        for j, column_total_hidden in enumerate(total_hidden):
            column = [(i, j) for i in range(len(counts))]
            if not column_total_hidden and sum(hidden[i][j] for i, j in column) == 1:
                if not hide_next(column):
                    total_hidden[j] = True
                changed = True
        for i, row in enumerate(counts):
            cells = [(i, j) for j in range(len(row))]
            if sum(hidden[i][j] for i, j in cells) == 1 and hide_next(cells):
                changed = True
    return hidden, total_hidden


def _cell(count: int, hidden: bool, threshold: int) -> Cell:
    return Cell(None, f"<{threshold}") if hidden else Cell(count, f"{count:,}")


def referrals_by_source(*, program_id: int, months: int = DEFAULT_MONTHS,
                        today: date | None = None) -> SourceTimeline:
    """The program's referrals (those with a case in it) by month and source, and its publicity dates."""
    today = today or timezone.localdate()
    threshold = ProgramSettings.for_program(program_id).small_count_threshold
    starts = month_starts(today, months)
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    grouped = (
        Referral.objects.filter(received_at__gte=since, cases__program_id=program_id)
        .annotate(month=TruncMonth("received_at"))
        .values("month", "source")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    found: dict[tuple[date, str], int] = {}
    for row in grouped:
        month = row["month"]
        day = timezone.localtime(month).date() if isinstance(month, datetime) and timezone.is_aware(month) else month
        key = (date(day.year, day.month, 1), row["source"])
        found[key] = found.get(key, 0) + row["count"]
    counts = [[found.get((start, source), 0) for source in SOURCES] for start in starts]
    hidden, total_hidden = suppress_grid(counts, threshold)

    publicity = list(PublicityDate.objects.filter(done_on__gte=starts[0], done_on__lte=today,
                                                  place__program_id=program_id)
                     .select_related("place").order_by("done_on", "pk"))
    by_month: dict[date, list[PublicityDate]] = {}
    for ticked in publicity:
        by_month.setdefault(ticked.done_on.replace(day=1), []).append(ticked)

    rows = [
        MonthRow(start, [_cell(count, hide, threshold) for count, hide in zip(row, hidden_row, strict=True)],
                 by_month.get(start, []))
        for start, row, hidden_row in zip(starts, counts, hidden, strict=True)
    ]
    totals = [_cell(sum(column), hide, threshold)
              for column, hide in zip(zip(*counts, strict=True), total_hidden, strict=True)]
    return SourceTimeline(months=starts, sources=[(source.value, str(source.label)) for source in SOURCES],
                          rows=rows, totals=totals, publicity=publicity, threshold=threshold)
