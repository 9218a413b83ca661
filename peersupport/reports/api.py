"""The report tables as JSON, for BI tools: the same figures and suppression as the pages."""

from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from peersupport.accounts.requests import SignedInRequest
from peersupport.api.schemas import responses
from peersupport.lib.errors import InvalidInput
from peersupport.reports.access import require_report_reader
from peersupport.reports.measures import MEASURES, Measure, measure_result
from peersupport.reports.periods import EXAMPLE, PeriodError, period_between
from peersupport.reports.scope import report_scope
from peersupport.reports.tables import TABLES, Table, table_get, table_result

router = Router(tags=["reports"])


class TableOut(Schema):
    name: str = Field(examples=["outcomes_by_category"])
    title: str
    description: str
    columns: list[str]


class RowOut(Schema):
    label: str
    values: list[int | str] = Field(
        description='Counts (and the timing tables\' minutes and whole percents) as integers; a hidden '
                    'figure is the string "<11" (the program\'s threshold).'
    )


class ReportOut(Schema):
    table: str
    program: str = Field(examples=["riverside"], description='The program\'s short name, or "all" (combined).')
    from_: date = Field(alias="from")
    to: date
    threshold: int
    columns: list[str]
    rows: list[RowOut]
    total: RowOut


class PeriodQuery(Schema):
    # Optional here so that a caller without access hears 403 first; missing is still 422.
    from_: date | None = Field(None, alias="from", description="The first day of a month, quarter or year.")
    to: date | None = Field(None, description="The last day of the same month, quarter or year.")
    program: str | None = Field(
        None, max_length=40, examples=["riverside"],
        description="Whose figures: a program's short name, or `all` for every program combined. A program's "
                    "leadership, staff and tokens read their own program only (403 for another's or `all`); "
                    "the system leader reads any, and `all` by default. Without it, the caller's own program.")


@router.get(
    "/reports",
    response=responses({200: list[TableOut]}),
    summary="The report tables",
    description="Leadership, director, administrator.",
)
def report_list(request: SignedInRequest) -> list[TableOut]:
    require_report_reader(request.user)
    listed: list[Table | Measure] = [*TABLES.values(), *MEASURES.values()]
    return [TableOut(name=t.name, title=t.title, description=t.description,
                     columns=[key for key, _ in t.columns]) for t in listed]


@router.get(
    "/reports/{table}",
    response=responses({200: ReportOut}, 403, 404, 422),
    by_alias=True,
    summary="One report table for one month, quarter or year",
    description=(
        "Leadership, director, administrator, of the caller's own program; the system leader, of any "
        "program (`program=<short name>`) or every program combined (`program=all`, the combined "
        "figures hidden below the largest of the programs' thresholds; every program's figures and "
        "the combined ones are suppressed together, so subtracting one from another recovers nothing). "
        "`from` and `to` must be exactly one calendar "
        "month, quarter or year (for example from=2025-04-01&to=2025-06-30). Counts are "
        'integers; a count below the program\'s threshold, and any count from which one could '
        'be worked out, is the string "<11" (the threshold). The timing tables give minutes and '
        'whole percents, each hidden when fewer cases than the threshold stand behind it; the team '
        'table gives the team\'s counts, and its rates only on a denominator of at least the threshold.'
    ),
)
def report_get(request: SignedInRequest, table: str, query: Query[PeriodQuery]) -> ReportOut:
    require_report_reader(request.user)
    found = MEASURES[table] if table in MEASURES else table_get(table)
    scope = report_scope(request.user, query.program or None)
    try:
        if query.from_ is None or query.to is None:
            raise PeriodError(f"Give both from and to, for example {EXAMPLE}.")
        period = period_between(query.from_, query.to)
    except PeriodError as error:
        raise InvalidInput(str(error)) from error
    result = (measure_result(found, period, scope.threshold, scope.program_id) if isinstance(found, Measure)
              else table_result(found, period, scope.program_id))
    return ReportOut.model_validate({
        "table": found.name, "program": scope.slug, "from": period.start, "to": period.end,
        "threshold": result.threshold, "columns": result.columns,
        "rows": [{"label": row.label, "values": row.values} for row in result.rows],
        "total": {"label": "Total", "values": result.total.values},
    })
