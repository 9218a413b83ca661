"""The type checker's ground rules (`make test` runs mypy on peersupport/), and the few
behaviors that the type fixes pinned down."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peersupport.accounts.models import User
from peersupport.cases.models import Case
from peersupport.cases.timeliness import supporter_loads
from peersupport.lib.errors import Conflict
from peersupport.program.models import ProgramSettings
from peersupport.testing.factories import make_person, make_supporter

PRODUCT = Path(__file__).resolve().parent.parent / "peersupport"
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<rest>.*)$")
# `# type: ignore[code, code]  # why`: at least one error code, then a comment that says why.
WITH_REASON = re.compile(r"^\[[a-z0-9-]+(,\s*[a-z0-9-]+)*\]\s+#\s*\S.*$")


def ignores_without_reason(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = IGNORE.search(line)
        if match and not WITH_REASON.match(match.group("rest")):
            found.append(f"{number}: {line.strip()}")
    return found


def test_the_reason_check_tells_a_waiver_with_a_reason_from_one_without():
    assert ignores_without_reason("x = 1  # type: ignore[attr-defined]  # Django adds it\n") == []
    assert ignores_without_reason("x = 1  # type: ignore[attr-defined, misc]  # the stubs lag\n") == []
    assert ignores_without_reason("x = 1  # type: ignore\n") == ["1: x = 1  # type: ignore"]
    assert ignores_without_reason("x = 1  # type: ignore[attr-defined]\n")
    assert ignores_without_reason("x = 1  # type: ignore  # no code\n")
    assert ignores_without_reason("x = 1  # type: ignore[attr-defined]  #\n")


def test_every_type_ignore_in_the_product_names_its_error_code_and_a_reason():
    missing = {
        str(path.relative_to(PRODUCT.parent)): found
        for path in sorted(PRODUCT.rglob("*.py"))
        if (found := ignores_without_reason(path.read_text(encoding="utf-8")))
    }
    assert missing == {}, "Give each `# type: ignore[code]` its reason: `  # why` on the same line."


def test_a_purged_case_refuses_its_peer_in_plain_words():
    with pytest.raises(Conflict, match="purged"):
        Case(peer=None).unpurged_peer  # noqa: B018 - the property raises


@pytest.mark.django_db
def test_an_open_case_gives_its_peer():
    person = make_person()
    assert Case(peer=person).unpurged_peer == person


@pytest.mark.django_db
def test_a_supporter_on_the_overview_keeps_its_case_limit_method():
    """The overview's load annotation once shadowed `Supporter.case_limit(default)` with a number."""
    supporter = make_supporter(capacity=None)
    [loaded] = supporter_loads(ProgramSettings.current(), datetime(2026, 12, 1, tzinfo=UTC))
    assert loaded.pk == supporter.pk
    assert loaded.effective_limit == ProgramSettings.current().default_case_limit
    assert loaded.case_limit(7) == 7


@pytest.mark.django_db
def test_looking_up_no_login_name_finds_no_one():
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key(None)
