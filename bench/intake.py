"""Referral intake throughput against a trivial token-authenticated endpoint, on the real stack.

    .venv/bin/python bench/intake.py            # or: bench/run.py --only intake

gunicorn with the sample configuration (deploy/gunicorn.conf.py) and INTAKE_WORKERS workers, in
production mode (so DB_CONN_MAX_AGE is 60), against a scratch database: an SQLite file, or
BENCH_DATABASE_URL (e.g. a PostgreSQL database you can wipe; it is flushed). A bounded load
generator on loopback (a thread pool, INTAKE_CLIENTS at a time) sends INTAKE_REQUESTS requests
to `GET /api/v1/resources` and then as many `POST /api/v1/referrals`, each a referral of a
clinician with no open case. The budget: intake at least half the trivial endpoint's requests
per second (the row shows milliseconds per request against twice the trivial endpoint's).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKERS = int(os.environ.get("INTAKE_WORKERS", "4"))
CLIENTS = int(os.environ.get("INTAKE_CLIENTS", "8"))
REQUESTS = int(os.environ.get("INTAKE_REQUESTS", "400"))
TIME_LIMIT_S = 120.0  # each phase stops sending after this long, whatever is left
MIN_RATIO = 0.5  # the goal: intake at least half the trivial endpoint's throughput


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(database_url: str) -> str:
    """Migrate, fill the scratch database; the referrer's API key."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if "BENCH_DATABASE_URL" in os.environ:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from peersupport.accounts.models import ApiToken, Role, User
    from peersupport.program.models import ProgramSettings
    from peersupport.roster.models import Person

    ProgramSettings.current()
    Person.objects.bulk_create(
        Person(employee_id=f"B{n:06d}", name=f"Bench Clinician {n}", email=f"bench{n}@example.org",
               role_type="physician", specialty="Internal Medicine", department=f"Department {n % 40}",
               rank=3, site="Main Campus")
        for n in range(REQUESTS)
    )
    for n in range(2):
        User.objects.create_user(username=f"director{n}@example.org", email=f"director{n}@example.org",
                                 password=secrets.token_urlsafe(16), role=Role.DIRECTOR)
    referrer = User.objects.create_user(username="referrer@example.org", email="referrer@example.org",
                                        password=secrets.token_urlsafe(16), role=Role.REFERRER)
    from django.db import connections

    key = ApiToken.issue(referrer)[1]
    connections.close_all()
    return key


def _request(url: str, key: str, body: dict[str, object] | None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")  # noqa: S310
    request.add_header("Authorization", f"Bearer {key}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _phase(send: Callable[[int], int]) -> tuple[float, int, list[int]]:
    """Requests per second, how many were sent, and the statuses that were not 2xx."""
    deadline = time.monotonic() + TIME_LIMIT_S
    started = time.perf_counter()

    def one(n: int) -> int:
        return send(n) if time.monotonic() < deadline else 0

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = list(pool.map(one, range(REQUESTS)))
    elapsed = time.perf_counter() - started
    sent = [s for s in statuses if s]
    return len(sent) / elapsed, len(sent), [s for s in sent if not 200 <= s < 300]


def measure() -> dict[str, float | int | str]:
    scratch = Path(tempfile.mkdtemp(prefix="peersupport-intake-"))
    database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{scratch / 'intake.sqlite3'}")
    key = _prepare(database_url)
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DB_CONN_MAX_AGE"}},
        "DATABASE_URL": database_url,
        "PEERSUPPORT_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
        # The production default (60) unless INTAKE_CONN_MAX_AGE says otherwise (0: compare).
        **({"DB_CONN_MAX_AGE": os.environ["INTAKE_CONN_MAX_AGE"]} if "INTAKE_CONN_MAX_AGE" in os.environ else {}),
    }
    server = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, fixed arguments
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "peersupport.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(f"{base}/resources", key, None) == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        for _ in range(4 * WORKERS):  # every worker imports, connects and warms up
            _request(f"{base}/resources", key, None)
        trivial, trivial_sent, trivial_bad = _phase(lambda n: _request(f"{base}/resources", key, None))

        def refer(n: int) -> int:
            return _request(f"{base}/referrals", key, {
                "event": {"category": "medical_error", "occurred_on": time.strftime("%Y-%m-%d"),
                          "summary": "Unexpected airway complication on Ward Seven during a procedure."},
                "involved": [{"employee_id": f"B{n:06d}"}],
                "source": "safety_report",
            })

        intake, intake_sent, intake_bad = _phase(refer)
    finally:
        server.terminate()
        server.wait(timeout=60)
    if trivial_bad or intake_bad:
        raise SystemExit(f"errors: trivial {sorted(set(trivial_bad))}, intake {sorted(set(intake_bad))}")
    vendor = database_url.split(":", 1)[0]
    return {"database": vendor, "workers": WORKERS, "clients": CLIENTS, "trivial_rps": trivial,
            "intake_rps": intake, "ratio": intake / trivial, "trivial_sent": trivial_sent,
            "intake_sent": intake_sent}


def intake_benchmarks() -> list:
    from bench.run import Result

    m = measure()
    trivial_ms, intake_ms = 1000 / float(m["trivial_rps"]), 1000 / float(m["intake_rps"])
    return [Result(
        f"intake throughput (gunicorn, {m['workers']} workers, {m['database']})",
        intake_ms,
        budget_ms=trivial_ms / MIN_RATIO,
        note=f"{float(m['intake_rps']):.0f} vs {float(m['trivial_rps']):.0f} requests/s for GET /resources: "
             f"{float(m['ratio']):.2f}x (goal >= {MIN_RATIO}x); ms per request at {m['clients']} clients",
    )]


if __name__ == "__main__":
    result = measure()
    print(json.dumps(result, indent=2))
    sys.exit(0 if float(result["ratio"]) >= MIN_RATIO else 1)
