"""Sign-ins, sign-outs and refused sign-ins, from Django's auth signals.

The signals are the only place Django reports these, whichever view or backend did the work.
The password is never read. A refused sign-in names the login when the name typed is one;
otherwise it keeps only a shortened keyed hash of what was typed, never the typed address itself
(the same as "Forgot password" for an unknown address).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from peersupport.audit.services import audit_record
from peersupport.lib.middleware import client_ip

# How much of the keyed hash an entry keeps: enough to see the same name tried again, no more.
ADDRESS_HASH_LENGTH = 16


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


# A view that signs someone in another way than the password (single sign-on) leaves here how,
# for the sign-in's entry.
SIGN_IN_DETAIL_ATTR = "audit_sign_in_detail"


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    detail = getattr(request, SIGN_IN_DETAIL_ATTR, None) if request is not None else None
    audit_record(actor=user, action="auth.sign_in", obj=user, ip=_ip(request), detail=detail)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def record_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        audit_record(actor=user, action="auth.sign_out", obj=user, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def record_sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                          **kwargs: Any) -> None:
    names = ("username", get_user_model().USERNAME_FIELD)
    if not any(name in credentials for name in names):
        # Not a password sign-in: single sign-on records its own refusals, with their reason.
        return
    tried = str(credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD) or "")
    record_refused_sign_in(tried, request)


def record_refused_sign_in(tried: str, request: HttpRequest | None, **detail: Any) -> None:
    """A refused sign-in for the name typed: the login when it is one, else a shortened keyed hash."""
    from peersupport.lib.keyed import address_digest

    login = _login_named(tried)
    if login is None:
        # Not a login: what was typed may be anyone's address (or a password typed in the wrong box).
        audit_record(actor=None, action="auth.sign_in_failed", object_type="user",
                     detail={"login": False, "address_hash": address_digest(tried)[:ADDRESS_HASH_LENGTH], **detail},
                     ip=_ip(request))
        return
    audit_record(actor=None, action="auth.sign_in_failed", obj=login, detail={"login": True, **detail},
                 ip=_ip(request))


def _login_named(tried: str) -> Any:
    """The login whose address was typed (any letter case, as sign-in matches it), or None."""
    from peersupport.lib.keyed import normalize_address

    model = get_user_model()
    address = normalize_address(tried)
    longest = model._meta.get_field("email").max_length or 0
    if not address or len(address) > longest:
        return None
    return model._default_manager.filter(email__iexact=address).first()
