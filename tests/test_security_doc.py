"""docs/security.md names, beside each promise, the tests that prove it: every one must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"`((?:peersupport|tests)/[\w/]+\.py)::(\w+)`")


def test_every_test_named_in_the_security_document_exists():
    document = (ROOT / "docs" / "security.md").read_text()
    references = set(REFERENCE.findall(document))
    assert len(references) > 100, "the document no longer names its tests in the usual form"
    missing = [
        f"{path}::{name}" for path, name in sorted(references)
        if not (ROOT / path).is_file() or not re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.M)
    ]
    assert missing == []


def test_the_access_policy_appendix_is_the_policy_table_as_it_stands():
    from peersupport.accounts.policy import as_markdown

    document = (ROOT / "docs" / "security.md").read_text()
    appendix = document.split("## Appendix: the access-policy table", 1)[1]
    table = "\n".join(line for line in appendix.splitlines() if line.startswith("|"))
    assert table == as_markdown(), "reprint it: python manage.py access_policy"
