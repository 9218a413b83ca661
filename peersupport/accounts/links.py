"""Signed links to set a password: the invitation to a new login, and "Forgot password".

Both are Django's password-reset tokens: signed with SECRET_KEY, over the login's password hash
and last sign-in, so a link stops working once a password is set with it (or the login signs
in). Each kind has its own salt and lifetime: an invitation lasts `LOGIN_INVITE_DAYS`, a
"Forgot password" link `PASSWORD_LINK_MINUTES`. The set-password page takes either.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from peersupport.accounts.models import Role, User
from peersupport.notifications.emails import render_plain_text

INVITE_KIND = "login_invite"
RESET_KIND = "password_link"


class _LinkTokens(PasswordResetTokenGenerator):
    """A token that also expires after this kind's own lifetime (Django's is the longest)."""

    def max_age_seconds(self) -> int:
        raise NotImplementedError

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        issued = base36_to_int(str(token).split("-")[0])
        return self._num_seconds(self._now()) - issued <= self.max_age_seconds()


class InviteTokens(_LinkTokens):
    key_salt = "peersupport.accounts.links.invite"

    def max_age_seconds(self) -> int:
        return settings.LOGIN_INVITE_DAYS * 24 * 60 * 60


class ResetTokens(_LinkTokens):
    key_salt = "peersupport.accounts.links.reset"

    def max_age_seconds(self) -> int:
        return settings.PASSWORD_LINK_MINUTES * 60


invite_tokens = InviteTokens()
reset_tokens = ResetTokens()


class EitherLink(PasswordResetTokenGenerator):
    """What the set-password page accepts: an invitation's token or a "Forgot password" one."""

    def make_token(self, user: User) -> str:
        raise NotImplementedError("Make a link with invite_tokens or reset_tokens.")

    def check_token(self, user: User | None, token: str | None) -> bool:
        return invite_tokens.check_token(user, token) or reset_tokens.check_token(user, token)


def set_password_url(user: User, tokens: _LinkTokens) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("password-set", kwargs={"uidb64": uidb64, "token": tokens.make_token(user)})
    return f"{settings.SITE_URL}{path}"


def _render(name: str, context: dict[str, object], recipient: User) -> tuple[str, str]:
    """Subject and body in the login's language (its roster entry's, or its own)."""
    subject = render_plain_text(f"notifications/{name}_subject.txt", context, recipient=recipient)
    body = render_plain_text(f"notifications/{name}_body.txt", context, recipient=recipient)
    return " ".join(subject.split()), body.strip() + "\n"


def render_invite_email(user: User) -> tuple[str, str]:
    """The new login's invitation: what it is for, the link, how long it lasts (or, with password
    sign-in off for this login, to sign in with single sign-on)."""
    from peersupport.accounts import sso

    return _render(INVITE_KIND, {
        "single_sign_on_only": not sso.password_allowed(user.email),
        "provider": sso.provider_name(),
        "role": Role(user.role).label,  # lazy: read in the recipient's language
        "link": set_password_url(user, invite_tokens),
        "days": settings.LOGIN_INVITE_DAYS,
        "sign_in_url": f"{settings.SITE_URL}{reverse('login')}",
    }, user)


def render_reset_email(user: User) -> tuple[str, str]:
    return _render(RESET_KIND, {
        "link": set_password_url(user, reset_tokens),
        "minutes": settings.PASSWORD_LINK_MINUTES,
        "forgot_url": f"{settings.SITE_URL}{reverse('password-forgot')}",
    }, user)
