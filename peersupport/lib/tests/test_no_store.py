"""Nothing with case data may stay in a browser's or a proxy's cache: every answer is no-store."""

import pytest
from django.urls import reverse

from peersupport.accounts.models import ApiToken
from peersupport.front.tests.helpers import assign, refer
from peersupport.testing.factories import make_person


@pytest.fixture
def case(director, supporter_a, referrer):
    return assign(director, refer(referrer, make_person(name="Pat Peer")).cases.get(), supporter_a)


def test_pages_with_case_data_are_never_stored(client, director, supporter_a, referrer, case):
    visits = {
        director: [reverse("queue"), reverse("cases"), reverse("case", args=[case.pk]), reverse("overview"),
                   reverse("referral-plan", args=[case.referral_id]), reverse("my-data"),
                   reverse("referral-receipt", args=[case.referral_id]), reverse("roster")],
        supporter_a.person.user: [reverse("my-cases"), reverse("case", args=[case.pk]),
                                  reverse("case-sheet", args=[case.pk]), reverse("my-data")],
        referrer: [reverse("referral-receipt", args=[case.referral_id]), reverse("my-data")],
    }
    for user, urls in visits.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "no-store", url


def test_refusals_redirects_and_errors_are_never_stored_either(client, supporter_b, case):
    answers = [client.get(reverse("case", args=[case.pk]))]  # signed out: to the login page
    client.force_login(supporter_b.person.user)
    answers += [client.get(reverse("case", args=[case.pk])), client.get(reverse("queue")),
                client.get("/no/such/page/")]
    assert [a.status_code for a in answers] == [302, 404, 403, 404]
    assert all(a["Cache-Control"] == "no-store" for a in answers)


def test_api_answers_are_never_stored(client, director, case):
    key = ApiToken.issue(director)[1]
    auth = {"Authorization": f"Bearer {key}"}
    for path in ("/cases", f"/cases/{case.pk}", f"/cases/{case.pk}/suggestions", f"/people/{case.peer.employee_id}",
                 "/cases/999999", "/openapi.json"):
        response = client.get("/api/v1" + path, headers=auth)
        assert response.status_code in (200, 404), path
        assert response["Cache-Control"] == "no-store", path
    assert client.get("/api/v1/cases")["Cache-Control"] == "no-store"  # 401 too
