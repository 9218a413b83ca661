from datetime import date

import pytest

from peersupport.api.tests.conftest import call  # noqa: F401 - the API's persona caller
from peersupport.cases.models import CaseState
from peersupport.reports.tests.helpers import add_cases


@pytest.fixture
def small_history(db):
    """2025: 14 accepted (30 minutes each), 2 declined; 2024: 12 accepted."""
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14, minutes=30)
    add_cases(month=date(2025, 4, 1), category="medical_error", state=CaseState.DECLINED, count=2)
    add_cases(month=date(2024, 5, 1), category="patient_death", state=CaseState.ACCEPTED, count=12)


@pytest.fixture
def clear_history(db):
    """Nothing hidden: 2025, 14 accepted (30 minutes each); 2024, 12 accepted."""
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14, minutes=30)
    add_cases(month=date(2024, 5, 1), category="patient_death", state=CaseState.ACCEPTED, count=12)


@pytest.fixture(autouse=True)
def _forget_worked_out_years():
    """Each test starts with no worked-out year in the process (its database starts empty)."""
    from peersupport.reports import tables

    tables._READ.clear()
    yield
    tables._READ.clear()
