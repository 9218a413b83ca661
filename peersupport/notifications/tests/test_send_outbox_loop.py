from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from peersupport.lib import looping
from peersupport.notifications.management.commands import send_outbox
from peersupport.notifications.services import retry_delay


def test_retry_delay_doubles_then_caps_at_an_hour():
    delays = [retry_delay(n) for n in (1, 2, 3, 4, 8, 100)]
    assert delays == [timedelta(seconds=s) for s in (30, 60, 120, 240, 3600, 3600)]


def test_looping_sweeper_survives_a_failed_sweep(monkeypatch):
    sweeps: list[str] = []

    def flaky_flush() -> int:
        sweeps.append("sweep")
        if len(sweeps) == 1:
            raise RuntimeError("database is locked")
        return 0

    def sleep(seconds: float) -> None:
        if len(sweeps) == 2:
            raise KeyboardInterrupt  # the only way out of the loop, as in production

    monkeypatch.setattr(send_outbox, "outbox_flush", flaky_flush)
    monkeypatch.setattr(looping.time, "sleep", sleep)
    monkeypatch.setattr(looping, "close_old_connections", lambda: None)

    with pytest.raises(KeyboardInterrupt):
        call_command("send_outbox", "--loop", "60", verbosity=0)
    assert sweeps == ["sweep", "sweep"]


def test_loop_needs_a_positive_interval():
    with pytest.raises(CommandError):
        call_command("send_outbox", "--loop", "0")
