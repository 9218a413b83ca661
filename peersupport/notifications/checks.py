"""Deployment checks (`manage.py check --deploy`) for how mail leaves the program.

In production the outbox must be delivered by the background worker from the database queue,
and by a real mail server: the immediate task backend would send mail inside the request (a
slow mail server would hold up intake), the dummy one would drop it, and the console, file or
in-memory mail backends would write peers' emails into logs or files instead of sending them.
Mail to a server elsewhere on the network goes encrypted (STARTTLS or SMTPS), and so do texts to
an SMS gateway elsewhere (https), with a sender and credentials set.
"""

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from peersupport.notifications.services import WORKER_BACKEND

NOT_SENDING = {
    "django.core.mail.backends.console.EmailBackend": "prints every email, peers' included, into the log",
    "django.core.mail.backends.filebased.EmailBackend": "writes every email into files on the server",
    "django.core.mail.backends.locmem.EmailBackend": "keeps emails in memory and never sends them",
    "django.core.mail.backends.dummy.EmailBackend": "drops every email",
}


@checks.register(checks.Tags.security, deploy=True)
def check_mail_delivery(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != WORKER_BACKEND:
        problems.append(checks.Error(
            f"TASKS_BACKEND is {backend}: mail is not delivered by the background worker.",
            hint=f"Leave TASKS_BACKEND unset (it defaults to {WORKER_BACKEND}) and run manage.py db_worker.",
            id="notifications.E001",
        ))
    if settings.EMAIL_BACKEND in NOT_SENDING:
        problems.append(checks.Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}, which {NOT_SENDING[settings.EMAIL_BACKEND]}.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) for the hospital's "
                 "mail server and leave EMAIL_BACKEND unset.",
            id="notifications.E002",
        ))
    smtp = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    if smtp and not (settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL) and not _loopback(settings.EMAIL_HOST):
        problems.append(checks.Warning(
            f"Mail to {settings.EMAIL_HOST} is not encrypted: assignment emails name the peer and how to reach them.",
            hint="Set EMAIL_USE_TLS=true (STARTTLS) or EMAIL_USE_SSL=true, or relay through a mail server "
                 "on this machine (EMAIL_HOST=localhost) that encrypts onward.",
            id="notifications.W003",
        ))
    problems.extend(_text_gateway_problems())
    return problems


def _text_gateway_problems() -> list[checks.CheckMessage]:
    if not settings.SMS_GATEWAY_URL:
        return []  # no texts
    problems: list[checks.CheckMessage] = []
    url = urlsplit(settings.SMS_GATEWAY_URL)
    if url.scheme != "https" and not _loopback(url.hostname or ""):
        problems.append(checks.Warning(
            f"Texts go to {url.hostname} unencrypted: the gateway's credentials and supporters' numbers "
            "cross the network in the clear.",
            hint="Use the gateway's https:// address in SMS_GATEWAY_URL.",
            id="notifications.W004",
        ))
    if not settings.SMS_SENDER:
        problems.append(checks.Error(
            "SMS_GATEWAY_URL is set but SMS_SENDER is not: gateways refuse a text without a sender.",
            hint="Set SMS_SENDER to the program's number in international form (+15550100123) or an approved name.",
            id="notifications.E005",
        ))
    if not (settings.SMS_GATEWAY_USERNAME and settings.SMS_GATEWAY_PASSWORD):
        problems.append(checks.Warning(
            "SMS_GATEWAY_URL is set without SMS_GATEWAY_USERNAME and SMS_GATEWAY_PASSWORD.",
            hint="Set the gateway's account id and secret (Twilio: the Account SID and Auth Token).",
            id="notifications.W006",
        ))
    return problems


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
