"""The director's Integration tokens page: make a named, scoped token with an expiry, see it once,
see its last use, revoke it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import ApiToken, TokenScope
from peersupport.audit.models import AuditEntry


def make_token(client: Client, owner, *, scope: str = TokenScope.READ_ONLY, days: int = 30, name: str = "HR feed"):
    expires_on = timezone.localdate() + timedelta(days=days)
    return client.post(reverse("api-token-new"), {"name": name, "owner": owner.pk, "scope": scope,
                                                  "expires_on": expires_on.isoformat()}, follow=True)


def shown_key(response) -> str:
    found = re.search(r'data-testid="api-token-key">(pst_[A-Za-z0-9_-]+)<', response.content.decode())
    assert found, "the new key is not on the page"
    return found.group(1)


def test_the_director_makes_a_token_and_sees_its_key_once(client, director, integration):
    client.force_login(director)
    assert client.get(reverse("api-token-new")).status_code == 200

    response = make_token(client, integration, scope=TokenScope.ROSTER)

    assert response.redirect_chain == [(reverse("api-tokens"), 302)]
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = shown_key(response)
    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.name, token.created_by) == (integration, "roster", "HR feed", director)
    assert token.digest != key and key not in str(ApiToken.objects.values().get())
    assert timezone.localtime(token.expires_at).date() == timezone.localdate() + timedelta(days=31)
    # Shown once: the next visit, or a reload, does not show it again.
    page = client.get(reverse("api-tokens")).content.decode()
    assert key not in page and token.prefix in page and "Roster only" in page
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor == director and entry.detail["scope"] == "roster" and key not in str(entry.detail)
    # The key works, within its scope.
    api = Client()
    headers = {"Authorization": f"Bearer {key}"}
    assert api.put("/api/v1/people/E7100", '{"name": "Sam Roster"}', content_type="application/json",
                   headers=headers).status_code == 201
    assert api.get("/api/v1/resources", headers=headers).status_code == 403


def test_the_list_shows_each_tokens_last_use(client, director):
    client.force_login(director)
    key = shown_key(make_token(client, director))

    def last_used() -> str:
        page = client.get(reverse("api-tokens")).content.decode()
        return re.search(r'data-testid="api-token-last-used">([^<]*)<', page).group(1)

    assert last_used() == "Never"
    used_at = timezone.now()
    with time_machine.travel(used_at, tick=False):
        assert Client().get("/api/v1/resources", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert last_used() == f"{timezone.localtime(used_at):%b %-d, %Y, %H:%M}"


def test_the_token_works_through_its_last_day_and_not_after(client, director):
    client.force_login(director)
    key = shown_key(make_token(client, director, days=3))
    headers = {"Authorization": f"Bearer {key}"}
    last_day = timezone.localdate() + timedelta(days=3)
    end = timezone.make_aware(timezone.datetime.combine(last_day, timezone.datetime.min.time()))

    with time_machine.travel(end + timedelta(hours=23, minutes=59)):
        assert Client().get("/api/v1/resources", headers=headers).status_code == 200
    with time_machine.travel(end + timedelta(days=1, minutes=1)):
        response = Client().get("/api/v1/resources", headers=headers)
        assert response.status_code == 401 and "expired" in response.json()["detail"]
        client.force_login(director)  # a sign-in of days ago has timed out
        assert 'data-testid="api-token-state">Expired<' in client.get(reverse("api-tokens")).content.decode()


def test_the_director_revokes_a_token(client, director, integration):
    client.force_login(director)
    key = shown_key(make_token(client, integration, scope=TokenScope.REFERRALS))
    token = ApiToken.objects.get()

    assert client.get(reverse("api-token-revoke", args=[token.pk])).status_code == 200
    response = client.post(reverse("api-token-revoke", args=[token.pk]))

    assert response.status_code == 302
    answer = Client().post("/api/v1/referrals", "{}", content_type="application/json",
                           headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 401 and "revoked" in answer.json()["detail"]
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=director).count() == 1
    again = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert again.status_code == 409 and "already revoked" in again.content.decode()
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


@pytest.mark.parametrize(("change", "message"), [
    ({"expires_on": "today"}, "after today"),
    ({"expires_on": "far"}, "at most"),
    ({"name": "   "}, "name"),
    ({"scope": "full"}, "scope"),
    ({"owner": "supporter"}, "login"),
])
def test_a_bad_token_form_says_what_is_wrong_and_makes_nothing(client, director, supporter_a, settings, change,
                                                              message):
    settings.API_TOKEN_MAX_DAYS = 365
    client.force_login(director)
    today = timezone.localdate()
    body = {"name": "HR feed", "owner": director.pk, "scope": "roster",
            "expires_on": (today + timedelta(days=30)).isoformat()}
    values = {"today": today.isoformat(), "far": (today + timedelta(days=366)).isoformat(),
              "supporter": supporter_a.person.user.pk}
    body.update({field: values.get(value, value) for field, value in change.items()})

    response = client.post(reverse("api-token-new"), body)

    assert response.status_code == 422
    assert message in response.content.decode().lower() and not ApiToken.objects.exists()


def test_only_the_director_manages_tokens(client, administrator, director):
    token, _ = ApiToken.issue(director)
    client.force_login(administrator)
    for name, args in (("api-tokens", []), ("api-token-new", []), ("api-token-revoke", [token.pk])):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_program_and_logins_pages_link_to_the_tokens_for_the_director_only(client, director, administrator):
    link = f'href="{reverse("api-tokens")}"'
    client.force_login(director)
    assert link in client.get(reverse("program-hub")).content.decode()
    assert link in client.get(reverse("logins")).content.decode()
    client.force_login(administrator)
    assert link not in client.get(reverse("program-hub")).content.decode()
    assert link not in client.get(reverse("logins")).content.decode()


def test_the_page_shows_whether_the_reporting_system_is_connected_without_its_secret(client, director):
    from peersupport.accounts.intake_secrets import intake_secret_rotate

    client.force_login(director)
    assert "Not set up" in client.get(reverse("api-tokens")).content.decode()

    secret = intake_secret_rotate()
    page = client.get(reverse("api-tokens")).content.decode()

    assert "Current secret" in page and "never used" in page and secret not in page
