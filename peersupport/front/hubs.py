"""The two pages that gather the program staff's less daily work, so the menu stays short.

"Team" holds forming, training and keeping the supporters; "Program" holds what the program shows
and plans, and its own settings. Each link is listed for a role only when the access-policy table
(peersupport/accounts/policy.py) lets that role open the page, so a hub never offers a page that
would answer 403.
"""

from dataclasses import dataclass

from peersupport.accounts.models import User
from peersupport.accounts.policy import GET, WEB


@dataclass(frozen=True)
class HubLink:
    url_name: str
    label: str
    description: str


TEAM = "team"
PROGRAM = "program"

HUBS: dict[str, tuple[HubLink, ...]] = {
    TEAM: (
        HubLink("recruit-campaigns", "Recruiting",
                "Nomination campaigns, and the candidates colleagues named, on their way to the team."),
        HubLink("training", "Training", "Courses, sessions and attendance; refreshers that fall due."),
        HubLink("meetings", "Meetings", "The quarterly supporter meetings: invitations, answers, attendance, "
                                        "and the role-play plan."),
        HubLink("debriefs", "Group debriefs", "Sessions for a team an event touched: facilitators, invitations, "
                                              "the record, and a follow-up link to one-to-one support."),
        HubLink("scenarios", "Practice scenarios", "The role-play situations used at the meetings."),
        HubLink("on-call", "On call", "The on-call rota for the coming weeks, and who is on call now."),
        HubLink("recognition", "Recognition", "Supporters who chose to be recognized, and letters of appreciation."),
        HubLink("team-composition", "Composition",
                "The team beside the people it serves, and whom it cannot match well."),
    ),
    PROGRAM: (
        HubLink("reports", "Reports", "Referrals, outcomes, conversations and resources by period, beside the "
                                      "previous one; exports and charts, small counts hidden."),
        HubLink("feedback-report", "Feedback from peers", "What supported peers said, in aggregate."),
        HubLink("planner", "Planner", "Whom to serve next, and what it would take."),
        HubLink("publicity", "Publicity", "The poster, wallet cards, places to publicize, and which "
                                          "publicity brings referrals."),
        HubLink("program-settings", "Settings", "Whom the program serves, due times, matching, retention, "
                                                "who sees cases."),
        HubLink("program-staff", "Program staff", "Protected time, absences and the deputy."),
        HubLink("logins", "Logins", "Who can sign in, and in which role."),
        HubLink("api-tokens", "Integration tokens", "Keys for the reporting system, the HR feed and "
                                                    "scripts: what each may do, until when, its last use."),
    ),
}


def may_open(user: User, url_name: str) -> bool:
    rule = WEB.get(url_name, {}).get(GET)
    return rule is not None and (rule.public or user.role in rule.roles)


def hub_links(user: User, hub: str) -> list[HubLink]:
    return [link for link in HUBS[hub] if may_open(user, link.url_name)]


def hub_of(url_name: str) -> str | None:
    """The hub a page belongs to, so the menu can mark it as where the person is."""
    return next((hub for hub, links in HUBS.items() if url_name in {link.url_name for link in links}), None)
