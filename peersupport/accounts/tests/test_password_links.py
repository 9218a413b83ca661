"""Forgot password, and choosing a password through an emailed link (invitation or reset)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import PasswordLinkRequest, Role
from peersupport.accounts.services import login_invite, password_link_process
from peersupport.accounts.testing import force_login_unverified
from peersupport.audit.models import AuditEntry
from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.testing import run_worker_until_idle
from peersupport.testing.factories import make_user

LINK = re.compile(r"https?://\S+(/accounts/password/set/\S+/)")
NEW_PASSWORD = "a brand new long passphrase"
PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value="CSRF"'),
    (re.compile(r'nonce="[^"]*"'), 'nonce="NONCE"'),
]


def comparable(response, typed: str = "") -> str:
    page = response.content.decode()
    for pattern, blank in PER_REQUEST:
        page = pattern.sub(blank, page)
    return page.replace(typed, "TYPED-ADDRESS") if typed else page


def ask(client: Client, email: str, *, ip: str = "203.0.113.7", process: bool = True):
    """Forgot password, as a visitor does it: the form, then the page it leads to. Then, unless
    told not to, what the worker does for each request waiting (the task's own wiring is tested
    end to end with the real worker)."""
    first = client.post(reverse("password-forgot"), {"email": email}, REMOTE_ADDR=ip)
    page = client.get(first["Location"]) if first.status_code == 302 else None
    if process:
        process_waiting()
    return first, page


def process_waiting() -> None:
    for pk in PasswordLinkRequest.objects.filter(processed_at__isnull=True).values_list("pk", flat=True):
        password_link_process(pk)


def link_in(message: OutboxMessage) -> str:
    [path] = LINK.findall(message.body)
    return path


def choose(client: Client, path: str, password: str = NEW_PASSWORD, again: str | None = None):
    """Open the emailed link (it moves to a page without the token) and choose a password."""
    opened = client.get(path)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": again or password})


def signs_in(email: str, password: str) -> bool:
    client = Client()
    request = RequestFactory().post(reverse("login"))
    return client.login(request=request, username=email, password=password)


# Forgot password never tells whether an address has a login


def test_forgot_password_shows_the_same_pages_for_a_login_and_an_unknown_address(referrer):
    unknown = "nobody.here@example.org"
    known_post, known_page = ask(Client(), referrer.email)
    unknown_post, unknown_page = ask(Client(), unknown)
    assert known_post.status_code == unknown_post.status_code == 302
    assert known_post["Location"] == unknown_post["Location"] == reverse("password-forgot-sent")
    assert known_page.status_code == unknown_page.status_code == 200
    assert comparable(known_page) == comparable(unknown_page)
    assert "If the address you gave belongs to a login" in comparable(known_page)
    # The form's own page with an error reads the same too (a malformed address is refused alike).
    assert comparable(Client().post(reverse("password-forgot"), {"email": "x@"}), "x@") == comparable(
        Client().post(reverse("password-forgot"), {"email": "y@"}), "y@")


def test_only_an_active_login_gets_an_email(referrer):
    gone = make_user(Role.REFERRER, is_active=False)
    for address in (referrer.email.upper(), "nobody.here@example.org", gone.email):
        ask(Client(), address)
    [message] = OutboxMessage.objects.all()
    assert message.to == referrer.email and message.kind == "password_link"
    assert message.subject == "Choose a new password" and "60 minutes" in message.body


def test_the_audit_names_a_login_but_never_an_unknown_address(referrer):
    ask(Client(), referrer.email)
    ask(Client(), "Nobody.Here@example.org")
    known, unknown = AuditEntry.objects.filter(action="auth.password_link_requested").order_by("pk")
    assert known.object_id == str(referrer.pk) and known.detail == {"login": True, "throttled": False}
    assert unknown.object_id == "" and unknown.detail["login"] is False
    assert "nobody" not in str(unknown.detail).lower() and "nobody" not in unknown.actor_label.lower()
    assert len(unknown.detail["address_hash"]) == 16
    assert not PasswordLinkRequest.objects.filter(address_digest__icontains="nobody").exists()


def test_asking_does_the_same_database_work_for_a_login_and_an_unknown_address(referrer):
    """The request does not look the address up at all (the worker does), so it takes the same time."""
    def statements(email: str, ip: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            ask(Client(), email, ip=ip, process=False)
        return [re.sub(r'"s\d+_x\d+"', '"savepoint"', q["sql"].split(" WHERE ")[0].split(" VALUES ")[0])
                for q in queries.captured_queries]

    known = statements(referrer.email, "203.0.113.1")
    assert known == statements("nobody.here@example.org", "203.0.113.2")
    assert not any('"accounts_user"' in sql for sql in statements(referrer.email, "203.0.113.3"))
    assert not OutboxMessage.objects.exists()  # nothing is sent before the worker looks
    process_waiting()
    assert OutboxMessage.objects.filter(to=referrer.email).count() == 2  # asked twice; the other is unknown
    assert set(PasswordLinkRequest.objects.values_list("email", flat=True)) == {""}


def test_an_address_gets_at_most_three_links_an_hour_known_or_not(referrer, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    for n, address in enumerate((referrer.email, "nobody.here@example.org")):
        answers = [ask(Client(), address, ip=f"203.0.113.{n * 10 + i}")[0] for i in range(5)]
        assert {a.status_code for a in answers} == {302}  # the same answer, sent or not
    assert OutboxMessage.objects.filter(to=referrer.email).count() == 3
    throttled = AuditEntry.objects.filter(action="auth.password_link_requested", detail__throttled=True)
    assert throttled.count() == 4
    time_machine.move_to(start + timedelta(hours=1, seconds=1), tick=False)
    ask(Client(), referrer.email)
    assert OutboxMessage.objects.filter(to=referrer.email).count() == 4
    # Requests older than the hour are not kept.
    assert PasswordLinkRequest.objects.filter(requested_at__lt=start + timedelta(seconds=1)).count() == 0


def test_one_client_asking_for_many_addresses_is_limited_with_the_same_answer(referrer, settings, time_machine):
    settings.PASSWORD_LINK_REQUESTS_PER_CLIENT = 4
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    answers = [ask(Client(), f"guess{n}@example.org", ip="198.51.100.9") for n in range(4)]
    limited_post, limited_page = ask(Client(), referrer.email, ip="198.51.100.9")
    assert limited_post.status_code == 302 and limited_post["Location"] == reverse("password-forgot-sent")
    assert comparable(limited_page) == comparable(answers[0][1])
    assert not OutboxMessage.objects.exists()  # over the client's limit: no link, even to a login
    entry = AuditEntry.objects.filter(action="auth.password_link_requested").latest("pk")
    assert entry.detail["throttled"] is True and entry.object_id == ""
    # Another client is not limited, and the keyed hash of the client address is all that is kept.
    ask(Client(), referrer.email, ip="198.51.100.10")
    assert OutboxMessage.objects.filter(to=referrer.email).count() == 1
    assert not PasswordLinkRequest.objects.filter(client_digest__contains="198.51").exists()
    time_machine.move_to(start + timedelta(hours=1, seconds=1), tick=False)
    ask(Client(), referrer.email, ip="198.51.100.9")
    assert OutboxMessage.objects.filter(to=referrer.email).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_emails_a_login_and_nothing_for_an_unknown_address(smtp_server):
    login = make_user(Role.REFERRER, email="rita@example.org")
    ask(Client(), "Rita@Example.org", process=False)
    ask(Client(), "nobody.here@example.org", process=False)
    run_worker_until_idle()
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == login.email and LINK.search(mail.get_content())
    assert list(PasswordLinkRequest.objects.values_list("email", flat=True)) == ["", ""]
    assert len(smtp_server.messages) == 1


# Choosing the password


def test_the_link_sets_a_password_once_and_ends_every_session(referrer):
    theirs = Client()
    theirs.force_login(referrer)
    ask(Client(), referrer.email)
    path = link_in(OutboxMessage.objects.get())
    visitor = Client()
    done = choose(visitor, path)
    assert done.status_code == 302 and done["Location"] == reverse("password-set-done")
    assert signs_in(referrer.email, NEW_PASSWORD)
    assert SESSION_KEY not in theirs.session  # the session open before ended
    entry = AuditEntry.objects.get(action="auth.password_set")
    assert entry.object_id == str(referrer.pk) and entry.detail == {"first": False, "sessions_ended": 1}

    again = Client().get(path)
    assert again.status_code == 200 and "This link no longer works" in again.content.decode()


def test_the_new_password_must_pass_the_password_rules(referrer):
    ask(Client(), referrer.email)
    path = link_in(OutboxMessage.objects.get())
    client = Client()
    for weak, words in (("short", "at least 10 characters"), ("1234567890123", "entirely numeric"),
                        ("password123", "too common")):
        response = choose(client, path, weak)
        assert response.status_code == 422 and words in response.content.decode(), weak
    response = choose(client, path, NEW_PASSWORD, again="something else entirely")
    assert response.status_code == 422 and "didn’t match" in response.content.decode()
    assert not signs_in(referrer.email, NEW_PASSWORD)
    assert choose(client, path).status_code == 302  # the link still works after refusals


def test_a_forgot_password_link_runs_out_after_an_hour(referrer, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    ask(Client(), referrer.email)
    path = link_in(OutboxMessage.objects.get())
    time_machine.move_to(start + timedelta(minutes=61), tick=False)
    response = Client().get(path)
    assert response.status_code == 200 and "This link no longer works" in response.content.decode()


def test_a_tampered_link_opens_the_same_kind_page(referrer):
    ask(Client(), referrer.email)
    path = link_in(OutboxMessage.objects.get())
    response = Client().get(path[:-3] + "xx/")
    assert response.status_code == 200 and "This link no longer works" in response.content.decode()


def test_a_link_sent_before_the_login_was_deactivated_no_longer_works(director, referrer):
    ask(Client(), referrer.email)
    path = link_in(OutboxMessage.objects.get())
    client = Client()
    opened = client.get(path)
    assert opened.status_code == 302  # the page to choose the password, open in a browser
    from peersupport.accounts.services import login_deactivate

    login_deactivate(actor=director, login_id=referrer.pk)
    for response in (Client().get(path), client.post(opened["Location"], {"new_password1": NEW_PASSWORD,
                                                                          "new_password2": NEW_PASSWORD})):
        assert response.status_code == 200 and "This link no longer works" in response.content.decode()
    referrer.refresh_from_db()
    assert not referrer.check_password(NEW_PASSWORD)


def test_a_director_still_gives_the_code_after_choosing_a_password(director):
    ask(Client(), director.email)
    choose(Client(), link_in(OutboxMessage.objects.get()))
    client = Client()
    response = client.post(reverse("login"), {"username": director.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("queue"))["Location"].startswith(reverse("two-factor"))


def test_choosing_a_password_lifts_the_sign_in_lockout(referrer):
    for _ in range(5):
        Client().post(reverse("login"), {"username": referrer.email, "password": "wrong"})
    assert Client().post(reverse("login"), {"username": referrer.email, "password": "x"}).status_code == 429
    ask(Client(), referrer.email)
    choose(Client(), link_in(OutboxMessage.objects.get()))
    response = Client().post(reverse("login"), {"username": referrer.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_an_invitation_link_lasts_seven_days_and_forgot_password_resends_it(director, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    login = login_invite(actor=director, email="new@example.org", role=Role.LEADER)
    path = link_in(OutboxMessage.objects.get(to="new@example.org"))
    time_machine.move_to(start + timedelta(days=7, minutes=1), tick=False)
    assert "This link no longer works" in Client().get(path).content.decode()
    # An invitee whose link ran out asks for a new one themself.
    ask(Client(), "new@example.org")
    fresh = link_in(OutboxMessage.objects.filter(to="new@example.org").latest("pk"))
    assert choose(Client(), fresh).status_code == 302
    login.refresh_from_db()
    assert login.has_usable_password()
    assert AuditEntry.objects.get(action="auth.password_set").detail["first"] is True


def test_a_signed_in_visitor_who_sets_a_password_is_signed_out(referrer):
    client = Client()
    force_login_unverified(client, referrer)  # (a sign-in after the link was made would undo it)
    ask(Client(), referrer.email)
    assert choose(client, link_in(OutboxMessage.objects.get())).status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.django_db(transaction=True)
def test_an_invited_supporter_gets_the_email_and_signs_in_with_the_password_they_chose(smtp_server):
    from peersupport.testing.factories import make_person, make_supporter

    director = make_user(Role.DIRECTOR)
    person = make_person(name="Deb O'Neil", email="deb@example.org")
    make_supporter(person)
    login_invite(actor=director, email="deb@example.org", role=Role.SUPPORTER, employee_id=person.employee_id)
    run_worker_until_idle()
    [mail] = [m for m in smtp_server.messages if m["To"] == "deb@example.org"]
    assert mail["Subject"] == "Your sign-in to the Peer Support Program"
    body = mail.get_content()
    assert "Peer supporter" in body and "Deb" not in mail["Subject"]
    [path] = LINK.findall(body)
    client = Client()
    assert choose(client, path).status_code == 302
    response = client.post(reverse("login"), {"username": "deb@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("my-cases")).status_code == 200
