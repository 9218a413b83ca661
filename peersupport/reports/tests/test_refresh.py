"""A large year is worked out outside the requests: until it is, the reports show its latest
worked-out state (its counts and hidden figures together) and say when; `refresh_reports`
brings it up to date."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from peersupport.cases.models import CaseState
from peersupport.reports import layout
from peersupport.reports.periods import parse_slug
from peersupport.reports.tables import TABLES, table_result
from peersupport.reports.tests.helpers import add_cases

pytestmark = pytest.mark.django_db
APRIL = dict(month=date(2025, 4, 1), category="patient_death", state=CaseState.CLOSED)


def outcomes_2025() -> list[int | str]:
    return table_result(TABLES["outcomes_by_category"], parse_slug("2025")).total.values


def test_a_large_year_shows_its_last_worked_out_state_until_it_is_refreshed(client, leader, monkeypatch):
    monkeypatch.setattr(layout, "INLINE_FACTS", 0)  # every year counts as large
    add_cases(**APRIL, count=14, answer="accepted")
    add_cases(**APRIL, count=3, answer="declined")
    first = outcomes_2025()
    assert first[1] == "<11" and first[-1] == 17  # worked out at once: nothing to show before

    add_cases(**APRIL, count=12, answer="declined")
    # The new cases wait for the refresh: the figures shown are the earlier state, whole.
    assert outcomes_2025() == first
    client.force_login(leader)
    page = client.get(reverse("reports"), {"period": "2025"}).content.decode()
    assert 'data-testid="figures-as-of"' in page and "the newest cases are being counted" in page

    out = StringIO()
    call_command("refresh_reports", stdout=out)
    assert "Worked out" in out.getvalue() and "outcomes: 2025" in out.getvalue()
    assert outcomes_2025()[:2] == [14, 15] and outcomes_2025()[-1] == 29
    page = client.get(reverse("reports"), {"period": "2025"}).content.decode()
    assert 'data-testid="figures-as-of"' not in page

    out = StringIO()
    call_command("refresh_reports", stdout=out)
    assert out.getvalue() == ""  # nothing changed: quiet


def test_a_small_year_is_always_worked_out_at_once(monkeypatch):
    add_cases(**APRIL, count=14, answer="accepted")
    assert outcomes_2025()[-1] == 14
    add_cases(**APRIL, count=12, answer="declined")
    assert outcomes_2025()[:2] == [14, 12]


def test_the_refresh_runs_beside_the_app(settings):
    procfile = (settings.BASE_DIR / "Procfile").read_text()
    assert "reports: python manage.py refresh_reports --loop 60" in procfile
