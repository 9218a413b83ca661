"""What the database benchmarks share: the generated data set's people and logins, gunicorn as
production runs it, and plain HTTP clients for its API (bearer token) and web pages (session).

Everything here runs in a process whose Django is set up on this run's scratch copy of the data
set (bench/run.py does that per database).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def database_url() -> str:
    from django.db import connection

    from peersupport.lib.subprocesses import postgres_url

    if connection.vendor == "postgresql":
        return postgres_url(connection.settings_dict)
    return f"sqlite:///{connection.settings_dict['NAME']}"


def director() -> Any:
    """The generated health system's director (a login with an unusable password)."""
    from peersupport.accounts.models import Role, User

    return User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()


def fresh_people(count: int, *, site: str | None = None, exclude: set[int] | None = None) -> list[Any]:
    """Active clinicians of a role the program serves who were never a peer nor a supporter (so a
    referral of them opens a case each), in a fixed order."""
    from peersupport.cases.models import Case
    from peersupport.program.models import ProgramSettings
    from peersupport.roster.models import Person, Supporter

    people = (Person.objects.filter(active=True, role_type__in=ProgramSettings.current().served_role_types)
              .exclude(pk__in=Case.objects.filter(peer__isnull=False).values("peer_id"))
              .exclude(pk__in=Supporter.objects.values("person_id"))
              .exclude(pk__in=exclude or set()).order_by("pk"))
    if site is not None:
        people = people.filter(site=site)
    chosen = list(people[:count])
    if len(chosen) < count:
        raise AssertionError(f"bench: only {len(chosen)} fresh clinicians, {count} wanted")
    return chosen


def api_key(user: Any) -> str:
    from peersupport.accounts.models import ApiToken

    return ApiToken.issue(user)[1]


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser's cookies: the session (past the second step) and a CSRF token."""

    session_cookie: str
    session_key: str
    csrf_cookie: str
    csrf_token: str

    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{self.session_cookie}={self.session_key}; {self.csrf_cookie}={self.csrf_token}"}


def web_session(user: Any) -> WebSession:
    """Sign `user` in as the tests do (the code step passed), for a server that shares this
    process's SECRET_KEY and database."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string  # type: ignore[attr-defined]  # Django's own helper
    from django.test import Client

    from peersupport.accounts.testing import force_login_verified

    client = Client()
    force_login_verified(client, user)
    return WebSession(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value,
                      settings.CSRF_COOKIE_NAME, _get_new_csrf_string())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http(url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
         body: bytes | None = None, timeout: float = 60) -> tuple[int, bytes]:
    """Status and body; redirects are answered, not followed."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with _opener.open(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def api(url: str, key: str, payload: dict[str, Any] | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {key}"}
    if payload is not None:
        headers["Content-Type"] = "application/json"
    return http(url, method="GET" if payload is None else "POST", headers=headers,
                body=None if payload is None else json.dumps(payload).encode())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def secret_key() -> str:
    """The SECRET_KEY this process and its gunicorn share (sessions made here are valid there)."""
    from django.conf import settings

    return str(settings.SECRET_KEY)


# The keys of encryption at rest the benchmarks' data sets are written under: for benchmarks only,
# never for real data (a laptop's own keys are derived from its SECRET_KEY, which the runs vary).
BENCH_FIELD_KEYS = {"FIELD_ENCRYPTION_KEYS": "YmVuY2gtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleSE=",
                    "FIELD_HASH_KEY": "bench-only-field-hash-key-never-for-real-data"}


def field_keys() -> dict[str, str]:
    """FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY as this process has them, for a production-mode
    server on the same database (production requires them set; a laptop derives them)."""
    from django.conf import settings

    return {"FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "FIELD_HASH_KEY": ",".join(settings.FIELD_HASH_KEYS)}


_collected: list[bool] = []


def _collect_static(env: dict[str, str]) -> None:
    """Production serves the collected, hashed static files (whitenoise's manifest): collect them
    once per run, as a deployment does."""
    if not _collected:
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],  # noqa: S603
                       cwd=ROOT, env=env, check=True)
        _collected.append(True)


@contextmanager
def gunicorn(workers: int = GUNICORN_WORKERS, **extra_env: str) -> Iterator[str]:
    """gunicorn with deploy/gunicorn.conf.py in production mode (DEBUG off, DB_CONN_MAX_AGE 60)
    on this run's database, on a free loopback port; yields its base URL and stops it after."""
    from django.db import connections

    connections.close_all()  # SQLite: nothing of ours held open while the server writes
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DB_CONN_MAX_AGE", "DJANGO_SETTINGS_MODULE"}},
        "DATABASE_URL": database_url(),
        "PEERSUPPORT_ENV": "production",
        "SECRET_KEY": secret_key(),
        # The keys the data set was written under (this process's, derived from the same SECRET_KEY).
        **field_keys(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_TIMEOUT": "120",
        "LOG_LEVEL": "WARNING",
        **extra_env,
    }
    log = (ROOT / "bench" / ".data" / "gunicorn.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    _collect_static(env)
    with log.open("ab") as output:
        server = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, fixed arguments
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "peersupport.wsgi:application"],
            cwd=ROOT, env=env, stdout=output, stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http(f"{base}/api/v1/resources", timeout=5)[0] < 500:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start (see {log})")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
