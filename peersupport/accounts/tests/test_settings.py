"""Settings come from the environment; production refuses to start without a real secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "PEERSUPPORT_ENV", "DATABASE_URL"}}
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
