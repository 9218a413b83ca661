"""Role gates for pages that are not about one object (a queue, a settings page).

Pages about one object use that object's access gate (`case_for_user`, `referral_for_user`, …);
these only say which roles may open a page at all. They answer 403, never a silent redirect.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

from peersupport.accounts.models import User

View = Callable[..., HttpResponse]


def require_role(user: User | AnonymousUser, roles: Iterable[str], message: str | Promise) -> None:
    if not isinstance(user, User) or not user.is_active or user.role not in roles:
        raise PermissionDenied(message)


def role_required(roles: Iterable[str], message: str | Promise = "Your role does not use this page.",
                  ) -> Callable[[View], View]:
    """Signed in (else to the login page) and one of `roles` (else 403). A lazy `message`
    (gettext_lazy) is read in the language of the request it refuses."""
    roles = frozenset(roles)

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_role(request.user, roles, message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
