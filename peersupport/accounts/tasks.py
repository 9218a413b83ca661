"""Background work of "Forgot password": a thin wrapper so the worker runs the service."""

from django_tasks import task

from peersupport.accounts.services import password_link_process


@task()
def process_password_link_request(request_id: int) -> bool:
    return password_link_process(request_id)
