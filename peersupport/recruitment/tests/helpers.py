import re

from peersupport.notifications.models import OutboxMessage


def link_path(body: str, prefix: str) -> str:
    """The path of the personal link under `prefix` in an email's body."""
    match = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^/\s]+/)", body)
    assert match, f"no {prefix} link in: {body}"
    return match.group(1)


def nomination_path(email: str) -> str:
    return link_path(OutboxMessage.objects.get(kind="nomination_invitation", to=email).body, "/nominate/")


def answer_path(email: str) -> str:
    return link_path(OutboxMessage.objects.filter(kind="candidate_invitation", to=email).latest("pk").body, "/join/")
