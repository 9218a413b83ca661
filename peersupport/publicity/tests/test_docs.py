"""docs/leadership.md names, beside what it says, the tests that show it: every one must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REFERENCE = re.compile(r"`((?:peersupport|tests)/[\w/]+\.py)::(\w+)`")


def test_every_test_named_in_the_leadership_document_exists():
    references = set(REFERENCE.findall((ROOT / "docs" / "leadership.md").read_text()))
    assert references
    missing = [
        f"{path}::{name}" for path, name in sorted(references)
        if not (ROOT / path).is_file() or not re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.M)
    ]
    assert missing == []
