"""docs/integrations.md's examples run as printed against a live server.

Each fenced `sh` and `python` block of the sections on the safety-reporting system and on tokens
is run in a subprocess (bash with curl and openssl; this Python), with only the documented
placeholders replaced: the program's address, the intake secret and the token. Each must exit 0,
and the referrals they send must be in the database afterwards.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from peersupport.accounts.intake_secrets import intake_secret_rotate
from peersupport.accounts.models import ApiToken, Role, TokenScope
from peersupport.audit.models import AuditEntry
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person, make_user

DOC = Path(settings.BASE_DIR) / "docs" / "integrations.md"
SECTIONS = ("## Referrals from the safety-reporting system", "## Tokens")
PLACEHOLDER_URL = "https://peersupport.example.org"
PLACEHOLDER_SECRET = "psis_replace_with_your_intake_secret"
PLACEHOLDER_TOKEN = "pst_replace_with_your_token"
FENCE = re.compile(r"^```(sh|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    following = text.find("\n## ", start + len(heading))
    return text[start:] if following == -1 else text[start:following]


def examples() -> list[tuple[str, str, str]]:
    """(section heading, language, code) for every runnable block of our sections."""
    text = DOC.read_text()
    return [(heading, language, code) for heading in SECTIONS
            for language, code in FENCE.findall(section(text, heading))]


def test_the_guide_has_curl_and_python_examples_for_both_ways_in():
    found = {(heading, language) for heading, language, _ in examples()}
    assert found == {(heading, language) for heading in SECTIONS for language in ("sh", "python")}
    text = DOC.read_text()
    assert all(placeholder in text for placeholder in (PLACEHOLDER_URL, PLACEHOLDER_SECRET, PLACEHOLDER_TOKEN))


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("openssl")), reason="needs curl and openssl")
def test_every_example_in_the_guide_runs_against_a_live_server(live_server, transactional_db):
    for employee_id in ("E1042", "E2210"):
        make_person(employee_id=employee_id, department="Anesthesia")
    secret = intake_secret_rotate()
    token = ApiToken.issue(make_user(Role.INTEGRATION), name="Doc examples", scope=TokenScope.REFERRALS)[1]
    replacements = {PLACEHOLDER_URL: live_server.url, PLACEHOLDER_SECRET: secret, PLACEHOLDER_TOKEN: token}

    for heading, language, code in examples():
        for placeholder, value in replacements.items():
            code = code.replace(placeholder, value)
        command = ["bash", "-euo", "pipefail", "-c", code] if language == "sh" else [sys.executable, "-c", code]
        # In the program's time zone, as the hospital's systems are: "today" is the program's today.
        env = {**os.environ, "TZ": settings.TIME_ZONE}
        run = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, env=env)  # noqa: S603 - our own doc's examples
        assert run.returncode == 0, f"{heading} ({language}) failed:\n{run.stdout}\n{run.stderr}"
        assert "referral_id" in run.stdout, f"{heading} ({language}) printed no receipt:\n{run.stdout}"

    made = dict(Referral.objects.values_list("external_ref", "source"))
    assert made == {ref: "safety_report" for ref in ("SR-2291", "SR-2292", "SR-2293", "SR-2294")}
    signed = Referral.objects.filter(external_ref__in=["SR-2291", "SR-2292"]).values_list("pk", flat=True)
    labels = set(AuditEntry.objects.filter(action="referral.create", object_id__in=[str(pk) for pk in signed])
                 .values_list("actor_label", flat=True))
    assert labels == {"safety-reporting system"}
