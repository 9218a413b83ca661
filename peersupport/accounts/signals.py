"""Session bookkeeping on sign-in and sign-out, and ending a deactivated login's access.

(The audit trail's own sign-in records hang off the same auth signals in `peersupport.audit`.)
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from peersupport.accounts import sessions
from peersupport.accounts.models import User


@receiver(user_logged_in, dispatch_uid="accounts.session_opened")
def _session_opened(sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.session_opened(request, user)


@receiver(user_logged_out, dispatch_uid="accounts.session_closed")
def _session_closed(sender: type[User], request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if request is not None:
        sessions.session_closed(request)


@receiver(post_save, sender=User, dispatch_uid="accounts.inactive_user_cut_off")
def _inactive_user_cut_off(sender: type[User], instance: User, **kwargs: Any) -> None:
    """However a login is deactivated, its sessions end and its API tokens stop working."""
    if not instance.is_active:
        from peersupport.accounts.services import cut_off

        cut_off(instance)
