"""`manage.py check --deploy` with production settings: no warnings at all; and the production
answers carry HSTS."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def production_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env.update(
        PEERSUPPORT_ENV="production",
        SECRET_KEY="p" * 10 + "-a-real-looking-secret-key-for-the-deploy-check-0123456789-abcdefghij",
        ALLOWED_HOSTS="peersupport.example.org",
        CSRF_TRUSTED_ORIGINS="https://peersupport.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        EMAIL_HOST="smtp.hospital.example", EMAIL_PORT="587", EMAIL_USE_TLS="true",
        DJANGO_SETTINGS_MODULE="peersupport.settings",
    )
    return env


def test_check_deploy_passes_with_no_warnings_in_production(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "no issues" in output, output


PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/api/v1/openapi.json", secure=True, headers={"host": "peersupport.example.org"})
print(json.dumps({"status": response.status_code, **{k: v for k, v in response.headers.items()}}))
"""


def test_production_answers_carry_hsts_and_the_other_deployment_headers(tmp_path):
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=production_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def check_deploy(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    return result.stdout + result.stderr


def test_check_deploy_refuses_mail_that_would_not_leave_through_the_worker_and_a_mail_server(tmp_path):
    env = production_env(tmp_path)
    env.update(TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
               EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    output = check_deploy(env)
    assert "notifications.E001" in output and "not delivered by the background worker" in output
    assert "notifications.E002" in output and "prints every email, peers' included, into the log" in output


def test_check_deploy_warns_when_mail_to_another_server_is_not_encrypted(tmp_path):
    env = production_env(tmp_path)
    env["EMAIL_USE_TLS"] = "false"
    output = check_deploy(env)
    assert "notifications.W003" in output and "Mail to smtp.hospital.example is not encrypted" in output
    # Relaying through a mail server on the same machine is fine: it encrypts onward.
    env["EMAIL_HOST"] = "127.0.0.1"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
