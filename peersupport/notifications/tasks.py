"""Background tasks: thin wrappers so the worker runs the outbox services.

The delivery task lives beside the outbox (`services.deliver_outbox_message`), which queues it;
this module imports the services and never the other way round.
"""

from django_tasks import task

from peersupport.notifications.services import deliver_outbox_message, outbox_flush

__all__ = ["deliver_outbox_message", "flush_outbox"]


@task()
def flush_outbox() -> int:
    return outbox_flush()
