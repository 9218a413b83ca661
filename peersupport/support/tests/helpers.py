import re

from django.test import Client

from peersupport.support.models import AskRequest
from peersupport.support.services import ask_request_process


def blank_tokens(html: str) -> str:
    """A page with its per-request CSRF token, script nonces and own address blanked out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)
    # The language switch returns the reader to the page they were on.
    html = re.sub(r'name="next" value="[^"]*"', 'name="next" value=""', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def ask(client: Client, email: str, *, source: str = "", ip: str = "203.0.113.7"):
    url = "/support/ask/" + (f"?source={source}" if source else "")
    return client.post(url, {"email": email}, REMOTE_ADDR=ip, follow=True)


def process_all() -> None:
    """What the worker does for each request waiting (the task's own wiring is tested end to end)."""
    for pk in AskRequest.objects.filter(processed_at__isnull=True).values_list("pk", flat=True):
        ask_request_process(pk)


def link_in(body: str, path: str) -> str:
    match = re.search(rf"https?://\S+?({re.escape(path)}[^/\s]+/)", body)
    assert match, f"no {path} link in: {body}"
    return match.group(1)
