"""The access-policy table: who may use each page and each API route, and what everyone else gets.

This is the specification; the access gates (`case_for_user`, `referral_for_user`,
`require_roster_reader`, `role_required`, …) implement it. `tests/test_access_policy.py` walks
the URL configuration and the API, fails when a route has no row here, and calls every route as
every role and as a signed-out visitor, checking each answer against its row. A new route
therefore needs a row before the suite passes: decide who may use it, then write it down here.

Reading a row (`Rule`):
- `roles` may use the route. Any other role gets `denied` (403: "your role may never do this").
  A signed-out visitor is sent to the sign-in page (web) or answered 401 (API).
- `scope` narrows which objects a permitted role reaches:
  - `ANY`: every object, or the route is about no single object.
  - `OWN_CASE`: the director reaches every case; the administrator every case while the program
    settings let administrators see cases, and otherwise none (but one opened with emergency
    access, break-glass); a supporter only the cases assigned to them. Any other case answers
    404, exactly like a case that does not exist.
  - `OWN_REFERRAL`: program staff reach every referral of their program; anyone else only the
    referrals they made (404 otherwise).
  - `OWN_DEBRIEF`: a group debrief of their program: the director reaches every session; the
    administrator every session while the program settings let administrators see cases, and
    otherwise none; a supporter only the sessions they facilitate. Any other session answers 404.
  - `PROGRAM`: an object of the caller's own program (a person on its roster, one of its logins,
    its integration tokens or its roster imports, a resource of its directory, a place or date of
    its publicity checklist); another program's answers 404, exactly like one that does not exist.
- The program boundary: every login works in one program (hospital). `OWN_CASE`, `OWN_REFERRAL`,
  `OWN_DEBRIEF` and `PROGRAM` routes answer a director or administrator of another program 404 for this
  program's objects, and their lists hold none of them (`tests/test_access_policy.py` walks every
  route as a director and an administrator of a second program).
  - `ON_ROSTER`: only a login linked to its owner's entry on the staff roster (403 otherwise):
    asking for support for oneself, and answering About me about oneself.
- `public`: no sign-in needed (the sign-in page, the API's schema and interactive docs).
- `always`: one status every caller gets (the JSON 404 for paths the API does not have).
- `signed`: no sign-in and no token; the request must carry the safety-reporting system's
  signature (`peersupport.accounts.intake_secrets`), and anyone without it gets 401.

Role sets are written out here rather than imported from the gates, so that widening a gate
without changing this table fails the suite.
"""

from dataclasses import dataclass
from enum import StrEnum

from peersupport.accounts.models import Role


class Scope(StrEnum):
    ANY = "any"
    OWN_CASE = "own case"
    OWN_REFERRAL = "own referral"
    ON_ROSTER = "on the roster"
    OWN_DEBRIEF = "own group debrief"
    PROGRAM = "of their own program"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] = frozenset()
    scope: Scope = Scope.ANY
    denied: int = 403
    public: bool = False
    always: int | None = None
    signed: bool = False


GET, POST, PUT, PATCH, DELETE = "GET", "POST", "PUT", "PATCH", "DELETE"

DIRECTOR, ADMINISTRATOR, SUPPORTER = Role.DIRECTOR, Role.ADMINISTRATOR, Role.SUPPORTER
EVERYONE = frozenset(Role)
STAFF = frozenset({DIRECTOR, ADMINISTRATOR})
CASE_READERS = STAFF | {SUPPORTER}
# Acting on a case is the assigned supporter's, and the director's; the administrator reads.
CASE_ACTORS = frozenset({DIRECTOR, SUPPORTER})
REFERRERS = frozenset({DIRECTOR, ADMINISTRATOR, SUPPORTER, Role.REFERRER, Role.CLINICIAN, Role.INTEGRATION})
ROSTER_WRITERS = STAFF | {Role.INTEGRATION}


def allow(roles: frozenset[str] | set[str], scope: Scope = Scope.ANY) -> Rule:
    return Rule(roles=frozenset(roles), scope=scope)


PUBLIC = Rule(public=True)
NOT_FOUND = Rule(public=True, always=404)
SIGNED = Rule(signed=True)

# Web pages, by URL name, then method. Signed-out visitors go to the sign-in page.
WEB: dict[str, dict[str, Rule]] = {
    # front
    "home": {GET: allow(EVERYONE)},
    "login": {GET: PUBLIC, POST: PUBLIC},
    "logout": {POST: PUBLIC},
    # Single sign-on: off to the identity provider and back. Signed out, no account needed; with
    # single sign-on not set up, both lead back to the sign-in page.
    "sso-start": {GET: PUBLIC},
    "sso-callback": {GET: PUBLIC},
    # The second sign-in step (it passes straight through for roles without one).
    "two-factor": {GET: allow(EVERYONE), POST: allow(EVERYONE)},
    "two-factor-enroll": {GET: allow(EVERYONE), POST: allow(EVERYONE)},
    # Forgot password, and the page an emailed link opens: signed out, and the same answer whether
    # or not the address has a login.
    "password-forgot": {GET: PUBLIC, POST: PUBLIC},
    "password-forgot-sent": {GET: PUBLIC},
    "password-set": {GET: PUBLIC, POST: PUBLIC},
    "password-set-done": {GET: PUBLIC},
    # Logins: program staff see them all and manage the other roles' logins; only a director
    # manages a director's or an administrator's login (the gate answers an administrator 403 there).
    # Nobody deactivates or resets their own login, nor the last active director (409).
    "logins": {GET: allow(STAFF)},
    "login-invite": {GET: allow(STAFF), POST: allow(STAFF)},
    "login-deactivate": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "login-two-factor-reset": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    # Integration tokens (named, scoped, expiring): the director's alone, as a token skips the
    # second sign-in step.
    "api-tokens": {GET: allow({DIRECTOR})},
    "api-token-new": {GET: allow({DIRECTOR}), POST: allow({DIRECTOR})},
    "api-token-revoke": {GET: allow({DIRECTOR}, Scope.PROGRAM), POST: allow({DIRECTOR}, Scope.PROGRAM)},
    # What the program holds about the signed-in person: everyone sees their own, only theirs.
    "my-data": {GET: allow(EVERYONE)},
    # The Team and Program pages: links to the program staff's less daily pages.
    "team-hub": {GET: allow(STAFF)},
    "program-hub": {GET: allow(STAFF)},
    # The site's icon, for browsers that ask for /favicon.ico.
    "favicon": {GET: PUBLIC},
    # The language switch: anyone may switch this browser's language; signed in, it is saved as
    # their own language (their roster entry's, or the login's), and no one else's.
    "language": {GET: PUBLIC, POST: PUBLIC},
    # referrals
    "referral-new": {GET: allow(REFERRERS), POST: allow(REFERRERS)},
    "referral-receipt": {GET: allow(REFERRERS, Scope.OWN_REFERRAL)},
    "referral-plan": {GET: allow(STAFF, Scope.OWN_REFERRAL), POST: allow(STAFF, Scope.OWN_REFERRAL)},
    # support: the peer's own path, no account needed. Signed in and on the roster, /support/ask/
    # is the self-referral form itself; anyone else gives a work email for a personal link.
    "support": {GET: PUBLIC},
    "support-ask": {GET: PUBLIC, POST: PUBLIC},
    "support-ask-sent": {GET: PUBLIC},
    "support-thanks": {GET: PUBLIC},
    "support-link": {GET: PUBLIC, POST: PUBLIC},
    "support-talk": {GET: PUBLIC, POST: PUBLIC},
    # Each program's own public page and ask path (/support/<short name>/…), as public as the above.
    "support-program": {GET: PUBLIC},
    "support-program-ask": {GET: PUBLIC, POST: PUBLIC},
    "support-program-ask-sent": {GET: PUBLIC},
    "support-program-thanks": {GET: PUBLIC},
    # cases
    "queue": {GET: allow(STAFF)},
    "overview": {GET: allow(STAFF)},
    "outbox-retry": {POST: allow(STAFF)},
    "cases": {GET: allow(CASE_READERS)},
    "my-cases": {GET: allow({SUPPORTER})},
    "guide": {GET: allow(CASE_READERS)},
    "case": {GET: allow(CASE_READERS, Scope.OWN_CASE)},
    "case-sheet": {GET: allow(CASE_READERS, Scope.OWN_CASE), POST: allow(CASE_READERS, Scope.OWN_CASE)},
    "case-assign": {POST: allow(STAFF, Scope.OWN_CASE)},
    "case-outreach": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "case-response": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "case-response-undo": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "case-encounter": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "case-resource": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "case-sheet-send": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "case-close": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    # GET: the page that asks to confirm; POST with the confirmation tells the director.
    "case-safety": {GET: allow(CASE_ACTORS, Scope.OWN_CASE), POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    # Handing back is the supporter's own decision; the director reassigns instead.
    "case-hand-back": {GET: allow({SUPPORTER}, Scope.OWN_CASE), POST: allow({SUPPORTER}, Scope.OWN_CASE)},
    "case-legal-hold": {POST: allow({DIRECTOR}, Scope.OWN_CASE)},
    # Whether the case's suggestions include the other programs' shared supporters.
    "case-outside-wish": {POST: allow({DIRECTOR}, Scope.OWN_CASE)},
    # A check-in after a hard case: asked by the case's own supporter, marked done by the director.
    "case-check-in": {POST: allow({SUPPORTER}, Scope.OWN_CASE)},
    "case-check-in-done": {POST: allow({DIRECTOR}, Scope.OWN_CASE)},
    # Emergency access (break-glass): the administrator opens one case by its number, for a reason
    # from a fixed list, when administrators may not see cases (409 while they may).
    "case-break-glass": {GET: allow({ADMINISTRATOR}), POST: allow({ADMINISTRATOR})},
    # A director ends an emergency access early (409 when none is running).
    "case-break-glass-end": {POST: allow({DIRECTOR}, Scope.OWN_CASE)},
    # roster
    "roster": {GET: allow(STAFF)},
    "roster-lookup": {GET: allow(REFERRERS)},
    "roster-chip": {GET: allow(REFERRERS)},
    "person-new": {GET: allow(STAFF), POST: allow(STAFF)},
    "person-edit": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "supporter-edit": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "supporters": {GET: allow(STAFF)},
    "supporter-add": {GET: allow(STAFF)},
    # The roster import from an HR file: upload, map the columns, the preview and the import. An
    # import is its program's (its rows may name that program's people and sites only).
    "roster-import-new": {GET: allow(STAFF), POST: allow(STAFF)},
    "roster-import": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "roster-import-progress": {GET: allow(STAFF, Scope.PROGRAM)},
    "roster-import-start": {POST: allow(STAFF, Scope.PROGRAM)},
    # About me: a person's own gender, race and ethnicity and age band; only their own entry.
    "about-me": {GET: allow(EVERYONE, Scope.ON_ROSTER), POST: allow(EVERYONE, Scope.ON_ROSTER)},
    # resources
    "resources": {GET: allow(EVERYONE)},
    "resource-new": {GET: allow(STAFF), POST: allow(STAFF)},
    "resource-edit": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "resource-deactivate": {POST: allow(STAFF, Scope.PROGRAM)},
    "resource-reactivate": {POST: allow(STAFF, Scope.PROGRAM)},
    # program: the administrator reads the settings, the director changes them.
    "program-settings": {GET: allow(STAFF), POST: allow({DIRECTOR})},
    # meetings: program staff run their own program's meetings (another program's answers 404) and
    # the shared practice library; a supporter answers an invitation through the personal link in
    # it, with no sign-in.
    "meetings": {GET: allow(STAFF)},
    "meeting-new": {GET: allow(STAFF), POST: allow(STAFF)},
    "meeting": {GET: allow(STAFF, Scope.PROGRAM)},
    "meeting-edit": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "meeting-cancel": {POST: allow(STAFF, Scope.PROGRAM)},
    "meeting-attendance": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "meeting-practice": {GET: allow(STAFF, Scope.PROGRAM)},
    "meeting-rsvp": {GET: PUBLIC, POST: PUBLIC},
    # group debriefs: program staff open and run them (the administrator only while the program lets
    # administrators see cases); a session's two facilitators see it and record it. The invitee
    # list says who the event touched: every access goes through the debrief gate and is audited.
    # An invitee asks for one-to-one support through the follow-up email's personal link.
    "debriefs": {GET: allow(STAFF)},
    "debrief-new": {GET: allow(STAFF), POST: allow(STAFF)},
    "debrief": {GET: allow(CASE_READERS, Scope.OWN_DEBRIEF)},
    "debrief-edit": {GET: allow(STAFF, Scope.OWN_DEBRIEF), POST: allow(STAFF, Scope.OWN_DEBRIEF)},
    "debrief-invitees": {GET: allow(STAFF, Scope.OWN_DEBRIEF), POST: allow(STAFF, Scope.OWN_DEBRIEF)},
    "debrief-cancel": {POST: allow(STAFF, Scope.OWN_DEBRIEF)},
    "debrief-record": {GET: allow(CASE_READERS, Scope.OWN_DEBRIEF), POST: allow(CASE_READERS, Scope.OWN_DEBRIEF)},
    "debrief-follow-up": {POST: allow(STAFF, Scope.OWN_DEBRIEF)},
    "debrief-support": {GET: PUBLIC, POST: PUBLIC},
    "scenarios": {GET: allow(STAFF)},
    "scenario-new": {GET: allow(STAFF), POST: allow(STAFF)},
    "scenario-edit": {GET: allow(STAFF), POST: allow(STAFF)},
    "scenario-retire": {POST: allow(STAFF)},
    "scenario-restore": {POST: allow(STAFF)},
    # recruitment: "what supporters do", nominating and a nominee's answer are public (personal
    # links, no account); campaigns are the program staff's, each program's its own (another
    # program's campaign or candidate answers 404); the director moves candidates.
    "recruit-about": {GET: PUBLIC},
    "recruit-nominate": {GET: PUBLIC, POST: PUBLIC},
    "recruit-nominate-lookup": {GET: PUBLIC},
    "recruit-nominate-chip": {GET: PUBLIC},
    "recruit-nominate-thanks": {GET: PUBLIC},
    "recruit-answer": {GET: PUBLIC, POST: PUBLIC},
    "recruit-answered": {GET: PUBLIC},
    "recruit-campaigns": {GET: allow(STAFF)},
    "recruit-campaign-new": {GET: allow(STAFF), POST: allow(STAFF)},
    "recruit-campaign": {GET: allow(STAFF, Scope.PROGRAM)},
    "recruit-campaign-edit": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "recruit-campaign-send": {POST: allow(STAFF, Scope.PROGRAM)},
    "recruit-campaign-progress": {GET: allow(STAFF, Scope.PROGRAM)},
    "recruit-candidates": {GET: allow(STAFF)},
    "recruit-candidate-move": {POST: allow({DIRECTOR}, Scope.PROGRAM)},
    # training: program staff read it and record attendance; the director maintains courses,
    # sessions, materials and the refresher settings. A supporter sees their own training. An
    # attendee evaluates a session through the personal link in their email, with no account.
    # Each program runs its own courses: another program's course, session or material answers 404.
    "training": {GET: allow(STAFF)},
    "training-settings": {GET: allow(STAFF), POST: allow({DIRECTOR})},
    "training-course-new": {GET: allow({DIRECTOR}), POST: allow({DIRECTOR})},
    "training-course": {GET: allow(STAFF, Scope.PROGRAM)},
    "training-course-edit": {GET: allow({DIRECTOR}, Scope.PROGRAM), POST: allow({DIRECTOR}, Scope.PROGRAM)},
    "training-session-new": {GET: allow({DIRECTOR}, Scope.PROGRAM), POST: allow({DIRECTOR}, Scope.PROGRAM)},
    "training-session": {GET: allow(STAFF, Scope.PROGRAM), POST: allow(STAFF, Scope.PROGRAM)},
    "training-session-edit": {GET: allow({DIRECTOR}, Scope.PROGRAM), POST: allow({DIRECTOR}, Scope.PROGRAM)},
    "training-material-new": {GET: allow({DIRECTOR}), POST: allow({DIRECTOR})},
    "training-material-edit": {GET: allow({DIRECTOR}, Scope.PROGRAM), POST: allow({DIRECTOR}, Scope.PROGRAM)},
    "my-training": {GET: allow({SUPPORTER})},
    "training-evaluation": {GET: PUBLIC, POST: PUBLIC},
    "training-evaluation-thanks": {GET: PUBLIC},
    # team: a supporter's own participation (pause, recognition, calendar address); the director's
    # on-call rota and recognition list. The calendar feed needs no sign-in (calendar clients
    # cannot sign in): its secret address is the key, and an unknown one answers 410. Each program
    # keeps its own rota: the pages list and change the director's own program's teams and weeks.
    "my-team": {GET: allow({SUPPORTER})},
    "my-team-pause": {POST: allow({SUPPORTER})},
    "my-team-resume": {POST: allow({SUPPORTER})},
    "my-team-recognition": {POST: allow({SUPPORTER})},
    "my-team-sharing": {POST: allow({SUPPORTER})},
    "my-team-notifications": {POST: allow({SUPPORTER})},
    "my-team-feed": {POST: allow({SUPPORTER})},
    "on-call": {GET: allow({DIRECTOR})},
    "on-call-team": {POST: allow({DIRECTOR})},
    "on-call-week": {POST: allow({DIRECTOR})},
    "on-call-team-feed": {POST: allow({DIRECTOR})},
    "on-call-feed": {GET: PUBLIC},
    "recognition": {GET: allow({DIRECTOR})},
    "recognition-letters": {GET: allow({DIRECTOR})},
    # The program's own staff: the director's protected time and the deputy while they are away.
    "program-staff": {GET: allow(STAFF), POST: allow({DIRECTOR})},
    # The director's own program's sites, and giving one to another program.
    "program-sites": {GET: allow({DIRECTOR}), POST: allow({DIRECTOR})},
    # composition: counts only, small ones hidden; leadership sees them too (not whom the team
    # cannot match well, which is the program staff's).
    "team-composition": {GET: allow(STAFF | {Role.LEADER})},
    # planner: the director plans whom to serve; leadership reads the plan and its assumptions.
    "planner": {GET: allow({DIRECTOR, Role.LEADER})},
    "planner-assumptions": {GET: allow({DIRECTOR, Role.LEADER}), POST: allow({DIRECTOR})},
    # feedback: the peer answers through their personal link, no account needed; the counts are
    # the director's and leadership's.
    "feedback-form": {GET: PUBLIC, POST: PUBLIC},
    "feedback-thanks": {GET: PUBLIC},
    "feedback-report": {GET: allow({DIRECTOR, Role.LEADER, Role.SYSTEM_LEADER})},
    # publicity: the kit and the places-to-publicize checklist are the program staff's.
    "publicity": {GET: allow(STAFF)},
    "publicity-place-new": {POST: allow(STAFF)},
    "publicity-date-new": {POST: allow(STAFF, Scope.PROGRAM)},
    "publicity-date-remove": {POST: allow(STAFF, Scope.PROGRAM)},
    "publicity-poster": {GET: allow(STAFF)},
    "publicity-cards": {GET: allow(STAFF)},
    "publicity-snippet": {GET: allow(STAFF)},
    # reports: aggregates only, small counts hidden; the exports are audited. A program's readers
    # read their own program's; the system leader every program's and the combined (and no case).
    "reports": {GET: allow(STAFF | {Role.LEADER, Role.SYSTEM_LEADER})},
    "reports-export": {GET: allow(STAFF | {Role.LEADER, Role.SYSTEM_LEADER})},
    # The case-for-support deck: read and downloaded like the reports (audited as an export);
    # its assumptions are the director's to change. One program's, so not the system leader's.
    "reports-deck": {GET: allow(STAFF | {Role.LEADER}), POST: allow({DIRECTOR})},
    "reports-deck-download": {GET: allow(STAFF | {Role.LEADER})},
}

# API operations, by path under /api/v1 (as in the OpenAPI schema), then method.
# Signed-out callers (no or a bad bearer token) get 401.
API: dict[str, dict[str, Rule]] = {
    "/": {GET: NOT_FOUND},
    "/openapi.json": {GET: PUBLIC},
    "/docs": {GET: PUBLIC},
    "/{rest}": {method: NOT_FOUND for method in (GET, POST, PUT, PATCH, DELETE)},
    # roster
    "/people/{employee_id}": {GET: allow(STAFF, Scope.PROGRAM), PUT: allow(ROSTER_WRITERS, Scope.PROGRAM)},
    "/supporters/{employee_id}": {GET: allow(STAFF, Scope.PROGRAM), PUT: allow(STAFF, Scope.PROGRAM)},
    "/people/batch": {POST: allow(ROSTER_WRITERS)},
    "/supporters/batch": {POST: allow(STAFF)},
    # referrals
    "/referrals": {POST: allow(REFERRERS)},
    "/referrals/{referral_id}": {GET: allow(REFERRERS, Scope.OWN_REFERRAL)},
    "/referrals/{referral_id}/plan": {GET: allow(STAFF, Scope.OWN_REFERRAL)},
    # The safety-reporting system's intake: signed with the shared intake secret, never a token.
    "/intake/safety-report": {POST: SIGNED},
    # cases
    "/cases": {GET: allow(CASE_READERS)},
    "/cases/{case_id}": {GET: allow(CASE_READERS, Scope.OWN_CASE)},
    "/cases/{case_id}/suggestions": {GET: allow(STAFF, Scope.OWN_CASE)},
    "/cases/{case_id}/assignment": {POST: allow(STAFF, Scope.OWN_CASE)},
    "/cases/{case_id}/legal-hold": {POST: allow({DIRECTOR}, Scope.OWN_CASE)},
    "/cases/{case_id}/outreach": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "/cases/{case_id}/response": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "/cases/{case_id}/response/undo": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "/cases/{case_id}/encounters": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "/cases/{case_id}/resources": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "/cases/{case_id}/close": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "/cases/{case_id}/safety-escalation": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "/cases/{case_id}/information-sheet": {POST: allow(CASE_ACTORS, Scope.OWN_CASE)},
    "/cases/{case_id}/hand-back": {POST: allow({SUPPORTER}, Scope.OWN_CASE)},
    # resources
    "/resources": {GET: allow(EVERYONE), POST: allow(STAFF)},
    # reports: aggregates only, small counts hidden; leadership and the program's staff (their own
    # program's), and the system leader (any program's, and the combined).
    "/reports": {GET: allow(STAFF | {Role.LEADER, Role.SYSTEM_LEADER})},
    "/reports/{table}": {GET: allow(STAFF | {Role.LEADER, Role.SYSTEM_LEADER})},
}

ALLOWED = "allowed"
SIGN_IN = "sign-in page"


def expected_answer(rule: Rule, *, role: str | None, owns: bool, on_roster: bool, api: bool,
                    administrators_see_cases: bool = True, other_program: bool = False) -> str | int:
    """What a caller gets: ALLOWED, SIGN_IN (a redirect to the sign-in page) or a status code.

    `role` is None for a signed-out visitor; `owns` says whether the object the route is about is
    theirs (their assigned case, a referral they made); `on_roster` whether their login is linked
    to the staff roster; `administrators_see_cases` is the program setting of that name;
    `other_program` whether the caller works in another program than the object's.
    """
    if rule.always is not None:
        return rule.always
    if rule.signed:
        return 401  # whoever calls, without the signature
    if rule.public:
        return ALLOWED
    if role is None:
        return 401 if api else SIGN_IN
    if role not in rule.roles:
        return rule.denied
    if rule.scope is Scope.ON_ROSTER and not on_roster:
        return 403
    if other_program and rule.scope in (Scope.OWN_CASE, Scope.OWN_REFERRAL, Scope.OWN_DEBRIEF, Scope.PROGRAM):
        return 404
    if rule.scope in (Scope.OWN_CASE, Scope.OWN_DEBRIEF) and role == ADMINISTRATOR and not administrators_see_cases:
        return 404
    if rule.scope in (Scope.OWN_CASE, Scope.OWN_REFERRAL, Scope.OWN_DEBRIEF) and role not in STAFF and not owns:
        return 404
    return ALLOWED


def _who(rule: Rule) -> str:
    if rule.always is not None:
        return f"everyone: {rule.always}"
    if rule.signed:
        return "the safety-reporting system, signed with the intake secret (no token; 401 without it)"
    if rule.public:
        return "everyone, signed in or not"
    roles = "every signed-in role" if rule.roles == EVERYONE else ", ".join(sorted(rule.roles))
    return roles if rule.scope is Scope.ANY else f"{roles} ({rule.scope})"


def as_markdown() -> str:
    """The table for docs/security.md (`manage.py access_policy`)."""
    lines = ["| Route | Method | Who may use it |", "|---|---|---|"]
    lines += [f"| page `{name}` | {method} | {_who(rule)} |"
              for name, methods in WEB.items() for method, rule in methods.items()]
    lines += [f"| API `{path}` | {method} | {_who(rule)} |"
              for path, methods in API.items() for method, rule in methods.items()]
    return "\n".join(lines)
