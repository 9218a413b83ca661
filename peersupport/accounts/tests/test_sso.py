"""Single sign-on (OpenID Connect) against a real provider: django-oauth-toolkit in a second process.

The provider's sign-in page is driven over plain HTTP (`sign_in_at_provider`); the product with
Django's test client. Everything between them is real: the authorization request with state,
nonce and PKCE, the code exchanged at the provider's token endpoint, the ID token's RS256
signature checked against the provider's published keys, and the user info.
"""

import re
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from peersupport.accounts.links import RESET_KIND, render_invite_email, reset_tokens, set_password_url
from peersupport.accounts.models import Role, User, UserSession
from peersupport.accounts.services import password_link_process, password_link_request
from peersupport.accounts.sso import PROVIDER_MFA_KEY
from peersupport.accounts.testing import enrolled_device
from peersupport.accounts.tests.oidc_provider.process import sign_in_at_provider
from peersupport.audit.models import AuditEntry
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, make_supporter, make_user

DANA = "dana.reyes@riverside.example"
OMAR = "omar.admin@riverside.example"
PASSWORD = "correct horse battery staple"


def single_sign_on(client: Client, username: str):
    """Press "Sign in with ...", sign in at the provider as `username`, come back: the callback's answer."""
    start = client.get(reverse("sso-start"))
    assert start.status_code == 302, start.content[:300]
    callback = sign_in_at_provider(start["Location"], username)
    parts = urlsplit(callback)
    assert parts.path == reverse("sso-callback")
    return client.get(f"{parts.path}?{parts.query}")


def signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def blank_tokens(html: str) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', r'\1=""', html)


@pytest.fixture
def dana(db):
    """The program director, whose login is their work email; an authenticator already set up."""
    director = make_user(Role.DIRECTOR, email=DANA, person=make_person(name="Dana Reyes", employee_id="E9001"))
    enrolled_device(director)
    return director


# Signing in, and the second step


def test_the_director_signs_in_by_email_and_the_providers_mfa_stands_for_the_code(sso_on, dana):
    client = Client()
    answer = single_sign_on(client, "dana")

    assert answer.status_code == 302 and answer["Location"] == reverse("home")
    assert signed_in_as(client) == dana
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("queue")  # not the code page
    assert client.get(reverse("queue")).status_code == 200
    # The same session as a password sign-in: indexed (so a deactivation ends it), stamped, audited.
    assert UserSession.objects.filter(user=dana, session_key=client.session.session_key).exists()
    entry = AuditEntry.objects.filter(action="auth.sign_in", actor_id=dana.pk).get()
    assert entry.detail == {"method": "single_sign_on", "matched_by": "email", "provider_mfa": "amr=mfa"}
    assert dana.role == User.objects.get(pk=dana.pk).role == Role.DIRECTOR


def test_without_the_mfa_claim_the_director_gives_the_code(sso_on, dana):
    client = Client()
    answer = single_sign_on(client, "dana-pwd")

    assert signed_in_as(client) == dana
    page = client.get(answer["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("two-factor"))
    assert client.get(reverse("queue"))["Location"].startswith(reverse("two-factor"))
    assert PROVIDER_MFA_KEY not in client.session
    entry = AuditEntry.objects.filter(action="auth.sign_in", actor_id=dana.pk).get()
    assert entry.detail["provider_mfa"] is None


def test_a_trusted_acr_stands_for_the_code_and_an_untrusted_one_does_not(sso_on, db):
    admin = make_user(Role.ADMINISTRATOR, email=OMAR)
    trusted, untrusted = Client(), Client()
    single_sign_on(trusted, "omar")
    single_sign_on(untrusted, "omar-low")

    assert signed_in_as(trusted) == signed_in_as(untrusted) == admin
    assert trusted.get(reverse("queue")).status_code == 200
    assert untrusted.get(reverse("queue"))["Location"].startswith(reverse("two-factor"))


def test_a_claim_the_settings_do_not_trust_asks_for_the_code(sso_on, dana, settings):
    settings.OIDC_MFA_AMR_VALUES = ["hwk"]  # this hospital trusts only a hardware key
    client = Client()
    single_sign_on(client, "dana")

    assert client.get(reverse("queue"))["Location"].startswith(reverse("two-factor"))


def test_a_supporter_is_matched_by_the_employee_id_of_their_roster_entry(sso_on, db):
    supporter = make_supporter(make_person(name="Eli Kim", employee_id="E9003"))
    login = make_user(Role.SUPPORTER, email="eli.kim@riverside.example", person=supporter.person)
    logins = User.objects.count()
    client = Client()
    single_sign_on(client, "eli")

    assert signed_in_as(client) == login
    assert client.get(reverse("my-cases")).status_code == 200
    assert User.objects.count() == logins
    login.refresh_from_db()
    assert login.role == Role.SUPPORTER and login.email == "eli.kim@riverside.example"
    entry = AuditEntry.objects.filter(action="auth.sign_in", actor_id=login.pk).get()
    assert entry.detail["matched_by"] == "employee_id"


def test_a_login_used_only_through_single_sign_on_is_active_on_the_logins_page(sso_on, db):
    from peersupport.accounts.services import login_invite
    from peersupport.lib.errors import Conflict

    director = make_user(Role.DIRECTOR)
    invited = make_user(Role.ADMINISTRATOR, email=OMAR)
    invited.set_unusable_password()
    invited.save()
    staff = Client()
    staff.force_login(director)

    def status() -> str:
        page = staff.get(reverse("logins")).content.decode()
        row = re.search(rf'data-email="{re.escape(OMAR)}".*?</tr>', page, re.S)[0]
        return re.search(r'data-testid="login-status">([^<]+)<', row)[1] + (" +again" if "Invite again" in row else "")

    assert status() == "Invited +again"
    single_sign_on(Client(), "omar")
    assert status() == "Active"
    with pytest.raises(Conflict):
        login_invite(actor=director, email=OMAR, role=Role.ADMINISTRATOR)


def test_signing_out_ends_the_single_sign_on_session(sso_on, dana):
    client = Client()
    single_sign_on(client, "dana")
    key = client.session.session_key

    client.post(reverse("logout"))

    assert not UserSession.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(reverse("queue"))["Location"].startswith(reverse("login"))
    assert AuditEntry.objects.filter(action="auth.sign_out", actor_id=dana.pk).exists()


# Identities that match no login


def test_an_identity_with_no_login_gets_a_kind_page_that_reveals_nobody(sso_on, db):
    """The same page whether the person is nowhere, on the roster without a login, or has a login
    that was turned off; nobody is signed in and no login is made."""
    make_person(name="On The Roster", employee_id="E0404")  # the stranger's employee id, no login
    director = make_user(Role.DIRECTOR, email=DANA)
    logins = User.objects.count()

    pages = {}
    client = Client()
    pages["on the roster, no login"] = single_sign_on(client, "stranger")
    assert signed_in_as(client) is None
    User.objects.filter(pk=director.pk).update(is_active=False)
    pages["login turned off"] = single_sign_on(Client(), "dana")
    User.objects.filter(pk=director.pk).update(is_active=True)
    pages["email not verified"] = single_sign_on(Client(), "unverified")

    for answer in pages.values():
        assert answer.status_code == 403
        assert b"There is no login here for you yet" in answer.content
        assert b"ask the program office to invite you" in answer.content
    bodies = {blank_tokens(answer.content.decode()) for answer in pages.values()}
    assert len(bodies) == 1, "The pages differ, so they tell who is on the roster or has a login."
    assert User.objects.count() == logins
    refusals = AuditEntry.objects.filter(action="auth.sso_refused")
    assert [entry.detail["reason"] for entry in refusals] == ["no_login"] * 3
    assert all(DANA not in str(entry.detail) for entry in refusals)


def test_a_login_locked_by_failed_passwords_stays_locked_for_single_sign_on(sso_on, dana, settings):
    request = RequestFactory().post(reverse("login"))
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        Client().login(request=request, username=DANA, password="wrong password")
    assert AccessAttempt.objects.filter(username=DANA).exists()
    client = Client()
    answer = single_sign_on(client, "dana")

    assert answer.status_code == 429
    assert b"Too many failed sign-ins for this account" in answer.content
    assert signed_in_as(client) is None


# The flow itself going wrong


def test_a_callback_used_twice_or_in_another_browser_gets_the_expired_page(sso_on, dana):
    client = Client()
    start = client.get(reverse("sso-start"))
    callback = urlsplit(sign_in_at_provider(start["Location"], "dana"))
    url = f"{callback.path}?{callback.query}"

    elsewhere = Client().get(url)
    assert elsewhere.status_code == 400 and b"This sign-in has run out" in elsewhere.content
    assert client.get(url).status_code == 302  # the browser that began it
    client.post(reverse("logout"))
    again = client.get(url)
    assert again.status_code == 400 and b"This sign-in has run out" in again.content


def test_a_sign_in_cancelled_at_the_provider_gets_a_kind_page(sso_on, db):
    client = Client()
    start = client.get(reverse("sso-start"))
    state = re.search(r"state=([^&]+)", start["Location"])[1]
    answer = client.get(reverse("sso-callback"), {"error": "access_denied", "state": state})

    assert answer.status_code == 400
    assert b"Signing in did not finish" in answer.content
    assert AuditEntry.objects.get(action="auth.sso_refused").detail == {"reason": "cancelled",
                                                                        "error": "access_denied"}
    # Whatever the error parameter holds, only its code's characters are kept.
    start = client.get(reverse("sso-start"))
    state = re.search(r"state=([^&]+)", start["Location"])[1]
    odd = client.get(reverse("sso-callback"), {"error": "access\x00_denied <b>Dana</b>", "state": state})
    assert odd.status_code == 400
    assert AuditEntry.objects.filter(action="auth.sso_refused").latest("pk").detail["error"] == "access_deniedbDanab"


def test_an_id_token_from_another_issuer_is_refused(sso_on, dana, settings):
    """The endpoints named, and an issuer that is not the provider's: the signature is right, but
    the token was not issued by the provider this program trusts."""
    base = sso_on.issuer
    settings.OIDC_ISSUER = "https://login.elsewhere.example"
    settings.OIDC_AUTHORIZATION_ENDPOINT = f"{base}/authorize/"
    settings.OIDC_TOKEN_ENDPOINT = f"{base}/token/"
    settings.OIDC_USERINFO_ENDPOINT = f"{base}/userinfo/"
    settings.OIDC_JWKS_URI = f"{base}/.well-known/jwks.json"
    client = Client()
    answer = single_sign_on(client, "dana")

    assert answer.status_code == 502
    assert b"did not answer as expected" in answer.content
    assert signed_in_as(client) is None


def test_a_provider_clock_a_little_ahead_is_allowed_but_not_one_far_ahead(sso_on, dana):
    import time

    import time_machine

    with time_machine.travel(time.time() - 30, tick=True):  # the provider is 30 seconds ahead of us
        client = Client()
        assert single_sign_on(client, "dana").status_code == 302
        assert signed_in_as(client) == dana
    with time_machine.travel(time.time() - 600, tick=True):  # ten minutes ahead: not the same token
        client = Client()
        answer = single_sign_on(client, "dana")
        assert answer.status_code == 502 and signed_in_as(client) is None


def test_an_unreachable_provider_gets_a_kind_page_and_passwords_still_work(settings, dana):
    settings.OIDC_CLIENT_ID = "peersupport"
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    client = Client()
    answer = client.get(reverse("sso-start"))

    assert answer.status_code == 502
    assert b"did not answer as expected" in answer.content
    signed_in = client.post(reverse("login"), {"username": DANA, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in_as(client) == dana


def test_single_sign_on_is_off_unless_configured(db):
    client = Client()
    assert b"Sign in with" not in client.get(reverse("login")).content
    for name in ("sso-start", "sso-callback"):
        answer = client.get(reverse(name), {"code": "x", "state": "y"})
        assert answer.status_code == 302 and answer["Location"] == reverse("login")


# Password sign-in turned off, but for the break-glass login


@pytest.fixture
def password_off(sso_on, settings):
    settings.PASSWORD_SIGNIN_ENABLED = False
    settings.PASSWORD_SIGNIN_BREAK_GLASS = ["break.glass@riverside.example"]
    return sso_on


def test_the_sign_in_page_shows_the_provider_and_hides_the_password_form_when_it_is_off(sso_on, settings):
    page = Client().get(reverse("login")).content.decode()
    assert "Sign in with Riverside Health ID" in page
    assert 'data-testid="break-glass"' not in page and 'name="password"' in page

    settings.PASSWORD_SIGNIN_ENABLED = False
    page = Client().get(reverse("login")).content.decode()
    assert "Signing in with a password is turned off here" in page
    assert 'data-testid="break-glass"' in page


def test_with_password_sign_in_off_only_the_break_glass_login_signs_in_with_a_password(password_off, db):
    make_user(Role.DIRECTOR, email="break.glass@riverside.example")
    make_user(Role.REFERRER, email="safety@riverside.example")

    refused = Client()
    answer = refused.post(reverse("login"), {"username": "safety@riverside.example", "password": PASSWORD})
    assert answer.status_code == 200 and signed_in_as(refused) is None
    assert "Signing in with a password is turned off here" in answer.content.decode()
    assert not AccessAttempt.objects.exists()  # refused before any password check: nothing counts
    assert AuditEntry.objects.get(action="auth.sign_in_failed").detail == {"login": True, "sso_only": True}

    glass = Client()
    answer = glass.post(reverse("login"), {"username": "Break.Glass@riverside.example", "password": PASSWORD})
    assert answer.status_code == 302 and signed_in_as(glass).email == "break.glass@riverside.example"


def test_with_password_sign_in_off_password_links_go_only_to_the_break_glass_login(password_off, db):
    glass = make_user(Role.DIRECTOR, email="break.glass@riverside.example")
    referrer = make_user(Role.REFERRER, email="safety@riverside.example")

    sent = []
    for login in (referrer, glass):
        password_link_request(email=login.email)
        sent.append(password_link_process(password_link_request_id(login.email)))
    assert sent == [False, True]
    assert list(OutboxMessage.objects.filter(kind=RESET_KIND).values_list("to", flat=True)) == [glass.email]

    # A link sent before password sign-in was turned off no longer works for the others.
    link = urlsplit(set_password_url(referrer, reset_tokens)).path
    page = Client().get(link, follow=True)
    assert b"This link no longer works" in page.content
    assert b"Passwords are not used here" in page.content
    page = Client().get(urlsplit(set_password_url(glass, reset_tokens)).path, follow=True)
    assert b"Choose your password" in page.content


def test_with_password_sign_in_off_an_invitation_says_to_use_single_sign_on(password_off, db):
    referrer = make_user(Role.REFERRER, email="new.referrer@riverside.example")
    subject, body = render_invite_email(referrer)

    assert "Sign in with Riverside Health ID" in body
    assert "/accounts/password/set/" not in body


def password_link_request_id(email: str) -> int:
    from peersupport.accounts.models import PasswordLinkRequest
    from peersupport.lib.keyed import address_digest

    return PasswordLinkRequest.objects.filter(address_digest=address_digest(email)).latest("pk").pk


def test_password_sign_in_cannot_be_turned_off_without_single_sign_on():
    from peersupport.accounts.tests.test_settings import load_settings

    refused = load_settings(PASSWORD_SIGNIN="off", OIDC_CLIENT_ID="")
    assert refused.returncode != 0 and "PASSWORD_SIGNIN=off needs single sign-on" in refused.stderr
    assert load_settings(PASSWORD_SIGNIN="maybe").returncode != 0
    started = load_settings(PASSWORD_SIGNIN="off", OIDC_CLIENT_ID="peersupport")
    assert started.returncode == 0, started.stderr


# For the IT team: the configuration check and the command


def test_sso_check_prints_the_redirect_uri_and_checks_the_provider(sso_on, settings, db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.SITE_URL = "https://peersupport.hospital.example"
    out = StringIO()
    call_command("sso_check", stdout=out)
    text = out.getvalue()
    callback = "https://peersupport.hospital.example/accounts/sso/callback/"
    assert f"Redirect URI to register at the provider: {callback}" in text
    assert f"token_endpoint: {sso_on.issuer}/token/" in text
    assert "of which 1 for RS256" in text
    assert "by the employee id in the claim 'employee_id'" in text
    assert text.rstrip().endswith("OK: the provider answers as single sign-on needs.")

    settings.OIDC_ISSUER = f"{sso_on.issuer}/"  # a trailing slash is the same issuer
    call_command("sso_check", stdout=StringIO())
    settings.OIDC_SIGN_ALGO = "ES256"
    with pytest.raises(CommandError, match="no key for ES256"):
        call_command("sso_check", stdout=StringIO())
    settings.OIDC_SIGN_ALGO = "RS256"
    settings.OIDC_DISCOVERY_URL = f"{sso_on.issuer}/.well-known/openid-configuration"
    settings.OIDC_ISSUER = "https://login.elsewhere.example"
    with pytest.raises(CommandError, match="ID tokens would be refused"):
        call_command("sso_check", stdout=StringIO())


def test_the_system_checks_catch_a_half_set_up_single_sign_on(settings):
    from peersupport.accounts.apps import check_single_sign_on

    assert check_single_sign_on() == []  # off
    settings.OIDC_CLIENT_ID = "peersupport"
    assert {message.id for message in check_single_sign_on()} == {"accounts.E002", "accounts.E003"}
    settings.OIDC_ISSUER = "https://login.hospital.example"
    settings.OIDC_CLIENT_SECRET = "secret"
    assert check_single_sign_on() == []
    settings.PASSWORD_SIGNIN_ENABLED = False
    assert [message.id for message in check_single_sign_on()] == ["accounts.W001"]
    settings.PASSWORD_SIGNIN_BREAK_GLASS = ["break.glass@riverside.example"]
    assert check_single_sign_on() == []
