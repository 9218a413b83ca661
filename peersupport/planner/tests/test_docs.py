"""docs/leadership.md names, beside what it says, the tests that show it: every one must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REFERENCE = re.compile(r"`((?:peersupport|tests)/[\w/]+\.py)::(?:\w+::)?(\w+)`")


def test_every_test_named_in_the_planning_section_exists():
    document = (ROOT / "docs" / "leadership.md").read_text()
    references = set(REFERENCE.findall(document.split("## Planning whom to serve", 1)[1].split("\n## ", 1)[0]))
    assert references
    missing = [
        f"{path}::{name}" for path, name in sorted(references)
        if not (ROOT / path).is_file() or not re.search(rf"^\s*def {name}\(", (ROOT / path).read_text(), re.M)
    ]
    assert missing == []
