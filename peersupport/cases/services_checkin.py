"""A check-in for the supporter after a hard case: the case's supporter asks (a reason from a
fixed list, no notes), every director is told by email and sees it on the queue, and the
director marks it done. Each step is one service in one transaction, through the case gate,
audited."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.accounts.models import Role, User
from peersupport.audit.services import audit_record
from peersupport.cases.access import case_for_user, cases_for_user, is_case_supporter
from peersupport.cases.models import Case, CheckInReason, CheckInRequest
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.emails import render_check_in_email
from peersupport.notifications.services import outbox_enqueue


def case_request_check_in(*, actor: User, case_id: int, reason: str) -> CheckInRequest:
    """The case's own supporter would like a check-in with the director."""
    if reason not in CheckInReason.values:
        raise InvalidInput(gettext("Choose a reason from the list."))
    try:
        with transaction.atomic():
            case = case_for_user(actor, case_id, action="case.check_in", for_update=True)
            if case.supporter is None or not is_case_supporter(actor, case):
                raise PermissionDenied(gettext("Only the case's supporter asks for a check-in on it."))
            request = CheckInRequest.objects.create(case=case, supporter=case.supporter, reason=reason)
            subject, body = render_check_in_email(case, case.supporter.person.name, str(CheckInReason(reason).label))
            for director in User.objects.filter(role=Role.DIRECTOR, is_active=True).only("email"):
                outbox_enqueue(kind="check_in", to=director.email, subject=subject, body=body, case=case)
            audit_record(actor=actor, action="case.check_in_requested", obj=case, detail={"reason": reason})
    except IntegrityError:
        raise Conflict(
            gettext("You have already asked for a check-in on this case; the director will be in touch.")
        ) from None
    return request


def case_check_in_done(*, actor: User, case_id: int) -> Case:
    """The director has checked in with the supporter: the request leaves the queue."""
    if actor.role != Role.DIRECTOR:
        raise PermissionDenied(gettext("Only the program director marks a check-in done."))
    with transaction.atomic():
        case = case_for_user(actor, case_id, action="case.check_in_mark", for_update=True)
        # Conditional: two directors marking it at once finish it once.
        done = CheckInRequest.objects.filter(case=case, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=actor)
        if not done:
            raise Conflict(gettext("There is no open check-in request on this case."))
        audit_record(actor=actor, action="case.check_in_done", obj=case)
    return case


def open_check_ins(user: User) -> list[CheckInRequest]:
    """The check-ins waiting for the director, oldest first, on the cases this user may see
    (few: no paging)."""
    return list(CheckInRequest.objects.filter(done_at__isnull=True, case__in=cases_for_user(user))
                .select_related("supporter__person"))


def open_check_in(case: Case) -> CheckInRequest | None:
    """The open check-in of a case the caller already opened through the gate."""
    return case.check_ins.filter(done_at__isnull=True).first()
