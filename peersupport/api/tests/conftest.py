"""Calling the API as a persona, and a case to call it about."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from peersupport.accounts.models import ApiToken
from peersupport.api.tests.helpers import refer, user_of
from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.referrals.models import Referral
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person

Call = Callable[..., Any]


@pytest.fixture
def call(client: Client) -> Call:
    """call(persona, "GET", "/cases/1", body=..., headers=..., raw=...) -> the response.

    `persona` is a user, a supporter persona, or None for no Authorization header.
    """
    keys: dict[int, str] = {}

    def _call(persona, method: str, path: str, body: Any = None, *, raw: str | None = None,
              headers: dict[str, str] | None = None):
        sent = dict(headers or {})
        if persona is not None:
            user = user_of(persona)
            if user.pk not in keys:
                keys[user.pk] = ApiToken.issue(user)[1]
            sent.setdefault("Authorization", f"Bearer {keys[user.pk]}")
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return client.generic(method, "/api/v1" + path, data=data,
                              content_type="application/json", headers=sent)

    return _call


@pytest.fixture
def peer(db) -> Person:
    return make_person(name="Pat Peer", department="Emergency", specialty="Emergency Medicine",
                       employee_id="E1042")


@pytest.fixture
def referral(referrer, peer) -> Referral:
    return refer(referrer, peer)


@pytest.fixture
def case(referral) -> Case:
    return referral.cases.get()


@pytest.fixture
def assigned_case(case, director, supporter_a) -> Case:
    """The peer's case, assigned to supporter A."""
    return case_assign(actor=director, case_id=case.pk,
                       supporter_employee_id=supporter_a.person.employee_id)

