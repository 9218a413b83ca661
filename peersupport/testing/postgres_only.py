"""A pytest plugin for the tests that need a real PostgreSQL (marked `@pytest.mark.postgres`).

On SQLite they are skipped: row locks, advisory locks and triggers behave differently there. In
the PostgreSQL run (`make test-postgres`, which sets REQUIRE_POSTGRES=1) none of them may be
skipped: a skip there, for whatever reason (the database is SQLite after all, a `skipif` or
`pytest.skip` inside the test), fails the test, so a run cannot pass with the tests that need
PostgreSQL quietly left out.

The root conftest.py loads it (`pytest_plugins`).
"""

import os
from collections.abc import Generator
from typing import Any

import pytest

MARKER = "postgres"
REQUIRE = "REQUIRE_POSTGRES"


def postgres_required() -> bool:
    return os.environ.get(REQUIRE, "") not in ("", "0")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(reason=...): needs a real PostgreSQL, skipped on SQLite")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        reason = marker.kwargs.get("reason") or "needs PostgreSQL"
        pytest.skip(f"{reason} (this run uses {connection.vendor})")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, Any]:
    report = yield
    if (report.skipped and not hasattr(report, "wasxfail") and postgres_required()
            and item.get_closest_marker(MARKER) is not None):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid} needs PostgreSQL and was skipped, but {REQUIRE}=1 says this run "
                           f"must include it: {reason}")
    return report
