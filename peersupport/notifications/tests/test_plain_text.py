"""Plain-text messages (emails, text messages, mailto bodies) carry names exactly as written:
no HTML escaping, whatever characters a name holds."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from peersupport.cases.models import Case, CaseState
from peersupport.notifications import emails
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.roster.models import Person

# Every character HTML escaping would change.
SUPPORTER = "Deb O'Neil \"DJ\" & <Co>"
PEER = "Zoë <O'Brien> & \"Kim\""
SUMMARY = "A patient's family was upset after a long wait & a \"hard\" <conversation>."
HTML_ESCAPES = ("&#x27;", "&#39;", "&quot;", "&amp;", "&lt;", "&gt;")
NOW = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)


def make_case() -> Case:
    # Unsaved instances: rendering needs no database.
    return Case(pk=7, peer=Person(name=PEER, phone="+1 555 0101", email="zoe@example.org"),
                referral=Referral(summary=SUMMARY, category="patient_death"), state=CaseState.ASSIGNED,
                next_due_at=NOW)


RESOURCES = [Resource(name="Risk & Legal <Counsel> \"Line\"", category="medicolegal", contact="O'Hara's desk")]

RENDERED = {
    "assignment": lambda case: emails.render_assignment_email(case),
    "outreach": lambda case: emails.render_outreach_email(case, SUPPORTER, "+1 555 0199"),
    "open_invitation": lambda case: emails.render_open_invitation_email(case, RESOURCES),
    "information_sheet": lambda case: emails.render_information_sheet_email(case, RESOURCES),
    "safety_escalation": lambda case: emails.render_safety_escalation_email(case, SUPPORTER, "+1 555 0199", NOW),
    "step_reminder": lambda case: emails.render_step_reminder_email(
        case, supporter_name=SUPPORTER, due_at=NOW - timedelta(hours=3), now=NOW),
    "step_escalation": lambda case: emails.render_step_escalation_email(
        case, due_at=NOW - timedelta(days=2), now=NOW, supporter_name=SUPPORTER, supporter_phone="",
        supporter_email="deb@example.org"),
}


@pytest.mark.parametrize("kind", sorted(RENDERED))
def test_plain_text_emails_carry_quotes_ampersands_and_angle_brackets_unescaped(kind):
    subject, body = RENDERED[kind](make_case())
    for escape in HTML_ESCAPES:
        assert escape not in subject and escape not in body, (kind, escape, body)


def test_the_outreach_text_names_the_supporter_exactly_as_written():
    text = emails.outreach_text(make_case(), SUPPORTER, "+1 555 0199")
    assert text.startswith(f"Hi Zoë, this is {SUPPORTER}, a colleague")


def test_names_and_the_sentence_reach_the_emails_as_written():
    case = make_case()
    _, assignment = emails.render_assignment_email(case)
    assert PEER in assignment and SUMMARY in assignment
    _, outreach = emails.render_outreach_email(case, SUPPORTER, "")
    assert SUPPORTER in outreach
    _, sheet = emails.render_information_sheet_email(case, RESOURCES)
    assert RESOURCES[0].name in sheet and "O'Hara's desk" in sheet


def test_a_plain_text_template_is_rendered_unescaped_even_without_autoescape_off():
    # outreach_text.txt has no {% autoescape off %}: the renderer, not each template, decides.
    template = Path(emails.__file__).parent / "templates/notifications/outreach_text.txt"
    assert "autoescape" not in template.read_text()
    assert emails.render_plain_text("notifications/outreach_text.txt", {
        "peer_first_name": "A&B", "supporter_name": "<C>", "supporter_phone": ""}).startswith("Hi A&B, this is <C>,")


def test_no_code_renders_a_plain_text_template_through_the_html_escaping_loader():
    """A new plain-text message must go through `render_plain_text`, not `render_to_string`."""
    import re

    root = Path(emails.__file__).resolve().parents[1]
    escaping = re.compile(r"render_to_string\([^)]*\.txt", re.S)
    found = [str(path.relative_to(root.parent)) for path in root.rglob("*.py")
             if "tests" not in path.parts and escaping.search(path.read_text())]
    assert found == []
