"""Anonymous totals of the program's work: counts only, never a name, a sentence or a day.

The retention purge keeps exactly what these need, so they are the same before and after it
(a test holds the two together). Months are in the program's time zone.
"""

from datetime import date
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from peersupport.cases.models import Case, Encounter, OutreachAttempt, ResourceShare, ResponseRecord


def _counts(queryset: QuerySet[Any], *fields: str) -> dict[Any, int]:
    rows = queryset.order_by().values(*fields).annotate(n=Count("pk"))
    if len(fields) == 1:
        return {row[fields[0]]: row["n"] for row in rows}
    return {tuple(row[name] for name in fields): row["n"] for row in rows}


def _month_key(value: date | None) -> str:
    return value.strftime("%Y-%m") if value is not None else ""


def program_totals() -> dict[str, Any]:
    """Cases by state, category, source and month; outreach, answers, encounters, resources."""
    cases = Case.objects.all()
    by_month = (
        cases.annotate(month=TruncMonth("created_at")).order_by().values("month").annotate(n=Count("pk"))
    )
    closed_by_month = (
        cases.filter(closed_at__isnull=False).annotate(month=TruncMonth("closed_at"))
        .order_by().values("month").annotate(n=Count("pk"))
    )
    encounters = Encounter.objects.all()
    encounter_totals = encounters.aggregate(count=Count("pk"), minutes=Sum("minutes"))
    encounter_months = (
        encounters.annotate(month=TruncMonth("held_on")).order_by().values("month")
        .annotate(n=Count("pk"), minutes=Sum("minutes"))
    )
    topics: dict[str, int] = {}
    for topic_list in encounters.values_list("topics", flat=True):
        for topic in topic_list or []:
            topics[topic] = topics.get(topic, 0) + 1
    return {
        "cases": cases.count(),
        "cases_by_state": _counts(cases, "state"),
        "cases_by_category": _counts(cases, "referral__category"),
        "cases_by_source": _counts(cases, "referral__source"),
        "cases_by_month": {_month_key(row["month"]): row["n"] for row in by_month},
        "closed_by_month": {_month_key(row["month"]): row["n"] for row in closed_by_month},
        "cases_by_supporter": _counts(cases, "supporter_id"),
        "outreach_by_channel": _counts(OutreachAttempt.objects.all(), "channel"),
        "responses": _counts(ResponseRecord.objects.all(), "response"),
        "encounters": encounter_totals["count"],
        "encounter_minutes": encounter_totals["minutes"] or 0,
        "encounters_by_mode": _counts(encounters, "mode"),
        "encounters_by_month": {
            _month_key(row["month"]): (row["n"], row["minutes"]) for row in encounter_months
        },
        "encounter_topics": topics,
        "follow_ups_planned": encounters.filter(follow_up_planned=True).count(),
        "resource_shares_by_category": _counts(ResourceShare.objects.all(), "resource__category"),
        "resource_shares_facilitated": ResourceShare.objects.filter(facilitated=True).count(),
        "referrals": Case.objects.values("referral_id").distinct().count(),
    }
