"""`python manage.py import_roster FILE`: the roster from an HR export, for a scheduled sync.

Exit codes: 0 imported (or, with --dry-run, would import); 1 rows have problems; 2 the file, the
mapping or the program cannot be used; 3 the database refused the write. Anything but 0 changed
nothing.

With several programs (one per hospital), a file is one program's (`--program SLUG`), as a
director's import from the web is: its rows may name that program's people and sites only, and
`--deactivate-missing` deactivates only that program's people missing from it. A health system's
single export for every hospital says so with `--all-programs`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm  # type: ignore[import-untyped]  # no types; its stubs are not installed here

from peersupport.lib.errors import InvalidInput
from peersupport.program.models import Program
from peersupport.roster.imports import FIELD_LABELS, MAX_FILE_BYTES, Table, check_columns, read_table
from peersupport.roster.services_import import (
    ImportPlan,
    ImportRefused,
    import_apply,
    mapping_for,
    mapping_remember,
    plan_import,
)

PROBLEMS = 1
UNUSABLE = 2
DATABASE = 3


class Command(BaseCommand):
    help = ("Import the staff roster from an HR export (CSV or .xlsx): every row checked first, then an upsert "
            "by employee id in one transaction. Exit 0 imported, 1 rows have problems, 2 the file or mapping "
            "cannot be used, 3 a database error; anything but 0 changed nothing. With several programs, name the "
            "file's program with --program.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the HR export, .csv or .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="check and summarize; change nothing")
        parser.add_argument("--deactivate-missing", action="store_true",
                            help="deactivate active people on the roster (of --program's program) whose employee "
                                 "id is not in the file")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--program", default="", metavar="SLUG",
                           help="the program (its short name, see `manage.py programs list`) whose roster the file "
                                "is: required when there are several")
        which.add_argument("--all-programs", action="store_true",
                           help="the file is the whole installation's roster, every program's people")
        parser.add_argument("--mapping", default="", metavar="NAME",
                            help="a saved column mapping (the web's import saves them); default: guessed from "
                                 "the headings")
        parser.add_argument("--column", action="append", default=[], metavar="FIELD=HEADING",
                            help="map a roster field to a column, over the mapping "
                                 f"(fields: {', '.join(FIELD_LABELS)})")
        parser.add_argument("--save-mapping", default="", metavar="NAME", help="remember the mapping used, by name")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (it shows only on a terminal)")
        parser.add_argument("--max-problems", type=int, default=100, help="problems to list (default 100)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        program = self._program(options["program"], every=options["all_programs"])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise InvalidInput(f"The file is larger than {MAX_FILE_BYTES // 1_048_576} MB: split it.")
            table = read_table(path.read_bytes(), path.name)
            columns = self._columns(table, options)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}", returncode=UNUSABLE) from None
        except InvalidInput as error:
            raise CommandError(error.detail, returncode=UNUSABLE) from None
        program_id = program.pk if program is not None else None
        if program is not None:
            self.stdout.write(f"Program: {program.short_name} ({program.name}).")
        self.stdout.write(f"{path.name}: {len(table.rows):,} rows. Columns: " +
                          ", ".join(f"{name} <- {heading!r}" for name, heading in columns.items()))
        bar = tqdm(total=len(table.rows), unit="row", disable=True if options["no_progress"] else None,
                   file=sys.stderr, dynamic_ncols=True)

        def progress(stage: str, done: int, percent: int) -> None:
            bar.set_description(stage)
            bar.update(max(0, done - bar.n))

        try:
            if options["dry_run"]:
                plan = plan_import(table, columns, deactivate_missing=options["deactivate_missing"],
                                   program_id=program_id, progress=progress)
            else:
                plan, _ = import_apply(table, columns, actor=None, deactivate_missing=options["deactivate_missing"],
                                       source=f"command: {path.name}"[:200], program_id=program_id,
                                       progress=progress)
        except ImportRefused as refused:
            plan = refused.plan
        except DatabaseError as error:
            bar.close()
            raise CommandError(f"The database refused the import; nothing was changed. {error}",
                               returncode=DATABASE) from None
        finally:
            bar.close()
        if options["save_mapping"]:
            mapping_remember(name=options["save_mapping"], columns=columns)
        elif options["mapping"] and not options["column"]:
            mapping_remember(name=options["mapping"], columns=columns)  # the one used last, for the web
        self._report(plan, dry_run=options["dry_run"], limit=max(0, options["max_problems"]))
        if plan.problems:
            raise CommandError(f"{len(plan.problems):,} problem(s) in the file; nothing was changed.",
                               returncode=PROBLEMS)

    def _program(self, short_name: str, *, every: bool) -> Program | None:
        """The file's program; None for the whole installation (one program, or --all-programs)."""
        programs = list(Program.objects.order_by("pk").values_list("short_name", flat=True))
        named = ", ".join(programs)
        if short_name:
            program = Program.objects.filter(short_name=short_name.strip().lower()).first()
            if program is None:
                raise CommandError(f"Unknown program {short_name!r}. The programs: {named} "
                                   "(`manage.py programs list`). Nothing was changed.", returncode=UNUSABLE)
            return program
        if len(programs) > 1 and not every:
            raise CommandError(f"This installation has several programs ({named}): say whose roster the file is "
                               "with --program SLUG, or --all-programs for a file of every program's people. "
                               "Nothing was changed.", returncode=UNUSABLE)
        return None

    def _columns(self, table: Table, options: dict[str, Any]) -> dict[str, str]:
        _, columns = mapping_for(table.headers, options["mapping"])
        for item in options["column"]:
            name, _, heading = item.partition("=")
            if name.strip() not in FIELD_LABELS:
                raise InvalidInput(f"--column {item!r}: use FIELD=HEADING with a field of {', '.join(FIELD_LABELS)}.")
            columns[name.strip()] = heading.strip()
        return check_columns(columns, table.headers)

    def _report(self, plan: ImportPlan, *, dry_run: bool, limit: int) -> None:
        for found in plan.problems[:limit]:
            self.stdout.write(f"Row {found.row}" + (f", column {found.column!r}" if found.column else "") +
                              f": {found.message}")
        if len(plan.problems) > limit:
            self.stdout.write(f"... and {len(plan.problems) - limit:,} more problems.")
        if plan.problems:
            return
        summary = plan.summary()
        verb = "Would" if dry_run else "Did"
        fields = ", ".join(f"{name} {count:,}" for name, count in summary["changed_fields"].items())
        self.stdout.write(f"{verb} add {summary['added']:,}, change {summary['changed']:,}"
                          + (f" ({fields})" if fields else "")
                          + f", leave {summary['unchanged']:,} unchanged, deactivate {summary['deactivated']:,}.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
