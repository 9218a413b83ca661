from typing import Any

from django.http import HttpRequest

from peersupport.accounts.models import Role
from peersupport.accounts.two_factor import second_step_pending
from peersupport.front.hubs import hub_of

# (url name, label) of the pages each role uses, in the order the role needs them.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    # The daily work first; the rest of the team's and the program's pages are one tap away on
    # the Team and Program pages (peersupport/front/hubs.py), so the menu stays one row.
    Role.DIRECTOR: [
        ("queue", "Queue"),
        ("overview", "Overview"),
        ("cases", "Cases"),
        ("roster", "Roster"),
        ("supporters", "Supporters"),
        ("team-hub", "Team"),
        ("program-hub", "Program"),
        ("resources", "Resources"),
        ("referral-new", "Refer"),
    ],
    Role.ADMINISTRATOR: [
        ("queue", "Queue"),
        ("overview", "Overview"),
        ("cases", "Cases"),
        ("roster", "Roster"),
        ("supporters", "Supporters"),
        ("team-hub", "Team"),
        ("program-hub", "Program"),
        ("resources", "Resources"),
        ("referral-new", "Refer"),
    ],
    Role.SUPPORTER: [
        ("my-cases", "My peers"),
        ("my-team", "My participation"),
        ("guide", "Guide"),
        ("my-training", "My training"),
        ("resources", "Resources"),
        ("referral-new", "Refer a colleague"),
    ],
    Role.REFERRER: [("referral-new", "Refer")],
    Role.CLINICIAN: [("support-ask", "Ask for support"), ("referral-new", "Refer a colleague")],
    Role.LEADER: [
        ("reports", "Reports"),
        ("team-composition", "Team"),
        ("planner", "Planner"),
        ("feedback-report", "Feedback"),
    ],
    Role.SYSTEM_LEADER: [("reports", "Reports")],
    Role.INTEGRATION: [("home", "API")],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_role": "", "nav_items": []}
    if second_step_pending(user, getattr(request, "session", None)):
        # Nothing to go to before the sign-in code but the code page and sign-out.
        return {"current_role": user.role, "nav_items": []}
    items = list(NAVIGATION.get(user.role, []))
    if user.person_id and ("support-ask", "Ask for support") not in items:
        # Anyone on the roster may ask for support for themself.
        items.append(("support-ask", "Ask for support"))
    if user.person_id:
        items.append(("about-me", "About me"))
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    # A page gathered on the Team or Program page marks that menu item as where the person is.
    hub = hub_of(current or "")
    if hub is not None:
        current = f"{hub}-hub"
    return {
        "current_role": user.role,
        "nav_items": [
            {"url_name": name, "label": label, "current": name == current} for name, label in items
        ],
    }
