"""State changes of the team's availability, the rota and recognition: one service each, in one
transaction, audited.

A pause is `Supporter.paused_until`, which the matching reads: saving the supporter moves the
matching version (`matching.signals`), so no process keeps suggesting them from its cached facts,
and a pause whose last day has passed ends by itself (the matching compares the date with
today). The rota moves the version too: who is on call is part of the supporters' facts.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import Role, User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.matching.models import matching_version_bump
from peersupport.notifications.channels import text_messages_enabled
from peersupport.roster.models import NotifyBy, Supporter, SupporterStatus
from peersupport.team.models import (
    OnCallMember,
    OnCallTeam,
    OnCallWeek,
    Participation,
    PauseReason,
    feed_digest,
    new_feed_token,
)

# The longest pause a supporter sets themself; a longer absence is the director's to record.
MAX_PAUSE_DAYS = 366
# How far ahead the rota may be planned.
MAX_ROTA_DAYS_AHEAD = 366
MAX_TEAM_SIZE = 12
MAX_TEAM_NAME = 80


def supporter_of(user: User) -> Supporter:
    """The signed-in supporter's own record; 403 for a login that is not a supporter's."""
    supporter = Supporter.objects.filter(person_id=user.person_id).first() if user.person_id else None
    if user.role != Role.SUPPORTER or supporter is None:
        raise PermissionDenied(_("This page is a supporter's own."))
    return supporter


def _require_director(user: User) -> None:
    if user.role != Role.DIRECTOR:
        raise PermissionDenied(_("Only the program director builds the on-call rota."))


def _lock_own(actor: User) -> tuple[Supporter, Participation]:
    supporter = Supporter.objects.select_for_update().get(pk=supporter_of(actor).pk)
    participation, _ = Participation.objects.select_for_update().get_or_create(supporter=supporter)
    return supporter, participation


def participation_pause(*, actor: User, until: date, reason: str) -> Supporter:
    """The supporter takes no new peers through `until` (that day included)."""
    if reason not in PauseReason.values:
        raise InvalidInput(_("Choose a reason from the list."))
    today = timezone.localdate()
    if until < today:
        raise InvalidInput(_("The last day of a pause cannot be in the past."))
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        raise InvalidInput(_("A pause can last up to a year; for longer, ask the program director."))
    with transaction.atomic():
        supporter, participation = _lock_own(actor)
        if supporter.status not in (SupporterStatus.ACTIVE, SupporterStatus.PAUSED):
            raise Conflict(_("Only a supporter on the team can pause."))
        now = timezone.now()
        supporter.paused_until = until
        supporter.updated_at = now
        supporter.save(update_fields=["paused_until", "updated_at"])
        participation.pause_reason = reason
        participation.updated_at = now
        participation.save(update_fields=["pause_reason", "updated_at"])
        audit_record(actor=actor, action="supporter.pause", obj=supporter,
                     detail={"until": until.isoformat(), "reason": reason})
    return supporter


def participation_resume(*, actor: User) -> Supporter:
    """The supporter is back before the pause's last day."""
    with transaction.atomic():
        supporter, participation = _lock_own(actor)
        if supporter.paused_until is None or supporter.paused_until < timezone.localdate():
            raise Conflict(_("You are not paused."))
        now = timezone.now()
        supporter.paused_until = None
        supporter.updated_at = now
        supporter.save(update_fields=["paused_until", "updated_at"])
        participation.pause_reason = ""
        participation.updated_at = now
        participation.save(update_fields=["pause_reason", "updated_at"])
        audit_record(actor=actor, action="supporter.resume", obj=supporter)
    return supporter


def participation_set_recognition(*, actor: User, opt_in: bool) -> Participation:
    """Whether the supporter's name and counts may go on the program's recognition list."""
    with transaction.atomic():
        supporter, participation = _lock_own(actor)
        participation.recognition_opt_in = opt_in
        participation.updated_at = timezone.now()
        participation.save(update_fields=["recognition_opt_in", "updated_at"])
        audit_record(actor=actor, action="supporter.recognition_opt_in" if opt_in else "supporter.recognition_opt_out",
                     obj=supporter)
    return participation


def participation_set_shared(*, actor: User, shared: bool) -> Supporter:
    """Whether the supporter may be suggested to the installation's other programs (hospitals), when
    a peer there asks for someone from outside their own. A save, so the suggestions' facts reload."""
    with transaction.atomic():
        supporter = Supporter.objects.select_for_update().get(pk=supporter_of(actor).pk)
        supporter.shared_across_programs = shared
        supporter.updated_at = timezone.now()
        supporter.save(update_fields=["shared_across_programs", "updated_at"])
        audit_record(actor=actor, action="supporter.shared_opt_in" if shared else "supporter.shared_opt_out",
                     obj=supporter)
    return supporter


def participation_set_notify_by(*, actor: User, notify_by: str) -> Supporter:
    """How the supporter is told of a new peer: email, text message or both. A text goes to the
    phone on their roster entry; without one that can take texts they are told by email
    (`peersupport.notifications.assignment`), and their page says so."""
    if notify_by not in NotifyBy.values:
        raise InvalidInput(_("Choose email, text message, or both."))
    if notify_by != NotifyBy.EMAIL and not text_messages_enabled():
        raise InvalidInput(_("Text messages are not set up for the program, so new peers are told by email."))
    with transaction.atomic():
        supporter = Supporter.objects.select_for_update().get(pk=supporter_of(actor).pk)
        # An update, not a save: the matching does not read it, so its facts stay current.
        Supporter.objects.filter(pk=supporter.pk).update(notify_by=notify_by, updated_at=timezone.now())
        supporter.notify_by = notify_by
        audit_record(actor=actor, action="supporter.notify_by", obj=supporter, detail={"notify_by": notify_by})
    return supporter


def participation_reset_feed(*, actor: User) -> str:
    """A new secret address for the supporter's calendar feed: the old address stops working.
    Returns the secret, shown once; only its digest is kept."""
    token = new_feed_token()
    with transaction.atomic():
        supporter, participation = _lock_own(actor)
        participation.feed_digest = feed_digest(token)
        participation.updated_at = timezone.now()
        participation.save(update_fields=["feed_digest", "updated_at"])
        audit_record(actor=actor, action="supporter.feed_reset", obj=supporter)
    return token


def _clean_team(name: str, supporter_ids: list[int], program_id: int) -> tuple[str, list[Supporter]]:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the team a name."))
    if len(name) > MAX_TEAM_NAME:
        raise InvalidInput(_("A team's name is at most %(count)s characters.") % {"count": MAX_TEAM_NAME})
    ids = sorted(set(supporter_ids))
    if not ids:
        raise InvalidInput(_("Choose at least one supporter for the team."))
    if len(ids) > MAX_TEAM_SIZE:
        raise InvalidInput(_("An on-call team has at most %(count)s supporters.") % {"count": MAX_TEAM_SIZE})
    supporters = list(Supporter.objects.filter(pk__in=ids).exclude(status__in=[SupporterStatus.NOMINATED,
                                                                                 SupporterStatus.RETIRED])
                      .select_related("person"))
    if len(supporters) != len(ids):
        raise InvalidInput(_("Choose supporters who are on the team or in training."))
    if any(s.person.program_id != program_id for s in supporters):
        raise InvalidInput(_("An on-call team is made of this program's own supporters; someone chosen is of "
                             "another hospital's program."))
    return name, supporters


def on_call_team_save(*, actor: User, name: str, supporter_ids: list[int], team_id: int | None = None) -> OnCallTeam:
    """Create an on-call team of the director's program, or change its name and members."""
    _require_director(actor)
    name, supporters = _clean_team(name, supporter_ids, actor.program_pk)
    try:
        with transaction.atomic():
            if team_id is None:
                team = OnCallTeam.objects.create(program_id=actor.program_pk, name=name)
            else:
                found = OnCallTeam.objects.select_for_update().filter(pk=team_id, program_id=actor.program_pk).first()
                if found is None:
                    raise InvalidInput(_("That team no longer exists."))
                team = found
                team.name = name
                team.save(update_fields=["name"])
                team.memberships.exclude(supporter__in=supporters).delete()
            have = set(team.memberships.values_list("supporter_id", flat=True))
            OnCallMember.objects.bulk_create(
                [OnCallMember(team=team, supporter=s) for s in supporters if s.pk not in have]
            )
            # Who is on call, and who shares a team, are part of the supporters' matching facts.
            matching_version_bump()
            audit_record(actor=actor, action="on_call.team_save", obj=team,
                         detail={"created": team_id is None, "members": [s.pk for s in supporters]})
    except IntegrityError:
        raise Conflict(_("Another team already has that name, or someone changed this team a moment ago.")) from None
    return team


def on_call_week_set(*, actor: User, starts_on: date, team_id: int | None) -> OnCallWeek | None:
    """Put a team of the director's program on call for the week that starts on `starts_on` (a
    Monday), or clear that program's week (`team_id` None). Weeks start on Mondays, so two weeks
    of a program never overlap; each program keeps its own rota."""
    _require_director(actor)
    if starts_on.weekday() != 0:
        raise InvalidInput(_("An on-call week starts on a Monday."))
    today = timezone.localdate()
    if starts_on + timedelta(days=6) < today:
        raise InvalidInput(_("That week is over; the rota keeps past weeks as they were."))
    if starts_on > today + timedelta(days=MAX_ROTA_DAYS_AHEAD):
        raise InvalidInput(_("The rota can be planned up to a year ahead."))
    with transaction.atomic():
        team = None
        if team_id is not None:
            team = OnCallTeam.objects.filter(pk=team_id, program_id=actor.program_pk).first()
            if team is None:
                raise InvalidInput(_("Choose one of the on-call teams."))
        if team is None:
            OnCallWeek.objects.filter(program_id=actor.program_pk, starts_on=starts_on).delete()
            week = None
        else:
            week, _created = OnCallWeek.objects.update_or_create(program_id=actor.program_pk, starts_on=starts_on,
                                                                 defaults={"team": team})
        matching_version_bump()
        audit_record(actor=actor, action="on_call.week_set", object_type="on_call_week",
                     object_id=starts_on.isoformat(), detail={"team": team_id})
    return week


def on_call_team_reset_feed(*, actor: User, team_id: int) -> str:
    """A new secret address for the team's calendar feed; the old one stops working."""
    _require_director(actor)
    token = new_feed_token()
    with transaction.atomic():
        team = OnCallTeam.objects.select_for_update().filter(pk=team_id, program_id=actor.program_pk).first()
        if team is None:
            raise InvalidInput(_("That team no longer exists."))
        team.feed_digest = feed_digest(token)
        team.save(update_fields=["feed_digest"])
        audit_record(actor=actor, action="on_call.feed_reset", obj=team)
    return token
