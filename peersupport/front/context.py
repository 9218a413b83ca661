from typing import Any

from django.http import HttpRequest

from peersupport.accounts.models import Role
from peersupport.accounts.two_factor import second_step_pending

# (url name, label) of the pages each role uses, in the order the role needs them.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.DIRECTOR: [
        ("queue", "Queue"),
        ("overview", "Overview"),
        ("cases", "Cases"),
        ("roster", "Roster"),
        ("supporters", "Supporters"),
        ("meetings", "Meetings"),
        ("recruit-campaigns", "Recruiting"),
        ("training", "Training"),
        ("on-call", "On call"),
        ("recognition", "Recognition"),
        ("resources", "Resources"),
        ("referral-new", "Refer"),
        ("team-composition", "Team"),
        ("reports", "Reports"),
        ("program-settings", "Settings"),
        ("logins", "Logins"),
    ],
    Role.ADMINISTRATOR: [
        ("queue", "Queue"),
        ("overview", "Overview"),
        ("cases", "Cases"),
        ("roster", "Roster"),
        ("supporters", "Supporters"),
        ("meetings", "Meetings"),
        ("recruit-campaigns", "Recruiting"),
        ("training", "Training"),
        ("resources", "Resources"),
        ("referral-new", "Refer"),
        ("team-composition", "Team"),
        ("reports", "Reports"),
        ("program-settings", "Settings"),
        ("logins", "Logins"),
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
    Role.LEADER: [("reports", "Reports"), ("team-composition", "Team")],
    Role.INTEGRATION: [("home", "API")],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_role": "", "nav_items": []}
    if second_step_pending(user):
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
    return {
        "current_role": user.role,
        "nav_items": [
            {"url_name": name, "label": label, "current": name == current} for name, label in items
        ],
    }
