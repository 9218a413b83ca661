"""The roster API's optional language: stored, answered back, kept when omitted."""

import pytest

from peersupport.roster.models import Person

pytestmark = pytest.mark.django_db


def test_the_api_takes_an_optional_language_and_keeps_it_when_omitted(call, integration):
    dana = {"name": "Dana Reyes", "role_type": "nurse"}
    created = call(integration, "PUT", "/people/E1042", dana)
    assert created.json()["language"] == "en"
    assert call(integration, "PUT", "/people/E1042", {**dana, "language": "es"}).json()["language"] == "es"
    assert call(integration, "PUT", "/people/E1042", {**dana, "rank": 4}).json()["language"] == "es"
    refused = call(integration, "PUT", "/people/E1042", {**dana, "language": "fr"})
    assert refused.status_code == 422 and Person.objects.get(employee_id="E1042").language == "es"
