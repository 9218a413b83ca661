"""The report tables as JSON, for BI tools: the same figures and suppression as the pages."""

from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from peersupport.accounts.requests import SignedInRequest
from peersupport.api.schemas import responses
from peersupport.lib.errors import InvalidInput
from peersupport.reports.access import require_report_reader
from peersupport.reports.periods import EXAMPLE, PeriodError, period_between
from peersupport.reports.tables import TABLES, table_get, table_result

router = Router(tags=["reports"])


class TableOut(Schema):
    name: str = Field(examples=["outcomes_by_category"])
    title: str
    description: str
    columns: list[str]


class RowOut(Schema):
    label: str
    values: list[int | str] = Field(
        description='Counts as integers; a hidden count is the string "<11" (the program\'s threshold).'
    )


class ReportOut(Schema):
    table: str
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


@router.get(
    "/reports",
    response=responses({200: list[TableOut]}),
    summary="The report tables",
    description="Leadership, director, administrator.",
)
def report_list(request: SignedInRequest) -> list[TableOut]:
    require_report_reader(request.user)
    return [TableOut(name=t.name, title=t.title, description=t.description,
                     columns=[key for key, _ in t.columns]) for t in TABLES.values()]


@router.get(
    "/reports/{table}",
    response=responses({200: ReportOut}, 404, 422),
    by_alias=True,
    summary="One report table for one month, quarter or year",
    description=(
        "Leadership, director, administrator. `from` and `to` must be exactly one calendar "
        "month, quarter or year (for example from=2025-04-01&to=2025-06-30). Counts are "
        'integers; a count below the program\'s threshold, and any count from which one could '
        'be worked out, is the string "<11" (the threshold)."'
    ),
)
def report_get(request: SignedInRequest, table: str, query: Query[PeriodQuery]) -> ReportOut:
    require_report_reader(request.user)
    found = table_get(table)
    try:
        if query.from_ is None or query.to is None:
            raise PeriodError(f"Give both from and to, for example {EXAMPLE}.")
        period = period_between(query.from_, query.to)
    except PeriodError as error:
        raise InvalidInput(str(error)) from error
    result = table_result(found, period)
    return ReportOut.model_validate({
        "table": found.name, "from": period.start, "to": period.end, "threshold": result.threshold,
        "columns": result.columns,
        "rows": [{"label": row.label, "values": row.values} for row in result.rows],
        "total": {"label": "Total", "values": result.total.values},
    })
