"""Background tasks: thin wrappers so the worker (or a scheduler that queues tasks) runs the job."""

from dataclasses import asdict

from django_tasks import task

from peersupport.cases.timeliness import send_due_notices


@task()
def send_reminders() -> dict[str, int]:
    return asdict(send_due_notices())
