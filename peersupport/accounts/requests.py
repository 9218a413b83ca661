"""Request types for annotations: what a view may assume about `request.user` behind its gate."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from peersupport.accounts.models import User


class SignedInRequest(HttpRequest):
    """A request from a signed-in user: what `login_required`, `role_required` and the API's
    bearer-token auth let through. Django builds the request; a view behind one of those gates
    takes this type so that `request.user` is a `User`, never the anonymous one."""

    user: User
    htmx: HtmxDetails  # set on every request by django-htmx's middleware
