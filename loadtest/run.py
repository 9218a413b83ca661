"""The load test of a busy morning: locust against gunicorn and PostgreSQL, on loopback.

    .venv/bin/python loadtest/run.py            # or: make loadtest
    LOAD_USERS=10 LOAD_MINUTES=1 .venv/bin/python loadtest/run.py

1. A health system (`generate_health_system`) is built once into the PostgreSQL database
   `<LOAD_DATABASE>_template` and reused while its size, seed, generator and migrations are the
   same; each run copies it into `<LOAD_DATABASE>` (CREATE DATABASE … TEMPLATE), so every run
   starts from the same morning.
2. Logins for the load's users get a known random password (program staff an authenticator key
   too), the integration an API token, and what locust needs goes to a JSON file.
3. `verify_audit --anchor` records the audit trail's head; then gunicorn (the sample
   configuration, 4 workers, production settings, DEBUG off), the worker (`db_worker`), the
   outbox sweeper, an SMTP server on loopback, and `seal_audit` when the checkout has it.
4. locust, headless: LOAD_USERS users (default 50, spawned LOAD_SPAWN_RATE a second) for
   LOAD_MINUTES minutes (default 5), the mix of roles in `loadtest/locustfile.py`.
5. Everything it started is stopped, even on failure; then `verify_audit --anchor` must verify
   the trail with the head seen before the load still in it.

It prints p50 and p95 per page and writes them with the rest (requests, failures, races) to
`loadtest/results/results.json`, beside locust's CSV files and the servers' logs. It fails on
any failed request (a status the page does not give in normal use, or no answer), any exception
in locust, any server error in the logs, or an audit trail that does not verify.

Environment: LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/loadtest; the
database and its `_template` are dropped and made again), LOAD_STAFF, LOAD_SUPPORTERS,
LOAD_YEARS, LOAD_SEED (the health system: 100,000, 5,000, 5, 1), LOAD_USERS, LOAD_MINUTES,
LOAD_SPAWN_RATE, LOAD_WORKERS (gunicorn workers, 4), LOAD_KEEP_DATABASE=1 (keep the run's copy).
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.mix import role_counts  # noqa: E402

DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loadtest")
STAFF = int(os.environ.get("LOAD_STAFF", "100000"))
SUPPORTERS = int(os.environ.get("LOAD_SUPPORTERS", "5000"))
YEARS = int(os.environ.get("LOAD_YEARS", "5"))
SEED = int(os.environ.get("LOAD_SEED", "1"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
MINUTES = float(os.environ.get("LOAD_MINUTES", "5"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "10"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
KEEP_DATABASE = os.environ.get("LOAD_KEEP_DATABASE", "") == "1"
RESULTS = ROOT / "loadtest" / "results"
SEAL_EVERY_S = 5
# Supporters' logins prepared per supporter user (a desk shared in turns through the morning).
SUPPORTER_TURNS = 10
DOMAIN = "health.example"
# Lines in the servers' logs that mean a request or a task went wrong.
LOG_ERRORS = ("Traceback", " ERROR ", "CRITICAL", "WORKER TIMEOUT", "Worker was sent", "Forbidden (")


def say(text: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise SystemExit("LOAD_DATABASE_URL must name a database.")
    return name


def _admin() -> Any:
    import psycopg

    return psycopg.connect(_with_name(DATABASE_URL, "postgres"), autocommit=True)


def _manage(*args: str, env: dict[str, str], timeout: float = 1800) -> str:
    result = subprocess.run(  # noqa: S603 - this interpreter, our manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _base_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "DB_CONN_MAX_AGE", "EMAIL_"))}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="peersupport.settings", PYTHONUNBUFFERED="1",
               LOG_LEVEL="WARNING")
    return env


# --- 1. the health system, built once, copied for each run ------------------------------------------


def _fingerprint() -> str:
    """What the template was built from: size, seed, the generator and every migration."""
    digest = hashlib.sha256(f"{STAFF}/{SUPPORTERS}/{YEARS}/{SEED}".encode())
    digest.update(f"{os.environ.get('FIELD_ENCRYPTION_KEYS')}/{os.environ.get('FIELD_HASH_KEY')}".encode())
    digest.update((ROOT / "peersupport" / "demo" / "health_system.py").read_bytes())
    for migration in sorted((ROOT / "peersupport").glob("*/migrations/*.py")):
        digest.update(str(migration.relative_to(ROOT)).encode())
        digest.update(migration.read_bytes())
    return f"loadtest {STAFF} staff, {SUPPORTERS} supporters, {YEARS} years, seed {SEED}: {digest.hexdigest()[:16]}"


def _drop(admin: Any, name: str) -> None:
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_database() -> str:
    """The run's database, a fresh copy of the template (built first if missing or stale)."""
    name = _database_name(DATABASE_URL)
    template = f"{name}_template"
    fingerprint = _fingerprint()
    with _admin() as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (template,)
        ).fetchone()
        if row is None or row[0] != fingerprint:
            say(f"building the health system into {template} ({STAFF:,} staff, {SUPPORTERS:,} supporters, "
                f"{YEARS} years; about a minute at full size)")
            _drop(admin, template)
            admin.execute(f'CREATE DATABASE "{template}"')
            env = _base_env(_with_name(DATABASE_URL, template))
            _manage("migrate", "--noinput", env=env)
            started = time.monotonic()
            out = _manage("generate_health_system", "--staff", str(STAFF), "--supporters", str(SUPPORTERS),
                          "--years", str(YEARS), "--seed", str(SEED), env=env)
            say(f"built in {time.monotonic() - started:.0f} s: " + "; ".join(out.strip().splitlines()[:4]))
            admin.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        else:
            say(f"reusing {template} ({fingerprint})")
        _drop(admin, name)
        started = time.monotonic()
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        say(f"copied it into {name} in {time.monotonic() - started:.1f} s")
    return DATABASE_URL


# --- 2. the load's logins ---------------------------------------------------------------------------


def prepare_logins(database_url: str, data_path: Path) -> dict[str, Any]:
    """Give the load's users logins they can sign in with; what locust needs, as JSON."""
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="peersupport.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import connections, transaction
    from django.db.models import Count, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peersupport.accounts.models import ApiToken, Role, User
    from peersupport.accounts.two_factor import DEVICE_NAME
    from peersupport.cases.models import CaseState
    from peersupport.demo.health_system import SENTENCES
    from peersupport.program.models import ProgramSettings
    from peersupport.roster.models import Person

    counts = role_counts(USERS)
    password = secrets.token_urlsafe(18)
    hashed = make_password(password)
    data: dict[str, Any] = {"password": password, "totp_keys": {}}

    def logins(role: str, prefix: str, count: int) -> list[User]:
        users = []
        for n in range(count):
            email = f"{prefix}{n}@{DOMAIN}"
            user, _ = User.objects.update_or_create(
                email=email, defaults={"username": email, "role": role, "password": hashed, "is_active": True})
            users.append(user)
        return users

    with transaction.atomic():
        directors = logins(Role.DIRECTOR, "load-director", max(1, counts["director"]))
        for user in directors:
            TOTPDevice.objects.filter(user=user).delete()
            key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True, key=key)
            data["totp_keys"][user.email] = key
        data["directors"] = [u.email for u in directors]
        data["leaders"] = [u.email for u in logins(Role.LEADER, "load-leader", max(1, counts["leader"]))]
        # The generated referrers (the patient safety office and unit leaders), more if needed.
        referrers = list(User.objects.filter(role=Role.REFERRER, is_active=True).order_by("pk")[: counts["referrer"]])
        referrers += logins(Role.REFERRER, "load-referrer", max(0, counts["referrer"] - len(referrers)))
        User.objects.filter(pk__in=[u.pk for u in referrers]).update(password=hashed)
        data["referrers"] = [u.email for u in referrers] or [u.email for u in logins(Role.REFERRER, "load-referrer", 1)]
        # The supporters with open cases, the most first: each supporter user works through
        # several of them in turn (the locustfile's Supporter), signing in as the next when done.
        open_states = [CaseState.ASSIGNED, CaseState.OUTREACH_MADE, CaseState.ACCEPTED]
        supporters = list(
            User.objects.filter(role=Role.SUPPORTER, is_active=True, person__supporter__isnull=False)
            .annotate(open=Count("person__supporter__cases", filter=Q(person__supporter__cases__state__in=open_states)))
            .order_by("-open", "pk")[: max(1, counts["supporter"]) * SUPPORTER_TURNS]
        )
        # Beyond the first turn, only supporters with work to do.
        supporters = supporters[: counts["supporter"]] + [u for u in supporters[counts["supporter"]:] if u.open]
        User.objects.filter(pk__in=[u.pk for u in supporters]).update(password=hashed)
        data["supporters"] = [u.email for u in supporters]
        data["supporter_open_cases"] = sum(u.open for u in supporters)
        # The safety-reporting system's tokens, one per integration user.
        integration = User.objects.filter(role=Role.INTEGRATION, is_active=True).order_by("pk").first()
        if integration is None:
            integration = logins(Role.INTEGRATION, "load-integration", 1)[0]
        data["api_keys"] = [ApiToken.issue(integration)[1] for _ in range(max(1, counts["integration"]))]

    served = ProgramSettings.current().served_role_types
    referable = Person.objects.referable(served).order_by("?")
    sample = list(referable.values("employee_id", "name", "email", "phone", "role_type", "specialty", "department",
                                   "rank", "interventional", "site", "gender", "active",
                                   "supervisor__employee_id")[:3000])
    data["employee_ids"] = [p["employee_id"] for p in sample]
    data["names"] = [p["name"] for p in sample[:1000]]
    data["emails"] = [p["email"] for p in Person.objects.exclude(email="").order_by("?").values("email")[:3000]]
    data["people"] = [
        {**{k: v for k, v in p.items() if k != "supervisor__employee_id"},
         "supervisor_employee_id": p["supervisor__employee_id"]}
        for p in sample[:200]
    ]
    data["sentences"] = {str(category): list(sentences) for category, sentences in SENTENCES.items()}
    data["counts"] = counts
    connections.close_all()
    data_path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return data


# --- 3. the servers ----------------------------------------------------------------------------------


class Processes:
    """Everything started for the run, stopped in reverse order whatever happens."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen[bytes], Any]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(RESULTS / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process, log))
        return process

    def stop(self) -> None:
        for name, process, log in reversed(self.started):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    say(f"{name} did not stop in 30 s: killed")
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
            log.close()
        self.started.clear()


def _seal_command(env: dict[str, str]) -> list[str] | None:
    """`seal_audit` (with `--loop` when it has one), if this checkout has the command."""
    result = subprocess.run(  # noqa: S603 - this interpreter, our manage.py
        [sys.executable, str(ROOT / "manage.py"), "help", "seal_audit"], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False,
    )
    if result.returncode != 0:
        return None
    return ["seal_audit", "--loop", str(SEAL_EVERY_S)] if "--loop" in result.stdout else ["seal_audit"]


def _seal_every(command: list[str], env: dict[str, str], stop: threading.Event) -> None:
    """Run `manage.py seal_audit` every few seconds until told to stop (a seal_audit without --loop)."""
    with open(RESULTS / "seal.log", "ab") as log:
        while not stop.wait(SEAL_EVERY_S):
            subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], cwd=ROOT, env=env,  # noqa: S603
                           stdout=log, stderr=subprocess.STDOUT, check=False)


def _wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    request = urllib.request.Request(f"{base}/support/", headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("gunicorn did not start: see loadtest/results/gunicorn.log")
        time.sleep(0.3)


def _collect_static(env: dict[str, str]) -> None:
    """Production serves the collected, hashed static files (WhiteNoise's manifest): collect them
    unless the manifest is newer than every static file (collecting takes a minute)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [f for f in (ROOT / "peersupport").glob("**/static/**/*") if f.is_file()]
    if manifest.exists() and all(f.stat().st_mtime < manifest.stat().st_mtime for f in sources):
        return
    say("collecting the static files (production serves them hashed)")
    _manage("collectstatic", "--noinput", env=env)


def _warm_up(base: str) -> None:
    """A few requests for each worker, so the first users do not wait for a cold process."""
    for _ in range(4 * WORKERS):
        for path in ("/support/", "/support/ask/", "/accounts/login/"):
            request = urllib.request.Request(base + path, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
                response.read()


class CpuSampler:
    """CPU seconds the load cost: the app's processes (with their children) and the database's
    server processes for the run's database, sampled every second, so processes that come and go
    during the load (a recycled gunicorn worker, a database connection past its age) count too."""

    def __init__(self, processes: Processes, database: str) -> None:
        self.processes, self.database = processes, database
        self.baseline: dict[int, float] = {}
        self.latest: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.monotonic()

    def _sample(self, first: bool) -> None:
        import psutil  # locust's own dependency

        groups: list[tuple[str, Any]] = []
        for name, process, _ in self.processes.started:
            try:
                parent = psutil.Process(process.pid)
                groups += [(name, p) for p in (parent, *parent.children(recursive=True))]
            except psutil.Error:
                continue
        for candidate in psutil.process_iter(["cmdline"]):
            if f" {self.database} " in " ".join(candidate.info["cmdline"] or []) + " ":
                groups.append(("postgres", candidate))
        for name, process in groups:
            try:
                used = sum(process.cpu_times()[:2])
            except psutil.Error:
                continue
            if first:
                self.baseline[process.pid] = used
            self.latest[process.pid] = (name, used)

    def _run(self) -> None:
        while not self.stop.wait(1.0):
            self._sample(first=False)

    def start(self) -> None:
        self._sample(first=True)
        self.started = time.monotonic()
        self.thread.start()

    def finish(self) -> dict[str, float]:
        self.stop.set()
        self.thread.join()
        self._sample(first=False)
        used: dict[str, float] = {}
        for pid, (name, seconds) in self.latest.items():
            used[name] = used.get(name, 0.0) + seconds - self.baseline.get(pid, 0.0)
        return {**{name: round(value, 1) for name, value in sorted(used.items())},
                "wall": round(time.monotonic() - self.started, 1)}


# --- 4. locust, 5. the results ---------------------------------------------------------------------


def run_locust(base: str, data_path: Path, env: dict[str, str]) -> int:
    """locust, headless; its summary goes to results/locust.log, the requests to requests.csv."""
    seconds = max(10, int(MINUTES * 60))
    say(f"locust: {USERS} users (spawned {SPAWN_RATE:g} a second) for {seconds} s against {base}")
    locust_env = {**env, "LOAD_DATA": str(data_path), "LOAD_USERS": str(USERS),
                  "LOAD_RACES": str(RESULTS / "races.json"), "LOAD_REQUESTS": str(RESULTS / "requests.csv")}
    with open(RESULTS / "locust.log", "wb") as log:
        result = subprocess.run(  # noqa: S603 - this interpreter's locust, fixed arguments
            [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
             "--host", base, "-u", str(USERS), "-r", f"{SPAWN_RATE:g}", "-t", f"{seconds}s", "--stop-timeout", "20",
             "--csv", str(RESULTS / "locust"), "--html", str(RESULTS / "locust.html"), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=locust_env, check=False, timeout=seconds + 300, stdout=log, stderr=subprocess.STDOUT,
        )
    return result.returncode


def _rows_of(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _log_errors() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for log in sorted(RESULTS.glob("*.log")):
        lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
                 if any(marker in line for marker in LOG_ERRORS)]
        if lines:
            found[log.name] = lines[:20]
    return found


def _percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def _pages(rows: list[tuple[float, str, float, int]]) -> list[dict[str, Any]]:
    by_page: dict[str, list[tuple[float, int]]] = {}
    for _, page, ms, failed in rows:
        by_page.setdefault(page, []).append((ms, failed))
    return [
        {"page": page, "requests": len(timings), "failures": sum(f for _, f in timings),
         "p50_ms": round(_percentile([ms for ms, _ in timings], 0.50), 1),
         "p95_ms": round(_percentile([ms for ms, _ in timings], 0.95), 1),
         "max_ms": round(max(ms for ms, _ in timings), 1)}
        for page, timings in sorted(by_page.items())
    ]


def report(smtp_messages: int, audit_before: str, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    rows = [(float(r["started"]), r["page"], float(r["ms"]), int(r["failed"]))
            for r in _rows_of(RESULTS / "requests.csv")]
    # The morning's sign-in rush: every user but the public and the integration signs in within
    # the first seconds. The steady state is what follows the answer to the last of those first
    # sign-ins (supporters handing over to the next sign in later too; those count as steady).
    counts = data["counts"]
    signing_in = counts["director"] + counts["supporter"] + counts["referrer"] + counts["leader"]
    passwords = sorted(started + ms / 1000 for started, page, ms, _ in rows if page == "sign in (password)")
    codes = sorted(started + ms / 1000 for started, page, ms, _ in rows if page == "sign in (code)")
    first = min((r[0] for r in rows), default=0.0)
    settled = max([first, *passwords[:signing_in], *codes[: counts["director"]]])
    steady = [row for row in rows if row[0] >= settled]
    failures = _rows_of(RESULTS / "locust_failures.csv")
    exceptions = _rows_of(RESULTS / "locust_exceptions.csv")
    races = json.loads((RESULTS / "races.json").read_text()) if (RESULTS / "races.json").exists() else {}
    problems = []
    if not rows:
        problems.append("locust recorded no requests")
    failed = sum(r[3] for r in rows)
    if failed or failures:
        problems.append(f"{failed} failed requests: "
                        + "; ".join(f"{f['Name']}: {f['Error']} ({f['Occurrences']}x)" for f in failures[:10]))
    if exceptions:
        problems.append(f"{len(exceptions)} exceptions in locust: " + "; ".join(e["Msg"] for e in exceptions[:5]))
    log_errors = _log_errors()
    if log_errors:
        problems.append("errors in the servers' logs: " + "; ".join(
            f"{name}: {lines[0]}" for name, lines in log_errors.items()))
    last = max((r[0] + r[2] / 1000 for r in rows), default=0.0)
    all_ms = [r[2] for r in rows]
    steady_ms = [r[2] for r in steady]
    steady_seconds = max(1e-9, last - settled)
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "users": USERS, "minutes": MINUTES, "spawn_rate": SPAWN_RATE, "gunicorn_workers": WORKERS,
        "roles": data["counts"],
        "health_system": {"staff": STAFF, "supporters": SUPPORTERS, "years": YEARS, "seed": SEED},
        "load_average_after": os.getloadavg(),
        "requests": len(rows), "failures": failed, "exceptions": len(exceptions),
        "requests_per_second": round(len(rows) / max(1e-9, last - first), 1),
        "p50_ms": round(_percentile(all_ms, 0.50), 1), "p95_ms": round(_percentile(all_ms, 0.95), 1),
        "sign_in_rush_seconds": round(settled - first, 1),
        "steady": {"requests": len(steady), "requests_per_second": round(len(steady) / steady_seconds, 1),
                   "p50_ms": round(_percentile(steady_ms, 0.50), 1),
                   "p95_ms": round(_percentile(steady_ms, 0.95), 1)},
        "races": races, "emails_received": smtp_messages,
        "server_log_errors": log_errors, "audit_before": audit_before, "audit_after": "",
        "pages": _pages(rows), "pages_steady": _pages(steady),
    }
    return result, problems


def print_table(result: dict[str, Any]) -> None:
    steady = {p["page"]: p for p in result["pages_steady"]}
    width = max([len(p["page"]) for p in result["pages"]] + [20])
    print(f"\n{'':<{width}}  {'whole run':^35}  {'after the sign-in rush':^26}")
    print(f"{'page':<{width}}  {'requests':>8}  {'fails':>5}  {'p50 ms':>7}  {'p95 ms':>7}  "
          f"{'requests':>8}  {'p50 ms':>7}  {'p95 ms':>7}")
    for page in result["pages"]:
        after = steady.get(page["page"], {"requests": 0, "p50_ms": 0, "p95_ms": 0})
        print(f"{page['page']:<{width}}  {page['requests']:>8}  {page['failures']:>5}  {page['p50_ms']:>7.0f}  "
              f"{page['p95_ms']:>7.0f}  {after['requests']:>8}  {after['p50_ms']:>7.0f}  {after['p95_ms']:>7.0f}")
    s = result["steady"]
    print(f"{'all requests':<{width}}  {result['requests']:>8}  {result['failures']:>5}  {result['p50_ms']:>7.0f}  "
          f"{result['p95_ms']:>7.0f}  {s['requests']:>8}  {s['p50_ms']:>7.0f}  {s['p95_ms']:>7.0f}")
    if result.get("cpu_seconds"):
        print("CPU seconds during the load: " + ", ".join(f"{k} {v}" for k, v in result["cpu_seconds"].items()))
    print(f"\n{result['requests_per_second']} requests/s ({s['requests_per_second']} after the sign-in rush of "
          f"{result['sign_in_rush_seconds']} s); {result['emails_received']} emails received; races (the product's "
          f"own refusal, shown to the second of two people at once): {result['races'] or 'none'}")


def main() -> int:
    # The health system is encrypted under these keys (fixed, for the load test only; a template
    # written under other keys is rebuilt, see _fingerprint).
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "bG9hZC10ZXN0LW9ubHktZmllbGQtZW5jcnlwdGlvbiE=")
    os.environ.setdefault("FIELD_HASH_KEY", "load-test-only-field-hash-key-never-for-real-data")
    if RESULTS.exists():
        shutil.rmtree(RESULTS)
    RESULTS.mkdir(parents=True)
    database_url = prepare_database()
    data_path = RESULTS / "load-data.json"
    data = prepare_logins(database_url, data_path)
    say(f"logins ready: {data['counts']} ({data['supporter_open_cases']} open cases among the supporters)")
    env = _base_env(database_url)
    anchor = RESULTS / "audit-anchor.json"
    audit_before = _manage("verify_audit", "--anchor", str(anchor), env=env).strip()
    say(f"audit trail before the load: {audit_before}")

    from peersupport.notifications.testing import LoopbackSMTPServer

    # aiosmtpd logs every SMTP command at INFO.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    smtp = LoopbackSMTPServer()
    processes = Processes()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {
        **env,
        "PEERSUPPORT_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        # The load generator stands where the TLS-terminating reverse proxy would.
        "TRUSTED_PROXIES": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
    }
    locust_code = 1
    smtp_messages = 0
    cpu_used: dict[str, float] = {}
    stop_sealing = threading.Event()
    sealer: threading.Thread | None = None
    _collect_static(server_env)
    try:
        smtp.start()
        server = processes.start("gunicorn", ["-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                                              "peersupport.wsgi:application"], server_env)
        processes.start("worker", [str(ROOT / "manage.py"), "db_worker", "--no-reload"], server_env)
        processes.start("outbox", [str(ROOT / "manage.py"), "send_outbox", "--loop", "60"], server_env)
        seal = _seal_command(server_env)
        if seal is not None:
            say(f"sealing the audit trail during the load: manage.py {' '.join(seal)}")
            if "--loop" in seal:
                processes.start("seal", [str(ROOT / "manage.py"), *seal], server_env)
            else:
                sealer = threading.Thread(target=_seal_every, args=(seal, server_env, stop_sealing), daemon=True)
                sealer.start()
        _wait_ready(base, server)
        _warm_up(base)
        say(f"gunicorn ({WORKERS} workers), the worker, the outbox sweeper and SMTP on 127.0.0.1:{smtp.port} are up")
        sampler = CpuSampler(processes, _database_name(database_url))
        sampler.start()
        locust_code = run_locust(base, data_path, env)
        cpu_used = sampler.finish()
        time.sleep(5)  # the worker sends what the last requests queued
        smtp_messages = len(smtp.messages)
    finally:
        stop_sealing.set()
        if sealer is not None:
            sealer.join(timeout=60)
        processes.stop()
        smtp.stop()
        say("stopped gunicorn, the worker, the outbox sweeper and the SMTP server")

    result, problems = report(smtp_messages, audit_before, data)
    if locust_code != 0 and not problems:
        problems.append(f"locust exited {locust_code}")
    try:
        audit_after = _manage("verify_audit", "--anchor", str(anchor), env=env).strip()
    except SystemExit as failed:
        audit_after = f"FAILED: {failed}"
        problems.append(f"the audit trail does not verify after the load: {failed}")
    result["audit_after"] = audit_after
    result["cpu_seconds"] = cpu_used
    say(f"audit trail after the load: {audit_after}")
    (RESULTS / "results.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print_table(result)
    if not KEEP_DATABASE:
        with _admin() as admin:
            _drop(admin, _database_name(database_url))
    if problems:
        print("\nFAILED:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 1
    print(f"\nOK: {result['requests']} requests, 0 failures, the audit trail verifies. "
          f"Results: {RESULTS.relative_to(ROOT)}/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
