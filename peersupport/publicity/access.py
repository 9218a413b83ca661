"""The program boundary of the publicity checklist: a program's director and administrator reach
their own program's places and dates only; another program's answers 404.

A place or date that no longer exists anywhere is left to the services, which say so kindly (a
date taken off twice, a page left open): that is about the checklist, not about who asks.
"""

from django.http import Http404
from django.utils.translation import gettext

from peersupport.accounts.models import User
from peersupport.publicity.models import PublicityDate, PublicityPlace


def require_own_place(user: User, place_id: int) -> None:
    if PublicityPlace.objects.filter(pk=place_id).exclude(program_id=user.program_pk).exists():
        raise Http404(gettext("No such place on the checklist."))


def require_own_date(user: User, date_id: int) -> None:
    if PublicityDate.objects.filter(pk=date_id).exclude(place__program_id=user.program_pk).exists():
        raise Http404(gettext("No such date on the checklist."))
