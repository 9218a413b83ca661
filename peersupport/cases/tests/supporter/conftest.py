"""Shared by the supporter page tests: a peer, their case assigned to supporter A, a directory."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.front.tests.helpers import assign, refer
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person


@pytest.fixture
def peer(db):
    return make_person(name="Pat Peer", department="Emergency", phone="+1 (555) 010-2030",
                       email="pat@example.org")


@pytest.fixture
def directory(db) -> dict[str, Resource]:
    return {
        "eap": Resource.objects.create(name="Employee Assistance Program", category="counseling",
                                       contact="+1 555 0140", description="Free, confidential counseling."),
        "legal": Resource.objects.create(name="Risk & Legal Counsel Hotline", category="medicolegal",
                                         contact="+1 555 0144"),
        "crisis": Resource.objects.create(name="Crisis Lifeline", category="crisis", contact="Call or text 988",
                                          description="Any hour."),
        "retired": Resource.objects.create(name="Retired Line", category="other", active=False),
    }


@pytest.fixture
def case(director, referrer, supporter_a, peer) -> Case:
    referral = refer(referrer, peer, occurred_on=timezone.localdate() - timedelta(days=3))
    return assign(director, referral.cases.get(), supporter_a)


def set_state(case: Case, state: str) -> Case:
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    return case
