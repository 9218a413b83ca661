"""What each action in the audit trail means, in the program's words: one list for every page
that shows the trail (the peer's own data page, the director's "Who has seen this case")."""

# Every action the program records, as a person reads it: what the one named in "Who" did. The
# same words on the peer's own page (/my/data/) and on the director's "Who has seen this case",
# so they say nothing of the reader ("the answer", never "your answer").
# tests: peersupport/front/tests/test_action_labels.py finds every action in the code and fails
# until it is here.
ACTION_LABELS = {
    # Reading a case.
    "case.view": "Opened the case",
    "case.list": "Saw it in a list of cases",
    "case.plan_view": "Saw it in a joint plan for the event",
    "case.subject_view": "Looked at it on “What the program holds about you”",
    "case.suggestions": "Looked at the supporters suggested for it",
    "case.sheet_view": "Opened the printable information sheet",
    "access.denied": "Tried to open it and was refused",
    # The case's steps: opening the case for a step, then the step itself.
    "case.create": "Started the case from a referral",
    "case.also_referred": "Linked a later referral to this case",
    "case.assign": "Opened it to assign a supporter",
    "case.assigned": "Assigned a supporter",
    "case.reassigned": "Assigned a different supporter",
    "case.outreach": "Opened it to record a try at reaching out",
    "case.outreach_recorded": "Recorded a try at reaching out",
    "case.response": "Opened it to record the answer to the offer of support",
    "case.response_recorded": "Recorded the answer to the offer of support",
    "case.response_undo": "Opened it to take back a decline just recorded",
    "case.response_undone": "Took back a decline recorded a moment before",
    "case.unreachable": "Recorded that no try at reaching out was answered",
    "case.encounter": "Opened it to record a conversation",
    "case.encounter_recorded": "Recorded that a conversation took place",
    "case.resource": "Opened it to record a resource",
    "case.resource_recorded": "Recorded a resource shared",
    "case.information_sheet": "Opened it to email the information sheet",
    "case.information_sheet_sent": "Emailed the information sheet",
    "case.safety_escalation": "Raised a concern for someone's safety",
    "case.hand_back": "Opened it to hand it back",
    "case.handed_back": "Handed the case back to the program",
    "case.close": "Opened it to close it",
    "case.closed": "Closed the case",
    "case.legal_hold": "Opened it to change its legal hold",
    "case.legal_hold_placed": "Placed it on legal hold",
    "case.legal_hold_lifted": "Lifted its legal hold",
    "case.reminder": "Reminded the person responsible of a step past its due time",
    "case.escalation": "Told the program director of a step past its due time",
    "case.purged": "Removed its identifying details after the retention period",
    # Referrals.
    "referral.create": "Made a referral",
    "referral.plan": "Planned supporters for a referral",
    "referral.purged": "Removed a referral's details after the retention period",
    "retention.purge": "Removed details kept past the retention period",
    # Logins and sign-in.
    "auth.sign_in": "Signed in",
    "auth.sign_out": "Signed out",
    "auth.sign_in_failed": "A sign-in was refused",
    "two_factor.enrol": "Set up two-step sign-in",
    "two_factor.verify": "Gave a two-step sign-in code",
    "two_factor.refuse": "Gave a wrong two-step sign-in code",
    "two_factor.reset": "Reset a login's two-step sign-in",
    "user.create": "Added a login",
    "user.update": "Changed a login",
    "user.deactivate": "Turned off a login",
    "user.invite": "Invited someone to a login by email",
    "auth.password_link_requested": "Asked for a link to choose a new password",
    "auth.password_set": "Chose a new password through an emailed link",
    "api_token.issue": "Issued an API token",
    "api_token.revoke": "Revoked an API token",
    "subject_access.view": "Looked at what the program holds about them",
    "support.link_sent": "Emailed a personal link to ask for support",
    "support.link_used": "Asked for support through a personal link",
    # The roster, the team, resources and the program.
    "person.create": "Added a person to the roster",
    "person.update": "Changed a roster entry",
    "person.self_describe": "Changed their own answers about themself",
    "supporter.create": "Added a supporter to the team",
    "supporter.update": "Changed a supporter's record",
    "roster.batch": "Loaded a batch of roster entries",
    "supporter.batch": "Loaded a batch of supporter records",
    "resource.create": "Added a resource",
    "resource.update": "Changed a resource",
    "resource.activate": "Listed a resource again",
    "resource.deactivate": "Took a resource off the list",
    "program.settings_update": "Changed the program's settings",
    "program.staff_update": "Changed their protected time, absence or deputy",
    "outbox.retry": "Sent set-aside emails again",
    "export": "Exported data",
    "restore": "Restored the database from a backup",
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    words = action.split(".", 1)[-1].replace("_", " ")
    return words[:1].upper() + words[1:]
