"""Settings come from the environment; production refuses to start without a real secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Production also needs the keys of encryption at rest (peersupport/lib/tests/test_encryption.py).
KEYS = {"FIELD_ENCRYPTION_KEYS": "bJQ4v0zXQb0aPD1YJzNyQGZmO4Xq3o2oV0kq3v2N6qU=", "FIELD_HASH_KEY": "h" * 43}


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "PEERSUPPORT_ENV", "DATABASE_URL"}}
    clean.update(KEYS)
    clean.update(env)
    code = "import peersupport.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG, s.ALLOWED_HOSTS)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


def test_laptop_defaults_use_sqlite_on_localhost():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout and "127.0.0.1" in result.stdout


def test_database_url_switches_to_postgresql():
    result = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    result = load_settings(PEERSUPPORT_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    short = load_settings(PEERSUPPORT_ENV="production", SECRET_KEY="too-short")
    assert short.returncode != 0


def test_production_with_a_real_secret_key_starts_without_debug():
    result = load_settings(PEERSUPPORT_ENV="production", SECRET_KEY="k" * 64, ALLOWED_HOSTS="support.example.org")
    assert result.returncode == 0, result.stderr
    assert "False" in result.stdout and "support.example.org" in result.stdout


def database_options(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "PEERSUPPORT_ENV", "DATABASE_URL", "DB_CONN_MAX_AGE"}}
    clean.update(KEYS)
    clean.update(env)
    code = ("import peersupport.settings as s; d = s.DATABASES['default']; "
            "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


def test_production_keeps_database_connections_for_a_minute_with_health_checks():
    result = database_options(PEERSUPPORT_ENV="production", SECRET_KEY="k" * 64, ALLOWED_HOSTS="support.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True"]


def test_development_opens_a_connection_per_request_unless_told_otherwise():
    assert database_options().stdout.split() == ["0", "True"]
    assert database_options(DB_CONN_MAX_AGE="30").stdout.split() == ["30", "True"]


def test_db_conn_max_age_from_the_environment_overrides_production_and_bad_values_are_refused():
    production = {"PEERSUPPORT_ENV": "production", "SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "support.example.org"}
    assert database_options(**production, DB_CONN_MAX_AGE="0").stdout.split() == ["0", "True"]
    for bad in ("a minute", "-5"):
        refused = database_options(**production, DB_CONN_MAX_AGE=bad)
        assert refused.returncode != 0
        assert "DB_CONN_MAX_AGE must be a whole number of seconds" in refused.stderr
