"""The access gate for referrals: a referral's receipt is for whoever made it, and the program."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from peersupport.accounts.models import MAY_REFER, PROGRAM_STAFF, User
from peersupport.referrals.models import Referral


def require_may_refer(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in MAY_REFER:
        raise PermissionDenied(gettext("Your role may not make referrals."))


def referral_for_user(user: User, referral_id: int) -> Referral:
    """The referral if this user made it (or runs the program), else 404.

    A role that may never refer (leadership) is refused outright (403), by page and API alike.
    """
    require_may_refer(user)
    referrals = Referral.objects.all()
    if user.role not in PROGRAM_STAFF:
        referrals = referrals.filter(referred_by=user)
    else:
        # Program staff: the referrals that opened (or were linked to) a case of their program,
        # and their own. Another program's referral answers 404, as for none.
        from peersupport.cases.models import Case, CaseReferralLink

        referrals = referrals.filter(
            Q(referred_by=user)
            | Exists(Case.objects.filter(referral=OuterRef("pk"), program_id=user.program_pk))
            | Exists(CaseReferralLink.objects.filter(referral=OuterRef("pk"), case__program_id=user.program_pk)))
    try:
        return referrals.get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral.") from None


def referral_for_program_staff(user: User, referral_id: int) -> Referral:
    if not user.is_authenticated or user.role not in PROGRAM_STAFF:
        raise PermissionDenied(gettext("Only the program's director and administrator plan assignments."))
    return referral_for_user(user, referral_id)


def referrals_made_by(user: User) -> "QuerySet[Referral]":
    """The referrals this login made, for its own receipts (`/my/data/`): any active login.

    Receipts only: whoever calls this shows number, time and count, never the cases' progress.
    """
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    return Referral.objects.filter(referred_by=user)
