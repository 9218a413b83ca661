"""`manage.py check --deploy` with production settings: no warnings at all; and the production
answers carry HSTS."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
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
        FIELD_ENCRYPTION_KEYS="bJQ4v0zXQb0aPD1YJzNyQGZmO4Xq3o2oV0kq3v2N6qU=", FIELD_HASH_KEY="h" * 43,
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


def test_check_deploy_refuses_mail_that_would_bypass_the_worker_or_go_unencrypted(tmp_path):
    env = production_env(tmp_path)
    env.update(TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend", EMAIL_USE_TLS="false")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "notifications.E001" in output and "not delivered by the background worker" in output
    assert "notifications.W003" in output and "Mail to smtp.hospital.example is not encrypted" in output


# The mail checks themselves, in this process (each case above would cost a new process).

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def mail_problems(settings, **overrides) -> dict[str, str]:
    from peersupport.notifications.checks import WORKER_BACKEND, check_mail_delivery

    settings.TASKS = {"default": {"BACKEND": WORKER_BACKEND}}
    values = {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "smtp.hospital.example", "EMAIL_USE_TLS": True,
              "EMAIL_USE_SSL": False, **overrides}
    for name, value in values.items():
        setattr(settings, name, value)
    return {problem.id: problem.msg for problem in check_mail_delivery()}


def test_mail_through_the_worker_to_an_encrypted_server_passes(settings):
    assert mail_problems(settings) == {}
    assert mail_problems(settings, EMAIL_USE_TLS=False, EMAIL_USE_SSL=True) == {}


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_a_mail_backend_that_never_sends_is_refused(settings, backend):
    problems = mail_problems(settings, EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend")
    assert list(problems) == ["notifications.E002"]


def test_the_console_backend_is_refused_for_printing_peers_emails_into_the_log(settings):
    problems = mail_problems(settings, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert "prints every email, peers' included, into the log" in problems["notifications.E002"]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_unencrypted_mail_to_a_relay_on_this_machine_is_accepted(settings, host):
    assert mail_problems(settings, EMAIL_HOST=host, EMAIL_USE_TLS=False) == {}


def test_the_mail_checks_run_only_with_deploy(settings):
    from django.core import checks

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # the demo's, fine there

    def ids(deploy: bool) -> set[str]:
        found = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=deploy)
        return {message.id for message in found}

    assert "notifications.E002" not in ids(deploy=False)
    assert "notifications.E002" in ids(deploy=True)
