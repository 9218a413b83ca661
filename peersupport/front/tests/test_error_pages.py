"""Our own error pages, with a way back home, in every mode: DEBUG on shows them too, never
Django's technical pages (which list every URL pattern). The API keeps its JSON errors."""

import logging

import pytest
from django.urls import reverse

from peersupport.cases.actions import case_hand_back
from peersupport.front.tests.helpers import assign, refer
from peersupport.testing.factories import make_person

HOME_LINK = 'data-testid="error-home-link"'


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_stale_email_link_to_a_handed_back_case_shows_our_404(client, debug, director, referrer, supporter_a):
    case = assign(director, refer(referrer, make_person()).cases.get(), supporter_a)
    case_hand_back(actor=supporter_a.person.user, case_id=case.pk, reason="no_capacity")
    client.force_login(supporter_a.person.user)
    response = client.get(reverse("case", args=[case.pk]))  # the link in the assignment email
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that" in html and HOME_LINK in html
    assert "URLconf" not in html and "Using the URLconf" not in html and "technical" not in html.lower()


def test_an_address_that_matches_no_page_shows_our_404_without_the_url_patterns(client, debug, director):
    client.force_login(director)
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404 and "We could not find that" in html and HOME_LINK in html
    assert "cases/<int:case_id>/" not in html and "URLconf" not in html


def test_a_page_refused_to_a_role_shows_our_403(client, debug, supporter_a):
    client.force_login(supporter_a.person.user)
    response = client.get(reverse("queue"))
    html = response.content.decode()
    assert response.status_code == 403 and "This page is not part of your role" in html and HOME_LINK in html


def test_a_method_a_page_does_not_take_shows_our_405(client, debug, director):
    client.force_login(director)
    response = client.put(reverse("queue"))
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert "That page is not used that way" in html and HOME_LINK in html


def test_a_request_too_large_to_read_shows_our_400(client, debug, settings, director):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.force_login(director)
    case_id = refer(director, make_person()).cases.get().pk
    response = client.post(reverse("case-assign", args=[case_id]), {f"f{i}": "x" for i in range(20)})
    html = response.content.decode()
    assert response.status_code == 400 and "That could not be read" in html and HOME_LINK in html
    assert "Traceback" not in html


def test_a_server_error_shows_our_500_in_every_mode(client, debug, director, monkeypatch, caplog):
    from peersupport.cases import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "cases_for_user", broken)
    client.raise_request_exception = False
    client.force_login(director)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(reverse("queue"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode() and HOME_LINK in response.content.decode()
    assert "Traceback" not in response.content.decode() and "SECRET_KEY" not in response.content.decode()
    # The developer still finds where it broke, in the log.
    assert any(record.exc_info for record in caplog.records if record.name == "django.request")


def test_the_api_keeps_its_json_errors(client, debug):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_an_expected_403_writes_no_traceback_to_the_log(client, caplog, supporter_a):
    client.force_login(supporter_a.person.user)
    with caplog.at_level(logging.WARNING):
        assert client.get(reverse("queue")).status_code == 403
    assert caplog.records, "the refusal is still logged, in one line"
    assert all(record.exc_info is None and "Traceback" not in record.getMessage() for record in caplog.records)


def test_the_favicon_is_linked_and_answered_at_its_usual_address(client, director):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
    assert response["Location"].startswith("/static/")
    client.force_login(director)
    assert 'rel="icon"' in client.get(reverse("queue")).content.decode()


def test_an_expired_form_shows_our_page_asking_to_send_it_again(debug, director):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    response = client.post(reverse("outbox-retry"))
    html = response.content.decode()
    assert response.status_code == 403 and "Please send that again" in html and HOME_LINK in html
    assert "CSRF_FAILURE_VIEW" not in html
