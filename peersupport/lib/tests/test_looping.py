"""`--loop SECONDS` as the sweepers and schedulers share it, with sleep and the database stubbed."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import BaseCommand, CommandParser

from peersupport.lib import looping

logger = logging.getLogger("peersupport.tests.looping")


class Command(BaseCommand):
    """The smallest command shaped like send_outbox, to check the argument and the loop together."""

    def __init__(self, job: Callable[[], object]) -> None:
        super().__init__()
        self.job = job

    def add_arguments(self, parser: CommandParser) -> None:
        looping.add_loop_argument(parser, "Run again every SECONDS.")

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        looping.run_once_or_every(loop, self.job, logger=logger, failure="Test run failed")


@pytest.fixture
def loop_events(monkeypatch) -> list[str]:
    """What the loop did, in order; sleeping raises KeyboardInterrupt after the third round."""
    events: list[str] = []

    def sleep(seconds: float) -> None:
        events.append(f"sleep {seconds:g}")
        if events.count("run") >= 3:
            raise KeyboardInterrupt  # Ctrl-C, the way a looping command is stopped

    monkeypatch.setattr(looping.time, "sleep", sleep)
    monkeypatch.setattr(looping, "close_old_connections", lambda: events.append("close old connections"))
    return events


@pytest.mark.parametrize("seconds", ["0", "-5"])
def test_a_loop_that_is_not_positive_is_refused_before_any_run(seconds, loop_events):
    with pytest.raises(CommandError, match=r"^--loop needs a positive number of seconds\.$"):
        call_command(Command(lambda: loop_events.append("run")), "--loop", seconds)
    assert loop_events == []


def test_a_loop_that_is_not_a_number_is_refused(loop_events):
    with pytest.raises(CommandError, match="argument --loop: invalid float value: 'soon'"):
        call_command(Command(lambda: loop_events.append("run")), "--loop", "soon")
    assert loop_events == []


def test_without_loop_the_job_runs_once_and_its_failure_is_the_commands(loop_events):
    call_command(Command(lambda: loop_events.append("run")))
    assert loop_events == ["run"]

    def broken() -> None:
        raise RuntimeError("database is locked")

    with pytest.raises(RuntimeError, match="database is locked"):
        call_command(Command(broken))


def test_the_loop_runs_every_n_seconds_until_interrupted(loop_events):
    with pytest.raises(KeyboardInterrupt):
        call_command(Command(lambda: loop_events.append("run")), "--loop", "2.5")
    round_ = ["close old connections", "run", "sleep 2.5"]
    assert loop_events == round_ * 3


def test_a_failed_round_is_logged_and_the_loop_goes_on(loop_events, caplog):
    def flaky() -> None:
        loop_events.append("run")
        if loop_events.count("run") == 1:
            raise RuntimeError("database is locked")

    with caplog.at_level(logging.ERROR, logger=logger.name), pytest.raises(KeyboardInterrupt):
        call_command(Command(flaky), "--loop", "60")
    assert loop_events.count("run") == 3
    [record] = caplog.records
    assert record.name == logger.name
    assert record.getMessage() == "Test run failed; trying again in 60.0 s"
    assert record.exc_info and record.exc_info[0] is RuntimeError
