"""docs/team.md's "Recruiting supporters" names the tests that prove each promise: each must exist."""

import re

from django.conf import settings

REFERENCE = re.compile(r"`((?:peersupport|tests)/[\w/]+\.py)::(\w+)`")


def test_every_test_named_in_recruiting_supporters_exists():
    root = settings.BASE_DIR
    document = (root / "docs" / "team.md").read_text()
    section = document.split("## Recruiting supporters", 1)[1].split("\n## ", 1)[0]
    references = set(REFERENCE.findall(section))
    assert len(references) > 20
    missing = [f"{path}::{name}" for path, name in sorted(references)
               if not (root / path).is_file() or not re.search(rf"^def {name}\(", (root / path).read_text(), re.M)]
    assert missing == []
