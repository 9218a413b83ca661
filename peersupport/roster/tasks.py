"""Background work of the roster: thin wrappers so the worker checks and imports an HR file."""

from django_tasks import task

from peersupport.roster.services_import import roster_import_preview_run, roster_import_run


@task()
def preview_roster_import(roster_import_id: int) -> None:
    roster_import_preview_run(roster_import_id)


@task()
def run_roster_import(roster_import_id: int) -> None:
    roster_import_run(roster_import_id)
