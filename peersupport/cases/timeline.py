"""Each step of a case with its time, for the director's case page: how long each one took."""

from dataclasses import dataclass, replace
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import STEP_WORDS, Case, CaseState, Encounter, Response

SHEET_SENT = "case.information_sheet_sent"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    # A fact about the step (a supporter's name, a channel, a mode): never what was said.
    detail: str = ""
    # A conversation is known by its day only (it may be recorded days later); `at` then orders
    # it at the end of that day, or when it was recorded if that is earlier.
    held_on: date | None = None
    # Set on the case's next step, which has not happened yet.
    upcoming: bool = False
    # How long after the referral: "2 hours", or for a day-only step "3 days" / "same day".
    after_referral: str = ""


@dataclass(frozen=True)
class SheetSent:
    """An information sheet the program emailed the peer: when, and how many resources on it."""

    at: datetime
    resources: int

    @property
    def description(self) -> str:
        return ngettext("%(count)s resource", "%(count)s resources", self.resources) % {"count": self.resources}


def sheets_sent(case: Case) -> list[SheetSent]:
    """Each information sheet emailed to the peer, oldest first, from the case's audit trail (the
    service writes that entry in the transaction that queues the email)."""
    entries = AuditEntry.objects.for_object("case", case.pk).filter(action=SHEET_SENT).order_by("at", "pk")
    return [SheetSent(at=entry.at, resources=len(entry.detail.get("resources", []))) for entry in entries]


def _conversation_time(encounter: Encounter) -> datetime:
    if timezone.localdate(encounter.recorded_at) == encounter.held_on:
        return encounter.recorded_at
    end_of_day = timezone.make_aware(datetime.combine(encounter.held_on, time.max))
    return min(end_of_day, encounter.recorded_at)


def _after(referred_at: datetime, entry: TimelineEntry) -> str:
    if entry.held_on is None:
        return timesince(referred_at, entry.at) if entry.at > referred_at else gettext("at once")
    days = (entry.held_on - timezone.localdate(referred_at)).days
    if days <= 0:
        return gettext("same day")
    return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}


def case_timeline(case: Case) -> list[TimelineEntry]:
    """The case's steps in order: referred, also referred (a later referral linked to it),
    assigned, outreach, response, conversations, resources and sheets, closed.

    A handful of small queries, one per kind of record; call it for a case the user has already
    opened through `case_for_user` (which audits the access).
    """
    entries = [TimelineEntry(case.created_at, gettext("Referred"))]
    entries += [
        TimelineEntry(a.assigned_at, gettext("Reassigned") if i else gettext("Assigned"), a.supporter.person.name)
        for i, a in enumerate(case.assignments.select_related("supporter__person").order_by("assigned_at", "pk"))
    ]
    entries += [
        TimelineEntry(d.declined_at, gettext("Handed back"), d.get_reason_display())
        for d in case.declines.all()
    ]
    entries += [
        TimelineEntry(o.made_at,
                      gettext("First outreach") if i == 0
                      else gettext("Outreach attempt %(number)s") % {"number": i + 1},
                      o.get_channel_display() + (gettext(" sent by the program") if o.sent_by_program else ""))
        for i, o in enumerate(case.outreach_attempts.all())
    ]
    responses = list(case.responses.all())
    entries += [TimelineEntry(r.recorded_at, gettext("Response"), r.get_response_display()) for r in responses]
    answered = any(r.response != Response.NO_RESPONSE for r in responses)
    if case.responded_at and not answered:
        # Becoming unreachable leaves no response record; its time is the case's `responded_at`.
        entries.append(TimelineEntry(case.responded_at, gettext("Unreachable"),
                                     gettext("Sent the resources and an open invitation")))
    entries += [
        TimelineEntry(_conversation_time(e),
                      gettext("Conversation") if i == 0 else gettext("Conversation %(number)s") % {"number": i + 1},
                      gettext("%(mode)s, %(minutes)s min") % {"mode": e.get_mode_display(), "minutes": e.minutes}
                      + (gettext(", follow-up planned") if e.follow_up_planned else ""),
                      held_on=e.held_on)
        for i, e in enumerate(case.encounters.all())
    ]
    entries += [
        TimelineEntry(s.shared_at, gettext("Connected to a resource") if s.facilitated else gettext("Resource shared"),
                      s.resource.name)
        for s in case.resource_shares.select_related("resource")
    ]
    entries += [
        TimelineEntry(sheet.at, gettext("Information sheet emailed"), sheet.description) for sheet in sheets_sent(case)
    ]
    entries += [
        # A later referral of the peer while this case was open: linked to it, no second case.
        TimelineEntry(link.linked_at,
                      gettext("Also referred (referral #%(referral_id)s)") % {"referral_id": link.referral_id},
                      link.referral.get_category_display())
        for link in case.referral_links.select_related("referral")
    ]
    if case.closed_at:
        entries.append(TimelineEntry(case.closed_at, gettext("Closed")))
    entries.sort(key=lambda entry: entry.at)
    if case.state != CaseState.CLOSED and case.next_due_at:
        entries.append(TimelineEntry(case.next_due_at, gettext("%(step)s due") % {"step": str(STEP_WORDS.get(
            case.next_step, case.next_step)).capitalize()}, upcoming=True))
    referred_at = case.created_at
    return [entries[0], *(replace(e, after_referral=_after(referred_at, e)) for e in entries[1:])]
