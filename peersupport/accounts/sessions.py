"""Web sessions: when they start and end, and ending every session of a login at once.

- Each sign-in records its start and last activity in the session; `SessionLimitsMiddleware`
  signs the session out after `SESSION_IDLE_MINUTES` without a request, or `SESSION_MAX_HOURS`
  after the sign-in, whichever comes first.
- Each sign-in is indexed (`UserSession`), so deactivating a login ends all of its sessions
  (`end_user_sessions`), whichever session engine stores them.

The API is not session-based (bearer tokens) and is left alone.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from peersupport.accounts.models import User, UserSession

STARTED_KEY = "_auth_started_at"
SEEN_KEY = "_auth_last_seen"

IDLE = "idle"
TOO_LONG = "too_long"


def session_opened(request: HttpRequest, user: User) -> None:
    """A sign-in: stamp the session's start and index it under the user."""
    now = time.time()
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )


def session_closed(request: HttpRequest) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def rotate_session_key(request: HttpRequest) -> None:
    """A new session key for the same session (after a change of privilege), kept in the index."""
    old_key = request.session.session_key
    request.session.cycle_key()
    new_key = request.session.session_key
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
    elif request.user.is_authenticated:
        UserSession.objects.update_or_create(session_key=new_key, defaults={"user": request.user})


def expiry_reason(session: SessionBase, now: float | None = None) -> str | None:
    """Why this signed-in session must end now, or None while it may go on."""
    now = time.time() if now is None else now
    started = session.get(STARTED_KEY)
    seen = session.get(SEEN_KEY, started)
    if not isinstance(started, int | float) or not isinstance(seen, int | float):
        # Signed in before sessions were stamped: its age is unknown, so it ends.
        return TOO_LONG
    if now - started > settings.SESSION_MAX_HOURS * 3600:
        return TOO_LONG
    if now - seen > settings.SESSION_IDLE_MINUTES * 60:
        return IDLE
    return None


# Last activity is written at most this often (not a session write on every request), so a
# session may end up to this much sooner than SESSION_IDLE_MINUTES after the last request, never later.
TOUCH_EVERY_SECONDS = 60


def touch(session: SessionBase, now: float | None = None) -> None:
    now = time.time() if now is None else now
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int | float) or now - seen >= TOUCH_EVERY_SECONDS:
        session[SEEN_KEY] = now


def end_user_sessions(user: User) -> int:
    """Delete every session the user holds; returns how many were indexed."""
    engine = import_module(settings.SESSION_ENGINE)
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        engine.SessionStore(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)
