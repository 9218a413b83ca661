"""The facts about a case that the reports keep through the retention purge.

Intake and the case actions set them as they happen (`Case.peer_role`, `peer_department`,
`peer_site` when the case opens; `minutes_to_assignment` and `minutes_to_first_outreach` at the
first assignment and the first outreach). `report_facts_fill` works them out afterwards from a
case's records, for cases made without the services (the demo, older data); a purged case's
dates are coarsened to the month, so only cases not yet purged are filled.
"""

from django.db.models import Min, Q, QuerySet

from peersupport.cases.models import Case

BATCH = 2000


def report_facts_fill(cases: QuerySet[Case] | None = None) -> int:
    """Fill in the facts still missing on unpurged cases; returns how many cases changed."""
    queryset = (cases if cases is not None else Case.objects.all()).filter(purged_at__isnull=True).filter(
        Q(peer_role="", peer__isnull=False) | Q(minutes_to_assignment__isnull=True)
        | Q(minutes_to_first_outreach__isnull=True)
    )
    rows = (queryset.select_related("peer").order_by("pk")
            .annotate(first_assigned=Min("assignments__assigned_at"), first_outreach=Min("outreach_attempts__made_at")))
    changed: list[Case] = []
    for case in rows.iterator(chunk_size=BATCH):
        before = (case.peer_role, case.minutes_to_assignment, case.minutes_to_first_outreach)
        if not case.peer_role and case.peer is not None:
            case.peer_role, case.peer_department, case.peer_site = (
                case.peer.role_type, case.peer.department, case.peer.site)
        first_assigned = case.first_assigned or case.assigned_at
        if case.minutes_to_assignment is None and first_assigned is not None:
            case.minutes_to_assignment = case.minutes_since_opened(first_assigned)
        first_outreach = case.first_outreach
        if case.minutes_to_first_outreach is None and first_outreach is not None:
            case.minutes_to_first_outreach = case.minutes_since_opened(first_outreach)
        if (case.peer_role, case.minutes_to_assignment, case.minutes_to_first_outreach) != before:
            changed.append(case)
    Case.objects.bulk_update(changed, ["peer_role", "peer_department", "peer_site", "minutes_to_assignment",
                                       "minutes_to_first_outreach"], batch_size=BATCH)
    return len(changed)
