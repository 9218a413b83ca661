"""The product is written in US English: every text a person reads, in templates, emails, code
strings and docs, uses US spellings ("counseling", "normalizing", "enroll", "behavior").

A list of British spellings that crept in before is searched for; a new one fails here.
"""

import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
BRITISH = re.compile(
    r"counsell|normalis|recognis|organis|behaviour|colour|favour|honour|neighbour|centre\b|"
    r"programme|licence|enrol(?!l)|enrolment|defence|practise|apologis|minimis|maximis|"
    r"prioritis|summaris|authoris|utilis|optimis|catalogue|labelled(?!by)|travell",
    re.IGNORECASE,
)
# Names kept for what they name, not words a person reads: the audit trail's action code for
# setting up an authenticator (entries already written carry it), asyncio's exception, and the
# British word the patient-details check must still recognize in what people type.
KEPT = re.compile(r'two_factor\.enrol"|CancelledError|aria-labelledby|"Centre"')
SUFFIXES = {".py", ".html", ".txt", ".md", ".css", ".js"}


def product_files() -> list[Path]:
    roots = [BASE / "peersupport", BASE / "tests", BASE / "docs", BASE / "bench", BASE / "loadtest"]
    files = [BASE / "README.md"]
    for root in roots:
        files += [p for p in root.rglob("*") if p.suffix in SUFFIXES]
    # Not what a run writes (loadtest/results: locust's own report).
    return [p for p in files if "migrations" not in p.parts and "vendor" not in p.parts
            and "results" not in p.parts and p.name != Path(__file__).name]


def british_spellings(text: str) -> list[str]:
    return [m.group(0) for line in text.splitlines() for m in BRITISH.finditer(KEPT.sub("", line))]


def test_the_product_reads_in_us_english():
    found = {
        f"{path.relative_to(BASE)}: {word}"
        for path in product_files()
        for word in british_spellings(path.read_text(errors="ignore"))
    }
    assert sorted(found) == []


def test_the_spelling_check_finds_a_british_word_but_not_the_names_kept():
    assert british_spellings("Mental health counselling, normalising the reaction") == ["counsell", "normalis"]
    assert british_spellings('action="two_factor.enrol" aria-labelledby="x" asyncio.CancelledError') == []
