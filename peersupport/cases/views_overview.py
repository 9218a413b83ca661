"""The director's overview: open cases by state, the steps that are late, each supporter's load,
and any emails the outbox set aside after its last attempt (with a button to send them again)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from peersupport.accounts.models import PROGRAM_STAFF
from peersupport.accounts.requests import SignedInRequest
from peersupport.audit.services import audit_record_many
from peersupport.cases.access import cases_for_user
from peersupport.cases.models import CaseState
from peersupport.cases.timeliness import open_case_counts, overdue_cases, supporter_loads
from peersupport.front.decorators import role_required
from peersupport.notifications.services import SET_ASIDE_SHOWN, outbox_retry_set_aside, set_aside_messages
from peersupport.program.models import ProgramSettings

OVERDUE_PAGE_SIZE = 50
SUPPORTERS_MAX = 50


@role_required(PROGRAM_STAFF, "Only the program's director and administrator see the overview.")
@require_GET
def overview(request: SignedInRequest) -> HttpResponse:
    now = timezone.now()
    program = ProgramSettings.for_program(request.user.program_id)
    cases = cases_for_user(request.user)
    counts = open_case_counts(cases)
    page = Paginator(overdue_cases(cases, now), OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = list(page.object_list)
    audit_record_many(actor=request.user, action="case.list", object_type="case",
                      object_ids=[case.pk for case in overdue], detail={"page": "overview"})
    loads = list(supporter_loads(program, now)[:SUPPORTERS_MAX + 1])
    set_aside = list(set_aside_messages()[:SET_ASIDE_SHOWN + 1])
    # An email about a case the reader may not see (an administrator, when the program settings
    # keep cases from them) is listed without its subject, recipient or case: it may name a peer.
    about = {message.case_id for message in set_aside if message.case_id}
    open_to_reader = set(cases.filter(pk__in=about).values_list("pk", flat=True)) if about else set()
    hidden = {message.pk for message in set_aside if message.case_id and message.case_id not in open_to_reader}
    return render(request, "cases/overview.html", {
        "state_counts": [(CaseState(state).label, count) for state, count in counts.items()],
        "open_total": sum(counts.values()),
        "page_obj": page,
        "overdue": overdue,
        "escalate_after_hours": program.escalate_after_hours,
        "loads": loads[:SUPPORTERS_MAX],
        "more_supporters": len(loads) > SUPPORTERS_MAX,
        "supporters_max": SUPPORTERS_MAX,
        "set_aside": set_aside[:SET_ASIDE_SHOWN],
        "set_aside_hidden": hidden,
        "set_aside_total": set_aside_messages().count() if len(set_aside) > SET_ASIDE_SHOWN else len(set_aside),
    })


@role_required(PROGRAM_STAFF, "Only the program's director and administrator send set-aside emails again.")
@require_POST
def outbox_retry(request: HttpRequest) -> HttpResponse:
    """Send every set-aside email again, each with a fresh set of attempts."""
    count = outbox_retry_set_aside(actor=request.user)
    if count:
        messages.success(request, ngettext("%(count)s email queued to be sent again.",
                                           "%(count)s emails queued to be sent again.", count) % {"count": count})
    else:
        messages.info(request, gettext("No email was waiting to be sent again."))
    return redirect("overview")
