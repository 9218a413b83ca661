from datetime import UTC, datetime

from peersupport.cases.models import Case, CaseState
from peersupport.notifications.emails import render_assignment_email, render_new_referral_email
from peersupport.referrals.models import Referral
from peersupport.roster.models import Person

SUMMARY = "A patient's family was upset after a long wait & a hard conversation."


def make_case(**fields: object) -> Case:
    # Unsaved instances: rendering needs no database.
    peer = Person(name="Zoë O'Brien", phone="+1 555 0101", email="zoe@example.org")
    values = {
        "pk": 42,
        "peer": peer,
        "referral": Referral(summary=SUMMARY, category="patient_death"),
        "state": CaseState.ASSIGNED,
        "next_due_at": datetime(2026, 11, 27, 14, 30, tzinfo=UTC),
    }
    values.update(fields)
    return Case(**values)


def test_assignment_subject_names_no_one_and_no_event(settings):
    subject, _ = render_assignment_email(make_case())
    assert subject == "A colleague could use your support"
    assert "Zoë" not in subject and "death" not in subject.lower()


def test_assignment_body_has_contact_details_sentence_and_link(settings):
    settings.SITE_URL = "https://peers.hospital.example"
    _, body = render_assignment_email(make_case())
    assert "Zoë O'Brien" in body  # plain text: no HTML escaping of the apostrophe
    assert "+1 555 0101" in body and "zoe@example.org" in body
    assert SUMMARY in body
    assert "https://peers.hospital.example/cases/42/" in body
    assert "clinical details" in body
    assert "first outreach by Friday, November 27, 14:30 UTC" in body
    assert "patient_death" not in body and "Patient death" not in body
    assert body.endswith("The Peer Support Program\n")


def test_assignment_body_without_a_due_time_still_reminds_of_it():
    _, body = render_assignment_email(make_case(state=CaseState.AWAITING_ASSIGNMENT))
    assert "due time for first outreach is coming" in body


def test_missing_phone_is_said_plainly():
    case = make_case()
    case.peer.phone = ""
    _, body = render_assignment_email(case)
    assert "Phone: not on file" in body


def test_new_referral_email_counts_and_links_to_queue(settings):
    settings.SITE_URL = "https://peers.hospital.example"
    subject, body = render_new_referral_email(3)
    assert subject == "3 new cases are waiting for assignment"
    assert "3 new cases are waiting for assignment" in body
    assert "https://peers.hospital.example/queue/" in body


def test_new_referral_email_singular():
    subject, body = render_new_referral_email(1)
    assert subject == "1 new case is waiting for assignment"
    assert "assign it soon" in body
