"""What the case-for-support deck says, gathered from the program's data: plain values in, for
`deck.build_deck` to lay out.

Every figure of the program's own activity is read through the report tables' suppressed results
(`tables.table_results`, iterating over `TABLES`), and the peers' feedback through its own
suppressed report (`feedback.selectors.feedback_report`), so a hidden count is "<11" in the deck
exactly as on the reports page. The team's figures come from the team composition (its counts
suppressed the same way) and the planner; each is a few grouped queries, none per row.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_noop

from peersupport.feedback.selectors import FeedbackReport, feedback_report
from peersupport.feedback.selectors import parse_period as feedback_period
from peersupport.planner.models import PlannerSettings
from peersupport.program.models import ProgramSettings
from peersupport.reports.charts import chart_column
from peersupport.reports.deck_team import NextSteps, Team, next_steps, team_figures
from peersupport.reports.measures import MEASURES, hours_and_minutes, timing_results
from peersupport.reports.models import DeckSettings
from peersupport.reports.periods import Period
from peersupport.reports.roi import Roi, RoiInput, rise_roi
from peersupport.reports.tables import TABLES, Result, Value_, table_results

# The figures of the "at a glance" slide: (table, column, what it counts). A table another part
# of the program renames or drops is left out, not an error.
# The labels are marked here and translated where the deck lays them out.
GLANCE = [
    ("referrals_by_category", "referrals", gettext_noop("Referrals received")),
    ("referrals_by_category", "reached", gettext_noop("Clinicians the team reached out to")),
    ("outcomes_by_category", "total", gettext_noop("Clinicians offered support")),
    ("outcomes_by_category", "accepted", gettext_noop("Clinicians who accepted support")),
    ("encounters_by_category", "encounters", gettext_noop("Support conversations")),
    ("encounters_by_category", "minutes", gettext_noop("Minutes of conversation")),
    ("resources_by_category", "total", gettext_noop("Resources shared with peers")),
    ("resources_by_category", "connected", gettext_noop("Warm hand-offs to resources")),
]
SUPPORTED = ("outcomes_by_category", "accepted")
MINUTES = ("encounters_by_category", "minutes")
REFERRALS = ("referrals_by_category", "referrals")


@dataclass(frozen=True)
class TableFigures:
    current: Result
    previous: Result

    @property
    def column(self) -> int:
        return chart_column(self.current)


@dataclass(frozen=True)
class GlanceLine:
    label: str
    current: Value_
    previous: Value_


@dataclass(frozen=True)
class Feedback:
    current: FeedbackReport
    previous: FeedbackReport


@dataclass(frozen=True)
class DeckContent:
    program_name: str
    period: Period
    previous: Period
    made_on: date
    threshold: int
    tables: list[TableFigures]
    glance: list[GlanceLine]
    feedback: Feedback
    roi: Roi
    # The previous period's estimate, given when this period's figures are too few for one.
    roi_previous: Roi | None
    team: Team
    next_steps: NextSteps

    @property
    def hidden_mark(self) -> str:
        return f"<{self.threshold}"


def total_of(figures: dict[str, TableFigures], table: str, column: str, *, previous: bool = False) -> Value_ | None:
    """A table's total in one column, as published ("<11" when hidden); None without the table."""
    if table not in figures or column not in figures[table].current.columns:
        return None
    result = figures[table].previous if previous else figures[table].current
    return result.total.values[result.columns.index(column)]


def _shown(value: Value_ | None) -> int | None:
    return value if isinstance(value, int) else None


def roi_for(figures: dict[str, TableFigures], period: Period, deck: DeckSettings, planner: PlannerSettings, *,
            previous: bool = False) -> Roi:
    return rise_roi(RoiInput(
        supported=_shown(total_of(figures, *SUPPORTED, previous=previous)),
        minutes=_shown(total_of(figures, *MINUTES, previous=previous)),
        referrals=_shown(total_of(figures, *REFERRALS, previous=previous)),
        weeks=((period.end - period.start).days + 1) / 7,
        saving_per_clinician=deck.saving_per_clinician,
        supporter_hourly_cost=deck.supporter_hourly_cost,
        director_hourly_cost=deck.director_hourly_cost,
        other_costs_per_year=deck.other_costs_per_year,
        director_base_hours_week=planner.director_base_hours_week,
        director_minutes_per_referral=planner.director_minutes_per_referral,
    ))


def deck_content(period: Period, *, with_team_detail: bool, today: date | None = None,
                 program_id: int | None = None) -> DeckContent:
    """Everything the deck shows for `period` beside the one before it: the report figures of one
    program (its id; None, the default program's), at its threshold. `with_team_detail` (the
    director's deck) adds where the team cannot match and which departments to ask, as the
    planner shows the director only."""
    today = today or timezone.localdate()
    program = ProgramSettings.for_program(program_id)
    scope = program.program_id
    deck = DeckSettings.for_program(scope or 0)
    planner = PlannerSettings.for_program(scope or 0)
    previous = period.previous()
    figures: dict[str, TableFigures] = {}
    # The tables by event category (resources: by resource category): a slide each. The same
    # figures by role, department and site stay on the reports page.
    for name, table in TABLES.items():
        if table.group != "category":
            continue
        current, before = table_results(table, [period, previous], scope)
        figures[name] = TableFigures(current=current, previous=before)
    glance = [GlanceLine(label, value, total_of(figures, table, column, previous=True) or 0)
              for table, column, label in GLANCE
              for value in [total_of(figures, table, column)] if value is not None]
    glance += _timing_glance(period, previous, program.small_count_threshold, scope)
    feedback = Feedback(feedback_report(feedback_period(period.slug), scope),
                        feedback_report(feedback_period(previous.slug), scope))
    team = team_figures(program, today, with_team_detail=with_team_detail)
    referrals = total_of(figures, *REFERRALS)
    roi = roi_for(figures, period, deck, planner)
    return DeckContent(
        program_name=deck.program_name, period=period, previous=previous, made_on=today,
        threshold=program.small_count_threshold, tables=list(figures.values()), glance=glance,
        feedback=feedback, roi=roi, team=team,
        roi_previous=None if roi.estimate else roi_for(figures, previous, deck, planner, previous=True),
        next_steps=next_steps(team, period, referrals, program, with_team_detail=with_team_detail, today=today),
    )


TIMING_GLANCE = [("assignment_median_minutes", gettext_noop("Time to assignment (median)")),
                 ("outreach_median_minutes", gettext_noop("Time to first outreach (median)"))]


def _timing_glance(period: Period, previous: Period, threshold: int, program: int | None) -> list[GlanceLine]:
    """The program's median times to each step, as the reports' timing table totals them (hidden
    behind fewer cases than the threshold)."""
    current, before = timing_results(MEASURES["timing_by_category"], [period, previous], threshold, program)
    lines = []
    for column, label in TIMING_GLANCE:
        index = current.columns.index(column)
        lines.append(GlanceLine(label, hours_and_minutes(current.total.values[index]),
                                hours_and_minutes(before.total.values[index])))
    return lines
