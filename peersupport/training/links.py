"""The evaluation link: each attendee of a session gets one, single use, by email."""

from datetime import timedelta

from django.conf import settings

from peersupport.support.links import LinkKind, kind_url, sign_link

EVALUATION_DAYS_DEFAULT = 30


def _lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "TRAINING_EVALUATION_LINK_DAYS", EVALUATION_DAYS_DEFAULT))


EVALUATION = LinkKind("training_evaluation", "peersupport.training.link.evaluation", "training-evaluation", _lifetime)


def evaluation_url(*, session_id: int, person_id: int) -> str:
    return kind_url(EVALUATION, sign_link(EVALUATION, {"s": session_id, "p": person_id}))
