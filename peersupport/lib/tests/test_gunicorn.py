"""The production web server: the sample gunicorn configuration loads with its documented values,
serves the app, and its access log carries no token, employee id, query string or address."""

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings

from peersupport.lib.subprocesses import SharedDatabase, child_env

CONFIG = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"


def load_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "PORT",
                 "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONFIG)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sample_gunicorn_config_listens_on_loopback_with_workers_from_the_environment(monkeypatch):
    defaults = load_config(monkeypatch)
    assert defaults.bind == ["127.0.0.1:8000"]
    assert defaults.workers >= 2 and defaults.timeout == 30 and defaults.accesslog == "-"
    assert "%(q)s" not in defaults.access_log_format and "%(h)s" not in defaults.access_log_format
    told = load_config(monkeypatch, GUNICORN_WORKERS="4", GUNICORN_BIND="127.0.0.1:9001,[::1]:9001",
                       GUNICORN_TIMEOUT="60")
    assert (told.workers, told.bind, told.timeout) == (4, ["127.0.0.1:9001", "[::1]:9001"], 60)
    assert load_config(monkeypatch, WEB_CONCURRENCY="3", PORT="8100").workers == 3
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be a whole number"):
        load_config(monkeypatch, GUNICORN_WORKERS="four")


@pytest.mark.parametrize(("path", "logged"), [
    ("/support/link/Zk3-secret_token/", "/support/link/[token]/"),
    ("/support/talk/Zk3-secret_token/?step=2", "/support/talk/[token]/"),
    ("/accounts/password/set/MQ/cx2-secret/", "/accounts/password/set/[uid]/[token]/"),
    ("/roster/E1042/", "/roster/[employee-id]/"),
    ("/roster/HR/1042/supporter/", "/roster/[employee-id]/supporter/"),
    ("/roster/new/", "/roster/new/"),
    ("/api/v1/people/E1042", "/api/v1/people/[employee-id]"),
    ("/api/v1/supporters/E1042", "/api/v1/supporters/[employee-id]"),
    ("/api/v1/people/batch", "/api/v1/people/batch"),
    ("/api/v1/referrals", "/api/v1/referrals"),
])
def test_the_access_log_replaces_tokens_and_employee_ids_in_paths(monkeypatch, path, logged):
    assert load_config(monkeypatch).redact_path(path) == logged


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> int:
    try:
        # Generous: the first request imports the app, slow on a busy machine, and a timed-out
        # request retried would log twice.
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback, http
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_serves_the_app_with_the_sample_config_and_logs_no_token(transactional_db, tmp_path):
    shared = SharedDatabase(tmp_path)
    shared.publish()
    port = _free_port()
    env = child_env(shared.url, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    server = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, fixed arguments
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "peersupport.wsgi:application"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while status is None:
            assert server.poll() is None, "gunicorn exited before serving"
            try:
                status = _get(f"http://127.0.0.1:{port}/support/")
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # not listening yet
        assert status == 200
        # An unknown personal link: gone (410).
        assert _get(f"http://127.0.0.1:{port}/support/link/Zk3-secret_token/?from=email") == 410
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert '"GET /support/ HTTP/1.1" 200' not in output  # the format logs the path alone
    assert '"GET /support/" 200' in output, output
    assert "/support/link/[token]/" in output, output
    access_log = [line for line in output.splitlines() if '"GET ' in line]
    assert len(access_log) == 2, output
    assert not any("Zk3-secret_token" in line or "from=email" in line or "127.0.0.1" in line for line in access_log)
