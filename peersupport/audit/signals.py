"""Sign-ins, sign-outs and refused sign-ins, from Django's auth signals.

The signals are the only place Django reports these, whichever view or backend did the work.
The password is never read; the name tried at a refused sign-in is kept as typed, shortened.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from peersupport.audit.services import audit_record
from peersupport.lib.middleware import client_ip

ATTEMPTED_NAME_LENGTH = 254


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.sign_in", obj=user, ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def record_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        audit_record(actor=user, action="auth.sign_out", obj=user, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def record_sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                          **kwargs: Any) -> None:
    tried = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD) or ""
    audit_record(actor=None, action="auth.sign_in_failed", object_type="user",
                 detail={"username": str(tried)[:ATTEMPTED_NAME_LENGTH]}, ip=_ip(request))
