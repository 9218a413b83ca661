"""State changes of a case: one service each, one transaction, audited, mail via the outbox."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.audit.services import Entry, audit_record, audit_record_all, audit_record_many
from peersupport.cases.access import case_for_user, cases_for_user
from peersupport.cases.models import HOLDING_STATES, Assignment, Case, CaseState, OverrideReason
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.matching.core import Suggestion
from peersupport.matching.models import matching_version_bump
from peersupport.matching.selectors import (
    SUGGESTION_COUNT,
    assignment_checks,
    looks_outside,
    plan_assignment_checks,
    plan_for_referral,
    suggestion_place,
)
from peersupport.notifications.assignment import assignment_drafts
from peersupport.notifications.services import outbox_enqueue, outbox_enqueue_all
from peersupport.program.models import ProgramSettings
from peersupport.referrals.access import referral_for_program_staff
from peersupport.referrals.models import Referral
from peersupport.roster.models import Supporter


def _require_program_staff(user: User) -> None:
    from django.core.exceptions import PermissionDenied

    if user.role not in PROGRAM_STAFF:
        raise PermissionDenied(gettext("Only the program's director and administrator assign supporters."))


def case_assign(
    *,
    actor: User,
    case_id: int,
    supporter_employee_id: str,
    override_reason: str = "",
    reassign: bool = False,
    expected_version: int | None = None,
    planned: Suggestion | None = None,
) -> Case:
    """Put a supporter on a case and notify them.

    Hard rules can never be overridden. Choosing an eligible supporter outside the top
    suggestions, or one who already supports a colleague from the same event while the
    program's one-peer-per-event rule is on, needs a reason, which is recorded. A case that
    already has a supporter is only changed when `reassign` is asked for, so two directors
    assigning at the same moment cannot silently overwrite each other: the second answers 409.
    """
    _require_program_staff(actor)
    override_reason = (override_reason or "").strip()
    if override_reason and override_reason not in OverrideReason.values:
        raise InvalidInput(
            f"Unknown override_reason {override_reason[:40]!r}; use one of {', '.join(OverrideReason.values)}."
        )
    with transaction.atomic():
        case = case_for_user(actor, case_id, action="case.assign", for_update=True)
        program = ProgramSettings.for_program(case.program_id)
        if expected_version is not None and case.version != expected_version:
            raise Conflict(gettext("Someone else changed this case a moment ago; reload it and try again."))
        if case.supporter_id and not reassign:
            raise Conflict(gettext("This case already has a supporter; ask to reassign to change it."))
        if case.state not in (CaseState.AWAITING_ASSIGNMENT, *HOLDING_STATES):
            raise Conflict(gettext("A case that is %(state)s cannot be assigned.")
                           % {"state": case.get_state_display().lower()})
        supporter = _lock_supporter(supporter_employee_id)
        if supporter.person.program_id != case.program_id and not (
                supporter.shared_across_programs and looks_outside(case, program)):
            # Another program's supporter only when they agreed to be shared and the peer asked for
            # someone from outside their hospital (or the program looks outside for this event).
            raise InvalidInput(gettext("%(name)s is a supporter of another program; choose one of this program's "
                                 "supporters.") % {"name": supporter.person.name})
        if case.supporter_id == supporter.pk:
            raise Conflict(gettext("That supporter is already on this case."))

        checks = assignment_checks(case, supporter, program)
        if checks.violations:
            raise InvalidInput(
                gettext("%(name)s cannot take this case: %(reasons)s.")
                % {"name": supporter.person.name, "reasons": "; ".join(checks.violations)}
            )
        if checks.same_event_case_id is not None and not override_reason:
            # The one-peer-per-event rule: such a supporter is never suggested (nor planned),
            # so choosing them is an override like choosing outside the suggestions.
            raise InvalidInput(
                f"{supporter.person.name} already supports a colleague from the same event "
                f"(case #{checks.same_event_case_id}), and the program gives each supporter at most "
                f"one peer of an event; to choose them anyway, give an override_reason "
                f"({', '.join(OverrideReason.values)})."
            )
        chosen: Suggestion | None
        position: int | None
        if planned is not None:
            # The joint plan is the program's own suggestion for the group as a whole.
            chosen, position = planned, None
        else:
            # Only the chosen supporter's place: nobody else is sorted or explained.
            found = suggestion_place(case, supporter, program)
            chosen, position = found if found is not None else (None, None)
        outside = position is None or position >= SUGGESTION_COUNT
        if outside and planned is None and not override_reason:
            raise InvalidInput(
                f"{supporter.person.name} is not among the top {SUGGESTION_COUNT} suggestions; "
                f"give an override_reason ({', '.join(OverrideReason.values)})."
            )
        return _apply(
            case, supporter, actor, program, chosen, position, override_reason, planned is not None
        )


def _lock_supporter(employee_id: str) -> Supporter:
    try:
        # Locking the supporter serialises two assignments to the same person, so neither can
        # push them past their case limit.
        return (
            Supporter.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(person__employee_id=employee_id)
        )
    except Supporter.DoesNotExist:
        raise InvalidInput(gettext("No supporter with employee_id %(employee_id)s.")
                           % {"employee_id": employee_id}) from None


def _apply(
    case: Case, supporter: Supporter, actor: User, program: ProgramSettings, chosen: Suggestion | None,
    position: int | None, override_reason: str, via_plan: bool,
) -> Case:
    now = timezone.now()
    previous = case.supporter
    fields: dict[str, Any] = {
        "supporter": supporter,
        "assigned_at": now,
        "version": case.version + 1,
    }
    if case.state == CaseState.AWAITING_ASSIGNMENT:
        fields["state"] = CaseState.ASSIGNED
    if case.minutes_to_assignment is None:
        fields["minutes_to_assignment"] = case.minutes_since_opened(now)
    if fields.get("state", case.state) == CaseState.ASSIGNED:
        fields["next_due_at"] = now + timedelta(hours=program.first_outreach_due_hours)
    # The conditional update is the last line of defense against a lost update.
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(**fields)
    if not updated:
        raise Conflict(gettext("Someone else changed this case a moment ago; reload it and try again."))
    for name, value in fields.items():
        setattr(case, name, value)
    Supporter.objects.filter(pk=supporter.pk).update(last_assigned_at=now)
    # Their open cases and last assignment changed (and the previous supporter's open cases).
    matching_version_bump([supporter.pk, previous.pk if previous else None])
    Assignment.objects.create(
        case=case,
        supporter=supporter,
        assigned_by=actor,
        assigned_at=now,
        score=chosen.score if chosen else None,
        rank=position + 1 if position is not None else None,
        reasons=list(chosen.reasons) if chosen else [],
        override_reason=override_reason,
        via_plan=via_plan,
    )
    audit_record(
        actor=actor,
        action="case.reassigned" if previous else "case.assigned",
        obj=case,
        detail={
            "supporter": supporter.person.employee_id,
            "previous": previous.person.employee_id if previous else None,
            "rank": position + 1 if position is not None else None,
            "override": bool(override_reason),
            "via_plan": via_plan,
        },
    )
    # By email, text or both, as the supporter chose; in this transaction, like the change itself.
    for draft in assignment_drafts(case, supporter):
        outbox_enqueue(kind=draft.kind, to=draft.to, subject=draft.subject, body=draft.body, case=case,
                       channel=draft.channel)
    return case


def _open_to(actor: User, proposal: dict[int, Suggestion]) -> dict[int, Suggestion]:
    """The part of a joint plan about cases this user may see (an administrator may see none)."""
    if not proposal:
        return proposal
    visible = set(cases_for_user(actor).filter(pk__in=proposal).values_list("pk", flat=True))
    return {case_id: suggestion for case_id, suggestion in proposal.items() if case_id in visible}


def referral_plan(*, actor: User, referral_id: int) -> tuple[Referral, dict[int, Suggestion]]:
    """The best joint assignment of a referral's unassigned cases (read-only)."""
    referral = referral_for_program_staff(actor, referral_id)
    proposal = _open_to(actor, plan_for_referral(referral.pk, ProgramSettings.for_program(actor.program_id)))
    audit_record(actor=actor, action="referral.plan", obj=referral,
                 detail={"cases": sorted(proposal)})
    return referral, proposal


def referral_apply_plan(*, actor: User, referral_id: int) -> list[Case]:
    """Assign every unassigned case of the referral as the joint plan proposes, all or nothing.

    The same rules as `case_assign` for each case (the plan is the program's own suggestion, so
    no top-N check), applied to the whole plan at once: a few queries however many cases, so the
    cases and supporters stay locked for a moment, not for one round of queries per case. The
    cases are locked in id order, then the supporters in id order; the checks see each planned
    assignment as made before the next (a supporter's open cases, colleagues from the event).
    """
    _require_program_staff(actor)
    referral = referral_for_program_staff(actor, referral_id)
    program = ProgramSettings.for_program(actor.program_id)
    with transaction.atomic():
        planned = plan_for_referral(referral.pk, program)
        proposal = _open_to(actor, planned)
        if not planned:
            raise Conflict(gettext("Nothing to plan: every case of this referral already has a supporter."))
        if not proposal:
            raise Conflict(gettext("None of this referral's cases waiting for a supporter is open to you."))
        cases = list(
            cases_for_user(actor).with_details().select_for_update(of=("self",))
            .filter(pk__in=proposal).order_by("pk")
        )
        audit_record_many(actor=actor, action="case.assign", object_type="case", object_ids=[c.pk for c in cases])
        if len(cases) != len(proposal) or any(
            case.supporter_id or case.state != CaseState.AWAITING_ASSIGNMENT for case in cases
        ):
            raise Conflict(gettext("Someone assigned one of these cases a moment ago; look at the plan again."))
        wanted = {suggestion.employee_id for suggestion in proposal.values()}
        supporters = {
            supporter.person.employee_id: supporter
            for supporter in Supporter.objects.select_for_update(of=("self",)).select_related("person")
            .filter(person__employee_id__in=wanted).order_by("pk")
        }
        if missing := sorted(wanted - set(supporters)):
            raise InvalidInput(gettext("No supporter with employee_id %(employee_id)s.") % {"employee_id": missing[0]})
        pairs = [(case, supporters[proposal[case.pk].employee_id]) for case in cases]
        for (case, supporter), checks in zip(pairs, plan_assignment_checks(pairs, program), strict=True):
            if checks.violations:
                raise InvalidInput(gettext("%(name)s cannot take case #%(case)s: %(reasons)s.") % {
                    "name": supporter.person.name, "case": case.pk, "reasons": "; ".join(checks.violations)})
            if checks.same_event_case_id is not None:
                raise InvalidInput(gettext(
                    "%(name)s already supports a colleague from the same event (case #%(case)s); look at the "
                    "plan again.") % {"name": supporter.person.name, "case": checks.same_event_case_id})
        return _apply_all(pairs, actor, program, proposal)


def _apply_all(
    pairs: list[tuple[Case, Supporter]], actor: User, program: ProgramSettings, proposal: dict[int, Suggestion]
) -> list[Case]:
    """`_apply` for a whole plan: every write once, for all its cases."""
    now = timezone.now()
    due = now + timedelta(hours=program.first_outreach_due_hours)
    for case, supporter in pairs:
        case.supporter, case.assigned_at, case.version = supporter, now, case.version + 1
        case.state, case.next_due_at = CaseState.ASSIGNED, due
        if case.minutes_to_assignment is None:
            case.minutes_to_assignment = case.minutes_since_opened(now)
    # The cases are locked (FOR UPDATE above): no one can have changed them since they were read.
    Case.objects.bulk_update([case for case, _ in pairs],
                             ["supporter", "assigned_at", "version", "state", "next_due_at", "minutes_to_assignment"])
    Supporter.objects.filter(pk__in={supporter.pk for _, supporter in pairs}).update(last_assigned_at=now)
    matching_version_bump(supporter.pk for _, supporter in pairs)
    Assignment.objects.bulk_create(
        Assignment(case=case, supporter=supporter, assigned_by=actor, assigned_at=now,
                   score=proposal[case.pk].score, rank=None, reasons=list(proposal[case.pk].reasons),
                   override_reason="", via_plan=True)
        for case, supporter in pairs
    )
    audit_record_all(actor=actor, entries=[
        Entry("case.assigned", "case", [case.pk], {
            "supporter": supporter.person.employee_id, "previous": None, "rank": None,
            "override": False, "via_plan": True,
        })
        for case, supporter in pairs
    ])
    outbox_enqueue_all([draft for case, supporter in pairs for draft in assignment_drafts(case, supporter)])
    return [case for case, _ in pairs]


def case_set_outside_wish(*, actor: User, case_id: int, wanted: bool) -> Case:
    """The director records (or clears) that the peer would rather have a supporter from outside their
    hospital: the other programs' shared supporters are then suggested for the case too."""
    from django.core.exceptions import PermissionDenied

    if not (actor.is_authenticated and actor.is_active and actor.role == Role.DIRECTOR):
        raise PermissionDenied(gettext("Only the program director changes whom a case's suggestions draw from."))
    with transaction.atomic():
        case = case_for_user(actor, case_id, action="case.outside_wish", for_update=True)
        if case.state == CaseState.CLOSED or case.purged_at is not None:
            raise Conflict(gettext("This case is closed; its suggestions no longer change."))
        if case.wants_outside_supporter != wanted:
            Case.objects.filter(pk=case.pk).update(wants_outside_supporter=wanted)
            case.wants_outside_supporter = wanted
            audit_record(actor=actor, action="case.outside_wish_set" if wanted else "case.outside_wish_cleared",
                         obj=case)
    return case
