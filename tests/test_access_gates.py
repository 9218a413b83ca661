"""One access gate per object type: the code that answers requests never queries case data itself.

Every page and API operation reaches cases and referrals (and what is recorded on them) through
the gates in `peersupport/cases/access.py` and `peersupport/referrals/access.py`, which decide
who may see what and audit it. A view or API module that asked a case model's manager directly
would bypass both; this test fails on the first one that does.
"""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "peersupport"
GATES = {"cases/access.py", "referrals/access.py"}


def answering_modules() -> list[Path]:
    """Every module that turns a request into an answer: views, and the API's routers."""
    modules = sorted(ROOT.glob("*/views*.py")) + sorted(ROOT.glob("api/*.py"))
    return [path for path in modules if "tests" not in path.parts]


def case_data_models() -> list[str]:
    configs = [apps.get_app_config(label) for label in ("cases", "referrals")]
    return sorted(model.__name__ for config in configs for model in config.get_models())


def test_views_and_api_reach_case_data_only_through_the_gates():
    names = case_data_models()
    assert {"Case", "Referral", "Encounter", "OutreachAttempt"} <= set(names)
    direct = re.compile(rf"\b({'|'.join(names)})\.(objects|_default_manager|_base_manager)\b")
    modules = answering_modules()
    assert len(modules) > 15, "the views and API modules were not found"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in modules if str(path.relative_to(ROOT)) not in GATES
        for number, line in enumerate(path.read_text().splitlines(), start=1) if direct.search(line)
    ]
    assert offenders == []
