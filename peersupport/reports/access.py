"""Who reads the program's reports: leadership, the director and the administrator (aggregates
only, small counts hidden; program staff see the cases themselves anyway)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.accounts.models import Role, User

# The system leader reads every program's (`reports.scope`), and no case at all.
REPORT_READERS = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR, Role.LEADER, Role.SYSTEM_LEADER})


def require_report_reader(user: User) -> None:
    if user.role not in REPORT_READERS:
        raise PermissionDenied(_("Reports are for leadership and the program's staff."))


# The case-for-support deck is one program's (its figures, feedback, team and assumptions): not the
# system leader's, who reads every program's reports instead.
DECK_READERS = REPORT_READERS - {Role.SYSTEM_LEADER}
DECK_DENIED = gettext_lazy("The case-for-support deck is a program's: its leadership and staff download it.")


def require_deck_reader(user: User) -> None:
    if user.role not in DECK_READERS:
        raise PermissionDenied(DECK_DENIED)
