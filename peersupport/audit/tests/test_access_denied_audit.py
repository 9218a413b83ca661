"""Every refused request is recorded: a supporter asking for another supporter's case (page or
API), a role asking for a page it may not use, an API call without a valid token."""

import pytest
from django.urls import reverse

from peersupport.accounts.models import ApiToken
from peersupport.audit.models import AuditEntry
from peersupport.front.tests.helpers import assign, refer
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


@pytest.fixture
def case_of_a(director, referrer, supporter_a):
    referral = refer(referrer, make_person(name="Pat Peer"))
    return assign(director, referral.cases.get(), supporter_a)


def denials() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="access.denied").order_by("pk"))


def test_a_supporter_opening_another_supporters_case_is_recorded(client, case_of_a, supporter_b):
    client.force_login(supporter_b.person.user)
    assert client.get(reverse("case", args=[case_of_a.pk]), REMOTE_ADDR=ADDRESS).status_code == 404
    [entry] = denials()
    assert entry.actor == supporter_b.person.user and entry.ip == ADDRESS and entry.via == "web"
    assert (entry.object_type, entry.object_id) == ("case", str(case_of_a.pk))
    assert entry.detail == {"path": f"/cases/{case_of_a.pk}/", "method": "GET", "status": 404}


def test_a_supporter_acting_on_another_supporters_case_is_recorded(client, case_of_a, supporter_b):
    client.force_login(supporter_b.person.user)
    response = client.post(reverse("case-outreach", args=[case_of_a.pk]), {"channel": "call"})
    assert response.status_code == 404
    [entry] = denials()
    assert entry.detail["method"] == "POST" and entry.object_id == str(case_of_a.pk)


def test_a_supporter_asking_the_api_for_another_supporters_case_is_recorded(client, case_of_a, supporter_b):
    _, key = ApiToken.issue(supporter_b.person.user)
    response = client.get(f"/api/v1/cases/{case_of_a.pk}", headers={"Authorization": f"Bearer {key}"},
                          REMOTE_ADDR=ADDRESS)
    assert response.status_code == 404
    [entry] = denials()
    assert (entry.actor, entry.via, entry.ip) == (supporter_b.person.user, "api", ADDRESS)
    assert (entry.object_type, entry.object_id, entry.detail["status"]) == ("case", str(case_of_a.pk), 404)


def test_a_role_refused_a_page_is_recorded(client, referrer):
    client.force_login(referrer)
    assert client.get(reverse("queue")).status_code == 403
    [entry] = denials()
    assert entry.actor == referrer and entry.detail == {"path": "/queue/", "method": "GET", "status": 403}


def test_an_api_call_without_a_valid_token_is_recorded(client, case_of_a):
    response = client.get(f"/api/v1/cases/{case_of_a.pk}", headers={"Authorization": "Bearer not-a-token"},
                          REMOTE_ADDR=ADDRESS)
    assert response.status_code == 401
    [entry] = denials()
    assert entry.actor is None and entry.actor_label == "anonymous" and entry.ip == ADDRESS
    assert entry.detail["status"] == 401 and entry.via == "api"


def test_an_address_that_matches_nothing_is_not_a_refusal(client, referrer):
    client.force_login(referrer)
    assert client.get("/no/such/page/").status_code == 404
    assert client.get("/api/v1/no/such/thing").status_code == 404
    assert not denials()


def test_the_query_string_is_never_recorded(client, referrer):
    client.force_login(referrer)
    client.get(reverse("queue") + "?q=Pat+Peer")
    assert "Pat" not in str(denials()[0].detail)
