"""Background tasks: thin wrappers so the worker runs the outbox services."""

from django_tasks import task

from peersupport.notifications.services import outbox_deliver, outbox_flush


@task()
def deliver_outbox_message(message_id: int) -> str:
    return outbox_deliver(message_id)


@task()
def flush_outbox() -> int:
    return outbox_flush()
