"""A report table as a CSV or Excel file: the same figures and suppression as the page."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from openpyxl import Workbook

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.reports.access import require_report_reader
from peersupport.reports.periods import Period
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


def _lines(result: Result) -> list[list[str | int]]:
    header: list[str | int] = [result.table.title, *[label for _, label in result.table.columns]]
    lines = [header]
    for row in [*result.rows, result.total]:
        lines.append([row.label, *row.values])
    return lines


def _csv(result: Result) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{result.table.title}, {result.period.label}. Counts under {result.threshold} "
                     f"and any count that would reveal one show as {result.hidden_mark}."])
    writer.writerows(_lines(result))
    return out.getvalue().encode("utf-8")


def _xlsx(result: Result) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet  # nosec B101
    sheet.title = result.table.name[:31]
    sheet.append([f"{result.table.title}, {result.period.label}"])
    sheet.append([f"Counts under {result.threshold} and any count that would reveal one show as "
                  f"{result.hidden_mark}."])
    for line in _lines(result):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_export(*, actor: User, table: Table, period: Period, file_format: str) -> ExportFile:
    """The table as a file, audited as an export before it is handed over."""
    require_report_reader(actor)
    result = table_result(table, period)
    content = _xlsx(result) if file_format == "xlsx" else _csv(result)
    with transaction.atomic():
        audit_record(actor=actor, action="export", object_type="report",
                     object_id=f"{table.name}-{period.slug}",
                     detail={"format": file_format, "rows": len(result.rows) + 1,
                             "period": period.slug, "threshold": result.threshold})
    return ExportFile(content=content, content_type=FORMATS[file_format],
                      filename=f"{table.name}-{period.slug}.{file_format}")
