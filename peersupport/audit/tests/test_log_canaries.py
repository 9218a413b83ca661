"""No peer's name, contact or event text ever reaches the application's logs.

Unique canary values are seeded as a peer's name, email and phone and as the event summaries,
then the main flows run through HTTP (roster feed, referral form and API, assignment, the
supporter's actions by page and API, refused and malformed requests), the outbox delivers with
the mail server down and then refusing the peer's address, and the reminders run late. Every
log record (root logger at DEBUG, tracebacks included) and everything written to stdout and
stderr is captured; no canary may appear in any of it.
"""

import json
import logging
import re
import smtplib
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import ApiToken, Role
from peersupport.cases.models import Case
from peersupport.lib.redact import RedactingFormatter, describe_error, describe_for_log
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.notifications.services import outbox_flush
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person, make_user

FIRST = {"employee_id": "CAN-001", "name": "Quillon Zephyrine-Abernathy",
         "email": "qz.canary.7f3a@peer-canary.example", "phone": "+1 555 013 7719"}
SECOND = {"employee_id": "CAN-002", "name": "Ysolde Marchetti-Quarrington",
          "email": "ysolde.canary.c41d@peer-canary.example", "phone": "+1 555 014 8826"}
SUMMARY_WEB = "Canary event: Vantablack gurney incident on ward Xylo-9"
SUMMARY_API = "Canary event: Obsidian trolley mixup in bay Quasar-4"
CANARIES = [
    FIRST["name"], SECOND["name"], "Zephyrine", "Marchetti",
    FIRST["email"], SECOND["email"], "peer-canary.example",
    FIRST["phone"], SECOND["phone"], "5550137719", "5550148826", "013 7719", "014 8826",
    SUMMARY_WEB, SUMMARY_API, "Vantablack", "Obsidian trolley",
]
# The test's own mail server (aiosmtpd) logs the SMTP conversation: it is not the application.
TEST_MAIL_SERVER_LOGGER = "mail.log"
# How settings.LOGGING's console handler starts a line from that logger.
TEST_MAIL_SERVER_LINE = re.compile(r"^\S+ \S+ [A-Z]+ mail\.log ")


def is_test_mail_server(logger_name: str) -> bool:
    return logger_name == TEST_MAIL_SERVER_LOGGER or logger_name.startswith(TEST_MAIL_SERVER_LOGGER + ".")


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not is_test_mail_server(record.name):
            self.lines.append(self.format(record))


@pytest.fixture
def all_logs() -> Iterator[_Everything]:
    handler = _Everything()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


class _RefusingPeers:
    """A mail server that refuses every recipient at the canary domain, quoting the address back."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("peer-canary.example"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 Message accepted for delivery"


def run_worker_at_debug() -> None:
    """The real background worker until its queue is empty, with its own logs at DEBUG (the
    shared helper runs it silenced)."""
    import signal

    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    saved_levels = [lg.level for lg in loggers]
    saved_signals = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=3)
    finally:
        for sig, handler in saved_signals.items():
            signal.signal(sig, handler)
        for lg, level in zip(loggers, saved_levels, strict=True):
            lg.setLevel(level)


def api(client: Client, key: str, method: str, path: str, body: object = None):
    return client.generic(method, "/api/v1" + path, json.dumps(body) if body is not None else "",
                          content_type="application/json", headers={"Authorization": f"Bearer {key}"})


def key_for(user) -> str:
    return ApiToken.issue(user)[1]


def run_the_program(smtp_server, supporter_a, supporter_b) -> None:
    director = make_user(Role.DIRECTOR, person=make_person(name="Dora Director"))
    referrer = make_user(Role.REFERRER)
    integration = make_user(Role.INTEGRATION)
    eap = Resource.objects.create(name="Employee Assistance Program", category="counseling", contact="+1 555 0140")
    web, feed = Client(), Client()

    # The roster feed brings the peers in; a malformed update echoes the name back in a 422 only.
    for peer in (FIRST, SECOND):
        fields = {k: v for k, v in peer.items() if k != "employee_id"}
        body = {**fields, "role_type": "physician", "specialty": "Anesthesiology", "department": "Anesthesia",
                "rank": 3, "interventional": True, "site": "Main Campus", "gender": "female", "active": True}
        assert api(feed, key_for(integration), "PUT", f"/people/{peer['employee_id']}", body).status_code == 201
    assert api(feed, key_for(integration), "PUT", f"/people/{FIRST['employee_id']}",
               {"name": FIRST["name"] * 20, "note": SUMMARY_WEB}).status_code == 422

    # A referral through the form, one through the API, and malformed ones of each.
    web.force_login(referrer)
    form = {"involved": [FIRST["employee_id"]], "involved_ids": "", "category": "patient_death",
            "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(), "source": "safety_report",
            "summary": SUMMARY_WEB, "key": ""}
    assert web.post(reverse("referral-new"), form).status_code == 302
    assert web.post(reverse("referral-new"), {**form, "summary": SUMMARY_WEB * 10, "key": "x"}).status_code == 422
    referral = {"event": {"category": "medical_error", "occurred_on": timezone.localdate().isoformat(),
                          "summary": SUMMARY_API, "interventional": True},
                "involved": [{"employee_id": SECOND["employee_id"]}], "source": "safety_report"}
    referrer_key = key_for(referrer)
    assert api(feed, referrer_key, "POST", "/referrals", referral).status_code == 201
    assert api(feed, referrer_key, "POST", "/referrals",
               {**referral, "note": FIRST["name"], "event": {"summary": SUMMARY_API * 10}}).status_code == 422
    first = Case.objects.get(peer__employee_id=FIRST["employee_id"])
    second = Case.objects.get(peer__employee_id=SECOND["employee_id"])

    # The director assigns one case by page, one by the API.
    web.force_login(director)
    assert web.get(reverse("case", args=[first.pk])).status_code == 200
    assert web.post(reverse("case-assign", args=[first.pk]),
                    {"override": "1", "employee_id_typed": supporter_a.person.employee_id,
                     "override_reason": "other", "version": first.version}).status_code == 302
    assert api(feed, key_for(director), "POST", f"/cases/{second.pk}/assignment",
               {"supporter": supporter_b.person.employee_id, "override_reason": "other"}).status_code == 200

    # Supporter A works the first case through the pages, supporter B the second through the API;
    # each also knocks on the other's case (404) and on a page their role may not use (403).
    web.force_login(supporter_a.person.user)
    for name, data in [("case-outreach", {"channel": "email", "send_email": "on"}),
                       ("case-response", {"response": "accepted"}),
                       ("case-encounter", {"held_on": timezone.localdate().isoformat(), "minutes": "40",
                                           "mode": "phone", "topics": ["opening", "story"]}),
                       ("case-resource", {"resource": eap.pk, "facilitated": "1"}),
                       ("case-sheet-send", {"resource": [eap.pk]}),
                       ("case-safety", {"confirmed": "yes"})]:
        assert web.post(reverse(name, args=[first.pk]), data).status_code in (200, 302), name
    assert web.get(reverse("case", args=[first.pk])).status_code == 200
    assert web.get(reverse("case", args=[second.pk])).status_code == 404
    assert web.get(reverse("queue")).status_code == 403
    b_key = key_for(supporter_b.person.user)
    assert api(feed, b_key, "POST", f"/cases/{second.pk}/outreach", {"channel": "call"}).status_code == 200
    assert api(feed, b_key, "POST", f"/cases/{second.pk}/response", {"response": "declined"}).status_code == 200
    assert api(feed, b_key, "GET", f"/cases/{second.pk}").status_code == 200
    assert api(feed, b_key, "GET", f"/cases/{first.pk}").status_code == 404
    assert api(feed, "not-a-token", "GET", f"/cases/{first.pk}").status_code == 401

    # The mail server is down: every email fails, is retried, and is set aside at the last try.
    assert OutboxMessage.objects.filter(to__in=[FIRST["email"], SECOND["email"]]).exists()
    smtp_server.stop()
    run_worker_at_debug()
    with override_settings(OUTBOX_MAX_ATTEMPTS=2):
        call_command("send_outbox")
        with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
            call_command("send_outbox")
    assert OutboxMessage.objects.filter(status=OutboxStatus.FAILED).exists()

    # The server comes back but refuses the peers' addresses, quoting them in its answer.
    refusing = Controller(_RefusingPeers(), hostname="127.0.0.1", port=smtp_server.port)
    refusing.start()
    try:
        OutboxMessage.objects.update(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
        outbox_flush(now=timezone.now() + timedelta(hours=3))
    finally:
        refusing.stop()
    assert OutboxMessage.objects.filter(to=FIRST["email"]).exclude(last_error="").exists()

    # Days later, the reminders and escalations for every late step.
    with time_machine.travel(timezone.now() + timedelta(days=20), tick=False):
        call_command("send_reminders")


# Transactional: the emails are queued for the worker only once each change commits.
@pytest.mark.django_db(transaction=True)
def test_no_canary_reaches_the_logs_or_the_console(all_logs, capfd, caplog, smtp_server, supporter_a, supporter_b):
    caplog.set_level(logging.DEBUG)
    run_the_program(smtp_server, supporter_a, supporter_b)
    out, err = capfd.readouterr()
    caplog_text = "\n".join(logging.Formatter("%(message)s").format(record) for record in caplog.records
                            if not is_test_mail_server(record.name))
    err = "\n".join(line for line in err.splitlines() if not TEST_MAIL_SERVER_LINE.match(line))
    captured = {"log records": "\n".join(all_logs.lines), "caplog": caplog_text, "stdout": out, "stderr": err}
    logged = "\n".join(all_logs.lines)
    # Not vacuous: the worker, the failed deliveries and the refused requests all logged.
    assert "deliver_outbox_message" in logged and "Outbox message" in logged and "set aside" in logged
    assert "Not Found: /cases/" in logged and "Forbidden" in logged
    leaks = {(where, canary) for where, text in captured.items() for canary in CANARIES if canary in text}
    assert not leaks, [line for line in "\n".join(captured.values()).splitlines()
                       if any(canary in line for canary in CANARIES)][:10]


@pytest.mark.parametrize("error", [
    smtplib.SMTPRecipientsRefused({FIRST["email"]: (550, f"5.1.1 <{FIRST['email']}>: unknown".encode())}),
    smtplib.SMTPSenderRefused(553, b"sender rejected", FIRST["email"]),
    smtplib.SMTPDataError(554, f"message for {SECOND['email']} refused".encode()),
    ValueError(f"Header values can't contain newlines (got '{FIRST['email']}\\nBcc: x@y.example')"),
], ids=["recipients", "sender", "data", "header"])
def test_mail_errors_are_described_without_addresses(error):
    try:
        raise error
    except Exception as raised:  # noqa: BLE001 - a traceback is what is described
        traceback = RedactingFormatter().formatException((type(raised), raised, raised.__traceback__))
        described = describe_error(raised) + describe_for_log(raised) + traceback
    assert "@" not in described and type(error).__name__ in described
