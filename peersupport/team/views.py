"""The supporter's own "My participation" page, the director's on-call rota and recognition
pages, and the calendar feeds (no sign-in: the secret address is the key)."""

from datetime import date, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.meetings.selectors import upcoming_invitations
from peersupport.notifications.assignment import text_unavailable_reason
from peersupport.notifications.channels import text_messages_enabled
from peersupport.team import feeds, selectors, services
from peersupport.team.forms import (
    NotifyByForm,
    PauseForm,
    RecognitionForm,
    SharingForm,
    TeamFeedForm,
    TeamForm,
    WeekForm,
)
from peersupport.team.models import WEEK, OnCallWeek

supporter_page = role_required({Role.SUPPORTER}, gettext_lazy("This page is a supporter's own."))
director_page = role_required({Role.DIRECTOR},
                              gettext_lazy("Only the program director keeps the rota and the recognition list."))


def _form_error(form: Form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def feed_url(token: str) -> str:
    return settings.SITE_URL + reverse("on-call-feed", args=[token])


# A supporter's own page.


def _my_page(request: SignedInRequest, *, error: str = "", status: int = 200, feed: str = "",
             pause_form: PauseForm | None = None, notify_form: NotifyByForm | None = None) -> HttpResponse:
    supporter = services.supporter_of(request.user)
    participation = selectors.participation_of(supporter)
    today = timezone.localdate()
    paused = supporter.paused_until is not None and supporter.paused_until >= today
    team_ids = list(supporter.on_call_memberships.values_list("team_id", flat=True))
    upcoming = list(OnCallWeek.objects.filter(team_id__in=team_ids, starts_on__gt=today - WEEK)
                    .select_related("team")[:8])
    context: dict[str, Any] = {
        "supporter": supporter,
        "participation": participation,
        "paused": paused,
        "pause_form": pause_form or PauseForm(initial={"until": today + timedelta(days=14)}),
        "recognition_form": RecognitionForm(initial={"opt_in": participation.recognition_opt_in}),
        "sharing_form": SharingForm(initial={"shared": supporter.shared_across_programs}),
        "notify_form": notify_form or NotifyByForm(initial={"notify_by": supporter.notify_by}),
        "texts_enabled": text_messages_enabled(),
        "text_unavailable": text_unavailable_reason(supporter),
        "contribution": selectors.contributions([supporter.pk])[supporter.pk],
        "upcoming": upcoming,
        "meetings": upcoming_invitations(supporter.pk),
        "on_call_now": any(w.starts_on <= today for w in upcoming),
        "has_feed": bool(participation.feed_digest),
        "feed_url": feed_url(feed) if feed else "",
        "error": error,
    }
    return render(request, "team/my_team.html", context, status=status)


@supporter_page
@require_GET
def my_team(request: SignedInRequest) -> HttpResponse:
    return _my_page(request)


@supporter_page
@require_POST
def my_team_pause(request: SignedInRequest) -> HttpResponse:
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _my_page(request, error=_form_error(form), status=InvalidInput.status, pause_form=form)
    try:
        supporter = services.participation_pause(actor=request.user, until=form.cleaned_data["until"],
                                                 reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        return _my_page(request, error=exc.detail, status=exc.status, pause_form=form)
    messages.success(request, _("You are paused through %(day)s. You will not be suggested for new peers until then.")
                     % {"day": date_format(cast(date, supporter.paused_until), _("F j, Y"))})
    return redirect("my-team")


@supporter_page
@require_POST
def my_team_resume(request: SignedInRequest) -> HttpResponse:
    try:
        services.participation_resume(actor=request.user)
    except ServiceError as exc:
        return _my_page(request, error=exc.detail, status=exc.status)
    messages.success(request, _("Welcome back. You can be suggested for new peers again."))
    return redirect("my-team")


@supporter_page
@require_POST
def my_team_recognition(request: SignedInRequest) -> HttpResponse:
    form = RecognitionForm(request.POST)
    form.is_valid()  # a checkbox: absent means no
    opt_in = bool(form.cleaned_data.get("opt_in"))
    services.participation_set_recognition(actor=request.user, opt_in=opt_in)
    messages.success(request, _("You are on the recognition list. Thank you.") if opt_in
                     else _("You are not on the recognition list."))
    return redirect("my-team")


@supporter_page
@require_POST
def my_team_sharing(request: SignedInRequest) -> HttpResponse:
    form = SharingForm(request.POST)
    form.is_valid()  # a checkbox: absent means no
    shared = bool(form.cleaned_data.get("shared"))
    services.participation_set_shared(actor=request.user, shared=shared)
    messages.success(request, _("Saved: you may be suggested to peers of the other hospitals.") if shared
                     else _("Saved: you are suggested to this hospital's peers only."))
    return redirect("my-team")


@supporter_page
@require_POST
def my_team_notifications(request: SignedInRequest) -> HttpResponse:
    form = NotifyByForm(request.POST)
    if not form.is_valid():
        return _my_page(request, error=_form_error(form), status=InvalidInput.status, notify_form=form)
    try:
        supporter = services.participation_set_notify_by(actor=request.user, notify_by=form.cleaned_data["notify_by"])
    except ServiceError as exc:
        return _my_page(request, error=exc.detail, status=exc.status, notify_form=form)
    messages.success(request, _("Saved: you are told of a new peer by %(channel)s.")
                     % {"channel": supporter.get_notify_by_display().lower()})
    return redirect("my-team")


@supporter_page
@require_POST
def my_team_feed(request: SignedInRequest) -> HttpResponse:
    """A new calendar address, shown on this one answer only (only its digest is kept)."""
    token = services.participation_reset_feed(actor=request.user)
    return _my_page(request, feed=token)


# The director's on-call rota.


def _mondays(count: int) -> list[Any]:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return [monday + WEEK * n for n in range(count)]


def _rota_page(request: SignedInRequest, *, error: str = "", status: int = 200, feed: str = "",
               feed_team: str = "", team_form: TeamForm | None = None) -> HttpResponse:
    program_id = request.user.program_pk
    supporters = selectors.team_supporters(program_id)
    choices = [(s.pk, s.person.name) for s in supporters]
    weeks = {week.starts_on: week for week in selectors.rota_weeks(program_id)}
    teams = selectors.teams_with_members(program_id)
    for team in teams:
        # For the checkboxes of each team's form: one set, not a loop per supporter.
        team.member_ids = {m.supporter_id for m in team.memberships.all()}  # type: ignore[attr-defined]  # for the template
    context = {
        "teams": teams,
        "supporters": supporters,
        "team_form": team_form or TeamForm(supporter_choices=choices),
        "rota": [(monday, weeks.get(monday)) for monday in _mondays(selectors.ROTA_WEEKS_AHEAD)],
        "now": selectors.on_call_now(program_id),
        "feed_url": feed_url(feed) if feed else "",
        "feed_team": feed_team,
        "error": error,
    }
    return render(request, "team/rota.html", context, status=status)


@director_page
@require_GET
def rota(request: SignedInRequest) -> HttpResponse:
    return _rota_page(request)


@director_page
@require_POST
def rota_team(request: SignedInRequest) -> HttpResponse:
    choices = [(s.pk, s.person.name) for s in selectors.team_supporters(request.user.program_pk)]
    form = TeamForm(request.POST, supporter_choices=choices)
    if not form.is_valid():
        return _rota_page(request, error=_form_error(form), status=InvalidInput.status, team_form=form)
    try:
        team = services.on_call_team_save(actor=request.user, name=form.cleaned_data["name"],
                                          supporter_ids=form.cleaned_data["supporters"],
                                          team_id=form.cleaned_data["team"])
    except ServiceError as exc:
        return _rota_page(request, error=exc.detail, status=exc.status, team_form=form)
    messages.success(request, _("Saved the on-call team %(team)s.") % {"team": team.name})
    return redirect("on-call")


@director_page
@require_POST
def rota_week(request: SignedInRequest) -> HttpResponse:
    form = WeekForm(request.POST)
    if not form.is_valid():
        return _rota_page(request, error=_form_error(form), status=InvalidInput.status)
    try:
        week = services.on_call_week_set(actor=request.user, starts_on=form.cleaned_data["starts_on"],
                                         team_id=form.cleaned_data["team"])
    except ServiceError as exc:
        return _rota_page(request, error=exc.detail, status=exc.status)
    starts = date_format(form.cleaned_data["starts_on"], _("F j"))
    messages.success(request, _("The week of %(day)s: %(team)s on call.") % {"day": starts, "team": week.team.name}
                     if week else _("The week of %(day)s has no team on call.") % {"day": starts})
    return redirect("on-call")


@director_page
@require_POST
def rota_team_feed(request: SignedInRequest) -> HttpResponse:
    form = TeamFeedForm(request.POST)
    if not form.is_valid():
        return _rota_page(request, error=_form_error(form), status=InvalidInput.status)
    try:
        token = services.on_call_team_reset_feed(actor=request.user, team_id=form.cleaned_data["team"])
    except ServiceError as exc:
        return _rota_page(request, error=exc.detail, status=exc.status)
    name = next((t.name for t in selectors.teams_with_members(request.user.program_pk)
                 if t.pk == form.cleaned_data["team"]), "")
    return _rota_page(request, feed=token, feed_team=name)


# The calendar feeds: no sign-in, the secret address is the key.

GONE = gettext_lazy("This calendar address no longer works: it was replaced by a new one, or never existed. "
                    "Open your participation page in the Peer Support Program for the current address.")


@require_GET
def on_call_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    participation = feeds.supporter_for_feed(feed_token)
    if participation is not None:
        body = feeds.supporter_feed(participation)
    else:
        team = feeds.team_for_feed(feed_token)
        if team is None:
            return HttpResponse(f"{GONE}\n", status=410, content_type="text/plain; charset=utf-8")
        body = feeds.team_feed(team)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="on-call.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# Recognition.


@director_page
@require_GET
def recognition(request: SignedInRequest) -> HttpResponse:
    return render(request, "team/recognition.html", {"rows": selectors.recognition_list(request.user.program_pk)})


@director_page
@require_GET
def recognition_letters(request: SignedInRequest) -> HttpResponse:
    return render(request, "team/letters.html", {"rows": selectors.recognition_list(request.user.program_pk),
                                                 "today": timezone.localdate()})
