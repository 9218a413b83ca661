"""Issue 10's "Done when", played through the web pages as a new user would, across the apps
that build the team: recruiting, training, meetings and the on-call rota, with the matching and
the queue that read what they produce.

Each step starts from the menu or a link on the page before it, posts the pages' own forms and
checks what the person would see. The django-tasks a page queues run synchronously (the
immediate backend, on the commit the test captures), so the campaign's sending task and the
outbox's delivery tasks really run, and each email is read as it was delivered (Django's test
mailbox) and its links followed by someone with no account.
"""

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urljoin

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from peersupport.accounts.models import Role
from peersupport.front.tests.helpers import refer
from peersupport.notifications.models import OutboxMessage, OutboxPriority
from peersupport.recruitment.models import Campaign, CampaignStatus, Candidate, CandidateState
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db

# A Wednesday morning: the training session began at 08:00, and the rota's week is this one.
WEDNESDAY = datetime(2026, 12, 2, 10, 0)
EMAIL_LINK = re.compile(r"https?://[^/\s]+(/[^\s]+/)")
INVITATION = {
    "subject": "Whom would you call after a hard day?",
    "body": "Dear {first_name},\n\nPlease name the colleague you would want to hear from.\n\n{link}\n\n"
            "What supporters do: {about_link}\n",
}


@pytest.fixture
def run_tasks(settings, django_capture_on_commit_callbacks):
    """Run the tasks a block queues, synchronously, when its changes would have committed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    @contextmanager
    def running() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return running


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def link(page: str, label: str) -> str:
    """Where the page's link with this text goes."""
    hrefs = re.findall(rf'<a [^>]*href="([^"]+)"[^>]*>\s*{re.escape(label)}\s*</a>', page)
    assert hrefs, f"no link {label!r} on the page"
    return html.unescape(hrefs[0])


def emails_to(person: Person) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [person.email]]


def email_link(message: mail.EmailMessage, prefix: str) -> str:
    """The path of the one link under `prefix` in a delivered email's body."""
    [path] = [path for path in EMAIL_LINK.findall(message.body) if path.startswith(prefix)]
    return path


def test_a_team_is_recruited_trained_invited_to_practice_and_put_on_call_through_the_pages(run_tasks, time_machine):
    time_machine.move_to(timezone.make_aware(WEDNESDAY), tick=True)
    administrator = signed_in(make_user(Role.ADMINISTRATOR))
    dora = make_person(name="Dora Director", department="Program Office")
    director = signed_in(make_user(Role.DIRECTOR, person=dora))
    ana, ben, cy, robin = (make_person(name=name, department="Cardiology")
                           for name in ("Ana Alder", "Ben Birch", "Cy Cedar", "Robin Rowan"))
    sue = make_person(name="Sue Surgeon", department="Surgery")
    sam = make_supporter(make_person(name="Sam Senior", department="Surgery"))  # on the team already

    # 1. The administrator drafts a campaign to Cardiology, previews it and sends it.
    campaigns = link(text(administrator.get(link(text(administrator.get("/queue/")), "Team"))), "Recruiting")
    form_page = link(text(administrator.get(campaigns)), "New campaign")
    assert '<option value="Cardiology">' in text(administrator.get(form_page))
    draft = administrator.post(form_page, {"name": "Cardiology, winter", "audience_kind": "chosen",
                                           "departments": ["Cardiology"], **INVITATION}, follow=True)
    page = text(draft)
    assert re.search(r"reaches <strong>4</strong>\s+people", page)
    assert "Dear Ana," in page and "/nominate/your-own-link/" in page  # the preview, as Ana reads it
    assert "Send to 4 people" in page and not mail.outbox
    campaign = Campaign.objects.get()
    with run_tasks():
        sending = text(administrator.post(f"/recruiting/{campaign.pk}/send/", follow=True))
        assert "Sending has started" in sending and 'hx-trigger="every 2s"' in sending  # it follows the progress
    page = text(administrator.get(f"/recruiting/{campaign.pk}/"))
    assert "4 of 4 invitations written" in page and 'hx-trigger="every 2s"' not in page
    assert Campaign.objects.get().status == CampaignStatus.SENT
    invitations = OutboxMessage.objects.filter(kind="nomination_invitation")
    assert sorted(invitations.values_list("to", flat=True)) == sorted(p.email for p in (ana, ben, cy, robin))
    assert set(invitations.values_list("priority", flat=True)) == {OutboxPriority.BULK}
    assert len(mail.outbox) == 4 and not emails_to(sue)

    # 2. Colleagues open their own links from the email and nominate; Robin is named twice.
    def nominate(person: Person, choices: dict[Person, list[str]]) -> None:
        [invitation] = emails_to(person)
        assert invitation.subject == INVITATION["subject"]
        path = email_link(invitation, "/nominate/")
        colleague = Client()
        assert "Cardiology, winter" in text(colleague.get(path))
        body: dict[str, object] = {"nominee": [p.pk for p in choices]}
        body.update({f"reasons-{p.pk}": reasons for p, reasons in choices.items()})
        assert "your nominations have arrived" in text(colleague.post(path, body, follow=True))

    nominate(ana, {robin: ["listener", "calm"], ana: ["lived_through"]})
    nominate(ben, {robin: ["trusted"], cy: ["discreet"]})
    nominate(cy, {ben: ["calm"]})
    campaign_page = text(administrator.get(f"/recruiting/{campaign.pk}/"))
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", campaign_page))
    assert figures == {"Invited": "4", "Colleagues who nominated": "3", "Nominations received": "5",
                       "Self-nominations": "1"}

    # 3. The director invites the most named nominee, who says yes, and starts their training.
    candidates = link(text(director.get(campaigns)), "See the candidates")
    first = text(director.get(candidates)).split('data-testid="candidate-row"')[1]
    assert "Robin Rowan" in first and '<td data-testid="nominators">2</td>' in first
    assert "A good listener (1)" in first and "Trusted by colleagues (1)" in first
    move = f"/recruiting/candidates/{Candidate.objects.get(person=robin).pk}/move/"
    assert f'action="{move}"' in first and 'value="invite"' in first
    with run_tasks():
        assert "Robin Rowan: invited." in text(director.post(move, {"step": "invite"}, follow=True))
    [invitation] = [m for m in emails_to(robin) if "/join/" in m.body]
    assert "/support/what-supporters-do/" in invitation.body
    answer = email_link(invitation, "/join/")
    nominee = Client()
    assert "Would you like to join" in text(nominee.get(answer))
    assert "Welcome to the team" in text(nominee.post(answer, {"answer": "accept"}, follow=True))
    assert Supporter.objects.get(person=robin).status == SupporterStatus.IN_TRAINING
    assert "Robin Rowan: in training." in text(director.post(move, {"step": "training"}, follow=True))
    refused = text(director.post(move, {"step": "active"}, follow=True))
    assert "Record Robin Rowan&#x27;s initial training first" in refused
    assert Supporter.objects.get(person=robin).status == SupporterStatus.IN_TRAINING

    # The pipeline's link leads to Training, where the director adds the initial course and
    # today's session, which has begun, and records that Robin completed it.
    training = link(refused, "Record the training")
    assert training == link(text(director.get(link(refused, "Team"))), "Training")  # the Team page's Training
    course_form = link(text(director.get(training)), "Add a course")
    created = director.post(course_form, {"name": "Peer support basics", "kind": "initial",
                                          "summary": "Listening after a hard event.", "active": "on"})
    assert created.status_code == 302
    session_form = link(text(director.get(created["Location"])), "Add a session")
    created = director.post(session_form, {"day": "2026-12-02", "time": "08:00", "minutes": 180,
                                           "place": "Education center, room 2", "facilitators": dora.employee_id})
    assert created.status_code == 302
    session = created["Location"]
    page = text(director.get(session))
    assert "Dora Director" in page and f"Robin Rowan ({robin.employee_id})" in page  # offered to tick
    with run_tasks():
        recorded = director.post(session, {"attendees": [robin.employee_id], "completed": "yes"}, follow=True)
    assert "Attendance saved: 1 added" in text(recorded)
    assert "/training/evaluation/" in emails_to(robin)[-1].body  # the evaluation follows the session

    # Now the director makes Robin active, and the matching suggests them.
    assert "Robin Rowan: active." in text(director.post(move, {"step": "active"}, follow=True))
    robin_supporter = Supporter.objects.get(person=robin)
    assert robin_supporter.status == SupporterStatus.ACTIVE and robin_supporter.trained_on == WEDNESDAY.date()
    assert Candidate.objects.get(person=robin).state == CandidateState.ACTIVE
    case = refer(make_user(Role.REFERRER), make_person(name="Pat Peer", department="Emergency")).cases.get()
    suggested = re.findall(r'data-testid="suggestion">\s*<div class="suggestion__head">\s*<h3>([^<]+)</h3>',
                           text(director.get(f"/cases/{case.pk}/")))
    assert sorted(suggested) == ["Robin Rowan", "Sam Senior"]

    # 4. A quarterly meeting whose invitation opens in a calendar, and its role-play plan.
    meetings = link(text(director.get(link(text(director.get("/queue/")), "Team"))), "Meetings")
    meeting_form = link(text(director.get(meetings)), "Schedule a meeting")
    day = (timezone.localdate() + timedelta(days=21)).isoformat()
    with run_tasks():
        scheduled = director.post(meeting_form, {"title": "Winter supporter meeting", "place": "Conference room B",
                                                 "starts_at": f"{day}T16:00", "ends_at": f"{day}T18:00"}, follow=True)
    page = text(scheduled)
    assert "The meeting is scheduled and the team is invited." in page
    for person in (robin, sam.person):
        [email] = [m for m in emails_to(person) if "/meetings/rsvp/" in m.body]
        [(filename, content, mimetype)] = email.attachments
        assert filename == "meeting.ics" and mimetype.startswith("text/calendar")
        calendar = Calendar.from_ical(content)
        [event] = calendar.walk("VEVENT")
        assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
        assert event["SUMMARY"] == "Winter supporter meeting" and event.decoded("DTSTART").hour == 16
        assert Client().post(email_link(email, "/meetings/rsvp/"), {"answer": "yes"}).status_code == 302
    meeting = scheduled.redirect_chain[-1][0]
    assert '<span data-testid="rsvp-count-yes">2</span>' in text(director.get(meeting))
    practice = link(page, "Role-play plan")
    plan = text(director.get(practice))
    assert "Planned for the 2 who said yes" in plan and plan.count('data-testid="practice-group"') == 4
    assert "Robin Rowan" in plan and "Sam Senior" in plan
    # The printable sheet: the same page with a print stylesheet and a Print button.
    printable = text(director.get(urljoin(practice, link(plan, "Shuffle the pairs"))))
    assert "meetings/practice.css" in printable and "data-print" in printable
    assert "Robin Rowan" in printable and "Sam Senior" in printable

    # 5. A week's on-call rota, and the queue shows who is on call now.
    rota = link(text(director.get(link(text(director.get("/queue/")), "Team"))), "On call")
    assert "Robin Rowan" in text(director.get(rota))
    saved = director.post("/team/on-call/teams/", {"name": "Team Cardio",
                                                    "supporters": [robin_supporter.pk, sam.pk]}, follow=True)
    page = text(saved)
    assert "Saved the on-call team Team Cardio." in page
    team = re.search(r'<option value="(\d+)"[^>]*>Team Cardio</option>', page)
    assert team, "the new team is offered for each week"
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    week = director.post("/team/on-call/weeks/", {"starts_on": monday.isoformat(), "team": team.group(1)}, follow=True)
    assert "Team Cardio on call." in text(week)
    now = text(director.get("/queue/")).split('data-testid="on-call-now"')[1].split("</p>")[0]
    assert "Team Cardio" in now and "Robin Rowan" in now and "Sam Senior" in now
    assert "on call now" in text(director.get(f"/cases/{case.pk}/"))
