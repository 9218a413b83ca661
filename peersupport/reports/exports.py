"""A report table as a CSV or Excel file: the same figures and suppression as the page, its title,
column headings, row names and rule in the reader's language (the API keeps its English)."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext
from openpyxl import Workbook

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.reports.access import require_report_reader
from peersupport.reports.measures import Measure, MeasureResult, measure_result
from peersupport.reports.periods import Period
from peersupport.reports.scope import ReportScope, report_scope, sees_every_program
from peersupport.reports.tables import Result, Table, table_result

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def _lines(result: Result | MeasureResult) -> list[list[str | int]]:
    header: list[str | int] = [gettext(result.table.title), *[gettext(label) for _key, label in result.table.columns]]
    lines = [header]
    for row in [*result.rows, result.total]:
        lines.append([gettext(row.label), *row.values])
    return lines


def _rule(result: Result | MeasureResult) -> str:
    if isinstance(result, MeasureResult):
        return gettext(result.table.rule).format(threshold=result.threshold, mark=result.hidden_mark)
    return gettext("Counts under %(threshold)s and any count that would reveal one show as %(mark)s.") % {
        "threshold": result.threshold, "mark": result.hidden_mark}


def _heading(result: Result | MeasureResult) -> str:
    return gettext("%(table)s, %(period)s") % {"table": gettext(result.table.title), "period": result.period.label}


def _csv(result: Result | MeasureResult) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{_heading(result)}. {_rule(result)}"])
    writer.writerows(_lines(result))
    return out.getvalue().encode("utf-8")


def _xlsx(result: Result | MeasureResult) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet  # nosec B101
    sheet.title = result.table.name[:31]
    sheet.append([_heading(result)])
    sheet.append([_rule(result)])
    for line in _lines(result):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_export(*, actor: User, table: Table | Measure, period: Period, file_format: str,
                  scope: ReportScope | None = None) -> ExportFile:
    """The table as a file, of the scope asked for (by default the actor's own program, or every
    program for the system leader), audited as an export before it is handed over."""
    require_report_reader(actor)
    scope = scope or report_scope(actor, None)
    result = (measure_result(table, period, scope.threshold, scope.program_id) if isinstance(table, Measure)
              else table_result(table, period, scope.program_id))
    content = _xlsx(result) if file_format == "xlsx" else _csv(result)
    with transaction.atomic():
        audit_record(actor=actor, action="export", object_type="report",
                     object_id=f"{table.name}-{period.slug}",
                     detail={"format": file_format, "rows": len(result.rows) + 1,
                             "period": period.slug, "threshold": result.threshold, "program": scope.slug})
    return ExportFile(content=content, content_type=FORMATS[file_format],
                      filename=f"{table.name}-{scope.slug}-{period.slug}.{file_format}" if sees_every_program(actor)
                      else f"{table.name}-{period.slug}.{file_format}")
