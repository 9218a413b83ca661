"""Logins in the web: the director and the administrator invite, list, deactivate and reset."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from peersupport.accounts.models import ApiToken, Role, User
from peersupport.accounts.services import login_deactivate
from peersupport.accounts.testing import enrolled_device
from peersupport.audit.models import AuditEntry
from peersupport.lib.errors import Conflict
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, make_supporter, make_user

LINK = re.compile(r"https?://\S+/accounts/password/set/\S+/")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(client: Client, **data):
    return client.post(reverse("login-invite"), {"employee_id": "", **data})


# Inviting


def test_the_director_invites_a_referrer_who_gets_a_single_link_by_email_and_no_password(director):
    response = invite(signed_in(director), email="  Safety.Officer@Example.org ", role="referrer")
    assert response.status_code == 302 and response["Location"] == reverse("logins")
    login = User.objects.get(email="safety.officer@example.org")
    assert login.role == Role.REFERRER and login.is_active and not login.has_usable_password()
    [mail] = OutboxMessage.objects.filter(to="safety.officer@example.org")
    assert mail.kind == "login_invite" and mail.subject == "Your sign-in to the Peer Support Program"
    assert len(LINK.findall(mail.body)) == 1 and "7 days" in mail.body
    assert "&#x27;" not in mail.body and "&amp;" not in mail.body  # plain text, not HTML-escaped
    entry = AuditEntry.objects.get(action="user.invite")
    assert entry.actor == director and entry.object_id == str(login.pk)
    assert entry.detail == {"role": "referrer", "employee_id": None, "again": False}


def test_a_supporter_login_needs_the_roster_entry_of_someone_on_the_team(director):
    client = signed_in(director)
    response = invite(client, email="sam@example.org", role="supporter")
    assert response.status_code == 422 and "give their employee id" in response.content.decode()
    person = make_person(name="Sam Okafor", email="sam@example.org")
    response = invite(client, email="sam@example.org", role="supporter", employee_id=person.employee_id)
    assert response.status_code == 422 and "not on the supporter team yet" in response.content.decode()
    response = invite(client, email="sam@example.org", role="supporter", employee_id="E-NOBODY")
    assert response.status_code == 422
    assert "No one on the roster has the employee id E-NOBODY" in response.content.decode()
    assert not User.objects.filter(email="sam@example.org").exists() and not OutboxMessage.objects.exists()

    make_supporter(person)
    assert invite(client, email="sam@example.org", role="supporter", employee_id=person.employee_id).status_code == 302
    assert User.objects.get(email="sam@example.org").person == person


def test_a_roster_entry_links_to_one_login_only(director, outsider):
    response = invite(signed_in(director), email="other@example.org", role="clinician",
                      employee_id=outsider.person.employee_id)
    assert response.status_code == 422 and f"already linked to the login {outsider.email}" in response.content.decode()


def test_an_address_with_a_login_in_use_is_not_invited_again(director, referrer):
    response = invite(signed_in(director), email=referrer.email.upper(), role="leader")
    assert response.status_code == 422 and "already has a login" in response.content.decode()
    referrer.refresh_from_db()
    assert referrer.role == Role.REFERRER and referrer.has_usable_password()


def test_inviting_a_deactivated_login_again_starts_it_afresh(director):
    old = make_user(Role.ADMINISTRATOR, email="back@example.org", is_active=False)
    enrolled_device(old)
    assert invite(signed_in(director), email="back@example.org", role="leader").status_code == 302
    old.refresh_from_db()
    assert old.is_active and old.role == Role.LEADER and not old.has_usable_password()
    assert not old.totpdevice_set.exists()
    assert AuditEntry.objects.get(action="user.invite").detail["again"] is True


def test_a_bad_email_or_role_is_refused_in_plain_words(director):
    client = signed_in(director)
    response = invite(client, email="not an address", role="referrer")
    assert response.status_code == 422 and "Give a whole email address" in response.content.decode()
    response = invite(client, email="x@example.org", role="superuser")
    assert response.status_code == 422
    assert not User.objects.filter(email="x@example.org").exists()


def test_only_a_director_gives_a_login_the_director_or_administrator_role(director, administrator):
    admin_client = signed_in(administrator)
    page = admin_client.get(reverse("login-invite")).content.decode()
    assert 'value="supporter"' in page and 'value="director"' not in page and 'value="administrator"' not in page
    for role in ("director", "administrator"):
        response = invite(admin_client, email=f"new.{role}@example.org", role=role)
        assert response.status_code == 422  # not one of the choices offered
        assert not User.objects.filter(email=f"new.{role}@example.org").exists()
    assert invite(signed_in(director), email="new.admin@example.org", role="administrator").status_code == 302


# The list


def test_the_logins_page_lists_role_status_last_sign_in_and_two_step(director, administrator, referrer):
    enrolled_device(administrator)
    invited = User.objects.create_user(username="invited@example.org", email="invited@example.org",
                                       role=Role.LEADER)
    gone = make_user(Role.CLINICIAN, is_active=False)
    page = signed_in(director).get(reverse("logins"))
    assert page.status_code == 200
    rows = {row.split('data-email="')[1].split('"')[0]: row
            for row in page.content.decode().split('data-testid="login-row"')[1:]}
    assert set(rows) == {director.email, administrator.email, referrer.email, invited.email, gone.email}
    assert "Set up" in rows[administrator.email] and "Not asked" in rows[referrer.email]
    assert "Invited" in rows[invited.email] and "Deactivated" in rows[gone.email]
    assert "Never" in rows[invited.email]
    assert "deactivate-link" not in rows[director.email]  # one's own login
    assert "reset-two-step-link" in rows[administrator.email]
    assert "invite-again-link" in rows[gone.email] and "invite-again-link" in rows[invited.email]
    assert "invite-again-link" not in rows[referrer.email]


def test_invite_again_opens_the_form_filled_in_with_the_login_as_it_was(director, outsider):
    outsider.is_active = False
    outsider.save()
    client = signed_in(director)
    page = client.get(reverse("logins")).content.decode()
    [link] = re.findall(r'href="(/logins/invite/\?[^"]+)" data-testid="invite-again-link"', page)
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{outsider.email}"' in form and f'value="{outsider.person.employee_id}"' in form
    assert '<option value="clinician" selected>' in form


def test_the_logins_page_searches_by_email_and_pages(director, referrer, settings):
    for n in range(55):
        make_user(Role.REFERRER, email=f"safety{n:02d}@example.org")
    client = signed_in(director)
    page = client.get(reverse("logins"), {"q": "SAFETY"}).content.decode()
    assert "55 logins" in page and "Page 1 of 2" in page and director.email not in page
    assert client.get(reverse("logins"), {"q": "safety54"}).content.decode().count('data-testid="login-row"') == 1


def test_an_administrator_sees_but_cannot_act_on_a_directors_login(director, administrator):
    client = signed_in(administrator)
    page = client.get(reverse("logins")).content.decode()
    director_row = page.split(f'data-email="{director.email}"')[1].split("</tr>")[0]
    assert "deactivate-link" not in director_row
    assert client.get(reverse("login-deactivate", args=[director.pk])).status_code == 403
    assert client.post(reverse("login-deactivate", args=[director.pk])).status_code == 403
    assert client.post(reverse("login-two-factor-reset", args=[director.pk])).status_code == 403
    director.refresh_from_db()
    assert director.is_active


def test_the_staff_find_logins_on_the_program_page_and_no_one_else_does(director, administrator, referrer):
    for staff in (director, administrator):
        client = signed_in(staff)
        assert 'href="/program/"' in client.get(reverse("home"), follow=True).content.decode()
        assert 'href="/logins/"' in client.get(reverse("program-hub")).content.decode()
    assert 'href="/logins/"' not in signed_in(referrer).get(reverse("referral-new")).content.decode()
    assert 'href="/program/"' not in signed_in(referrer).get(reverse("referral-new")).content.decode()


# Deactivating


def test_deactivating_asks_first_then_ends_sessions_and_tokens_audited(director, referrer):
    theirs = signed_in(referrer)
    ApiToken.issue(referrer)
    client = signed_in(director)
    confirm = client.get(reverse("login-deactivate", args=[referrer.pk]))
    assert confirm.status_code == 200 and "Deactivate this login" in confirm.content.decode()
    referrer.refresh_from_db()
    assert referrer.is_active  # asking changed nothing

    response = client.post(reverse("login-deactivate", args=[referrer.pk]))
    assert response.status_code == 302
    referrer.refresh_from_db()
    assert not referrer.is_active and not ApiToken.objects.usable().filter(user=referrer).exists()
    assert SESSION_KEY not in theirs.session
    entry = AuditEntry.objects.get(action="user.deactivate")
    assert entry.actor == director and entry.detail == {"sessions_ended": 1, "tokens_revoked": 1}


def test_nobody_deactivates_or_resets_their_own_login(director):
    enrolled_device(director)
    client = signed_in(director)
    for name in ("login-deactivate", "login-two-factor-reset"):
        response = client.post(reverse(name, args=[director.pk]))
        assert response.status_code == 409 and "your own login" in response.content.decode(), name
    director.refresh_from_db()
    assert director.is_active and director.totpdevice_set.filter(confirmed=True).exists()


def test_two_directors_deactivating_each_other_leave_one_active(director):
    """The second of the two, already deactivated when its turn comes, meets the last-director rule."""
    other = make_user(Role.DIRECTOR)
    stale_other = User.objects.get(pk=other.pk)  # as the other request loaded it, before the first ran
    login_deactivate(actor=director, login_id=other.pk)
    with pytest.raises(Conflict, match="only active director"):
        login_deactivate(actor=stale_other, login_id=director.pk)
    director.refresh_from_db()
    assert director.is_active
    response = signed_in(make_user(Role.DIRECTOR)).post(reverse("login-deactivate", args=[director.pk]))
    assert response.status_code == 302  # with a second director active, the first may go


def test_deactivating_an_already_deactivated_login_says_so(director):
    gone = make_user(Role.REFERRER, is_active=False)
    response = signed_in(director).post(reverse("login-deactivate", args=[gone.pk]))
    assert response.status_code == 409 and "already deactivated" in response.content.decode()


def test_a_login_that_does_not_exist_is_a_404(director):
    assert signed_in(director).get(reverse("login-deactivate", args=[999999])).status_code == 404


# Resetting the two-step sign-in


def test_the_director_resets_an_administrators_two_step_sign_in_audited(director, administrator):
    enrolled_device(administrator)
    theirs = signed_in(administrator)
    client = signed_in(director)
    assert client.get(reverse("login-two-factor-reset", args=[administrator.pk])).status_code == 200
    assert administrator.totpdevice_set.exists()
    assert client.post(reverse("login-two-factor-reset", args=[administrator.pk])).status_code == 302
    assert not administrator.totpdevice_set.exists()
    assert SESSION_KEY not in theirs.session
    entry = AuditEntry.objects.get(action="two_factor.reset")
    assert entry.actor == director and entry.object_id == str(administrator.pk)
    assert entry.detail["devices_removed"] == 1 and entry.detail["sessions_ended"] == 1
