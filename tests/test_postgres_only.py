"""The tests that need PostgreSQL are skipped on SQLite, and a PostgreSQL run cannot pass with
any of them skipped: with REQUIRE_POSTGRES=1 (`make test-postgres`) such a skip fails the run.

Each test runs pytest in a child process, on SQLite, on a small sample: a test marked `postgres`,
a test for any database, and one that skips for another reason.
"""

import pytest

SAMPLE = """
import pytest

@pytest.mark.postgres(reason="row locks need PostgreSQL")
def test_needs_postgres():
    pass

def test_runs_anywhere():
    pass

def test_skips_for_another_reason():
    pytest.skip("not about PostgreSQL")
"""


@pytest.fixture
def run_sample(pytester, monkeypatch):
    pytester.makepyfile(test_sample=SAMPLE)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the sample runs on SQLite, whatever this run uses
    # Only the plugin under test: the child starts in a fraction of a second.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(required: str | None) -> pytest.RunResult:
        if required is None:
            monkeypatch.delenv("REQUIRE_POSTGRES", raising=False)
        else:
            monkeypatch.setenv("REQUIRE_POSTGRES", required)
        return pytester.runpytest_subprocess("-p", "peersupport.testing.postgres_only", "-rA")

    return run


@pytest.mark.parametrize("required", [None, "", "0"])
def test_without_require_postgres_a_postgres_test_is_skipped_on_sqlite_and_the_run_passes(run_sample, required):
    result = run_sample(required)
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*row locks need PostgreSQL (this run uses sqlite)*"])
    assert result.ret == pytest.ExitCode.OK


def test_with_require_postgres_a_skipped_postgres_test_fails_the_run(run_sample):
    result = run_sample("1")
    # The skip of the PostgreSQL test is an error; the other skip stays a skip.
    result.assert_outcomes(passed=1, skipped=1, errors=1)
    result.stdout.fnmatch_lines([
        "*test_needs_postgres needs PostgreSQL and was skipped, but REQUIRE_POSTGRES=1 says this run must "
        "include it: *row locks need PostgreSQL (this run uses sqlite)*",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_tests_that_need_postgresql_say_so_with_the_marker():
    """A test that skipped itself on SQLite by its own `skipif` or `pytest.skip` would not be
    caught by REQUIRE_POSTGRES: such tests carry `@pytest.mark.postgres` instead."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    own_skip = re.compile(r"skipif\([^)]*vendor|vendor[^\n]*:\s*\n\s*pytest\.skip\(")
    offenders = [str(path.relative_to(root)) for folder in ("peersupport", "tests")
                 for path in sorted((root / folder).rglob("*.py")) if own_skip.search(path.read_text())]
    assert offenders == []
