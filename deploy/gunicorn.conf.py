"""A sample gunicorn configuration for production (`pip install '.[server,postgres]'`).

    gunicorn -c deploy/gunicorn.conf.py peersupport.wsgi:application

Settings come from the environment, like the app's own (README, "Production"):
- GUNICORN_BIND: where to listen, default 127.0.0.1:$PORT (PORT defaults to 8000): behind the
  hospital's reverse proxy, which terminates TLS. Several addresses: separate them with commas.
- GUNICORN_WORKERS (or WEB_CONCURRENCY): worker processes, default two per CPU core. Each keeps
  one database connection open (DB_CONN_MAX_AGE), so the database must allow that many plus the
  worker, outbox and reminder processes.
- GUNICORN_TIMEOUT: seconds before a silent worker is restarted, default 30.
- GUNICORN_ACCESS_LOG: where the access log goes, default "-" (standard output); "" turns it off.

The access log names no one: it has no client address, no query string, no referrer or user
agent, and the parts of a path that carry a secret or an identifier (a personal link's token, a
password link, an employee id) are replaced by a placeholder.
"""

import multiprocessing
import os
from typing import Any

from gunicorn.glogging import Logger

from peersupport.lib.redact import redact_path


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise SystemExit(f"{name} must be a whole number, 1 or more, not {value!r}.")
    return number


bind = [
    address.strip()
    for address in (os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}").split(",")
    if address.strip()
]
workers = _env_int("GUNICORN_WORKERS", _env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# A request that takes longer than this is stuck: the worker is replaced (and the request fails).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# The reverse proxy keeps connections open; a few seconds lets it reuse them.
keepalive = 5
# A worker is replaced now and then, so nothing can grow without bound in a long-lived process.
max_requests = 2000
max_requests_jitter = 200
# The app sits behind a reverse proxy on loopback; it decides what reaches us.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request lines and headers beyond these are refused before Django sees them.
limit_request_line = 4094
limit_request_fields = 100

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Time, method, path (redacted, no query string), status, size, duration in milliseconds.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type information
    """gunicorn's logger, with the path redacted (`redact_path`), and never a query string, a
    client address, a referrer or a user agent, whatever `access_log_format` asks for."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = dict(super().atoms(resp, req, environ, request_time))
        atoms["U"] = redact_path(str(atoms.get("U", "")))
        atoms["r"] = f"{atoms.get('m', '-')} {atoms['U']} {atoms.get('H', '-')}"
        for name in ("q", "h", "f", "a"):
            atoms[name] = "-"
        return atoms


logger_class = RedactingLogger
