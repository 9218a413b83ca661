"""Background work of the peer's own path: a thin wrapper so the worker runs the service."""

from django_tasks import task

from peersupport.support.services import ask_request_process


@task()
def process_ask_request(request_id: int) -> bool:
    return ask_request_process(request_id)
