"""The one-sentence description must not carry patient details: our own, plain patterns.

A referral's sentence is emailed to the supporter, so it must say what *kind* of event it was
and nothing that identifies a patient (or anyone): no record numbers, dates, names, exact ages,
doses, bed or room numbers, and no second sentence. Each rule quotes the fragment it found and
says what to write instead.

Why our own patterns and not a library's: presidio-analyzer loads a spaCy language model at run
time (a download we cannot make, and hundreds of megabytes on a small server), and scrubadub's
detectors aim at emails, phone numbers and addresses rather than the clinical shorthand that
matters here (doses, "72 yo", "bed 4"). A few plain regular expressions, each pinned by a corpus
of examples in `tests/test_summary_check.py`, are easier to read and to trust.

Rules run in order on a working copy in which what an earlier rule matched is blanked, so one
fragment is reported once, by the rule that explains it best (a date is a date, not a digit run).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise

# Rule codes, in the order they run.
RECORD_NUMBER = "record_number"
DATE = "date"
AGE = "age"
DOSE = "dose"
BED_ROOM = "bed_room"
DIGITS = "digits"
NAME = "name"
ROSTER_NAME = "roster_name"
SENTENCES = "sentences"

MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
NUMBER_WORD = rf"(?:(?:{_TENS})(?:[\s-](?:{_UNITS}))?|{_TEENS}|{_UNITS}|a hundred(?: and \w+)?)"
NUMBER = rf"(?:\d{{1,3}}|{NUMBER_WORD})"
# A capitalized word of a name: "Smith", "O'Neil", "McDonald", "Anne-Marie".
NAME_WORD = r"(?:[A-Z][a-z]?['’])?[A-Z][a-z]+(?:-?[A-Z]?[a-z]+)*"

# Capitalized words that follow "patient" in the name of a service, not of a person.
NOT_NAMES = "|".join((
    "Safety", "Experience", "Relations", "Services", "Care", "Transport", "Advocacy", "Access", "Flow",
    "Family", "Rights", "Health", "Medicine", "Unit", "Ward", "Department", "Center", "Centre", "Clinic",
))

PATTERNS: dict[str, list[re.Pattern[str]]] = {
    RECORD_NUMBER: [
        re.compile(
            r"\b(?:MRN|UR|NHS|SSN)\s*(?:no\.?|number|#|:)?\s*[A-Za-z]?\d[\d\s\-]*\d\b"
            r"|\b(?:MRN|SSN)\b"
            r"|\b(?:medical|health|hospital|chart|patient|case|account|encounter|visit|admission)"
            r"\s+(?:record\s+)?(?:number|no\.|num|ID|identifier)\b(?:\s*(?:#|:)?\s*[A-Za-z]?\d[\d\-]*)?"
            r"|\bmedical record\b|\bsocial security\b",
            re.IGNORECASE,
        ),
        # "#12345", "no. 123" and an id of letters and digits such as "E1042", "SR-2291", "A123456".
        re.compile(r"#\s?\d{2,}\b|\bno\.\s?\d{3,}\b|\b[A-Za-z]{1,5}[-#]?\d{4,}\b"),
    ],
    DATE: [
        re.compile(r"\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|born on|born in \d{4})\b", re.IGNORECASE),
        re.compile(r"\b\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}\b"),
        re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}(?:,?\s+\d{{2,4}})?(?!\w)"),
        re.compile(rf"\b{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"),
    ],
    AGE: [
        re.compile(
            rf"\b{NUMBER}[\s-]*(?:years?|yrs?|y|months?|mos?|weeks?|wks?|days?)[\s-]*old\b"
            rf"|\b(?:aged|age|at the age of)\s+{NUMBER}\b"
            rf"|\b\d{{1,3}}\s?(?:yo|y/o|y\.o\.?|yoa)(?!\w)",
            re.IGNORECASE,
        ),
    ],
    DOSE: [
        re.compile(
            r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|ug|ng|g|gm|grams?|kg|ml|cc|l|units?|iu|mmol|meq"
            r"|milligrams?|micrograms?|millilit(?:er|re)s?|tablets?|tabs?|puffs?|drops?|ampoules?|vials?)"
            r"(?:\s?/\s?(?:kg|h|hr|hour|min|day|dose))?(?!\w)"
            r"|\b(?:half|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:milligrams?|micrograms?"
            r"|millilit(?:er|re)s?|grams?)\b",
            re.IGNORECASE,
        ),
    ],
    BED_ROOM: [
        re.compile(
            r"\b(?:(?i:bed|room|rm|bay|cubicle|stretcher|cot|crib|isolette|incubator|suite|theatre|theater"
            r"|trolley)|OR)\s*(?:no\.?|number|#)?\s*\d+[A-Za-z]?\b"
        ),
    ],
    DIGITS: [
        # Five or more digits in a run, even with spaces or dashes between them.
        re.compile(r"(?<![\w.])\d(?:[\s\-]?\d){4,}(?![\w])"),
    ],
    NAME: [
        re.compile(rf"\b(?i:mr|mrs|ms|miss|mx|dr|prof|mister|madam)\.?\s+{NAME_WORD}(?:\s+{NAME_WORD})?"),
        # "patient Smith", "baby Olivia": a word for a person, then what reads as their name.
        re.compile(
            rf"\b(?i:patient|pt|baby|infant|child|boy|girl|son|daughter|mother|father|husband|wife|"
            rf"visitor|resident|nurse|doctor|colleague)\s+(?!(?:{NOT_NAMES})\b)"
            rf"{NAME_WORD}(?:\s+{NAME_WORD})?"
        ),
    ],
}

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "mx", "dr", "prof", "st", "e.g", "i.e", "etc", "vs", "approx", "a.m", "p.m",
    "no", "jr", "sr", "dept", "min", "hrs", "hr", "incl", "est", "u.s", "ca",
}
# Neither a word character nor a space: a blanked fragment joins no word and splits no sentence.
BLANK = "\x01"
SENTENCE_END = re.compile(r"([.!?…]+)[\"'”’)\]]*\s+(?=\S)")

# What each rule says about what it found, for one fragment and for several (in the reader's
# language: the finding's message is built when it is shown).
WHAT_INSTEAD: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    RECORD_NUMBER: (_("looks like a record number or another identifier"),
                    _("look like record numbers or other identifiers")),
    DATE: (_("looks like a date"), _("look like dates")),
    AGE: (_("gives an exact age"), _("give exact ages")),
    DOSE: (_("is a dose or an amount"), _("are doses or amounts")),
    BED_ROOM: (_("names a bed or a room"), _("name beds or rooms")),
    DIGITS: (_("is a long number"), _("are long numbers")),
    NAME: (_("looks like a person's name"), _("look like people's names")),
    ROSTER_NAME: (_("looks like a person's name"), _("look like people's names")),
    SENTENCES: (_("starts a second sentence"), _("start further sentences")),
}
ADVICE: dict[str, StrOrPromise] = {
    RECORD_NUMBER: _("Leave numbers out: the program needs nothing that points to a patient or a record."),
    DATE: _("Put the event's date in the date field, and leave dates (a date of birth above all) out "
            "of the sentence."),
    AGE: _("Leave the age out, or say “an older patient” or “a child” instead."),
    DOSE: _("Say “a medication dose” instead: the supporter needs no clinical details."),
    BED_ROOM: _("Say “on the ward” or “in an operating room” instead."),
    DIGITS: _("Leave it out: a number like it can point to a patient or a record."),
    NAME: _("Say “a patient”, “a family member” or “a colleague” instead: no names."),
    ROSTER_NAME: _("Say “a patient”, “a family member” or “a colleague” instead: no names. The "
                   "clinicians you refer are named in their own field, not in the sentence."),
    SENTENCES: _("Keep to one sentence that says what kind of event it was, without the clinical story."),
}


@dataclass(frozen=True)
class Finding:
    """One kind of patient detail in the sentence, with what was found (as typed)."""

    rule: str
    fragments: tuple[str, ...]

    @property
    def message(self) -> str:
        shown = self.fragments[:3]
        quoted = gettext(" and ").join(f"“{fragment}”" for fragment in shown)
        more = ""
        if len(self.fragments) > 3:
            more = gettext(" (and %(count)s more like them)") % {"count": len(self.fragments) - 3}
        one, many = WHAT_INSTEAD[self.rule]
        return gettext("In the description, %(quoted)s%(more)s %(what)s. %(advice)s") % {
            "quoted": quoted, "more": more, "what": one if len(self.fragments) == 1 else many,
            "advice": ADVICE[self.rule]}


# Given candidate names (two or three capitalized words in a row), which of them are names of
# people on the roster (one indexed query; see `referrals.services`).
NameLookup = Callable[[list[str]], Iterable[str]]


def summary_findings(summary: str, names_on_roster: NameLookup | None = None) -> list[Finding]:
    """Every kind of patient detail found in the sentence, in the order the rules run."""
    work = summary
    findings: list[Finding] = []
    for rule, patterns in PATTERNS.items():
        fragments: list[str] = []
        for pattern in patterns:
            for match in pattern.finditer(work):
                fragments.append(summary[match.start():match.end()].strip())
                work = _blank(work, match.start(), match.end())
        if fragments:
            findings.append(Finding(rule, tuple(dict.fromkeys(fragments))))
    if names_on_roster is not None:
        candidates = name_candidates(work)
        found = set(names_on_roster(candidates)) if candidates else set()
        if found:
            findings.append(Finding(ROSTER_NAME, tuple(c for c in candidates if c in found)))
    second = _second_sentence(work)
    if second is not None:
        findings.append(Finding(SENTENCES, (_excerpt(summary[second:]),)))
    return findings


def _blank(text: str, start: int, end: int) -> str:
    # Same length, so positions in the working copy are positions in what was typed.
    return text[:start] + BLANK * (end - start) + text[end:]


def name_candidates(text: str) -> list[str]:
    """Every run of two or three capitalized words: what a name on the roster would look like."""
    words = [(m.group(), m.start(), m.end()) for m in re.finditer(rf"{NAME_WORD}", text)]
    candidates: list[str] = []
    for i in range(len(words)):
        run = [words[i]]
        for j in range(i + 1, min(i + 3, len(words))):
            between = text[run[-1][2]:words[j][1]]
            if not re.fullmatch(r"\s+", between):
                break
            run.append(words[j])
            candidates.append(" ".join(word for word, _, _ in run))
    return list(dict.fromkeys(candidates))


def _second_sentence(text: str) -> int | None:
    """Where a second sentence starts, if there is one."""
    for match in SENTENCE_END.finditer(text):
        before = text[:match.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if match.group(1) == "." and (last in ABBREVIATIONS or len(last) == 1):
            continue
        return match.end()
    return None


def _excerpt(text: str, words: int = 6) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
